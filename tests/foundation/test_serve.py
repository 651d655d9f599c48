"""`vimbiso serve` as an operator runs it: real processes, one port, SIGTERM exits 0."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

from simulator.redis_server import free_port
from tests.gateway.test_settings import VALID


def _wait_healthy(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} never became healthy")


def _children(pid: int) -> list[int]:
    path = f"/proc/{pid}/task/{pid}/children"
    with open(path) as f:
        return [int(p) for p in f.read().split()]


@contextlib.contextmanager
def serving(
    redis_url: str, workers: int, extra: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """`vimbiso serve --workers N` on a free port with valid settings (and `extra`); killed on
    exit if it is still running. Yields the process and its port."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "NOTIFY_"))}
    env |= VALID | {"REDIS_URL": redis_url, "PORT": str(port), "HOST": "127.0.0.1"}
    env |= extra or {}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "serve", "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield proc, port
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_serve_with_two_workers_shares_one_port_and_stops_cleanly_on_sigterm(
    redis_url: str,
) -> None:
    with serving(redis_url, 2) as (proc, port):
        _wait_healthy(f"http://127.0.0.1:{port}/healthz", time.monotonic() + 30)
        ingress, workers = ingress_and_workers(proc.pid, 2)
        for _ in range(20):  # the ingress answers on the port
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                assert r.status == 200
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        # The processes and multiprocessing's resource tracker (also a child) end on their own
        # once the parent has gone; the tracker notices a moment later, so allow it that.
        _all_gone([ingress, *workers], within=10)


def _all_gone(pids: list[int], within: float) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline and not all(_gone(pid) for pid in pids):
        time.sleep(0.05)
    assert [pid for pid in pids if not _gone(pid)] == []


def ingress_and_workers(parent: int, workers: int, within: float = 30.0) -> tuple[int, list[int]]:
    """The processes of `vimbiso serve --workers N`: the ingress (started first, so the lowest
    pid; the workers start once it listens) and the workers."""
    deadline = time.monotonic() + within
    while True:
        found = sorted(pid for pid in _children(parent) if not _is_tracker(pid))
        if len(found) >= workers + 1 or time.monotonic() > deadline:
            assert len(found) == workers + 1, found
            return found[0], found[1:]
        time.sleep(0.1)


def _gone(pid: int) -> bool:
    return not os.path.exists(f"/proc/{pid}") or _is_zombie(pid)


def _is_zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] == "Z"
    except FileNotFoundError:
        return True


def _is_spawned(pid: int) -> bool:
    """A process of `vimbiso serve` (multiprocessing's spawn), not its resource tracker."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read()
    except FileNotFoundError:
        return False
    return b"spawn_main" in cmdline and b"resource_tracker" not in cmdline


def _is_tracker(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return b"resource_tracker" in f.read()
    except FileNotFoundError:
        return False


def test_the_ingress_and_workers_end_when_their_supervisor_is_killed(redis_url: str) -> None:
    """SIGKILL leaves the parent no chance to stop them: they end on their own (they asked the
    kernel for a SIGTERM when it dies) instead of running orphaned beside a replacement."""
    with serving(redis_url, 1) as (proc, port):
        _wait_healthy(f"http://127.0.0.1:{port}/healthz", time.monotonic() + 30)
        ingress, workers = ingress_and_workers(proc.pid, 1)
        deadline = time.monotonic() + 15  # the worker sets it as it starts
        while _niceness(workers[0]) == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _niceness(workers[0]) > _niceness(ingress) == 0  # acknowledgements run first
        proc.kill()
        proc.wait()
        _all_gone([ingress, *workers], within=20)


def _niceness(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[16])


def test_a_sigterm_while_the_ingress_is_still_starting_stops_everything(redis_url: str) -> None:
    with serving(redis_url, 1) as (proc, _):
        deadline = time.monotonic() + 30
        started: list[int] = []
        while not started and time.monotonic() < deadline:
            # The ingress once spawned (so the supervisor's handlers are set); not some other
            # child, such as a subprocess an import runs before the supervisor starts.
            started = [pid for pid in _children(proc.pid) if _is_spawned(pid)]
            time.sleep(0.01)
        assert started, "no ingress was started"
        proc.send_signal(signal.SIGTERM)  # the ingress is importing, not yet listening
        assert proc.wait(timeout=30) == 0
        _all_gone(started, within=10)
