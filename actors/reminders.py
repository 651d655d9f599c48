"""Reminders: the conversation's own events, recorded into its inbox at a later moment.

Used for G5: a send whose outcome is unknown is checked once credex-core has certainly finished
it (`Draft.settles_at`), and the member is told without having to write first. A reminder is
an ordinary inbox entry, so it is processed in order with the member's messages, by whichever
process owns the conversation then. Reminders live in this process only: if it dies first, the
draft stays "submitting" in Redis and the member's next message does the check instead.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

import anyio

from runtime.contracts import ConversationKey, Envelope, Recorder, StoreUnavailable

log = logging.getLogger(__name__)

MAX_PENDING = 10_000  # bounded (G6): one per conversation with an unsettled send at most
RETRY_SECONDS = 2.0  # Redis down when a reminder was due: try again this much later
MAX_TRIES = 30


class Reminders:
    """`schedule` from a turn; `run` (in the service's task group) records them when due."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._due: dict[ConversationKey, tuple[float, Envelope, int]] = {}
        self._recorder: Recorder | None = None
        self._changed: anyio.Event | None = None  # made in `run`: it needs the running loop

    def attach(self, recorder: Recorder) -> None:
        self._recorder = recorder

    def schedule(self, envelope: Envelope, at: float) -> None:
        """Record `envelope` at epoch second `at`; replaces the conversation's earlier one."""
        if envelope.key not in self._due and len(self._due) >= MAX_PENDING:
            log.warning("reminders full; the member's next message will do the check")
            return
        self._due[envelope.key] = (at, envelope, 0)
        if self._changed is not None:
            self._changed.set()

    @property
    def pending(self) -> int:
        return len(self._due)

    async def run(self) -> None:
        while True:
            changed = self._changed = anyio.Event()  # before any await: no wake-up is lost
            now = self._clock()
            for key, (at, envelope, tries) in list(self._due.items()):
                if at <= now and self._due.get(key) == (at, envelope, tries):
                    await self._record(key, envelope, tries)
            wait = min((at for at, _, _ in self._due.values()), default=math.inf) - self._clock()
            with anyio.move_on_after(max(0.0, min(wait, 3600.0))):
                await changed.wait()

    async def _record(self, key: ConversationKey, envelope: Envelope, tries: int) -> None:
        del self._due[key]
        if self._recorder is None:
            return
        try:
            await self._recorder.record([envelope])
        except StoreUnavailable:
            if tries + 1 < MAX_TRIES and key not in self._due:
                self._due[key] = (self._clock() + RETRY_SECONDS, envelope, tries + 1)
