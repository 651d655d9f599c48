"""The `vimbiso` console script, run as a real process."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from tests.gateway.test_settings import VALID


def _vimbiso(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("vimbiso", path=os.path.dirname(sys.executable))
    command = [exe] if exe else [sys.executable, "-m", "gateway.cli"]
    base = {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "NOTIFY_"))}
    base.pop("REDIS_URL", None)
    return subprocess.run(
        [*command, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=base | (env or {}),
        check=False,
    )


def test_serve_without_settings_exits_nonzero_listing_every_problem() -> None:
    done = _vimbiso("serve")
    assert done.returncode == 2
    assert "WHATSAPP_APP_SECRET" in done.stderr
    assert "STATE_ENCRYPTION_KEY" in done.stderr
    assert "Traceback" not in done.stderr


def test_serve_check_accepts_a_valid_environment() -> None:
    done = _vimbiso("serve", "--check", env=VALID)
    assert done.returncode == 0, done.stderr
    assert "settings OK" in done.stdout


def test_help_lists_the_four_commands() -> None:
    done = _vimbiso("--help")
    assert done.returncode == 0
    for command in ("serve", "demo", "credex-sim", "bench"):
        assert command in done.stdout


def test_demo_offers_live_reloading() -> None:
    done = _vimbiso("demo", "--help")
    assert done.returncode == 0
    assert "--reload" in done.stdout
