"""The Dockerfile and docker-compose.yml, checked by reading them (no Docker engine here)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from runtime.settings import load_settings, required_setting_names

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(data, dict)
    return data


def _resolve(value: str) -> str:
    # Compose's ${NAME:-default} with no NAME set in the environment.
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", str(value))


def test_compose_has_app_redis_jaeger_and_credex_simulator() -> None:
    services = _compose()["services"]
    assert {"app", "redis", "jaeger", "credex-sim"} <= set(services)
    assert "8000:8000" in services["app"]["ports"]
    assert "16686:16686" in services["jaeger"]["ports"]
    assert "4318:4318" in services["jaeger"]["ports"]
    assert "3000:3000" in services["credex-sim"]["ports"]


def test_compose_redis_persists_to_a_volume() -> None:
    compose = _compose()
    redis = compose["services"]["redis"]
    assert "--appendonly" in redis["command"]
    assert any(v.endswith(":/data") for v in redis["volumes"])
    assert "redis-data" in compose["volumes"]


def test_compose_gives_the_app_every_required_setting_and_they_validate() -> None:
    env = {k: _resolve(v) for k, v in _compose()["services"]["app"]["environment"].items()}
    for name in required_setting_names():
        assert name in env, f"{name} missing from the app service"
    settings = load_settings(env)
    assert settings.redis_url == "redis://redis:6379/0"
    assert settings.credex_api_url == "http://credex-sim:3000/v1"
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://jaeger:4318"


def test_compose_app_uses_the_simulator_api_key() -> None:
    services = _compose()["services"]
    key = _resolve(services["app"]["environment"]["CREDEX_CLIENT_API_KEY"])
    sim_command = [_resolve(part) for part in services["credex-sim"]["command"]]
    assert sim_command[sim_command.index("--client-api-key") + 1] == key


def test_dockerfile_is_multistage_slim_nonroot_with_healthcheck() -> None:
    text = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM\s+(\S+)\s+AS\s+(\S+)", text, flags=re.M)
    assert len(stages) >= 2
    assert stages[-1][0].endswith("-slim")
    assert re.search(r"^USER\s+(?!root)\w+", text, flags=re.M)
    health = re.search(r"^HEALTHCHECK\s+(.*)$", text, flags=re.M)
    assert health and "--interval=30s" in health.group(1)
    assert "/healthz" in text
    assert re.search(r'^ENTRYPOINT\s+\["vimbiso",\s*"serve"\]', text, flags=re.M)
    for source in ("pyproject.toml", "constraints.txt", "actors", "parser", "gateway", "runtime"):
        assert source in text
