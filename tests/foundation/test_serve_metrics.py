"""One view of the fleet: with `vimbiso serve --workers 2` a scrape of /metrics (answered by the
ingress) reports every process's counters, labelled `worker` with its pid: the ingress's
webhook counts and the workers' turns."""

from __future__ import annotations

import re
import secrets
import signal
import time
import urllib.error
import urllib.request

import redis

from gateway.routes.worker_metrics import WRITE_INTERVAL
from gateway.whatsapp.signature import sign
from runtime.config import KEY_PREFIX
from runtime.keys import Keys
from simulator.whatsapp.webhook_builder import WebhookBuilder, encode
from tests.foundation.test_serve import _children, _wait_healthy, serving
from tests.gateway.test_settings import VALID

FORGED = 40
RUN = secrets.randbelow(10_000)  # members of this run only, whatever earlier runs left in Redis
HOOKS = WebhookBuilder(VALID["WHATSAPP_PHONE_NUMBER_ID"], "15550783881")
MESSAGES = 30
_REJECTED = re.compile(r"^vimbiso_webhook_rejected_total\{([^}]*)\} ([0-9.e+]+)$", re.M)
_PROCESSED = re.compile(r"^runtime_processed_total\{([^}]*)\} ([0-9.e+]+)$", re.M)


def _forge(port: int) -> None:
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


def _send_help(port: int, n: int) -> None:
    """A signed `help` from member n: recorded by the ingress, answered by some worker."""
    body = encode(HOOKS.text(f"26378{RUN:04d}{n:03d}", "Member", "help"))
    signature = sign(body, VALID["WHATSAPP_APP_SECRET"])
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/webhook",
        data=body,
        headers={"X-Hub-Signature-256": signature, "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert answer.status == 200


def _by_process(port: int, pattern: re.Pattern[str]) -> dict[str, float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        text = response.read().decode()
    counts: dict[str, float] = {}
    for labels, value in pattern.findall(text):
        worker = re.search(r'worker="([^"]+)"', labels)
        assert worker, labels  # every sample says which process it came from
        counts[worker.group(1)] = counts.get(worker.group(1), 0) + float(value)
    return counts


def _settled(port: int, pattern: re.Pattern[str], total: int) -> dict[str, float]:
    """The per-process counts once the scrape accounts for `total`."""
    deadline = time.monotonic() + 20
    seen = _by_process(port, pattern)
    while sum(seen.values()) != total and time.monotonic() < deadline:
        time.sleep(0.3)  # each process writes its counts once a second
        seen = _by_process(port, pattern)
    return seen


def test_metrics_of_two_workers_report_the_ingress_and_both_workers_counts(
    redis_url: str,
) -> None:
    with serving(redis_url, 2) as (proc, port):
        _wait_healthy(f"http://127.0.0.1:{port}/healthz", time.monotonic() + 30)
        processes = {str(pid) for pid in _children(proc.pid)}
        for _ in range(FORGED):
            _forge(port)
        # The ingress answers every request: the rejections are all its own.
        rejected = _settled(port, _REJECTED, FORGED)
        assert sum(rejected.values()) == FORGED and len(rejected) == 1, rejected
        (ingress,) = rejected
        assert ingress in processes
        # The members' messages are answered by the workers, both of them (rendezvous hashing
        # over the live workers), and a scrape of the ingress reports their counts.
        deadline = time.monotonic() + 20
        while len(_beating(redis_url, processes)) < 2:
            assert time.monotonic() < deadline, "the workers never beat"
            time.sleep(0.2)
        time.sleep(1.5)  # the ingress reads the live hosts once a second
        for n in range(MESSAGES):
            _send_help(port, n)
        processed = _settled(port, _PROCESSED, MESSAGES)
        assert sum(processed.values()) == MESSAGES, processed
        assert len(processed) == 2 and ingress not in processed, processed
        assert set(processed) <= processes, (processed, processes)
        # Every scrape sees the whole service (the others' counts come from their files,
        # rewritten every WRITE_INTERVAL).
        time.sleep(2.5 * WRITE_INTERVAL)
        for _ in range(5):
            assert sum(_by_process(port, _PROCESSED).values()) == MESSAGES
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0


def _beating(redis_url: str, pids: set[str]) -> set[str]:
    """Which of these processes wrote a heartbeat in the last seconds (a process id reads
    `host-pid-random`)."""
    client = redis.Redis.from_url(redis_url)
    try:
        shards = Keys(KEY_PREFIX).hosts_shards()
        beats = [b for shard in shards for b in client.zrange(shard, 0, -1, withscores=True)]
    finally:
        client.close()
    fresh = {member.decode().split("-")[-2] for member, beat in beats if beat > time.time() - 3}
    return fresh & pids
