"""The shell: `ConversationHandler` plugs the pure `step` into the runtime as its `Handler`.

For each envelope it decodes the event and the session snapshot, then loops: step, run the
effects through credex-core, feed the results back, until a step asks for nothing more. Before
the one effect that moves money it checkpoints the session (G5), so a crash mid-call leaves a
"submitting" draft the next message checks instead of a confirm that could be tapped twice.

Every message is answered within `answer_seconds` (CREDEX_ANSWER_SECONDS, G7): an effect still
running at that bound is abandoned and counts as credex-core unavailable. A send left with an
unknown outcome gets a reminder (`Reminders`) for when credex-core has certainly settled it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence

import anyio
import attrs

from actors import events, replies, snapshot
from actors import results as rs
from actors.effects import CreateCredex, Effect
from actors.executor import perform, timed_out
from actors.notes import fold
from actors.outcome import Config
from actors.ports.credex import CredexCore
from actors.ports.tokens import MemberTokens
from actors.reminders import Reminders
from actors.replies import Outbound, Reply, TemplateReply
from actors.screens import common, delivery
from actors.session import SESSION_TIMEOUT_SECONDS, SESSION_TTL_SECONDS, Session
from actors.step import Event, step
from runtime.contracts import ConversationKey, Envelope, Turn, TurnContext

MAX_EFFECTS_PER_MESSAGE = 40  # a flow bug must not loop forever against credex-core
COMMIT_MARGIN = 0.5  # of the answer bound, kept for the commit and the send after the effects
MIN_EFFECT_SECONDS = 1.0  # less left than this: no credex-core call could answer in time
REMINDER_DELAY = 1.0  # after `settles_at`, so the check never lands just before it


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
        session_timeout: float = SESSION_TIMEOUT_SECONDS,
        session_ttl: float = SESSION_TTL_SECONDS,
        display_number: Callable[[str], Awaitable[str | None]] | None = None,
        cash_in_agents: tuple[str, ...] = (),
        tokens: MemberTokens | None = None,
        answer_seconds: float = 8.0,
        write_settle_seconds: float = 60.0,
        reminders: Reminders | None = None,
    ) -> None:
        self._credex = credex
        self._tokens = tokens
        self._display_number = display_number  # business phone_number_id -> its number
        self._clock = clock
        self._config = Config(
            timezone=timezone,
            session_timeout=session_timeout,
            cash_in_agents=cash_in_agents,
            write_settle_seconds=write_settle_seconds,
        )
        self._ttl = session_ttl
        self._answer_seconds = answer_seconds
        self._reminders = reminders

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
        deadline = anyio.current_time() + self._answer_seconds - COMMIT_MARGIN
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
            event = await self._perform(effect, state.phone or to, deadline)
        else:
            raise RuntimeError(f"more than {MAX_EFFECTS_PER_MESSAGE} effects for one message")
        self._remind(envelope.key, state)
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

    async def _perform(self, effect: Effect, phone: str, deadline: float) -> rs.Result:
        left = deadline - anyio.current_time()
        if left < MIN_EFFECT_SECONDS:  # too late to ask: say so now, nothing was sent
            return timed_out(effect, self._answer_seconds, started=False)
        with anyio.move_on_after(left):
            return await perform(effect, self._credex, phone)
        return timed_out(effect, self._answer_seconds)

    def _remind(self, key: ConversationKey, state: Session) -> None:
        """G5: a send still unknown is checked, and the member told, once it has settled."""
        draft = state.draft
        if self._reminders is None or draft is None or draft.settles_at is None:
            return
        if draft.state != "submitting":
            return
        check = events.Inbound(
            message_id=f"settle:{draft.draft_id}:{int(draft.settles_at * 1000)}",
            phone=state.phone,
            profile_name=None,
            at=int(draft.settles_at),
            content=events.DraftCheck(draft.draft_id),
        )
        envelope = Envelope(key=key, message_id=check.message_id, payload=events.encode(check))
        self._reminders.schedule(envelope, draft.settles_at + REMINDER_DELAY)

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
                    trace_context=envelope.trace_context,
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
    if isinstance(content, events.ButtonTapped | events.ListPicked):
        return f"a tap on “{content.title}”"
    return "a message"
