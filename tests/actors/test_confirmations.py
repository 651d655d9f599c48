"""A confirmation is open only while it is the screen the user is on: any other input closes
it, says in one line what was dropped, and a later tap or typed yes on it moves nothing."""

from __future__ import annotations

import pytest

from actors.effects import ActOnOffer, CreateCredex, LoadView
from actors.events import ButtonTapped
from actors.flows.members import BeforeMemberAction
from actors.flows.pending import BeforeAction
from actors.intents import ledger as ledger_ids
from actors.intents import members as members_ids
from actors.intents import offer as offer_ids
from actors.intents import pending as pending_ids
from actors.intents import submit as submit_ids
from actors.outcome import Transition
from actors.ports.credex import AccountRef
from actors.results import HandleResolved, ViewLoaded
from actors.session import AskYesNo, CancelConfirm, Home, OfferForm, Session
from tests.actors.views import (
    BAKERY,
    BOB,
    PERSONAL,
    inbound,
    logged_in,
    offer,
    owner_logged_in,
    owner_view,
    run,
    said,
    view,
)

RUDO = AccountRef("acc-rudo", "Rudo")
NOT_SENT = "Your 3.00 USD offer to Rudo was not sent."


def tap(reply_id: str) -> object:
    return inbound(ButtonTapped(reply_id, ""))


def quick_confirmation(text: str = "3=>rudo") -> Transition:
    outcome = run(logged_in(), inbound(text), HandleResolved("rudo", RUDO, 0))
    assert outcome.session.draft is not None and "Sign & send" in said(outcome)
    return outcome


def menu_confirmation() -> Transition:
    events = [tap(offer_ids.offer_start(True)), inbound("3"), inbound("rudo")]
    outcome = run(logged_in(), *events, HandleResolved("rudo", RUDO, None))  # type: ignore[arg-type]
    assert isinstance(outcome.session.screen, OfferForm) and outcome.session.draft is not None
    return outcome


def creates(outcome: Transition) -> bool:
    return any(isinstance(e, CreateCredex) for e in outcome.effects)


@pytest.mark.parametrize("leave", ["back", "menu", "cancel", "ledger", "help", "5=>bob"])
def test_leaving_a_quick_confirmation_closes_it_and_says_what_was_not_sent(leave: str) -> None:
    confirming = quick_confirmation()
    left = run(confirming.session, inbound(leave))
    assert left.session.draft is None
    assert said(left).startswith(f"🗑️ {NOT_SENT}")
    yes = run(left.session, inbound("yes"))
    assert not creates(yes) and yes.session.draft is None


def test_back_then_yes_on_the_dashboard_creates_nothing() -> None:
    confirming = quick_confirmation()
    draft = confirming.session.draft
    assert draft is not None
    back = run(confirming.session, inbound("back"))
    assert NOT_SENT in said(back) and "no earlier step" not in said(back)
    assert not creates(run(back.session, inbound("yes")))


@pytest.mark.parametrize("leave", ["back", "ledger"])
def test_the_old_sign_and_send_button_is_closed_after_leaving(leave: str) -> None:
    confirming = quick_confirmation("4=>rudo")
    draft = confirming.session.draft
    assert draft is not None
    left = run(confirming.session, inbound(leave))
    late = run(left.session, tap(submit_ids.confirm(draft.draft_id)))
    assert not creates(late) and "no longer open, so nothing was sent" in said(late)


def test_back_from_the_menu_confirmation_keeps_the_answers_and_says_it_was_not_sent() -> None:
    confirming = menu_confirmation()
    back = run(confirming.session, inbound("back"))
    assert back.session.draft is None
    assert isinstance(back.session.screen, OfferForm) and back.session.screen.step == "handle"
    assert said(back).startswith(f"🗑️ {NOT_SENT}")
    assert not creates(run(back.session, inbound("yes")))


def test_a_tap_elsewhere_closes_the_confirmation() -> None:
    confirming = quick_confirmation()
    elsewhere = run(confirming.session, tap(ledger_ids.ledger_page(1)))
    assert elsewhere.session.draft is None and NOT_SENT in said(elsewhere)


