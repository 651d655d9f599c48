"""Sending a confirmed draft: the only path that moves money (G5).

A confirm tap sends a draft only while it is "awaiting_confirmation"; the same step moves it to
"submitting", which the shell checkpoints before calling credex-core. A later tap on the same
draft finds it "submitting" or "done" and sends nothing. A draft found still "submitting" when
a new message arrives means the process died mid-call: the outcome is read back from the
member's pending outgoing offers, never guessed.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import attrs

from actors import effects as fx
from actors import results as rs
from actors import routes
from actors.effects import CreateCredex, LoadView, Purpose
from actors.failure import Failure
from actors.flows import dashboard, limits
from actors.flows.dashboard import ShowDashboard
from actors.intents.submit import Confirm, Discard
from actors.outcome import Moment, Transition
from actors.ports.credex import CreatedCredex, MemberView
from actors.replies import Reply
from actors.screens import common
from actors.screens import limits as limit_screens
from actors.screens import offer as screens
from actors.screens import settling as settle_screens
from actors.screens.failures import refused
from actors.screens.format import places
from actors.session import Draft, DraftOffer, Home, Session
from parser import parse_yes_no

# A check that could not reach credex-core is tried again after this long at the least and the
# most: a short outage is told within seconds, a long one costs a message every few minutes.
RECHECK_SECONDS = (15.0, 300.0)


@attrs.frozen
class VerifyDraft(Purpose):
    """G5: a draft was left "submitting"; find out from pending offers what really happened."""

    draft_id: str


def confirm(session: Session, draft_id: str) -> Transition:
    draft = session.draft
    if draft is None or draft.draft_id != draft_id:
        late = draft_id in session.sent_drafts
        return Transition(session, (screens.already_used() if late else screens.expired(),))
    if draft.state == "done":
        return Transition(session, (screens.already_used(),))
    if draft.state != "awaiting_confirmation":
        return Transition(session, (screens.expired(),))
    submitting = attrs.evolve(draft, state="submitting")
    return _next(attrs.evolve(session, draft=submitting, screen=Home()), submitting)


def answer_confirmation(session: Session, text: str) -> Transition:
    """Typed yes/no while a confirmation is open counts as tapping its buttons."""
    draft = session.draft
    answer = parse_yes_no(text)
    if draft is not None and answer is True:
        return confirm(session, draft.draft_id)
    if draft is not None and answer is False:
        return discard(session, draft.draft_id)
    return Transition(session, (screens.confirm_pending(),))


def discard(session: Session, draft_id: str) -> Transition:
    draft = session.draft
    if draft is not None and draft.draft_id == draft_id and draft.state == "awaiting_confirmation":
        return dashboard.show(attrs.evolve(session, draft=None), notice="cancelled")
    if draft_id in session.sent_drafts:
        return Transition(session, (screens.already_used(),))
    return Transition(session, (common.cancelled(),))


def _next(session: Session, draft: Draft) -> Transition:
    """Create the next unsettled offer, or report when all are settled."""
    identity = session.identity
    assert identity is not None
    for index, settled in enumerate(draft.settled):
        if not settled:
            effect = CreateCredex(
                draft_id=draft.draft_id,
                index=index,
                offer=draft.offers[index],
                member_id=identity.member_id,
                issuer_account_id=identity.account_id,
            )
            return Transition(session, effects=(effect,))
    return _finish(session, draft, screens.results(draft), LoadView(ShowDashboard()))


def _finish(session: Session, draft: Draft, report: Reply, *effects: LoadView) -> Transition:
    done = attrs.evolve(draft, state="done")
    session = attrs.evolve(session, draft=done, screen=Home()).remember_sent(draft.draft_id)
    return Transition(session, (report,), effects)


def _current(session: Session, draft_id: str) -> Draft | None:
    draft = session.draft
    if draft is None or draft.draft_id != draft_id or draft.state != "submitting":
        return None
    return draft


def _settle(draft: Draft, index: int, **changes: Any) -> Draft:
    offers = list(draft.offers)
    offers[index] = attrs.evolve(offers[index], **changes)
    return attrs.evolve(draft, offers=tuple(offers))


def created(session: Session, draft_id: str, index: int, credex: CreatedCredex) -> Transition:
    draft = _current(session, draft_id)
    if draft is None:
        return Transition(session)
    draft = _settle(draft, index, credex_id=credex.credex_id)
    return _next(attrs.evolve(session, draft=draft), draft)


def refused_by_core(
    session: Session, draft_id: str, index: int, failure: Failure, at: Moment
) -> Transition:
    draft = _current(session, draft_id)
    if draft is None:
        return Transition(session)
    if failure.outcome_unknown:
        return unknown(session, draft, at)
    form = draft.from_form
    if form is not None and failure.about_due_date and not form.secured:
        # A menu offer whose date credex-core refused: say why and ask for the date again.
        session = attrs.evolve(session, draft=None).remember_sent(draft.draft_id)
        retry = attrs.evolve(form, step="due", due_date=None)
        asked = Transition(
            attrs.evolve(session, screen=retry), (screens.ask_due(at.earliest_due, at.latest_due),)
        )
        return asked.say(refused(failure))
    draft = _settle(draft, index, failure=failure)
    suggestion = _largest_accepted(draft, failure)
    if suggestion is not None:
        outcome = _finish(attrs.evolve(session, draft=draft), draft, screens.results(draft))
        return attrs.evolve(outcome, replies=(*outcome.replies, suggestion))
    if failure.kind == "unavailable":  # credex-core said it did nothing; stop the rest too
        session = attrs.evolve(session, draft=draft)
        draft = attrs.evolve(draft, offers=tuple(_unsent(o, failure) for o in draft.offers))
        return _finish(session, draft, screens.results(draft))
    return _next(attrs.evolve(session, draft=draft), draft)


def _largest_accepted(draft: Draft, failure: Failure) -> Reply | None:
    """credex-core refused one offer for its securable balance: offer the largest amount it
    accepts. At its floating-point edge it shows the balance as the very amount refused
    (5 + 2 USD held, "maximum securable USD balance is 7.00 USD"), so one unit less."""
    if len(draft.offers) != 1 or failure.securable is None:
        return None
    offer_ = draft.offers[0]
    try:
        shown = Decimal(failure.securable.split()[0].replace(",", ""))
    except InvalidOperation:
        return None
    unit = Decimal(1).scaleb(-places(offer_.denomination))
    largest = limits.floor(shown - unit if shown >= offer_.amount else shown, offer_.denomination)
    return limit_screens.core_edge(offer_, largest) if largest > 0 else None


def _unsent(offer_: DraftOffer, failure: Failure) -> DraftOffer:
    if offer_.credex_id is None and offer_.failure is None:
        return attrs.evolve(offer_, failure=failure)
    return offer_


def unknown(session: Session, draft: Draft, at: Moment) -> Transition:
    """The create may still be running on credex-core's side: checking now could find nothing
    and say "not sent" just before it appears (G5). Wait out the settle bound, then check."""
    due = at.now.timestamp() + at.config.write_settle_seconds
    draft = attrs.evolve(draft, settles_at=due)
    reply = settle_screens.checking(draft, due - at.now.timestamp())
    return Transition(attrs.evolve(session, draft=draft), (reply,))


def settling(session: Session, since: float | None, at: Moment) -> Transition:
    """A message while a send is "submitting": check only once credex-core has certainly
    finished the request; until then refuse anything new, politely (G5)."""
    draft = session.draft
    assert draft is not None
    due = draft.settles_at
    if due is None:  # left by a crash mid-call: the call began with the confirm message
        started = since if since is not None else at.now.timestamp()
        due = started + at.config.write_settle_seconds
    left = due - at.now.timestamp()
    if left <= 0:
        return verify(session)
    draft = attrs.evolve(draft, settles_at=due)
    reply = settle_screens.still_settling(draft, left)
    return Transition(attrs.evolve(session, draft=draft), (reply,))


def settled_check(session: Session, draft_id: str, at: Moment) -> Transition:
    """The bot's own reminder that a send has settled; silent when already resolved or early."""
    draft = _current(session, draft_id)
    if draft is None or (draft.settles_at or 0) > at.now.timestamp():
        return Transition(session)
    return verify(session)


