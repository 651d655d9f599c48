"""`vimbiso serve` failing to start says which setting and why, in one line, and exits 2;
`--check` catches what it can without connecting; `--workers N` restarts a worker or the ingress
that dies."""

from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from gateway.settings import SettingsError, load_settings
from runtime.cipher import FieldCipher, key_id
from simulator.redis_server import free_port
from tests.foundation.test_cli import _vimbiso
from tests.foundation.test_serve import _children, _wait_healthy
from tests.gateway.test_settings import VALID


def _problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("vimbiso serve:")]


def _fails_with_one_line(done: subprocess.CompletedProcess[str], setting: str) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr[-2000:])
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    [line] = _problem_lines(done.stderr)
    assert line.startswith(f"vimbiso serve: {setting}"), line
    return line


def test_unreachable_redis_names_redis_url_without_its_password() -> None:
    url = f"redis://:hunter2-secret@127.0.0.1:{free_port()}/0"
    done = _vimbiso("serve", env=VALID | {"REDIS_URL": url, "PORT": str(free_port())})
    line = _fails_with_one_line(done, "REDIS_URL")
    assert "cannot reach Redis at 127.0.0.1:" in line
    assert "hunter2" not in done.stderr


def test_port_in_use_names_port(redis_url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = VALID | {"REDIS_URL": redis_url, "HOST": "127.0.0.1", "PORT": str(port)}
        done = _vimbiso("serve", env=env)
    line = _fails_with_one_line(done, "PORT")
    assert f"{port} is already in use" in line


def test_a_host_this_machine_does_not_have_names_host(redis_url: str) -> None:
    # A well-formed address that is not ours: only binding can tell.
    env = VALID | {"REDIS_URL": redis_url, "HOST": "192.0.2.123", "PORT": str(free_port())}
    _fails_with_one_line(_vimbiso("serve", env=env), "HOST")


@pytest.mark.parametrize(
    ("setting", "value", "words"),
    [
        ("HOST", "999.1.1.1", "not a valid IP address"),
        ("HOST", "bad host!", "IP address"),
        ("REDIS_URL", "redis://:pw@", "has no host"),
        ("REDIS_URL", "redis://:pw@/0", "has no host"),
        ("REDIS_URL", "redis://127.0.0.1:99999/0", "port"),
    ],
)
def test_check_catches_bad_values_without_connecting(setting: str, value: str, words: str) -> None:
    for args in (("serve", "--check"), ("serve",)):
        done = _vimbiso(*args, env=VALID | {setting: value})
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        [line] = [row for row in done.stderr.splitlines() if setting in row]
        assert words in line
        assert "pw@" not in done.stderr  # REDIS_URL is a secret: never echoed


def test_check_says_what_it_did_not_check() -> None:
    done = _vimbiso("serve", "--check", env=VALID)
    assert done.returncode == 0, done.stderr
    assert "without connecting" in done.stdout


def test_a_worker_or_the_ingress_that_dies_is_restarted_and_logged(redis_url: str) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "NOTIFY_"))}
    env |= VALID | {"REDIS_URL": redis_url, "PORT": str(port), "HOST": "127.0.0.1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "serve", "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_healthy(f"http://127.0.0.1:{port}/healthz", time.monotonic() + 30)
        # The ingress starts first (the workers only once it listens): the lowest pid.
        ingress, *workers = sorted(_workers(proc.pid, 3))
        killed = []
        for victim in (workers[0], ingress):
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)
            deadline = time.monotonic() + 30
            after = _workers(proc.pid, 3)
            while (victim in after or len(after) < 3) and time.monotonic() < deadline:
                time.sleep(0.2)
                after = _workers(proc.pid, 3)
            assert victim not in after and len(after) == 3, (victim, after)
            _wait_healthy(f"http://127.0.0.1:{port}/healthz", time.monotonic() + 30)
        assert workers[1] in after  # the survivor was left alone
        for _ in range(10):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                assert r.status == 200
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=30)
        assert proc.stderr is not None
        log = proc.stderr.read()
        assert code == 0, [line for line in log.splitlines() if '"INFO"' not in line][-20:]
        for victim in killed:
            assert f"pid {victim}) died (signal SIGKILL); restarted" in log, log[-3000:]
        # Named by role: the ingress is not "worker 0".
        assert f'"ingress (pid {ingress}) died' in log, log[-3000:]
        assert f"pid {workers[0]}) died" in log and "worker 0" not in log, log[-3000:]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _workers(parent: int, count: int) -> list[int]:
    """The parent's worker processes (spawn also starts a resource tracker: not a worker)."""
    deadline = time.monotonic() + 30
    while True:
        found = [pid for pid in _children(parent) if _is_worker(pid)]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def _is_worker(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"resource_tracker" not in f.read()
    except FileNotFoundError:
        return False


def test_check_says_which_keys_are_in_use_by_id_never_by_value() -> None:
    previous = base64.b64encode(os.urandom(32)).decode()
    env = VALID | {"STATE_ENCRYPTION_KEY_PREVIOUS": previous}
    done = _vimbiso("serve", "--check", env=env)
    assert done.returncode == 0, done.stderr
    current = FieldCipher.from_setting(VALID["STATE_ENCRYPTION_KEY"])
    assert f"STATE_ENCRYPTION_KEY: key id {current.key_id} seals new values" in done.stdout
    assert f"STATE_ENCRYPTION_KEY_PREVIOUS: {key_id(base64.b64decode(previous))}" in done.stdout
    assert previous not in done.stdout and VALID["STATE_ENCRYPTION_KEY"] not in done.stdout
    bad = _vimbiso("serve", "--check", env=VALID | {"STATE_ENCRYPTION_KEY_PREVIOUS": "short"})
    assert bad.returncode == 2 and "STATE_ENCRYPTION_KEY_PREVIOUS" in bad.stderr


@pytest.mark.parametrize(
    ("setting", "value", "words"),
    [
        ("TRUST_FORWARDED_FOR", "maybe", "must be true or false"),
        ("HTTP_READ_TIMEOUT_SECONDS", "0", "between 1 and 300"),
        ("HTTP_IDLE_TIMEOUT_SECONDS", "soon", "whole number"),
    ],
)
def test_edge_settings_are_validated_by_name(setting: str, value: str, words: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(VALID | {setting: value})
    [problem] = caught.value.problems
    assert problem.startswith(setting) and words in problem


def test_edge_settings_default_to_the_safe_choice() -> None:
    settings = load_settings(VALID)
    assert settings.trust_forwarded_for is False
    assert (settings.http_read_timeout_seconds, settings.http_idle_timeout_seconds) == (10, 15)
    assert load_settings(VALID | {"TRUST_FORWARDED_FOR": "true"}).trust_forwarded_for is True


def test_workers_that_cannot_start_are_not_restarted_and_the_service_exits_2() -> None:
    url = f"redis://127.0.0.1:{free_port()}/0"
    env = VALID | {"REDIS_URL": url, "PORT": str(free_port()), "HOST": "127.0.0.1"}
    done = _vimbiso("serve", "--workers", "2", env=env)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    lines = _problem_lines(done.stderr)
    assert lines and all(line.startswith("vimbiso serve: REDIS_URL") for line in lines)
    assert "restarted" not in done.stderr
