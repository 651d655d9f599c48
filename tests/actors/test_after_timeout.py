"""After the session timeout: a command is still carried out with the one-line timeout note,
the return to the personal account is said, and an onboarding answer is explained."""

from __future__ import annotations

import datetime as dt

from actors.effects import LoadLedger, LoadView
from actors.events import ButtonTapped
from actors.flows.dashboard import ShowDashboard
from actors.flows.pending import BeforeAction
from actors.intents import pending as pending_ids
from actors.ports.credex import LedgerPage
from actors.results import LedgerLoaded, ViewLoaded
from actors.session import OnboardFirstName, OnboardLastName, Session
from tests.actors.views import (
    NOW,
    PHONE,
    inbound,
    logged_in,
    owner_logged_in,
    owner_view,
    run,
    said,
)

LATER = NOW + dt.timedelta(seconds=301)


def test_ledger_typed_after_the_timeout_shows_the_ledger_with_the_note() -> None:
    outcome = run(logged_in(), inbound("ledger"), now=LATER)
    assert outcome.effects == (LoadLedger("acc-tendai", 1, 6),)
    assert said(outcome).startswith("⌛ Your session timed out")
    page = run(outcome.session, LedgerLoaded(1, LedgerPage((), 0, False)), now=LATER)
    assert "timed out" not in said(page)  # said once, before the ledger


def test_a_self_describing_tap_after_the_timeout_is_carried_out_with_the_note() -> None:
    outcome = run(logged_in(), inbound(ButtonTapped(pending_ids.accept("cx-1"), "")), now=LATER)
    assert outcome.effects == (LoadView(BeforeAction("accept", "cx-1")),)
    assert "timed out" in said(outcome)


def test_a_command_after_the_timeout_on_a_business_account_says_so() -> None:
    on_bakery = owner_logged_in(chosen="acc-bakery")
    outcome = run(on_bakery, inbound("ledger"), now=LATER)
    assert "You're back on your personal account." in said(outcome)
    assert outcome.session.chosen_account is None and outcome.session.identity is None
    logged = run(outcome.session, ViewLoaded(owner_view(), outcome.effects[0].purpose), now=LATER)  # type: ignore[attr-defined]
    assert logged.effects == (LoadLedger("acc-chipo", 1, 6),)


def test_an_answer_to_a_forgotten_question_gets_the_dashboard_and_the_note() -> None:
    outcome = run(logged_in(), inbound("what now"), now=LATER)
    assert outcome.effects == (LoadView(ShowDashboard("timed_out")),)


def test_a_name_typed_after_the_timeout_is_explained_and_registration_restarts() -> None:
    for screen in (OnboardFirstName(), OnboardLastName("Rudo")):
        session = Session(phone=PHONE, screen=screen, last_active=NOW.timestamp())
        outcome = run(session, inbound("Chikwanha"), now=LATER)
        assert "didn't keep your registration answers" in said(outcome)
        assert outcome.session.screen == OnboardFirstName()
        assert outcome.effects == ()
