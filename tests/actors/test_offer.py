"""The menu offer form and the confirmation, including every refusal credex-core can give."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from actors.effects import CreateCredex, LoadView, ResolveHandle
from actors.events import ButtonTapped
from actors.failure import Failure
from actors.flows.dashboard import ShowDashboard
from actors.intents import offer as offer_ids
from actors.intents import submit as submit_ids
from actors.ports.credex import CreatedCredex, Money
from actors.results import CredexCreated, EffectFailed, HandleResolved
from actors.session import Home, OfferForm
from tests.actors.views import BOB, TODAY, ids_in, inbound, logged_in, run, said


def tap(reply_id: str) -> object:
    return inbound(ButtonTapped(reply_id, ""))


def at_confirmation(secured: bool = True):  # type: ignore[no-untyped-def]
    events = [
        tap(offer_ids.offer_start(secured)),
        inbound("5"),
        inbound("bob"),
        HandleResolved("bob", BOB, None),
    ]
    if not secured:
        events.append(tap(offer_ids.due_in(14)))
    return run(logged_in(), *events)  # type: ignore[arg-type]


def test_offer_row_asks_for_the_amount_naming_the_default_denomination() -> None:
    outcome = run(logged_in(), tap(offer_ids.offer_start(True)))
    assert outcome.session.screen == OfferForm(secured=True)
    assert "USD" in said(outcome)


def test_unreadable_amount_says_why_and_stays_on_the_amount() -> None:
    outcome = run(logged_in(), tap(offer_ids.offer_start(True)), inbound("five"))
    assert outcome.session.screen == OfferForm(secured=True)
    assert said(outcome).startswith("✋")


def test_amount_without_denomination_uses_the_accounts_default() -> None:
    outcome = run(logged_in(), tap(offer_ids.offer_start(True)), inbound("5.50"))
    form = outcome.session.screen
    assert isinstance(form, OfferForm)
    assert (form.amount, form.denomination, form.step) == (Decimal("5.50"), "USD", "handle")


def test_amount_with_denomination_keeps_it() -> None:
    outcome = run(logged_in(), tap(offer_ids.offer_start(True)), inbound("CAD 7"))
    assert outcome.session.screen.denomination == "CAD"  # type: ignore[union-attr]


def test_handle_is_looked_up_before_confirming() -> None:
    outcome = run(logged_in(), tap(offer_ids.offer_start(True)), inbound("5"), inbound(" @Bob "))
    assert outcome.effects == (ResolveHandle("bob"),)


def test_unknown_handle_asks_to_check_the_spelling_and_stays_on_the_handle() -> None:
    form = run(logged_in(), tap(offer_ids.offer_start(True)), inbound("5"), inbound("bobb"))
    failure = Failure("not_found", "Account not found")
    outcome = run(form.session, EffectFailed(ResolveHandle("bobb"), failure))
    assert "spelling" in said(outcome) and "bobb" in said(outcome)
    assert outcome.session.screen.step == "handle"  # type: ignore[union-attr]


def test_own_handle_is_refused_before_any_lookup() -> None:
    outcome = run(logged_in(), tap(offer_ids.offer_start(True)), inbound("5"), inbound("tendai"))
    assert outcome.effects == ()
    assert "own account" in said(outcome)


def test_secured_confirmation_shows_from_to_amount_and_the_recipients_name() -> None:
    outcome = at_confirmation()
    text = said(outcome)
    for part in ("5.00 USD", "Secured", "Tendai Moyo Personal", "Bob Banda Personal"):
        assert part in text
    draft = outcome.session.draft
    assert draft is not None and draft.state == "awaiting_confirmation"
    assert ids_in(outcome.replies[0]) == [
        submit_ids.confirm(draft.draft_id),
        submit_ids.discard(draft.draft_id),
    ]


def test_unsecured_offer_asks_for_a_due_date_with_week_buttons() -> None:
    outcome = run(
        logged_in(), tap(offer_ids.offer_start(False)), inbound("5"), inbound("bob"),
        HandleResolved("bob", BOB, None),
    )  # fmt: skip
    assert ids_in(outcome.replies[0]) == [
        offer_ids.due_in(7),
        offer_ids.due_in(14),
        offer_ids.due_in(28),
    ]


def test_due_button_sets_the_date_from_todays_utc_date() -> None:
    draft = at_confirmation(secured=False).session.draft
    assert draft is not None
    assert draft.offers[0].due_date == TODAY + dt.timedelta(days=14)
    assert not draft.offers[0].secured


def test_typed_due_date_outside_7_to_34_days_names_the_allowed_range() -> None:
    session = run(
        logged_in(), tap(offer_ids.offer_start(False)), inbound("5"), inbound("bob"),
        HandleResolved("bob", BOB, None),
    ).session  # fmt: skip
    too_late = (TODAY + dt.timedelta(days=35)).isoformat()
    outcome = run(session, inbound(too_late))
    assert "17 Mar 2026" in said(outcome) and "13 Apr 2026" in said(outcome)
    assert outcome.session.draft is None
    fine = run(session, inbound((TODAY + dt.timedelta(days=34)).isoformat()))
    assert fine.session.draft is not None


def test_sign_and_send_moves_the_draft_to_submitting_and_creates_once() -> None:
    confirming = at_confirmation()
    draft = confirming.session.draft
    assert draft is not None
    outcome = run(confirming.session, tap(submit_ids.confirm(draft.draft_id)))
    assert outcome.session.draft.state == "submitting"  # type: ignore[union-attr]
    (effect,) = outcome.effects
    assert isinstance(effect, CreateCredex)
    assert (effect.member_id, effect.issuer_account_id) == ("mem-tendai", "acc-tendai")
    assert effect.offer.receiver_id == "acc-bob"


def created(draft_id: str, index: int = 0) -> CredexCreated:
    credex = CreatedCredex("cx-1", Money(Decimal(5), "USD"), "Bob Banda Personal", True, None, None)
    return CredexCreated(draft_id, index, credex)


def test_created_credex_is_reported_then_the_dashboard_follows() -> None:
    confirming = at_confirmation()
    draft_id = confirming.session.draft.draft_id  # type: ignore[union-attr]
    outcome = run(confirming.session, tap(submit_ids.confirm(draft_id)), created(draft_id))
    assert "Offer sent" in said(outcome)
    assert outcome.effects == (LoadView(ShowDashboard()),)
    assert outcome.session.draft.state == "done"  # type: ignore[union-attr]


def test_a_second_tap_on_a_sent_confirmation_sends_nothing() -> None:
    confirming = at_confirmation()
    draft_id = confirming.session.draft.draft_id  # type: ignore[union-attr]
    sent = run(confirming.session, tap(submit_ids.confirm(draft_id)), created(draft_id))
    again = run(sent.session, tap(submit_ids.confirm(draft_id)))
    assert again.effects == ()
    assert "already used" in said(again)


def test_cancel_on_the_confirmation_really_cancels() -> None:
    confirming = at_confirmation()
    draft_id = confirming.session.draft.draft_id  # type: ignore[union-attr]
    outcome = run(confirming.session, tap(submit_ids.discard(draft_id)))
    assert outcome.session.draft is None
    assert outcome.effects == (LoadView(ShowDashboard("cancelled")),)
    late = run(outcome.session, tap(submit_ids.confirm(draft_id)))
    assert late.effects == ()
    assert "nothing was sent" in said(late)


def test_yes_typed_at_the_confirmation_counts_as_sign_and_send() -> None:
    outcome = run(at_confirmation().session, inbound("yes"))
    assert isinstance(outcome.effects[0], CreateCredex)


def test_other_text_at_the_confirmation_points_at_the_buttons() -> None:
    outcome = run(at_confirmation().session, inbound("hmm"))
    assert outcome.effects == ()
    assert "Sign & send" in said(outcome)


def refusal(failure: Failure, secured: bool = True):  # type: ignore[no-untyped-def]
    confirming = at_confirmation(secured)
    draft = confirming.session.draft
    submitting = run(confirming.session, tap(submit_ids.confirm(draft.draft_id)))  # type: ignore[union-attr]
    (effect,) = submitting.effects
    return run(submitting.session, EffectFailed(effect, failure))


def test_daily_limit_refusal_says_how_much_is_left_and_when_it_renews() -> None:
    msg = "You are only able to issue 2.00 USD until tomorrow. Limits renew at midnight UTC."
    outcome = refusal(Failure("limit", msg, left_today="2.00 USD"))
    assert "*2.00 USD*" in said(outcome) and "midnight UTC" in said(outcome)
    assert outcome.session.draft.state == "done"  # type: ignore[union-attr]


def test_securable_balance_refusal_names_the_securable_amount() -> None:
    msg = "Error: ... your maximum securable USD balance is 3.00 USD"
    outcome = refusal(Failure("limit", msg, securable="3.00 USD"))
    assert "at most *3.00 USD*" in said(outcome)


def test_due_date_refusal_shows_credex_cores_reason_and_asks_the_date_again() -> None:
    msg = (
        "Due date must be permitted date, in format YYYY-MM-DD. "
        "First permitted due date is 1 week from today."
    )
    outcome = refusal(Failure("invalid", msg), secured=False)
    assert "First permitted due date" in said(outcome)
    assert outcome.session.screen.step == "due"  # type: ignore[union-attr]
    assert outcome.session.draft is None
    assert ids_in(outcome.replies[-1])[0] == offer_ids.due_in(7)


def test_unavailable_with_certainty_nothing_was_sent_says_try_again() -> None:
    outcome = refusal(Failure("unavailable", "connection refused", outcome_unknown=False))
    assert "temporarily unavailable" in said(outcome) and "Nothing was sent" in said(outcome)
    assert outcome.session.screen == Home()


def test_back_keeps_what_was_entered() -> None:
    at_handle = run(logged_in(), tap(offer_ids.offer_start(True)), inbound("5"))
    back = run(at_handle.session, inbound("back"))
    assert back.session.screen == attrs.evolve(at_handle.session.screen, step="amount")
    assert "5.00 USD" in said(back)
    confirming = at_confirmation()
    back_from_confirm = run(confirming.session, inbound("back"))
    assert back_from_confirm.session.draft is None
    assert back_from_confirm.session.screen.handle == "bob"  # type: ignore[union-attr]
