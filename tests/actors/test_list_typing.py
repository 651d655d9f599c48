"""Lists you can type into: a number picks its row, `next`/`prev` page, `back` returns."""

from __future__ import annotations

from decimal import Decimal

import pytest

from actors.effects import LoadCredex, LoadLedger, LoadView
from actors.events import ButtonTapped
from actors.flows.accounts import ShowAccounts, SwitchTo
from actors.flows.dashboard import ShowDashboard
from actors.flows.pending import ShowOffer, ShowPending
from actors.intents import ledger as ledger_ids
from actors.intents import navigation as navigation_ids
from actors.intents import offer as offer_ids
from actors.intents import pending as pending_ids
from actors.intents import statement as statement_ids
from actors.ports.credex import CredexDetail, LedgerEntry, LedgerPage, Money
from actors.replies import ButtonsMessage
from actors.results import CredexLoaded, LedgerLoaded, ViewLoaded
from actors.session import Home, Session
from tests.actors.views import (
    BAKERY,
    PERSONAL,
    PHONE,
    account,
    ids_in,
    inbound,
    logged_in,
    offer,
    owner_logged_in,
    owner_view,
    run,
    said,
    view,
)

TEN_IN = tuple(offer(f"cx-{n}", f"{n}", f"Member {n}") for n in range(1, 11))


def on_page(page: int) -> Session:
    """Tendai looking at page `page` of ten incoming offers (six a page)."""
    return run(logged_in(), ViewLoaded(view(pending_in=TEN_IN), ShowPending("in", page))).session


@pytest.mark.parametrize(
    ("page", "typed", "credex_id"),
    [
        (1, "1", "cx-1"),
        (1, "#1", "cx-1"),
        (1, " 3. ", "cx-3"),
        (1, "no 6", "cx-6"),
        (2, "9", "cx-9"),  # numbers run on across pages, as the list shows them
        (2, "#7", "cx-7"),
        (2, "10", "cx-10"),
    ],
)
def test_a_typed_number_opens_the_row_shown_with_it(page: int, typed: str, credex_id: str) -> None:
    outcome = run(on_page(page), inbound(typed))
    assert outcome.effects == (LoadView(ShowOffer("in", credex_id)),)


@pytest.mark.parametrize(
    ("page", "typed", "words"),
    [
        (1, "7", "This page shows 1 to 6"),
        (1, "0", "This page shows 1 to 6"),
        (2, "3", "This page shows 7 to 10"),
        (2, "next", "This is the last page"),
        (1, "prev", "This is the first page"),
    ],
)
def test_a_number_or_page_the_list_does_not_have_is_explained(
    page: int, typed: str, words: str
) -> None:
    outcome = run(on_page(page), inbound(typed))
    assert outcome.effects == ()
    assert words in said(outcome)
    (reply,) = outcome.replies
    assert isinstance(reply, ButtonsMessage) and reply.buttons[0].id == navigation_ids.MENU


@pytest.mark.parametrize(
    ("page", "typed", "to_page"),
    [(1, "next", 2), (1, "More", 2), (1, "next please", 2), (2, "prev", 1), (2, "Previous", 1)],
)
def test_paging_words_turn_the_page(page: int, typed: str, to_page: int) -> None:
    outcome = run(on_page(page), inbound(typed))
    assert outcome.effects == (LoadView(ShowPending("in", to_page)),)


def test_back_on_a_later_page_goes_to_the_page_before() -> None:
    outcome = run(on_page(2), inbound("back"))
    assert outcome.effects == (LoadView(ShowPending("in", 1)),)


def test_back_from_an_offer_returns_to_the_list_page_it_came_from() -> None:
    picked = run(on_page(2), inbound("9"))
    card = run(picked.session, ViewLoaded(view(pending_in=TEN_IN), ShowOffer("in", "cx-9")))
    assert "Offer from Member 9" in said(card)
    outcome = run(card.session, inbound("back"))
    assert outcome.effects == (LoadView(ShowPending("in", 2)),)


def test_back_from_an_offer_tapped_elsewhere_returns_to_the_first_page() -> None:
    tapped = run(logged_in(), inbound(ButtonTapped(pending_ids.pending_offer("in", "cx-9"), "")))
    card = run(tapped.session, ViewLoaded(view(pending_in=TEN_IN), ShowOffer("in", "cx-9")))
    outcome = run(card.session, inbound("back"))
    assert outcome.effects == (LoadView(ShowPending("in", 1)),)


