"""The Dockerfile and docker-compose.yml, checked by reading them (no Docker engine here)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from gateway.settings import load_settings, required_setting_names

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


def _stages(text: str) -> dict[str, str]:
    """Stage name -> the text of that stage."""
    parts = re.split(r"^(?=FROM\s)", text, flags=re.M)
    named = (re.match(r"FROM\s+\S+\s+AS\s+(\S+)", part) for part in parts)
    return {m.group(1): part for m, part in zip(named, parts, strict=True) if m}


def _base_image(stages: dict[str, str], stage: str) -> str:
    """Follow FROM <stage> back to the image the stage starts from."""
    base = re.match(r"FROM\s+(\S+)", stages[stage])
    assert base
    return _base_image(stages, base.group(1)) if base.group(1) in stages else base.group(1)


def test_dockerfile_is_multistage_slim_nonroot_with_healthcheck() -> None:
    text = (ROOT / "Dockerfile").read_text()
    stages = re.findall(r"^FROM\s+(\S+)\s+AS\s+(\S+)", text, flags=re.M)
    assert len(stages) >= 2
    assert _base_image(_stages(text), stages[-1][1]).endswith("-slim")
    assert re.search(r"^USER\s+(?!root)\w+", text, flags=re.M)
    health = re.search(r"^HEALTHCHECK\s+(.*)$", text, flags=re.M)
    assert health and "--interval=30s" in health.group(1)
    assert "/healthz" in text
    assert re.search(r'^ENTRYPOINT\s+\["vimbiso",\s*"serve"\]', text, flags=re.M)
    for source in ("pyproject.toml", "constraints.txt", "actors", "parser", "gateway", "runtime"):
        assert source in text


def test_the_default_image_holds_no_simulator_and_compose_builds_one_for_credex_sim() -> None:
    text = (ROOT / "Dockerfile").read_text()
    stages = _stages(text)
    default = list(stages)[-1]
    # The default image copies its venv from a stage that never saw the simulators.
    source = re.search(r"COPY --from=(\S+) /opt/venv", stages[default])
    assert source and "simulator" not in stages[source.group(1)]
    assert "demo]" not in stages[source.group(1)]  # no demo extra in the product's venv
    services = _compose()["services"]
    assert services["credex-sim"]["build"]["target"] in stages
    assert "simulator" in stages["build-simulators"]
    assert services["app"]["build"]["target"] == default
