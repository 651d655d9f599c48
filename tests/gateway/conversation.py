"""A stand-in conversation layer for the gateway tests: it keeps every envelope it is handed
(in order, awaitable) and answers like a tiny bot, so replies flow through the runtime's outbox
into the Cloud API sender."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import attrs

from actors import replies
from actors.events import Inbound, Notification, Text, decode
from runtime.contracts import ConversationKey, Envelope, Turn, TurnContext

NOTIFY_TEMPLATE = "incoming_notification"


@attrs.define
class Seen:
    """What reached the conversation side, in arrival order, awaitable."""

    events: list[Envelope] = attrs.field(factory=list)
    _changed: asyncio.Condition = attrs.field(factory=asyncio.Condition)

    async def add(self, envelope: Envelope) -> None:
        async with self._changed:
            self.events.append(envelope)
            self._changed.notify_all()

    def inbound(self, index: int) -> Inbound:
        return decode(self.events[index].payload)

    async def wait_for(self, count: int, within: float = 10.0) -> list[Envelope]:
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: len(self.events) >= count)
        return list(self.events)


def reply_to(envelope: Envelope) -> list[bytes]:
    """Text -> an echo; a notification -> its text, with the template outside the window."""
    event = decode(envelope.payload)
    to = event.phone or envelope.key.user
    reply_id = f"re:{envelope.message_id}"
    if isinstance(event.content, Text):
        out = replies.Outbound(to, replies.TextReply(f"echo: {event.content.body}"), reply_id)
    elif isinstance(event.content, Notification):
        note = event.content
        fallback = replies.TemplateReply(NOTIFY_TEMPLATE, "en_US", (note.member_name, note.message))
        out = replies.Outbound(to, replies.TextReply(note.message), reply_id, fallback)
    else:
        return []
    return [replies.encode(out)]


@attrs.define
class RecordingHandler:
    seen: Seen

    async def handle(self, ctx: TurnContext, session: bytes | None, envelope: Envelope) -> Turn:
        await self.seen.add(envelope)
        try:
            answer = reply_to(envelope)
        except ValueError:  # an event the conversation cannot decode gets no echo here
            answer = []
        return Turn(session=b"{}", replies=answer)

    def on_error(
        self, key: ConversationKey, envelope: Envelope, error: BaseException
    ) -> Sequence[bytes]:
        return ()

    def on_overload(self, key: ConversationKey, envelope: Envelope) -> Sequence[bytes]:
        return ()