def test_numbers_on_the_dashboard_pick_nothing_and_say_so() -> None:
    outcome = run(logged_in(), inbound("next"))
    assert outcome.effects == ()
    assert "no list on screen" in said(outcome)


def test_a_number_in_the_amount_step_is_still_an_amount() -> None:
    in_form = run(on_page(1), inbound(ButtonTapped(offer_ids.offer_start(True), "")))
    outcome = run(in_form.session, inbound("3"))
    assert "who" in said(outcome).lower() or "handle" in said(outcome).lower()
    assert outcome.effects == ()


def test_the_list_forgets_its_rows_once_the_dashboard_is_shown() -> None:
    back_home = run(on_page(1), inbound("menu"))
    assert back_home.session.screen == Home()


def test_a_number_on_the_accounts_list_switches_to_that_account() -> None:
    listed = run(owner_logged_in(), ViewLoaded(owner_view(), ShowAccounts(1)))
    outcome = run(listed.session, inbound("2"))
    assert outcome.effects == (LoadView(SwitchTo(BAKERY.account_id)),)


def test_an_offer_to_a_business_account_shows_on_the_dashboard_and_the_accounts_list() -> None:
    bakery = account(
        "acc-bakery", "Chipos Bakery", "chipo_bakery", pending_in=(offer("cx-b", "5", "Rudo"),)
    )
    start = Session(phone=PHONE)
    dashboard = run(start, ViewLoaded(owner_view(PERSONAL, bakery), ShowDashboard()))
    assert "Chipos Bakery: 1 incoming offer" in said(dashboard)
    listed = run(dashboard.session, ViewLoaded(owner_view(PERSONAL, bakery), ShowAccounts(1)))
    assert "Chipos Bakery: 1 incoming offer" in said(listed)
    assert "chipo_bakery · switch to it · 1 incoming offer" in said(listed)


def test_the_active_account_is_not_listed_among_the_other_accounts_offers() -> None:
    bakery = account(
        "acc-bakery", "Chipos Bakery", "chipo_bakery", pending_in=(offer("cx-b", "5", "Rudo"),)
    )
    start = Session(phone=PHONE, chosen_account="acc-bakery")
    dashboard = run(start, ViewLoaded(owner_view(PERSONAL, bakery), ShowDashboard()))
    assert "Your other accounts" not in said(dashboard)


DETAIL = CredexDetail(
    "cx-9", "OWES", False, "Rudo", Money(Decimal(9), "USD"), Money(Decimal(9), "USD"),
    True, "VimbisoPay: Trust", None, None,
)  # fmt: skip


def ledger_page_two() -> Session:
    """Page 2 of a 20-entry ledger (newest first): entries 7 to 12."""
    entries = tuple(LedgerEntry(f"cx-{n}", Money(Decimal(n), "USD"), "Rudo") for n in range(7, 13))
    loaded = LedgerLoaded(2, LedgerPage(entries, 6, True), 20)
    return run(logged_in(), loaded).session


def test_a_number_on_the_ledger_opens_that_credex_with_its_page_and_anchor() -> None:
    outcome = run(ledger_page_two(), inbound("9"))
    assert outcome.effects == (LoadCredex("acc-tendai", "cx-9", 2, 20),)


@pytest.mark.parametrize(("typed", "page"), [("next", 3), ("prev", 1), ("back", 1)])
def test_ledger_paging_words_keep_the_anchor(typed: str, page: int) -> None:
    outcome = run(ledger_page_two(), inbound(typed))
    assert outcome.effects == (LoadLedger("acc-tendai", page, 6, 20),)


def test_back_from_a_credex_card_returns_to_its_ledger_page() -> None:
    card = run(ledger_page_two(), CredexLoaded(LoadCredex("acc-tendai", "cx-9", 2, 20), DETAIL))
    assert "Back to ledger" in said(card)
    outcome = run(card.session, inbound("back"))
    assert outcome.effects == (LoadLedger("acc-tendai", 2, 6, 20),)


def test_later_ledger_pages_have_previous_and_menu() -> None:
    entries = (LedgerEntry("cx-13", Money(Decimal(1), "USD"), "Rudo"),)
    outcome = run(logged_in(), LedgerLoaded(3, LedgerPage(entries, 12, False), 13))
    last = [ledger_ids.ledger_page(2, 13), statement_ids.STATEMENT, navigation_ids.MENU]
    assert ids_in(outcome.replies[0])[-3:] == last