def verify(session: Session) -> Transition:
    assert session.draft is not None
    return Transition(session, effects=(LoadView(VerifyDraft(session.draft.draft_id)),))


def verified(session: Session, view: MemberView, draft_id: str, at: Moment) -> Transition:
    """Match each unsettled offer against the pending outgoing offers credex-core lists."""
    draft = _current(session, draft_id)
    if draft is None:
        return dashboard.render(session, view, at)
    account = dashboard.active_account(view, session.chosen_account)
    pending = list(account.pending_out if account else ())
    # Offers pending before the confirmation was shown are never this draft's, however alike.
    claimed = {o.credex_id for o in draft.offers if o.credex_id} | set(draft.pending_before)
    offers = []
    for item in draft.offers:
        if item.credex_id is None and item.failure is None:
            match = next(
                (
                    p
                    for p in pending
                    if p.credex_id not in claimed
                    and p.counterparty == item.receiver_name
                    and abs(p.amount.amount) == item.amount
                    and p.amount.denomination == item.denomination
                    and p.secured == item.secured
                ),
                None,
            )
            if match is not None:
                claimed.add(match.credex_id)
                item = attrs.evolve(item, credex_id=match.credex_id)
        offers.append(item)
    draft = attrs.evolve(draft, offers=tuple(offers))
    outcome = _finish(dashboard.identify(session, view), draft, screens.verified(draft))
    return dashboard.render(outcome.session, view, at, *outcome.replies)


def verify_failed(session: Session, at: Moment) -> Transition:
    """The check could not reach credex-core: check again later by itself (a new `settles_at`
    is a new reminder), so the member is told without writing. The longer the member has been
    quiet, the longer the wait (half that time, within `RECHECK_SECONDS`)."""
    draft = session.draft
    if draft is None or draft.state != "submitting":
        return Transition(session, (settle_screens.still_checking(RECHECK_SECONDS[0]),))
    now = at.now.timestamp()
    quiet = now - (session.last_active if session.last_active is not None else now)
    wait = min(max(RECHECK_SECONDS[0], quiet / 2), RECHECK_SECONDS[1])
    draft = attrs.evolve(draft, settles_at=now + wait)
    return Transition(attrs.evolve(session, draft=draft), (settle_screens.still_checking(wait),))


ROUTES = (
    routes.intent(Confirm, lambda s, i, at: confirm(s, i.draft_id)),
    routes.intent(Discard, lambda s, i, at: discard(s, i.draft_id)),
    routes.loaded(VerifyDraft, lambda s, v, p, at: verified(s, v, p.draft_id, at)),
    routes.load_failed(VerifyDraft, lambda s, p, f, at: verify_failed(s, at)),
    routes.result(rs.CredexCreated, lambda s, r, at: created(s, r.draft_id, r.index, r.created)),
    routes.failed(
        fx.CreateCredex, lambda s, e, f, at: refused_by_core(s, e.draft_id, e.index, f, at)
    ),
)
