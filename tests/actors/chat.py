"""A test conversation: drives `ConversationHandler` one envelope at a time, like the runtime.

`Context` is a tiny TurnContext that records checkpoints (and can make the "process" die right
after the credex-core call); `Chat` keeps the committed snapshot between messages.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence

import attrs

from actors import events, replies, snapshot
from actors.conversation import ConversationHandler
from actors.events import ButtonTapped, Content, Inbound, ListPicked, Text
from actors.ports.credex import CredexCore
from actors.replies import Reply
from actors.session import Session
from runtime.contracts import ConversationKey, Envelope

CHANNEL = "pnid-1"


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@attrs.define
class Context:
    key: ConversationKey
    attempt: int = 1
    checkpoints: list[bytes | None] = attrs.field(factory=list)

    async def checkpoint(self, session: bytes | None, replies: Sequence[bytes] = ()) -> None:
        self.checkpoints.append(session)


class ProcessKilled(Exception):
    """Stands for the process dying after credex-core answered, before the turn committed."""


class DyingAfterCreate:
    """Forwards every call to the real client; create_credex succeeds at credex-core, then the
    'process dies' before the answer reaches the conversation."""

    def __init__(self, real: CredexCore) -> None:
        self._real = real

    def __getattr__(self, name: str) -> object:
        return getattr(self._real, name)

    async def create_credex(self, phone: str, **kwargs: object) -> object:
        await self._real.create_credex(phone, **kwargs)  # type: ignore[arg-type]
        raise ProcessKilled


class DyingBeforeCreate:
    """Forwards every call except create_credex: the 'process dies' before the request leaves."""

    def __init__(self, real: CredexCore) -> None:
        self._real = real

    def __getattr__(self, name: str) -> object:
        return getattr(self._real, name)

    async def create_credex(self, phone: str, **kwargs: object) -> object:
        raise ProcessKilled


_ids = itertools.count(1)


class Chat:
    """One user talking to the bot; `send` returns the replies of that message."""

    def __init__(self, credex: CredexCore, clock: Clock, phone: str = "263771000001") -> None:
        self.credex = credex
        self.clock = clock
        self.phone = phone
        self.stored: bytes | None = None
        self.handler = ConversationHandler(credex, clock=clock)
        self.last_context: Context | None = None

    def as_user(self, phone: str) -> Chat:
        return Chat(self.credex, self.clock, phone)

    @property
    def session(self) -> Session:
        return snapshot.decode(self.stored) or Session()

    def envelope(self, content: Content, message_id: str | None = None) -> Envelope:
        mid = message_id or f"wamid.{next(_ids)}"
        inbound = Inbound(mid, self.phone, "User", int(self.clock.now.timestamp()), content)
        return Envelope(ConversationKey(CHANNEL, self.phone), mid, events.encode(inbound))

    async def deliver(
        self, envelope: Envelope, handler: ConversationHandler | None = None
    ) -> list[Reply]:
        ctx = Context(envelope.key)
        self.last_context = ctx
        turn = await (handler or self.handler).handle(ctx, self.stored, envelope)
        self.stored = turn.session
        out = [replies.decode(item) for item in turn.replies]
        assert all(o.to == self.phone for o in out)
        return [o.reply for o in out]

    async def send(self, content: Content | str) -> list[Reply]:
        if isinstance(content, str):
            content = Text(content)
        return await self.deliver(self.envelope(content))

    async def tap(self, reply_id: str, title: str = "") -> list[Reply]:
        return await self.send(ButtonTapped(reply_id, title))

    async def pick(self, row_id: str, title: str = "") -> list[Reply]:
        return await self.send(ListPicked(row_id, title))