def test_yes_and_no_typed_answer_only_the_confirmation_on_screen() -> None:
    confirming = quick_confirmation()
    assert creates(run(confirming.session, inbound("yes")))
    dropped = run(confirming.session, inbound("no"))
    assert not creates(dropped) and dropped.session.draft is None


def test_other_text_on_a_confirmation_keeps_it_open_and_points_at_the_buttons() -> None:
    confirming = quick_confirmation()
    unsure = run(confirming.session, inbound("hmm"))
    assert unsure.session.draft == confirming.session.draft
    assert "tap *Sign & send* or *Cancel*" in said(unsure)


def test_the_confirm_tap_of_the_open_draft_still_signs() -> None:
    confirming = quick_confirmation()
    draft = confirming.session.draft
    assert draft is not None
    assert creates(run(confirming.session, tap(submit_ids.confirm(draft.draft_id))))


def test_a_bulk_confirmation_left_names_every_recipient() -> None:
    outcome = run(
        logged_in(), inbound("2=>bob\n3=>rudo"),
        HandleResolved("bob", BOB, 0), HandleResolved("rudo", RUDO, 1),
    )  # fmt: skip
    left = run(outcome.session, inbound("menu"))
    assert "Your 2 offers (to Bob Banda Personal, Rudo) were not sent." in said(left)


# ----- cancelling an outgoing offer -----

MINE = (offer("cx-5", "-5", "Bob"),)


def cancel_question() -> Session:
    asked = run(logged_in(), ViewLoaded(view(pending_out=MINE), BeforeAction("ask_cancel", "cx-5")))
    assert asked.session.screen == CancelConfirm("cx-5")
    return asked.session


def test_leaving_a_cancel_question_closes_it_and_the_old_yes_button_cancels_nothing() -> None:
    left = run(cancel_question(), inbound("ledger"))
    assert "Nothing was cancelled: your offer is still pending." in said(left)
    assert left.session.screen == Home()
    late = run(left.session, tap(pending_ids.cancel_now("cx-5")))
    assert late.effects == () and "That confirmation is closed, so nothing was cancelled" in said(
        late
    )
    typed = run(left.session, inbound("yes"))
    assert not any(
        isinstance(e, LoadView) and e.purpose == BeforeAction("cancel", "cx-5")
        for e in typed.effects
    )


def test_the_open_cancel_question_still_cancels() -> None:
    tapped = run(cancel_question(), tap(pending_ids.cancel_now("cx-5")))
    assert tapped.effects == (LoadView(BeforeAction("cancel", "cx-5")),)
    done = run(tapped.session, ViewLoaded(view(pending_out=MINE), BeforeAction("cancel", "cx-5")))
    assert done.effects == (ActOnOffer("cancel", MINE[0], "mem-tendai"),)


# ----- removing a member -----

REMOVE = members_ids.remove_member("acc-bakery", "mem-tendai")


def removal_question() -> Session:
    session = owner_logged_in(PERSONAL, BAKERY, chosen="acc-bakery")
    purpose = BeforeMemberAction(False, "acc-bakery", "mem-tendai")
    asked = run(session, ViewLoaded(owner_view(PERSONAL, BAKERY), purpose))
    assert asked.session.screen == AskYesNo(REMOVE, members_ids.MEMBERS)
    return asked.session


def test_leaving_a_removal_question_closes_it_and_its_yes_button_changes_nothing() -> None:
    left = run(removal_question(), inbound("menu"))
    assert "Nothing was changed: the member is still authorized." in said(left)
    late = run(left.session, tap(REMOVE))
    assert late.effects == () and "That confirmation is closed, so nothing was changed" in said(
        late
    )


@pytest.mark.parametrize("answer", ["yes", REMOVE])
def test_the_open_removal_question_still_removes(answer: str) -> None:
    event = inbound(answer) if answer == "yes" else tap(answer)
    outcome = run(removal_question(), event)  # type: ignore[arg-type]
    assert outcome.effects == (LoadView(BeforeMemberAction(True, "acc-bakery", "mem-tendai")),)
