"""The shell: `ConversationHandler` plugs the pure `step` into the runtime as its `Handler`.

For each envelope it decodes the event and the session snapshot, then loops: step, run the
effects through credex-core, feed the results back, until a step asks for nothing more. Before
the one effect that moves money it checkpoints the session (G5), so a crash mid-call leaves a
"submitting" draft the next message checks instead of a confirm that could be tapped twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from actors import events, replies, snapshot
from actors.effects import CreateCredex, Effect
from actors.executor import perform
from actors.outcome import Config
from actors.ports.credex import CredexCore
from actors.replies import Outbound, Reply, TemplateReply
from actors.screens import common, delivery
from actors.session import Session
from actors.step import Event, step
from runtime.contracts import ConversationKey, Envelope, Turn, TurnContext

MAX_EFFECTS_PER_MESSAGE = 40  # a flow bug must not loop forever against credex-core


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ConversationHandler:
    """One instance serves every conversation; all per-user state is in the snapshot."""

    def __init__(
        self,
        credex: CredexCore,
        *,
        clock: Callable[[], dt.datetime] = utc_now,
        timezone: str = "Africa/Harare",
        session_timeout: float = 300.0,
        session_ttl: float = 86400.0,
    ) -> None:
        self._credex = credex
        self._clock = clock
        self._config = Config(timezone=timezone, session_timeout=session_timeout)
        self._ttl = session_ttl

    async def handle(self, ctx: TurnContext, session: bytes | None, envelope: Envelope) -> Turn:
        try:
            inbound = events.decode(envelope.payload)
        except events.UndecodableEvent:
            out = self._outbound(envelope.key.user, envelope, [common.unreadable()])
            return Turn(session=session, replies=out, session_ttl=self._ttl)
        state = snapshot.decode(session) or Session()
        to = inbound.phone or envelope.key.user
        now = self._clock()
        sent: list[Reply] = []
        queue: list[Effect] = []
        event: Event = inbound
        for _ in range(MAX_EFFECTS_PER_MESSAGE):
            outcome = step(state, event, now, self._config)
            state = outcome.session
            sent.extend(outcome.replies)
            queue.extend(outcome.effects)
            if not queue:
                break
            effect = queue.pop(0)
            if isinstance(effect, CreateCredex):
                await ctx.checkpoint(snapshot.encode(state))
            event = await perform(effect, self._credex, state.phone or to)
        else:
            raise RuntimeError(f"more than {MAX_EFFECTS_PER_MESSAGE} effects for one message")
        fallback = None
        if isinstance(inbound.content, events.Notification):
            # A push may arrive after the 24-hour window closed: then the sender uses this
            # template for the first reply instead of the free-form message.
            fallback = common.notification_template(inbound.content)
        return Turn(
            session=snapshot.encode(state),
            replies=self._outbound(to, envelope, sent, fallback=fallback),
            session_ttl=self._ttl,
        )

    def on_error(
        self, key: ConversationKey, envelope: Envelope, error: BaseException
    ) -> Sequence[bytes]:
        to = self._recipient(key, envelope)
        return self._outbound(to, envelope, [common.apology()], kind="error")

    def on_overload(self, key: ConversationKey, envelope: Envelope) -> Sequence[bytes]:
        to = self._recipient(key, envelope)
        return self._outbound(to, envelope, [common.slow_down()], kind="overload")

    def on_skipped(self, key: ConversationKey, skipped: Sequence[Envelope]) -> Sequence[bytes]:
        to = self._recipient(key, skipped[0])
        notice = delivery.skipped([_said(envelope) for envelope in skipped])
        return self._outbound(to, skipped[-1], [notice], kind="skipped")

    @staticmethod
    def _recipient(key: ConversationKey, envelope: Envelope) -> str:
        try:
            return events.decode(envelope.payload).phone or key.user
        except events.UndecodableEvent:
            return key.user

    @staticmethod
    def _outbound(
        to: str,
        envelope: Envelope,
        sent: Sequence[Reply],
        kind: str = "",
        fallback: TemplateReply | None = None,
    ) -> list[bytes]:
        # Reply ids are idempotency keys: an apology must not share one with a later answer.
        prefix = f"{envelope.message_id}:{kind + ':' if kind else ''}"
        return [
            replies.encode(
                Outbound(
                    to=to,
                    reply=reply,
                    reply_id=f"{prefix}{i}",
                    fallback=fallback if i == 0 else None,
                )
            )
            for i, reply in enumerate(sent)
        ]


def _said(envelope: Envelope) -> str:
    """What the member sent, in a few words, to name a skipped message."""
    try:
        content = events.decode(envelope.payload).content
    except events.UndecodableEvent:
        return "a message I could not read"
    if isinstance(content, events.Text):
        return content.body
    if isinstance(content, events.ButtonReply | events.ListReply):
        return f"a tap on “{content.title}”"
    return "a message"
