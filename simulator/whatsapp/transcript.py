"""The simulator's memory: every conversation as an append-only list of numbered entries.

Entries are what the user sent (`user`), what the bot sent and Meta accepted (`bot`), what Meta
refused (`rejected`), and small events the page shows as ticks (`delivery`, `read`, `status`).
Waiters are woken by an event that is replaced on every append (a broadcast), so tests and the
page's long-poll wait without sleeping.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from typing import Any

import attrs

USER = "user"  # the user's message; payload = the webhook `messages[]` item
BOT = "bot"  # an outbound payload Meta accepted
REJECTED = "rejected"  # payload = {"payload": ..., "problems": [...]}
DELIVERY = "delivery"  # the bot's webhook answered a user message; payload = {"status": int|None}
READ = "read"  # the bot marked a user message read; payload = {"typing": bool}
STATUS = "status"  # we told the bot its message was delivered/read; payload = {"status": str}


@attrs.frozen
class Entry:
    seq: int
    phone: str
    kind: str
    wamid: str
    payload: dict[str, Any]
    received_at: float

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "kind": self.kind,
            "wamid": self.wamid,
            "payload": self.payload,
            "received_at": self.received_at,
        }


class Transcript:
    def __init__(self) -> None:
        self._entries: dict[str, list[Entry]] = {}
        self._seq = 0
        self._changed = asyncio.Event()
        self._closed = False

    def append(self, phone: str, kind: str, wamid: str, payload: dict[str, Any]) -> Entry:
        self._seq += 1
        entry = Entry(self._seq, phone, kind, wamid, payload, time.time())
        self._entries.setdefault(phone, []).append(entry)
        self._wake()
        return entry

    def entries(
        self, phone: str, after: int = 0, kinds: Iterable[str] | None = None
    ) -> list[Entry]:
        wanted = None if kinds is None else frozenset(kinds)
        return [
            e
            for e in self._entries.get(phone, ())
            if e.seq > after and (wanted is None or e.kind in wanted)
        ]

    def find(self, phone: str, predicate: Callable[[Entry], bool]) -> Entry | None:
        """The newest entry of `phone` matching `predicate`."""
        for entry in reversed(self._entries.get(phone, ())):
            if predicate(entry):
                return entry
        return None

    def phones(self) -> list[str]:
        return list(self._entries)

    def close(self) -> None:
        """Wake every waiter for good (server shutdown): long-polls answer at once."""
        self._closed = True
        self._wake()

    @property
    def closed(self) -> bool:
        return self._closed

    def _wake(self) -> None:
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    async def wait_for(
        self, ready: Callable[[], bool], within: float | None
    ) -> bool:  # True when ready
        """Wait until `ready()` holds (checked after every append), the timeout, or close."""
        try:
            async with asyncio.timeout(within):
                while not ready():
                    if self._closed:
                        return False
                    await self._changed.wait()
        except TimeoutError:
            return ready()
        return True
