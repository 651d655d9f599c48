"""Incoming and outgoing offers: paged lists, accept, decline, accept all, cancel with a check."""

from __future__ import annotations

import datetime as dt

import pytest

from actors.effects import AcceptAll, ActOnOffer, LoadView
from actors.events import ButtonTapped, ListPicked
from actors.failure import Failure
from actors.flows.dashboard import ShowDashboard
from actors.flows.pending import BeforeAcceptAll, BeforeAction, ShowOffer, ShowPending
from actors.intents import navigation as navigation_ids
from actors.intents import pending as pending_ids
from actors.ports.credex import BulkAcceptResult, BulkFailure
from actors.replies import ListMessage
from actors.results import BulkAccepted, EffectFailed, OfferActed, ViewLoaded
from actors.session import CancelConfirm, Session
from tests.actors.views import ids_in, inbound, logged_in, offer, run, said, view

TEN_IN = tuple(offer(f"cx-{n}", f"{n}", f"Member {n}") for n in range(1, 11))
DUE = dt.date(2026, 4, 1)


def tap(reply_id: str) -> object:
    return inbound(ButtonTapped(reply_id, ""))


def test_incoming_row_loads_a_fresh_view() -> None:
    outcome = run(logged_in(), inbound(ListPicked(pending_ids.pending_page("in", 1), "")))  # type: ignore[arg-type]
    assert outcome.effects == (LoadView(ShowPending("in", 1)),)


def test_long_incoming_list_is_paged_within_whatsapps_ten_rows() -> None:
    first = run(logged_in(), ViewLoaded(view(pending_in=TEN_IN), ShowPending("in", 1)))
    (reply,) = first.replies
    assert isinstance(reply, ListMessage)
    rows = ids_in(reply)
    assert len(rows) <= 10
    assert rows[:6] == [pending_ids.pending_offer("in", f"cx-{n}") for n in range(1, 7)]
    every = tuple(o.credex_id for o in TEN_IN)
    assert rows[6:] == [pending_ids.accept_all(every), pending_ids.pending_page("in", 2)]
    second = run(logged_in(), ViewLoaded(view(pending_in=TEN_IN), ShowPending("in", 2)))
    # Every page beyond the first has Previous and Menu.
    assert ids_in(second.replies[0]) == [
        *(pending_ids.pending_offer("in", f"cx-{n}") for n in range(7, 11)),
        pending_ids.pending_page("in", 1),
        pending_ids.accept_all(every),
        navigation_ids.MENU,
    ]
    assert "page 2 of 2" in said(second)


def test_list_shows_amount_secured_or_due_date_and_who() -> None:
    offers = (offer("cx-1", "12", "Rudo"), offer("cx-2", "8", "Farai", secured=False, due_date=DUE))
    outcome = run(logged_in(), ViewLoaded(view(pending_in=offers), ShowPending("in", 1)))
    text = said(outcome)
    assert "12.00 USD* from Rudo (secured)" in text
    assert "8.00 USD* from Farai (unsecured, due 1 Apr 2026)" in text


def test_no_offers_says_so_with_a_way_back() -> None:
    outcome = run(logged_in(), ViewLoaded(view(), ShowPending("out", 1)))
    assert "no outgoing offers" in said(outcome)
    assert ids_in(outcome.replies[0]) == [navigation_ids.MENU]


def test_choosing_an_incoming_offer_shows_accept_and_decline() -> None:
    outcome = run(logged_in(), ViewLoaded(view(pending_in=TEN_IN[:1]), ShowOffer("in", "cx-1")))
    assert ids_in(outcome.replies[0]) == [
        pending_ids.accept("cx-1"),
        pending_ids.decline("cx-1"),
        navigation_ids.MENU,
    ]


def test_accept_rechecks_the_offer_then_accepts_as_the_member() -> None:
    asked = run(logged_in(), tap(pending_ids.accept("cx-1")))
    assert asked.effects == (LoadView(BeforeAction("accept", "cx-1")),)
    outcome = run(
        asked.session, ViewLoaded(view(pending_in=TEN_IN[:1]), BeforeAction("accept", "cx-1"))
    )
    assert outcome.effects == (ActOnOffer("accept", TEN_IN[0], "mem-tendai"),)


def test_accepted_offer_is_confirmed_by_name_and_amount_then_the_dashboard() -> None:
    outcome = run(logged_in(), OfferActed(ActOnOffer("accept", TEN_IN[0], "mem-tendai")))
    assert "You accepted *1.00 USD* from *Member 1*" in said(outcome)
    assert outcome.effects == (LoadView(ShowDashboard()),)


def test_a_tap_on_an_offer_no_longer_pending_says_so_and_acts_on_nothing() -> None:
    outcome = run(logged_in(), ViewLoaded(view(), BeforeAction("decline", "cx-1")))
    assert outcome.effects == ()
    assert "no longer pending" in said(outcome)
    assert "Good morning" in said(outcome)


def test_accept_after_the_session_is_gone_logs_in_and_still_works() -> None:
    outcome = run(Session(), tap(pending_ids.accept("cx-1")))
    (effect,) = outcome.effects
    assert isinstance(effect, LoadView)
    then = run(outcome.session, ViewLoaded(view(pending_in=TEN_IN[:1]), effect.purpose))
    assert then.effects == (LoadView(BeforeAction("accept", "cx-1")),)


