"""One view of the fleet: with `vimbiso serve --workers 2` a scrape of /metrics reports every
worker's counters (labelled `worker`), whichever worker answers it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from gateway.routes.worker_metrics import WRITE_INTERVAL
from simulator.redis_server import free_port
from tests.foundation.test_serve import _children, _wait_healthy
from tests.gateway.test_settings import VALID

FORGED = 40
_REJECTED = re.compile(r"^vimbiso_webhook_rejected_total\{([^}]*)\} ([0-9.e+]+)$", re.M)


def _forge(port: int) -> None:
    # A fresh connection each time, so SO_REUSEPORT spreads them over the workers.
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhook",
        data=b'{"object":"whatsapp_business_account","entry":[]}',
        headers={"X-Hub-Signature-256": "sha256=" + "0" * 64, "Connection": "close"},
    )
    try:
        urllib.request.urlopen(request, timeout=5).close()
    except urllib.error.HTTPError as refused:
        assert refused.code == 403
        refused.close()


def _rejected_by_worker(port: int) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    counts: dict[str, float] = {}
    for labels, value in _REJECTED.findall(text):
        worker = re.search(r'worker="([^"]+)"', labels)
        assert worker, labels  # every sample says which worker it came from
        counts[worker.group(1)] = counts.get(worker.group(1), 0) + float(value)
    return counts


def _settled(port: int, sent: int) -> dict[str, float]:
    """The per-worker counts once the scrape accounts for every request sent."""
    deadline = time.monotonic() + 20
    seen = _rejected_by_worker(port)
    while sum(seen.values()) != sent and time.monotonic() < deadline:
        time.sleep(0.3)  # each worker writes its counts once a second
        seen = _rejected_by_worker(port)
    return seen


def test_metrics_of_two_workers_report_both_workers_counts(redis_url: str) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WHATSAPP_", "NOTIFY_"))}
    env |= VALID | {"REDIS_URL": redis_url, "PORT": str(port), "HOST": "127.0.0.1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "gateway.cli", "serve", "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_healthy(f"http://127.0.0.1:{port}/healthz", time.monotonic() + 30)
        workers = {str(pid) for pid in _children(proc.pid)}
        # Until both workers have taken some (the second may still be starting), in rounds.
        sent = 0
        seen: dict[str, float] = {}
        while sent < 10 * FORGED:
            for _ in range(FORGED):
                _forge(port)
            sent += FORGED
            seen = _settled(port, sent)
            if len(seen) == 2:
                break
        assert sum(seen.values()) == sent, seen
        assert set(seen) <= workers, (seen, workers)
        assert len(seen) == 2, f"one worker took all {sent} connections: {seen}"
        # Every scrape sees the whole service, whichever worker answers it, once each worker
        # has written its file since the last request (the other's counts lag by up to
        # WRITE_INTERVAL: the answering worker's own are live, the others' come from files).
        time.sleep(2.5 * WRITE_INTERVAL)
        for _ in range(10):
            assert sum(_rejected_by_worker(port).values()) == sent
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
