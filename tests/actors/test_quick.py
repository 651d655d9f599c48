"""Quick commands: one line gives the menu's confirmation, several lines one bulk confirmation."""

from __future__ import annotations

import datetime as dt

from actors.effects import CreateCredex, LoadView, ResolveHandle
from actors.failure import Failure
from actors.flows.dashboard import ShowDashboard
from actors.intents import submit as submit_ids
from actors.ports.credex import AccountRef
from actors.results import EffectFailed, HandleResolved
from actors.session import Home, QuickLookup
from tests.actors.test_offer import created
from tests.actors.views import BOB, TODAY, ids_in, inbound, logged_in, run, said

RUDO = AccountRef("acc-rudo", "Rudo Chikwanha Personal")


def test_quick_command_from_the_dashboard_looks_up_the_handle() -> None:
    outcome = run(logged_in(), inbound("0.5 => Bob"))
    assert outcome.effects == (ResolveHandle("bob", line=0),)
    assert isinstance(outcome.session.screen, QuickLookup)


def test_single_quick_command_gets_the_same_confirmation_as_the_menu() -> None:
    outcome = run(logged_in(), inbound("5=>bob"), HandleResolved("bob", BOB, 0))
    draft = outcome.session.draft
    assert draft is not None and len(draft.offers) == 1
    assert "Sign & send" in said(outcome) and "Bob Banda Personal" in said(outcome)


def test_unsecured_quick_command_without_a_date_is_due_in_four_weeks() -> None:
    outcome = run(logged_in(), inbound("5->bob"), HandleResolved("bob", BOB, 0))
    assert outcome.session.draft.offers[0].due_date == TODAY + dt.timedelta(days=28)  # type: ignore[union-attr]


def test_quick_command_works_in_the_middle_of_a_form() -> None:
    in_form = run(logged_in(), inbound("offer"), inbound("5=>bob"))
    assert in_form.effects == (ResolveHandle("bob", line=0),)


def bulk():  # type: ignore[no-untyped-def]
    return run(
        logged_in(),
        inbound("2=>bob\n3->rudo\nUSD 4=>bob"),
        HandleResolved("bob", BOB, 0),
        HandleResolved("rudo", RUDO, 1),
    )


def test_bulk_looks_up_each_recipient_once_and_asks_one_confirmation() -> None:
    outcome = bulk()
    draft = outcome.session.draft
    assert draft is not None and len(draft.offers) == 3
    assert ids_in(outcome.replies[0]) == [
        submit_ids.confirm(draft.draft_id),
        submit_ids.discard(draft.draft_id),
    ]
    assert "Send all 3" in said(outcome)
    assert said(outcome).count("Bob Banda Personal") == 2


def test_bulk_sends_one_offer_at_a_time_and_reports_one_line_each() -> None:
    confirming = bulk()
    draft_id = confirming.session.draft.draft_id  # type: ignore[union-attr]
    first = run(confirming.session, inbound_tap(submit_ids.confirm(draft_id)))
    assert [type(e) for e in first.effects] == [CreateCredex]
    second = run(first.session, created(draft_id, 0))
    assert second.effects[0].index == 1  # type: ignore[union-attr]
    refusal = Failure("limit", "only able to issue 1.00 USD", left_today="1.00 USD")
    third = run(second.session, EffectFailed(second.effects[0], refusal))
    assert third.effects[0].index == 2  # type: ignore[union-attr]
    done = run(third.session, created(draft_id, 2))
    text = said(done)
    assert text.count("✅") == 2 and text.count("❌") == 1 and "1.00 USD" in text
    assert done.effects == (LoadView(ShowDashboard()),)


def inbound_tap(reply_id: str):  # type: ignore[no-untyped-def]
    from actors.events import ButtonTapped

    return inbound(ButtonTapped(reply_id, ""))


def test_bulk_with_an_unknown_handle_sends_nothing_and_names_the_line() -> None:
    outcome = run(
        logged_in(),
        inbound("2=>bob\n3=>nobody"),
        HandleResolved("bob", BOB, 0),
        EffectFailed(ResolveHandle("nobody", 1), Failure("not_found", "Account not found")),
    )
    assert outcome.session.draft is None
    assert outcome.session.screen == Home()
    assert "Line 2" in said(outcome) and "nobody" in said(outcome) and "spelling" in said(outcome)


def test_quick_due_date_outside_the_window_is_refused_before_any_call() -> None:
    late = (TODAY + dt.timedelta(days=60)).isoformat()
    outcome = run(logged_in(), inbound(f"5->bob={late}"))
    assert outcome.effects == ()
    assert outcome.session.draft is None and "due date must be between" in said(outcome)


def test_malformed_quick_command_says_where_and_what_to_send() -> None:
    outcome = run(logged_in(), inbound("5=>b"))
    assert outcome.effects == ()
    assert "handle" in said(outcome) and "help" in said(outcome)


def test_lookup_outage_stops_the_quick_command_with_nothing_sent() -> None:
    outcome = run(
        logged_in(),
        inbound("5=>bob"),
        EffectFailed(ResolveHandle("bob", 0), Failure("unavailable", "down")),
    )
    assert "temporarily unavailable" in said(outcome)
    assert outcome.session.draft is None


def test_yes_typed_after_a_quick_confirmation_sends_it() -> None:
    confirming = run(logged_in(), inbound("5=>bob"), HandleResolved("bob", BOB, 0))
    outcome = run(confirming.session, inbound("yes"))
    assert [type(e) for e in outcome.effects] == [CreateCredex]


def test_unsecured_quick_command_on_the_open_tier_is_refused_before_signing() -> None:
    outcome = run(logged_in(tier=1), inbound("5->bob"))
    assert outcome.effects == ()
    assert outcome.session.draft is None
    assert "need the Verified tier (tier 2) or above" in said(outcome) and "=>" in said(outcome)
    assert "paid tier" not in said(outcome)


def test_secured_quick_command_on_the_open_tier_is_prepared() -> None:
    outcome = run(logged_in(tier=1), inbound("5=>bob"))
    assert outcome.effects == (ResolveHandle("bob", line=0),)
