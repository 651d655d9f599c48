"""Navigation words, thanks, help, unknown input, push notifications and the session timeout."""

from __future__ import annotations

import datetime as dt

import attrs

from actors.effects import LoadView
from actors.events import ButtonTapped, Notification, Other, Reaction
from actors.flows.dashboard import AfterLogin, ShowDashboard
from actors.flows.pending import BeforeAction
from actors.intents import navigation as navigation_ids
from actors.intents import offer as offer_ids
from actors.intents import pending as pending_ids
from actors.intents import submit as submit_ids
from actors.intents.base import Typed
from actors.results import HandleResolved
from actors.session import Home, OfferForm
from tests.actors.views import BOB, NOW, ids_in, inbound, logged_in, run, said, text_of

LATER = NOW + dt.timedelta(seconds=301)


def test_thanks_gets_a_bow_and_changes_nothing() -> None:
    session = run(logged_in(), inbound(ButtonTapped(offer_ids.offer_start(True), ""))).session
    for event in (inbound("thank you"), inbound(Reaction("👍", "wamid.0"))):
        outcome = run(session, event)
        assert said(outcome) == "🙏"
        assert outcome.session == session and outcome.effects == ()


def test_help_lists_quick_command_forms_and_navigation_words() -> None:
    text = said(run(logged_in(), inbound("help")))
    for part in ("5=>bob", "5->bob", "2026-12-20", "menu", "cancel", "back"):
        assert part in text


def test_menu_abandons_a_form_and_shows_the_dashboard() -> None:
    in_form = run(logged_in(), inbound(ButtonTapped(offer_ids.offer_start(True), "")), inbound("5"))
    outcome = run(in_form.session, inbound("Menu"))
    assert outcome.session.screen == Home()
    assert outcome.effects == (LoadView(ShowDashboard("discarded")),)


def test_cancel_words_abandon_the_step_and_say_so() -> None:
    in_form = run(logged_in(), inbound(ButtonTapped(offer_ids.offer_start(True), "")))
    for word in ("x", "c", "cancel"):
        outcome = run(in_form.session, inbound(word))
        assert outcome.effects == (LoadView(ShowDashboard("cancelled")),)
        assert outcome.session.screen == Home()


def test_greeting_starts_fresh_but_remembers_sent_confirmations() -> None:
    session = attrs.evolve(logged_in(), sent_drafts=("d1",), screen=OfferForm(secured=True))
    outcome = run(session, inbound("hello"))
    assert outcome.session.identity is None
    assert outcome.session.sent_drafts == ("d1",)
    assert outcome.effects == (LoadView(ShowDashboard()),)


def test_unknown_text_gets_a_short_hint_with_a_menu_button_not_the_dashboard() -> None:
    outcome = run(logged_in(), inbound("what's the weather"))
    assert outcome.effects == ()  # no fresh dashboard: one short message
    (reply,) = outcome.replies
    assert "didn't understand" in said(outcome) and navigation_ids.MENU in ids_in(reply)
    assert len(text_of(reply)) < 200


def test_media_gets_a_friendly_reply_naming_what_the_bot_understands() -> None:
    outcome = run(logged_in(), inbound(Other("image")))
    assert "picture" in said(outcome) and "5=>bob" in said(outcome)
    assert outcome.effects == (LoadView(ShowDashboard()),)


def test_unknown_text_without_a_session_logs_in_first() -> None:
    outcome = run(attrs.evolve(logged_in(), identity=None), inbound("blah"))
    assert outcome.effects == (LoadView(AfterLogin(Typed("blah"))),)


def test_push_notification_offers_a_button_to_view_incoming_offers() -> None:
    outcome = run(logged_in(), inbound(Notification("Tendai", "Rudo offered you 5.00 USD")))
    assert "Rudo offered you 5.00 USD" in said(outcome)
    assert ids_in(outcome.replies[0]) == [pending_ids.pending_page("in", 1)]
    assert outcome.effects == ()


def test_after_the_timeout_text_in_a_form_gets_the_dashboard_and_a_note() -> None:
    in_form = run(logged_in(), inbound(ButtonTapped(offer_ids.offer_start(True), "")))
    outcome = run(in_form.session, inbound("5"), now=LATER)
    assert outcome.effects == (LoadView(ShowDashboard("timed_out_discarded")),)
    assert outcome.session.screen == Home()


def test_before_the_timeout_the_form_carries_on() -> None:
    in_form = run(logged_in(), inbound(ButtonTapped(offer_ids.offer_start(True), "")))
    outcome = run(in_form.session, inbound("5"), now=NOW + dt.timedelta(seconds=299))
    assert outcome.session.screen.step == "handle"  # type: ignore[union-attr]


def test_after_the_timeout_a_confirmation_says_the_draft_expired() -> None:
    confirming = run(
        logged_in(), inbound(ButtonTapped(offer_ids.offer_start(True), "")), inbound("5"),
        inbound("bob"), HandleResolved("bob", BOB, None),
    )  # fmt: skip
    draft_id = confirming.session.draft.draft_id  # type: ignore[union-attr]
    outcome = run(
        confirming.session, inbound(ButtonTapped(submit_ids.confirm(draft_id), "")), now=LATER
    )
    assert outcome.effects == ()
    assert "no longer open" in said(outcome) and "send it again" in said(outcome)


def test_after_the_timeout_a_self_describing_button_still_works() -> None:
    outcome = run(logged_in(), inbound(ButtonTapped(pending_ids.accept("cx-1"), "")), now=LATER)
    assert outcome.effects == (LoadView(BeforeAction("accept", "cx-1")),)


def test_after_the_timeout_a_greeting_starts_fresh() -> None:
    outcome = run(logged_in(), inbound("hi"), now=LATER)
    assert outcome.effects == (LoadView(ShowDashboard()),)
    assert outcome.session.identity is None


def test_timed_out_note_mentions_the_discarded_draft() -> None:
    from actors.results import ViewLoaded
    from tests.actors.views import view

    outcome = run(logged_in(), ViewLoaded(view(), ShowDashboard("timed_out_discarded")))
    assert "timed out" in said(outcome) and "discarded" in said(outcome)
    assert "Good morning" in said(outcome)


def test_dashboard_that_cannot_load_says_so_without_claiming_nothing_was_sent() -> None:
    from actors.failure import Failure
    from actors.results import EffectFailed

    outcome = run(logged_in(), EffectFailed(LoadView(ShowDashboard()), Failure("unavailable", "x")))
    assert "temporarily unavailable" in said(outcome)
    assert "Nothing was sent" not in said(outcome)
