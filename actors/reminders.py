"""Reminders: the conversation's own events, recorded into its inbox at a later moment.

Used for G5: a send whose outcome is unknown is checked once credex-core has certainly finished
it (`Draft.settles_at`), and the member is told without having to write first. A reminder is
an ordinary inbox entry, so it is processed in order with the member's messages, by whichever
process owns the conversation then. Reminders are kept in a `ReminderBook` every process shares
(Redis), and every process looks for due ones, so a process that dies does not take the check
with it: a survivor records it when due. Recording twice is harmless (the inbox drops a message
id it has seen), so two processes may race for one.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from typing import Protocol

import anyio
import attrs

from runtime.contracts import ConversationKey, Envelope, Recorder, StoreUnavailable

log = logging.getLogger(__name__)

MAX_UNSAVED = 10_000  # bounded (G6): one per conversation with an unsettled send at most
RETRY_SECONDS = 2.0  # the book (Redis) was down: try again this much later
LOOK_EVERY = 2.0  # how often to look for reminders other processes left (one dies: its own)
BATCH = 100  # due reminders taken per look


@attrs.frozen
class Due:
    """A reminder in the book: record `envelope` at epoch second `at`."""

    at: float
    envelope: Envelope
    entry: bytes | str  # the book's own record of it, so `done` removes exactly this one


class ReminderBook(Protocol):
    """Pending reminders shared by every process; raises `StoreUnavailable` when it cannot."""

    async def put(self, envelope: Envelope, at: float) -> None: ...

    async def due(self, now: float, limit: int) -> Sequence[Due]: ...

    async def done(self, due: Due) -> None:
        """Forget `due`, unless the conversation has a newer reminder by now."""
        ...


class Reminders:
    """`schedule` from a turn; `run` (in the service's task group) saves them to the book and
    records every due one, this process's or not."""

    def __init__(self, book: ReminderBook, clock: Callable[[], float] = time.time) -> None:
        self._book = book
        self._clock = clock
        self._unsaved: dict[ConversationKey, tuple[float, Envelope]] = {}
        self._soonest = math.inf  # the earliest reminder this process saved and still awaits
        self._recorder: Recorder | None = None
        self._changed: anyio.Event | None = None  # made in `run`: it needs the running loop

    def attach(self, recorder: Recorder) -> None:
        self._recorder = recorder

    def schedule(self, envelope: Envelope, at: float) -> None:
        """Record `envelope` at epoch second `at`; replaces the conversation's earlier one.
        Synchronous (called from a turn); `run` saves it to the book a moment later."""
        if envelope.key not in self._unsaved and len(self._unsaved) >= MAX_UNSAVED:
            log.warning("reminders full; the member's next message will do the check")
            return
        self._unsaved[envelope.key] = (at, envelope)
        if self._changed is not None:
            self._changed.set()

    @property
    def pending(self) -> int:
        """Reminders not yet saved to the book."""
        return len(self._unsaved)

    async def run(self) -> None:
        while True:
            changed = self._changed = anyio.Event()  # before any await: no wake-up is lost
            wait = LOOK_EVERY
            try:
                await self._save()
                await self._record_due()
            except StoreUnavailable as exc:
                log.warning("reminders: the book is unavailable", extra={"reason": str(exc)})
                wait = RETRY_SECONDS
            if not self._unsaved:
                wait = min(wait, max(0.0, self._soonest - self._clock()))
            with anyio.move_on_after(wait):
                await changed.wait()

    async def _save(self) -> None:
        for key, (at, envelope) in list(self._unsaved.items()):
            await self._book.put(envelope, at)
            if self._unsaved.get(key) == (at, envelope):  # not replaced while it was saved
                del self._unsaved[key]
            self._soonest = min(self._soonest, at)

    async def _record_due(self) -> None:
        now = self._clock()
        if self._recorder is None:
            return
        if self._soonest <= now:
            self._soonest = math.inf  # looked for now; a later look finds any left over
        for due in await self._book.due(now, BATCH):
            await self._recorder.record([due.envelope])
            await self._book.done(due)
