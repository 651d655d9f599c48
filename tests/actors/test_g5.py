"""G5 in the pure core: a draft left "submitting" is resolved by asking credex-core, not guessed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from actors.effects import CreateCredex, LoadView
from actors.events import ButtonTapped, DraftCheck
from actors.failure import Failure
from actors.flows.submit import VerifyDraft
from actors.intents import offer as offer_ids
from actors.intents import submit as submit_ids
from actors.ports.credex import Money, PendingOffer
from actors.results import EffectFailed, HandleResolved, ViewLoaded
from actors.session import Session
from tests.actors.views import BOB, NOW, inbound, logged_in, run, said, view

SETTLED = NOW + dt.timedelta(seconds=61)  # past the default CREDEX_WRITE_SETTLE_SECONDS (60)


def submitting() -> tuple[Session, CreateCredex]:
    confirming = run(
        logged_in(), inbound(ButtonTapped(offer_ids.offer_start(True), "")), inbound("5"),
        inbound("bob"), HandleResolved("bob", BOB, None),
    )  # fmt: skip
    draft = confirming.session.draft
    assert draft is not None
    outcome = run(confirming.session, inbound(ButtonTapped(submit_ids.confirm(draft.draft_id), "")))
    (effect,) = outcome.effects
    assert isinstance(effect, CreateCredex)
    return outcome.session, effect


def matching(credex_id: str = "cx-9") -> PendingOffer:
    return PendingOffer(credex_id, Money(Decimal("-5"), "USD"), "Bob Banda Personal", True)


def test_next_message_after_an_interrupted_submission_checks_credex_core_first() -> None:
    session, effect = submitting()
    outcome = run(session, inbound("menu"), now=SETTLED)
    assert outcome.effects == (LoadView(VerifyDraft(effect.draft_id)),)
    assert outcome.replies == ()


def test_a_message_soon_after_an_interrupted_submission_waits_for_the_call_to_settle() -> None:
    session, _ = submitting()
    outcome = run(session, inbound("menu"), now=NOW + dt.timedelta(seconds=5))
    assert outcome.effects == ()  # "not in the pending offers" would prove nothing yet
    assert "still finding out" in said(outcome) and "about 55 seconds" in said(outcome)


def test_duplicate_tap_during_an_unknown_outcome_also_only_checks() -> None:
    session, effect = submitting()
    outcome = run(session, inbound(ButtonTapped(submit_ids.confirm(effect.draft_id), "")))
    assert not any(isinstance(e, CreateCredex) for e in outcome.effects)


def test_matching_pending_offer_means_it_was_sent() -> None:
    session, effect = submitting()
    checking = run(session, inbound("hi"))
    outcome = run(
        checking.session, ViewLoaded(view(pending_out=(matching(),)), VerifyDraft(effect.draft_id))
    )
    assert "was sent" in said(outcome)
    draft = outcome.session.draft
    assert draft is not None and draft.state == "done" and draft.offers[0].credex_id == "cx-9"
    late = run(outcome.session, inbound(ButtonTapped(submit_ids.confirm(effect.draft_id), "")))
    assert late.effects == () and "already used" in said(late)


def test_no_matching_pending_offer_means_it_was_not_sent_and_nothing_moved() -> None:
    session, effect = submitting()
    other = attrs.evolve(matching(), amount=Money(Decimal("-6"), "USD"))
    outcome = run(session, ViewLoaded(view(pending_out=(other,)), VerifyDraft(effect.draft_id)))
    assert "*not* sent; nothing moved" in said(outcome)
    assert outcome.session.draft.offers[0].credex_id is None  # type: ignore[union-attr]


def test_unknown_outcome_from_create_is_checked_only_once_credex_core_has_settled_it() -> None:
    session, effect = submitting()
    failure = Failure("unavailable", "timeout", outcome_unknown=True)
    outcome = run(session, EffectFailed(effect, failure))
    assert outcome.effects == ()  # checking now could miss a create still running
    assert "can't tell yet" in said(outcome) and "Nothing will be sent twice" in said(outcome)
    draft = outcome.session.draft
    assert draft is not None and draft.state == "submitting"
    assert draft.settles_at == NOW.timestamp() + 60

    resend = run(outcome.session, inbound("5=>bob"), now=NOW + dt.timedelta(seconds=10))
    assert resend.effects == () and "won't send anything new" in said(resend)
    early = run(resend.session, inbound(DraftCheck(effect.draft_id)))
    assert early.effects == () and early.replies == ()
    check = run(resend.session, inbound(DraftCheck(effect.draft_id)), now=SETTLED)
    assert check.effects == (LoadView(VerifyDraft(effect.draft_id)),)


def test_a_reminder_for_a_draft_already_resolved_says_nothing() -> None:
    session, effect = submitting()
    resolved = run(
        session, ViewLoaded(view(pending_out=(matching(),)), VerifyDraft(effect.draft_id))
    )
    late = run(resolved.session, inbound(DraftCheck(effect.draft_id)), now=SETTLED)
    assert late.effects == () and late.replies == ()


def test_check_that_cannot_reach_credex_core_keeps_the_draft_for_the_next_message() -> None:
    session, effect = submitting()
    purpose = VerifyDraft(effect.draft_id)
    outcome = run(session, EffectFailed(LoadView(purpose), Failure("unavailable", "down")))
    assert "can't tell yet" in said(outcome)
    assert outcome.session.draft.state == "submitting"  # type: ignore[union-attr]
    assert run(outcome.session, inbound("hi"), now=SETTLED).effects == (LoadView(purpose),)


def test_a_check_that_cannot_reach_credex_core_is_tried_again_unasked_later_and_later() -> None:
    session, effect = submitting()
    purpose = VerifyDraft(effect.draft_id)
    down = EffectFailed(LoadView(purpose), Failure("unavailable", "down"))
    first = run(session, down, now=SETTLED)  # the member tapped 61 s ago
    assert "I'll check again in about 31 seconds" in said(first)
    draft = first.session.draft
    assert draft is not None and draft.settles_at == SETTLED.timestamp() + 30.5
    # The bot's own reminder, once due, checks again: no member message needed.
    due = SETTLED + dt.timedelta(seconds=31)
    check = run(first.session, inbound(DraftCheck(effect.draft_id)), now=due)
    assert check.effects == (LoadView(purpose),)
    later = run(check.session, down, now=due)
    assert "about 46 seconds" in said(later)  # the longer the silence, the longer the wait
    long_quiet = run(later.session, down, now=NOW + dt.timedelta(hours=1))
    assert "about 5 minutes" in said(long_quiet)


def lookalike_submitting() -> tuple[Session, CreateCredex]:
    """A 5 USD offer to Bob confirmed while an identical one (cx-old) was already pending."""
    before = view(pending_out=(matching("cx-old"),))
    confirming = run(
        logged_in(), inbound(ButtonTapped(offer_ids.offer_start(True), "")), inbound("5"),
        inbound("bob"), HandleResolved("bob", BOB, None), checked_with=before,
    )  # fmt: skip
    draft = confirming.session.draft
    assert draft is not None and draft.pending_before == ("cx-old",)
    outcome = run(confirming.session, inbound(ButtonTapped(submit_ids.confirm(draft.draft_id), "")))
    (effect,) = outcome.effects
    assert isinstance(effect, CreateCredex)
    return outcome.session, effect


def test_an_identical_offer_pending_before_the_confirmation_is_not_taken_for_this_one() -> None:
    session, effect = lookalike_submitting()
    purpose = VerifyDraft(effect.draft_id)
    outcome = run(session, ViewLoaded(view(pending_out=(matching("cx-old"),)), purpose))
    assert "*not* sent; nothing moved" in said(outcome)
    assert outcome.session.draft.offers[0].credex_id is None  # type: ignore[union-attr]


def test_the_new_look_alike_beside_the_old_one_is_reported_sent() -> None:
    session, effect = lookalike_submitting()
    both = (matching("cx-old"), matching("cx-new"))
    outcome = run(session, ViewLoaded(view(pending_out=both), VerifyDraft(effect.draft_id)))
    assert "was sent" in said(outcome)
    assert outcome.session.draft.offers[0].credex_id == "cx-new"  # type: ignore[union-attr]
