"""Acknowledgements first: while a webhook delivery waits for its record, the actors' turns and
the outbox's sends about to start give way to it for a moment.

The event loop runs whatever is ready in turn, so an acknowledgement's few steps (the record's
round trip, the response) queue behind every turn and send that became ready beside them; a
pipeline of twenty actors' calls coming back wakes twenty turns at once. Meta measures the
acknowledgement and redelivers what it does not get in time, while a reply a few milliseconds
later is not noticed by anybody. So a turn or a send that is about to start while deliveries
are being acknowledged waits until they are (at most `wait_at_most`, so background work is
postponed, never starved). Work already started is not interrupted."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from contextlib import contextmanager


class AckFirst:
    def __init__(self, wait_at_most: float = 0.0) -> None:
        self.wait_at_most = wait_at_most  # 0 (without a runtime's config): nothing gives way
        self.in_flight = 0
        self._none = asyncio.Event()  # no acknowledgement in flight
        self._none.set()

    @contextmanager
    def acknowledging(self) -> Iterator[None]:
        """Around one webhook delivery, from its arrival to its answer."""
        self.in_flight += 1
        self._none.clear()
        try:
            yield
        finally:
            self.in_flight -= 1
            if not self.in_flight:
                self._none.set()

    async def give_way(self) -> None:
        """Before a unit of background work: wait while deliveries are being acknowledged."""
        if not self.in_flight or self.wait_at_most <= 0:
            return
        # Past the bound, acknowledgements keep coming: the work goes on beside them.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.wait_at_most):
                await self._none.wait()
