"""The shell: `ConversationHandler` plugs the pure `step` into the runtime as its `Handler`.

For each envelope it decodes the event and the session snapshot, then loops: step, run the
effects through credex-core, feed the results back, until a step asks for nothing more. Before
the one effect that moves money it checkpoints the session (G5), so a crash mid-call leaves a
"submitting" draft the next message checks instead of a confirm that could be tapped twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence

import attrs

from actors import events, replies, snapshot
from actors.effects import CreateCredex, Effect
from actors.executor import perform
from actors.notes import fold
from actors.outcome import Config
from actors.ports.credex import CredexCore
from actors.ports.tokens import MemberTokens
from actors.replies import Outbound, Reply, TemplateReply
from actors.screens import common
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
        display_number: Callable[[str], Awaitable[str | None]] | None = None,
        cash_in_agents: tuple[str, ...] = (),
        tokens: MemberTokens | None = None,
    ) -> None:
        self._credex = credex
        self._tokens = tokens
        self._display_number = display_number  # business phone_number_id -> its number
        self._clock = clock
        self._config = Config(
            timezone=timezone, session_timeout=session_timeout, cash_in_agents=cash_in_agents
        )
        self._ttl = session_ttl

    async def handle(self, ctx: TurnContext, session: bytes | None, envelope: Envelope) -> Turn:
        try:
            inbound = events.decode(envelope.payload)
        except events.UndecodableEvent:
            out = self._outbound(envelope.key.user, envelope, [common.unreadable()])
            return Turn(session=session, replies=out, session_ttl=self._ttl)
        state = snapshot.decode(session) or Session()
        to = inbound.phone or envelope.key.user
        if self._tokens is not None:
            self._tokens.restore(state.credex_token, state.phone or to)
        now = self._clock()
        config = self._config
        if self._display_number is not None:  # for pay links; cached after the first read
            number = await self._display_number(envelope.key.channel)
            config = attrs.evolve(config, display_number=number)
        sent: list[Reply] = []
        queue: list[Effect] = []
        event: Event = inbound
        for _ in range(MAX_EFFECTS_PER_MESSAGE):
            outcome = step(state, event, now, config)
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
        if self._tokens is not None:
            state = attrs.evolve(state, credex_token=self._tokens.seal(state.phone or to))
        return Turn(
            session=snapshot.encode(state),
            replies=self._outbound(to, envelope, fold(sent), fallback=fallback),
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
