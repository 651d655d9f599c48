"""Onboarding as a table of (session, event) -> outcome: welcome, names, confirmation, result."""

from __future__ import annotations

from actors.effects import LoadView, Onboard
from actors.events import ButtonTapped
from actors.failure import Failure
from actors.flows.dashboard import AfterLogin, ShowDashboard
from actors.intents import onboarding as onboarding_ids
from actors.intents.onboarding import BecomeMember
from actors.results import EffectFailed, MemberOnboarded
from actors.session import (
    Home,
    OnboardConfirm,
    OnboardFirstName,
    OnboardLastName,
    OnboardWelcome,
    Session,
)
from tests.actors.views import NOW, PHONE, ids_in, inbound, run, said, view

NOT_FOUND = Failure("not_found", "Could not retrieve member dashboard")
WELCOMED = Session(phone=PHONE, screen=OnboardWelcome(), last_active=NOW.timestamp())


def test_first_greeting_logs_in_by_phone() -> None:
    outcome = run(Session(), inbound("hi"))
    assert outcome.effects == (LoadView(ShowDashboard()),)
    assert outcome.session.phone == PHONE


def test_unknown_phone_gets_the_welcome_with_a_become_member_button() -> None:
    outcome = run(Session(), inbound("hi"), EffectFailed(LoadView(ShowDashboard()), NOT_FOUND))
    assert isinstance(outcome.session.screen, OnboardWelcome)
    assert ids_in(outcome.replies[0]) == [onboarding_ids.BECOME_MEMBER]
    assert "free" in said(outcome)


def test_become_member_asks_the_first_name() -> None:
    outcome = run(WELCOMED, inbound(ButtonTapped(onboarding_ids.BECOME_MEMBER, "Become a member")))
    assert outcome.session.screen == OnboardFirstName()
    assert "first name" in said(outcome)


def test_become_member_tap_on_an_old_screen_checks_membership_first() -> None:
    outcome = run(Session(), inbound(ButtonTapped(onboarding_ids.BECOME_MEMBER, "Become a member")))
    assert outcome.effects == (LoadView(AfterLogin(BecomeMember())),)
    after = run(outcome.session, EffectFailed(outcome.effects[0], NOT_FOUND))  # type: ignore[arg-type]
    assert isinstance(after.session.screen, OnboardFirstName)


def test_other_text_at_the_welcome_repeats_the_offer_to_join() -> None:
    outcome = run(WELCOMED, inbound("what is this"))
    assert ids_in(outcome.replies[0]) == [onboarding_ids.BECOME_MEMBER]
    assert isinstance(outcome.session.screen, OnboardWelcome)


def test_a_name_credex_core_would_shorten_below_three_letters_is_explained() -> None:
    session = Session(phone=PHONE, screen=OnboardFirstName(), last_active=NOW.timestamp())
    outcome = run(session, inbound("Li"))
    assert outcome.session.screen == OnboardFirstName()
    text = said(outcome)
    assert "letters" in text and "3–50" in text and "again" in text


def test_first_name_moves_on_to_the_last_name() -> None:
    session = Session(phone=PHONE, screen=OnboardFirstName(), last_active=NOW.timestamp())
    outcome = run(session, inbound("  Tendai  "))
    assert outcome.session.screen == OnboardLastName("Tendai")
    assert "last name" in said(outcome)


def test_confirmation_shows_the_name_exactly_as_registered_and_why_it_changed() -> None:
    session = Session(phone=PHONE, screen=OnboardFirstName(), last_active=NOW.timestamp())
    outcome = run(session, inbound("Ch1po!"), inbound("O'Neil-Dube"))
    assert outcome.session.screen == OnboardConfirm("Chpo", "ONeil-Dube")
    text = said(outcome)
    assert "*Chpo ONeil-Dube*" in text
    assert "removed" in text


def test_register_tap_onboards_with_the_cleaned_name() -> None:
    session = Session(phone=PHONE, screen=OnboardConfirm("Chipo", "Dube"))
    outcome = run(session, inbound(ButtonTapped(onboarding_ids.NAME_OK, "Register")))
    assert outcome.effects == (Onboard("Chipo", "Dube"),)


def test_change_name_starts_again_from_the_first_name_remembering_it() -> None:
    session = Session(phone=PHONE, screen=OnboardConfirm("Chipo", "Dube"))
    outcome = run(session, inbound(ButtonTapped(onboarding_ids.NAME_EDIT, "Change name")))
    assert outcome.session.screen == OnboardFirstName("Chipo", "Dube")
    assert "Chipo" in said(outcome)


def test_back_from_the_last_name_returns_to_the_first_name() -> None:
    session = Session(phone=PHONE, screen=OnboardLastName("Chipo"))
    outcome = run(session, inbound("back"))
    assert outcome.session.screen == OnboardFirstName("Chipo", "")


def test_onboarded_member_is_welcomed_and_sees_the_dashboard() -> None:
    session = Session(phone=PHONE, screen=OnboardConfirm("Chipo", "Dube"))
    outcome = run(session, MemberOnboarded(view(first_name="Chipo", tier=1, remaining="10")))
    assert outcome.session.identity is not None
    assert outcome.session.screen == Home()
    assert "Welcome to credex, Chipo" in said(outcome)
    assert "Good morning, Chipo" in said(outcome)


def test_onboarding_refusal_is_shown_and_the_confirmation_asked_again() -> None:
    session = Session(phone=PHONE, screen=OnboardConfirm("Chipo", "Dube"))
    failure = Failure("invalid", "Invalid name: must be between 3 and 50 characters long")
    outcome = run(session, EffectFailed(Onboard("Chipo", "Dube"), failure))
    assert "Invalid name" in said(outcome)
    assert ids_in(outcome.replies[-1]) == [onboarding_ids.NAME_OK, onboarding_ids.NAME_EDIT]


def test_onboarding_when_credex_core_is_down_says_try_again() -> None:
    session = Session(phone=PHONE, screen=OnboardConfirm("Chipo", "Dube"))
    failure = Failure("unavailable", "timeout")
    outcome = run(session, EffectFailed(Onboard("Chipo", "Dube"), failure))
    assert "temporarily unavailable" in said(outcome)


def test_cancel_during_onboarding_stops_politely() -> None:
    session = Session(phone=PHONE, screen=OnboardLastName("Chipo"))
    outcome = run(session, inbound("cancel"))
    assert outcome.session.screen == Home()
    assert "hi" in said(outcome)


def test_user_without_a_phone_number_is_told_why_the_bot_cannot_serve_them() -> None:
    outcome = run(Session(), inbound("hi", phone=None))
    assert outcome.effects == ()
    assert "phone number" in said(outcome)
