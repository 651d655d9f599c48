"""A conversation clock the test moves forward: the stand-in for a member who says nothing for
a while, instead of a real sleep as long as the session timeout."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator

import attrs

from simulator.demo import Demo, running_demo
from tests.redis_server import cluster_mode


@attrs.define
class ShiftedClock:
    """The wall clock plus an offset that only grows."""

    offset: dt.timedelta = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += dt.timedelta(seconds=seconds)

    def reset(self) -> None:
        self.offset = dt.timedelta()


@contextlib.asynccontextmanager
async def clocked_demo(
    redis_url: str, key_prefix: str, clock: ShiftedClock, session_timeout: int
) -> AsyncIterator[Demo]:
    """The demo stack on `clock`, reset to the wall clock, with that session timeout."""
    clock.reset()
    async with running_demo(
        "127.0.0.1",
        0,
        redis_url,
        key_prefix=key_prefix,
        session_timeout_seconds=session_timeout,
        clock=clock,
        redis_cluster=cluster_mode(),
    ) as running:
        yield running
