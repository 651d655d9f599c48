"""Reading a request body within a size and a time bound, and giving its memory back.

Unauthenticated load must stay cheap: a body larger than the route allows is refused from its
Content-Length before a byte is read, at most MAX_LARGE_IN_FLIGHT large bodies are read at once,
and a body that trickles in slower than HTTP_READ_TIMEOUT_SECONDS allows ends in 408 and a closed
connection. After a burst of large
bodies (a flood of 2.9 MB uploads) the C allocator keeps the freed pages for itself; once no
large body is in flight, a collection and `malloc_trim` hand them back, so the process returns
to its baseline.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
from collections.abc import Callable

from aiohttp import web

LARGE_BODY = 256 * 1024  # a real webhook is a few kilobytes; this much is worth tracking
TRIM_AFTER_BYTES = 16 * 1024 * 1024
# Large bodies read at once, per process; more get 503 at once (Meta retries a real one later).
# Bounds a flood of slow, signed-looking 2.9 MB uploads to this many times 3 MB of buffers.
MAX_LARGE_IN_FLIGHT = 8
# The connection of a refused body lingers (serve.LINGER_SECONDS) before its buffers go.
TRIM_DELAY_SECONDS = 3.0


def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None  # not glibc: nothing to hand back this way
    return trim


class _LargeBodies:
    """Large bodies in flight, and the bytes that went through since memory was handed back."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.since_trim = 0
        self._trim = _malloc_trim()
        self._pending: asyncio.TimerHandle | None = None

    def started(self) -> None:
        self.in_flight += 1

    def ended(self, size: int) -> None:
        self.in_flight -= 1
        self.passed(size)

    def passed(self, size: int) -> None:
        """`size` bytes went through aiohttp's buffers (read, or drained unread and dropped)."""
        self.since_trim += size
        if self.since_trim < TRIM_AFTER_BYTES or self._trim is None:
            return
        # Re-armed on every large body: the hand-back runs once the burst is over.
        if self._pending is not None:
            self._pending.cancel()
        self._pending = asyncio.get_running_loop().call_later(TRIM_DELAY_SECONDS, self._hand_back)

    def _hand_back(self) -> None:
        self._pending = None
        self.since_trim = 0
        # Refused requests sit in reference cycles (exception <-> frame <-> request), and
        # serve.py makes collections rare; collect them so their buffers are really free.
        gc.collect()
        if self._trim is not None:
            self._trim(0)


_LARGE = _LargeBodies()


def refused_unread(request: web.Request) -> None:
    """A request answered without reading its body: aiohttp still drains what it declared."""
    declared = request.content_length
    if declared is not None and declared >= LARGE_BODY:
        _LARGE.passed(declared)


async def read_body(request: web.Request, *, max_bytes: int, seconds: float) -> bytes:
    declared = request.content_length
    if declared is not None and declared > max_bytes:
        raise web.HTTPRequestEntityTooLarge(
            max_size=max_bytes, actual_size=declared, headers={"Connection": "close"}
        )
    large = declared is None or declared >= LARGE_BODY
    if large:
        if _LARGE.in_flight >= MAX_LARGE_IN_FLIGHT:
            _LARGE.passed(declared or max_bytes)
            raise web.HTTPServiceUnavailable(
                text="too many large uploads at once",
                headers={"Connection": "close", "Retry-After": "5"},
            )
        _LARGE.started()
    try:
        if request.content.is_eof():  # all of it arrived with the headers: nothing to wait for
            return await request.read()
        async with asyncio.timeout(seconds):
            return await request.read()
    except TimeoutError:
        raise web.HTTPRequestTimeout(
            text="request body too slow", headers={"Connection": "close"}
        ) from None
    finally:
        if large:
            _LARGE.ended(declared or max_bytes)
