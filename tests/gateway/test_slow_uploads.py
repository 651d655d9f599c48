"""Unauthenticated load is cheap, proven on a real `vimbiso serve` (its ingress process, which
answers every HTTP request) over real sockets:
unsigned POSTs are refused before their body is read, slow bodies end in 408, idle connections
are closed, and the process's memory returns to its baseline after 100 slow 2.9 MB uploads."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator

import pytest

from gateway.routes.body import MAX_LARGE_IN_FLIGHT
from tests.foundation.test_serve import _wait_healthy, ingress_and_workers, serving

BODY = 2_900_000
READ_SECONDS, IDLE_SECONDS = 2, 3
GOOD_FORM = "sha256=" + "ab" * 32  # well formed, wrong: only the body can tell


@pytest.fixture
def server(redis_url: str) -> Iterator[tuple[int, int]]:
    extra = {
        "HTTP_READ_TIMEOUT_SECONDS": str(READ_SECONDS),
        "HTTP_IDLE_TIMEOUT_SECONDS": str(IDLE_SECONDS),
        "OTEL_TRACES_EXPORTER": "none",
    }
    with serving(redis_url, 1, extra) as (proc, port):
        _wait_healthy(f"http://127.0.0.1:{port}/healthz", time.monotonic() + 30)
        ingress, _ = ingress_and_workers(proc.pid, 1)
        yield port, ingress  # the process that reads the uploads
        proc.terminate()
        proc.wait(timeout=30)


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def _head(port: int, signature: str | None, length: int = BODY) -> bytes:
    lines = [
        "POST /webhook HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Content-Type: application/json",
        f"Content-Length: {length}",
    ]
    if signature is not None:
        lines.append(f"X-Hub-Signature-256: {signature}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def _slow_upload(
    port: int, signature: str | None, answered: asyncio.Queue[bytes], hold: asyncio.Event
) -> None:
    """Send all of a 2.9 MB body but its last byte, report the answer, hold the connection."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(_head(port, signature))
        chunk = b"x" * 65536
        sent = 0
        try:
            while sent < BODY - 1:
                piece = chunk[: BODY - 1 - sent]
                writer.write(piece)
                sent += len(piece)
                await asyncio.wait_for(writer.drain(), 5)
        except (ConnectionError, TimeoutError):
            pass  # the server stopped reading or closed: what we want
        await answered.put(await asyncio.wait_for(reader.read(200), 30))
        await hold.wait()
    finally:
        writer.close()


async def _attack(
    port: int, pid: int, signature: str | None, count: int
) -> tuple[list[bytes], float]:
    """`count` slow uploads at once; their answers and the server's peak RSS meanwhile."""
    answered: asyncio.Queue[bytes] = asyncio.Queue()
    hold = asyncio.Event()
    uploads = [
        asyncio.create_task(_slow_upload(port, signature, answered, hold)) for _ in range(count)
    ]
    answers: list[bytes] = []
    peak = _rss_mb(pid)
    async with asyncio.timeout(90):
        while len(answers) < count:
            with contextlib.suppress(TimeoutError):
                answers.append(await asyncio.wait_for(answered.get(), 0.05))
            peak = max(peak, _rss_mb(pid))
    hold.set()
    await asyncio.gather(*uploads)
    return answers, peak


def _settles_to(pid: int, ceiling: float, within: float) -> float:
    deadline = time.monotonic() + within
    rss = _rss_mb(pid)
    while rss > ceiling and time.monotonic() < deadline:
        time.sleep(0.2)
        rss = _rss_mb(pid)
    return rss


def test_hundred_slow_unsigned_uploads_are_refused_unread_and_memory_stays_flat(
    server: tuple[int, int],
) -> None:
    port, pid = server
    baseline = _rss_mb(pid)
    answers, peak = asyncio.run(_attack(port, pid, None, 100))
    assert all(a.startswith(b"HTTP/1.1 401") for a in answers), {a[:20] for a in answers}
    # Unread bodies cost at most aiohttp's read buffer each: far from 100 x 2.9 MB.
    assert peak - baseline < 60, (baseline, peak)
    after = _settles_to(pid, baseline + 15, within=20)
    assert after <= baseline + 15, (baseline, peak, after)


def test_slow_signed_looking_bodies_are_bounded_end_in_408_and_memory_returns(
    server: tuple[int, int],
) -> None:
    port, pid = server
    baseline = _rss_mb(pid)
    answers, peak = asyncio.run(_attack(port, pid, GOOD_FORM, 30))
    statuses = {a[:12] for a in answers}
    # The first few are read until the read timeout; the rest are turned away at once.
    assert statuses <= {b"HTTP/1.1 408", b"HTTP/1.1 503"}, statuses
    assert sum(a.startswith(b"HTTP/1.1 408") for a in answers) == MAX_LARGE_IN_FLIGHT
    assert peak - baseline < MAX_LARGE_IN_FLIGHT * 3 * 2 + 40, (baseline, peak)
    after = _settles_to(pid, baseline + 15, within=20)
    assert after <= baseline + 15, (baseline, peak, after)


def test_a_declared_oversized_body_is_refused_before_it_is_sent(
    server: tuple[int, int],
) -> None:
    port, _ = server

    async def ask() -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(_head(port, GOOD_FORM, length=50_000_000))
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(200), 10)
        writer.close()
        return answer

    assert asyncio.run(ask()).startswith(b"HTTP/1.1 413")


def test_an_idle_connection_is_closed_after_the_idle_timeout(server: tuple[int, int]) -> None:
    port, _ = server

    async def idle() -> bytes:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            # EOF (b"") once the server gives up on us; the bound is generous on purpose.
            return await asyncio.wait_for(reader.read(100), IDLE_SECONDS + 20)
        finally:
            writer.close()

    assert asyncio.run(idle()) == b""
