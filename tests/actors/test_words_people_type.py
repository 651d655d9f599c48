"""Words people type (issue 9), through `step`: what each one does, and the wording fixes."""

from __future__ import annotations

import datetime as dt

import pytest

from actors.effects import CreateCredex, LoadView, ResolveHandle
from actors.events import ButtonTapped, Reaction
from actors.flows.dashboard import ShowDashboard
from actors.flows.pending import ShowPending
from actors.intents import navigation as navigation_ids
from actors.intents import offer as offer_ids
from actors.results import HandleResolved, ViewLoaded
from actors.screens import common
from tests.actors.views import BOB, ids_in, inbound, logged_in, offer, run, said, view


@pytest.mark.parametrize("typed", ["okay", "Okay!", "thank you so much", "ok thanks", "👍"])
def test_thanks_and_okay_are_answered_with_thanks_and_change_nothing(typed: str) -> None:
    session = logged_in()
    outcome = run(session, inbound(typed))
    assert outcome.replies == (common.thanks(),)
    assert outcome.session == session and outcome.effects == ()


@pytest.mark.parametrize("typed", ["balance", "menu please", "Menu, please", "home"])
def test_balance_and_polite_menu_show_the_dashboard(typed: str) -> None:
    outcome = run(logged_in(), inbound(typed))
    assert outcome.effects == (LoadView(ShowDashboard()),)


@pytest.mark.parametrize("typed", ["good morning", "Mangwanani", "ndeipi", "hi"])
def test_greetings_start_fresh_with_the_dashboard(typed: str) -> None:
    outcome = run(logged_in(), inbound(typed))
    assert outcome.effects == (LoadView(ShowDashboard()),)
    assert outcome.session.identity is None  # a fresh start logs in again


@pytest.mark.parametrize(
    ("typed", "handle", "secured"),
    [
        ("5 = > rudo", "rudo", True),
        ("5→rudo", "rudo", True),
        ("5=>rudo 🙏", "rudo", True),
        ("5 - > rudo", "rudo", False),
        ("5=>+263 77 123 4567", "263771234567", True),
        ("5=>263771234567", "263771234567", True),
        ("5=>0771234567", "263771234567", True),  # local, in Tendai's country (+263)
    ],
)
def test_quick_commands_as_people_type_them_look_up_the_recipient(
    typed: str, handle: str, secured: bool
) -> None:
    outcome = run(logged_in(), inbound(typed))
    assert outcome.effects == (ResolveHandle(handle, line=0),)
    assert outcome.session.screen.lines[0].secured is secured  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("typed", "due"),
    [("5->bob=20/3/2026", dt.date(2026, 3, 20)), ("5->bob=20 Mar", dt.date(2026, 3, 20))],
)
def test_due_dates_typed_day_first_or_without_a_year_are_read(typed: str, due: dt.date) -> None:
    outcome = run(logged_in(), inbound(typed), HandleResolved("bob", BOB, 0))
    draft = outcome.session.draft
    assert draft is not None and draft.offers[0].due_date == due
    assert "Sign & send" in said(outcome)


def test_okay_on_a_confirmation_still_answers_it() -> None:
    asked = run(logged_in(), inbound("5=>bob"), HandleResolved("bob", BOB, 0))
    draft = asked.session.draft
    assert draft is not None
    outcome = run(asked.session, inbound("okay"))
    assert outcome.effects == (
        CreateCredex(draft.draft_id, 0, draft.offers[0], "mem-tendai", "acc-tendai"),
    )


@pytest.mark.parametrize("emoji", ["😡", "😠🏿", "👎", "😢"])
def test_an_angry_reaction_is_not_thanked(emoji: str) -> None:
    outcome = run(logged_in(), inbound(Reaction(emoji, "wamid.0")))
    assert "🙏" not in said(outcome)
    assert "Sorry" in said(outcome)
    assert navigation_ids.MENU in ids_in(outcome.replies[0])


def test_a_glad_reaction_is_thanked() -> None:
    outcome = run(logged_in(), inbound(Reaction("❤️", "wamid.0")))
    assert outcome.replies == (common.thanks(),)


def test_cancel_with_nothing_open_does_not_claim_something_was_cancelled() -> None:
    outcome = run(logged_in(), inbound("cancel"))
    assert outcome.effects == (LoadView(ShowDashboard("nothing_to_cancel")),)
    shown = run(outcome.session, ViewLoaded(view(), ShowDashboard("nothing_to_cancel")))
    assert "Nothing was sent" not in said(shown)
    assert "nothing open to cancel" in said(shown)


def test_cancel_in_a_form_still_says_cancelled() -> None:
    in_form = run(logged_in(), inbound(ButtonTapped(offer_ids.offer_start(True), "")))
    outcome = run(in_form.session, inbound("x"))
    assert outcome.effects == (LoadView(ShowDashboard("cancelled")),)


def test_accept_all_of_one_offer_is_not_plural() -> None:
    one = (offer("cx-1", "5", "Rudo"),)
    outcome = run(logged_in(), ViewLoaded(view(pending_in=one), ShowPending("in", 1)))
    assert "Accept the 1 offer" in said(outcome)
    assert "1 offers" not in said(outcome)


def test_help_states_the_due_window_credex_core_enforces() -> None:
    text = said(run(logged_in(), inbound("help")))
    assert "7 to 34 days ahead" in text
    assert "weeks ahead" not in text