def test_refused_accept_is_explained_in_plain_words() -> None:
    effect = ActOnOffer("accept", TEN_IN[0], "mem-tendai")
    outcome = run(
        logged_in(), EffectFailed(effect, Failure("conflict", "Credex has already been accepted"))
    )
    assert "couldn't accept" in said(outcome) and "already been accepted" in said(outcome)


def test_accept_all_accepts_the_listed_offers_in_one_call() -> None:
    three = TEN_IN[:3]
    listed = run(logged_in(), ViewLoaded(view(pending_in=three), ShowPending("in", 1)))
    row = pending_ids.accept_all(tuple(o.credex_id for o in three))
    assert row in ids_in(listed.replies[0])
    asked = run(listed.session, inbound(ListPicked(row, "")))  # type: ignore[arg-type]
    purpose = BeforeAcceptAll(tuple(o.credex_id for o in three))
    assert asked.effects == (LoadView(purpose),)
    outcome = run(asked.session, ViewLoaded(view(pending_in=three), purpose))
    assert outcome.effects == (AcceptAll(three, "mem-tendai"),)


def test_stale_accept_all_accepts_only_what_it_listed_and_names_the_newcomer() -> None:
    two, late = TEN_IN[:2], TEN_IN[2]
    listed = run(logged_in(), ViewLoaded(view(pending_in=two), ShowPending("in", 1)))
    asked = run(listed.session, inbound(ListPicked(pending_ids.accept_all(("cx-1", "cx-2")), "")))  # type: ignore[arg-type]
    (effect,) = asked.effects
    assert isinstance(effect, LoadView) and isinstance(effect.purpose, BeforeAcceptAll)
    fresh = view(pending_in=(*two, late))
    outcome = run(asked.session, ViewLoaded(fresh, effect.purpose))
    assert outcome.effects == (AcceptAll(two, "mem-tendai", arrived_since=(late,)),)
    result = BulkAcceptResult(("cx-1", "cx-2"), (), ())
    done = run(outcome.session, BulkAccepted(result, two, (late,)))
    assert "1 new offer arrived since — it is still waiting for you" in said(done)
    again = run(done.session, inbound(ListPicked(pending_ids.accept_all(("cx-1", "cx-2")), "")))  # type: ignore[arg-type]
    assert again.effects == (LoadView(ShowPending("in", 1)),)  # used once: no second accept


@pytest.mark.parametrize("row", [pending_ids.ACCEPT_ALL, pending_ids.accept_all(("cx-1", "cx-9"))])
def test_accept_all_from_a_list_the_session_does_not_know_accepts_nothing(row: str) -> None:
    listed = run(logged_in(), ViewLoaded(view(pending_in=TEN_IN[:2]), ShowPending("in", 1)))
    outcome = run(listed.session, inbound(ListPicked(row, "")))  # type: ignore[arg-type]
    assert outcome.effects == (LoadView(ShowPending("in", 1)),)
    assert "nothing was accepted" in said(outcome)


def test_accept_all_summary_names_accepted_already_accepted_and_failed() -> None:
    result = BulkAcceptResult(
        ("cx-1",), ("cx-2",), (BulkFailure("cx-3", "Credex in invalid state"),)
    )
    outcome = run(logged_in(), BulkAccepted(result, TEN_IN[:3]))
    text = said(outcome)
    assert "*Accepted* (1)\n• 1.00 USD from Member 1" in text
    assert "*Already accepted* (1)\n• 2.00 USD from Member 2" in text
    assert "• 3.00 USD from Member 3: _Credex in invalid state_" in text


def test_accept_all_with_nothing_pending_says_so() -> None:
    outcome = run(logged_in(), ViewLoaded(view(), BeforeAcceptAll()))
    assert outcome.effects == () and "no incoming offers" in said(outcome)


def test_cancelling_an_outgoing_offer_asks_first_then_cancels() -> None:
    mine = (offer("cx-5", "-5", "Bob"),)
    asked = run(logged_in(), ViewLoaded(view(pending_out=mine), BeforeAction("ask_cancel", "cx-5")))
    assert asked.session.screen == CancelConfirm("cx-5")
    assert ids_in(asked.replies[0]) == [pending_ids.cancel_now("cx-5"), navigation_ids.MENU]
    assert asked.effects == ()
    yes = run(asked.session, inbound("yes"))
    assert yes.effects == (LoadView(BeforeAction("cancel", "cx-5")),)
    done = run(yes.session, ViewLoaded(view(pending_out=mine), BeforeAction("cancel", "cx-5")))
    assert done.effects == (ActOnOffer("cancel", mine[0], "mem-tendai"),)


def test_outgoing_offer_card_offers_cancel_and_the_way_back_to_its_list() -> None:
    mine = (offer("cx-5", "-5", "Bob"),)
    outcome = run(logged_in(), ViewLoaded(view(pending_out=mine), ShowOffer("out", "cx-5")))
    back = pending_ids.pending_page("out", 1)
    assert ids_in(outcome.replies[0]) == [pending_ids.ask_cancel("cx-5"), back, navigation_ids.MENU]
    assert "5.00 USD" in said(outcome) and "-5" not in said(outcome)
