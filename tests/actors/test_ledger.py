"""The ledger as tables of (session, event) -> outcome: pages of rows within WhatsApp's ten, a
row's credex card with its way back to the same page, old taps after a timeout, and credexes
that are not in the active account's ledger."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from actors.effects import LoadCredex, LoadLedger, LoadView
from actors.events import Inbound
from actors.events import ListPicked as ListTap
from actors.failure import Failure
from actors.flows.accounts import SwitchTo
from actors.flows.dashboard import AfterLogin, ShowDashboard
from actors.intents import from_id
from actors.intents import ledger as ledger_ids
from actors.intents import navigation as navigation_ids
from actors.intents import statement as statement_ids
from actors.intents.base import Unsupported
from actors.intents.ledger import OpenLedger, OpenLedgerCredex
from actors.ports.credex import CredexDetail, LedgerEntry, LedgerPage, Money
from actors.replies import ButtonsMessage, ListMessage
from actors.results import CredexLoaded, EffectFailed, LedgerLoaded, ViewLoaded
from actors.screens import ledger as screens
from actors.session import Session
from tests.actors.test_screens import assert_within_limits
from tests.actors.views import (
    NOW,
    PHONE,
    ids_in,
    inbound,
    logged_in,
    owner_logged_in,
    owner_view,
    run,
    said,
    usd,
    view,
)

LATER = NOW + dt.timedelta(seconds=301)
CX = "3f0c2a9e-5d1b-4c7e-9a44-0b6f1e2d7c88"


def pick(row_id: str) -> Inbound:
    return inbound(ListTap(row_id, ""))


def entries(count: int, start_row: int = 0, has_more: bool = False) -> LedgerPage:
    rows = tuple(
        LedgerEntry(f"cx-{n}", usd(str(n if n % 2 else -n)), f"Party {n}")
        for n in range(start_row + 1, start_row + count + 1)
    )
    return LedgerPage(rows, start_row, has_more)


def detail(**kw: object) -> CredexDetail:
    values: dict[str, object] = {
        "credex_id": CX,
        "state": "OWES",
        "debit": True,
        "counterparty": "Rudo Chikwanha Personal",
        "amount": usd("-40.00"),
        "outstanding": usd("-40.00"),
        "secured": True,
        "securer_name": "VimbisoPay: Trust",
        "due_date": None,
        "accepted_at": dt.date(2026, 3, 8),
    }
    values.update(kw)
    return CredexDetail(**values)  # type: ignore[arg-type]


# ----- ids -----


def test_a_ledger_row_id_carries_the_credex_and_the_page_to_return_to() -> None:
    assert from_id(ledger_ids.ledger_credex(CX, 3)) == OpenLedgerCredex(CX, 3)
    assert from_id(ledger_ids.ledger_page(2)) == OpenLedger(2)
    assert len(ledger_ids.ledger_credex("x" * 64, 9999)) <= 200


@pytest.mark.parametrize(
    "reply_id",
    [f"ledger:credex:{CX}", f"ledger:credex:{CX}:page:0", f"ledger:credex:{CX}:page:", "ledger:x"],
)
def test_a_malformed_ledger_id_is_not_understood(reply_id: str) -> None:
    assert from_id(reply_id) == Unsupported("button")


# ----- opening the ledger and a row -----


def test_tapping_a_row_asks_credex_core_for_that_credex_of_the_active_account() -> None:
    outcome = run(logged_in(), pick(ledger_ids.ledger_credex(CX, 2)))
    assert outcome.effects == (LoadCredex("acc-tendai", CX, 2),) and outcome.replies == ()


def test_on_a_business_account_the_row_is_checked_against_that_account() -> None:
    session = run(owner_logged_in(), ViewLoaded(owner_view(), SwitchTo("acc-bakery"))).session
    outcome = run(session, pick(ledger_ids.ledger_credex(CX, 1)))
    assert outcome.effects == (LoadCredex("acc-bakery", CX, 1),)


def test_a_row_tapped_before_logging_in_logs_in_first_then_loads_the_credex() -> None:
    intent = OpenLedgerCredex(CX, 4)
    outcome = run(Session(phone=PHONE), pick(ledger_ids.ledger_credex(CX, 4)))
    assert outcome.effects == (LoadView(AfterLogin(intent)),)
    again = run(outcome.session, ViewLoaded(view(), AfterLogin(intent)))
    assert again.effects == (LoadCredex("acc-tendai", CX, 4),)


def test_a_loaded_page_is_a_list_whose_rows_open_their_credex() -> None:
    outcome = run(logged_in(), LedgerLoaded(2, entries(6, start_row=6, has_more=True)))
    (reply,) = outcome.replies
    assert isinstance(reply, ListMessage)
    assert ids_in(reply)[:6] == [ledger_ids.ledger_credex(f"cx-{n}", 2) for n in range(7, 13)]
    assert ids_in(reply)[6:] == [
        ledger_ids.ledger_page(1),
        ledger_ids.ledger_page(3),
        statement_ids.STATEMENT,
        navigation_ids.MENU,
    ]


# ----- old taps after the session timed out -----


def test_after_a_timeout_an_old_row_still_shows_its_credex() -> None:
    outcome = run(logged_in(), pick(ledger_ids.ledger_credex(CX, 2)), now=LATER)
    assert outcome.effects == (LoadCredex("acc-tendai", CX, 2),)
    shown = run(outcome.session, CredexLoaded(LoadCredex("acc-tendai", CX, 2), detail()))
    assert "Credex to Rudo Chikwanha Personal" in said(shown)
    assert ids_in(shown.replies[0]) == [ledger_ids.ledger_page(2), navigation_ids.MENU]


def test_after_a_timeout_on_a_business_account_the_row_is_checked_on_the_personal_one() -> None:
    session = run(owner_logged_in(), ViewLoaded(owner_view(), SwitchTo("acc-bakery"))).session
    intent = OpenLedgerCredex(CX, 1)
    outcome = run(session, pick(ledger_ids.ledger_credex(CX, 1)), now=LATER)
    assert outcome.session.chosen_account is None
    assert outcome.effects == (LoadView(AfterLogin(intent)),)
    again = run(outcome.session, ViewLoaded(owner_view(), AfterLogin(intent)), now=LATER)
    assert again.effects == (LoadCredex("acc-chipo", CX, 1),)


# ----- the card, and credexes that are not in the ledger -----


def test_the_card_returns_to_the_page_the_row_was_on() -> None:
    outcome = run(logged_in(), CredexLoaded(LoadCredex("acc-tendai", CX, 5), detail()))
    (card,) = outcome.replies
    assert isinstance(card, ButtonsMessage)
    assert (
        ids_in(card) == [ledger_ids.ledger_page(5), navigation_ids.MENU] and outcome.effects == ()
    )


@pytest.mark.parametrize("kind", ["not_found", "invalid"])
def test_a_credex_not_in_this_accounts_ledger_is_said_plainly_then_the_menu(kind: str) -> None:
    effect = LoadCredex("acc-tendai", CX, 1)
    outcome = run(logged_in(), EffectFailed(effect, Failure(kind, "Internal server error")))  # type: ignore[arg-type]
    assert said(outcome) == "🔍 I couldn't find that credex in this account's ledger."
    assert "Internal server error" not in said(outcome)
    assert outcome.effects == (LoadView(ShowDashboard()),)
    menu = run(outcome.session, ViewLoaded(view(), ShowDashboard()))
    assert "📒 Ledger" in said(menu)


@pytest.mark.parametrize("effect", [LoadCredex("acc-tendai", CX, 1), LoadLedger("acc-tendai", 1)])
def test_credex_core_unavailable_says_try_again_and_loads_nothing(
    effect: LoadCredex | LoadLedger,
) -> None:
    outcome = run(logged_in(), EffectFailed(effect, Failure("unavailable", "down")))
    assert "temporarily unavailable" in said(outcome) and outcome.effects == ()


@pytest.mark.parametrize("effect", [LoadCredex("acc-tendai", CX, 1), LoadLedger("acc-tendai", 1)])
def test_another_refusal_is_worded_with_credex_cores_reason(
    effect: LoadCredex | LoadLedger,
) -> None:
    refusal = Failure("forbidden", "You cannot act for that account")
    outcome = run(logged_in(), EffectFailed(effect, refusal))
    assert "You cannot act for that account" in said(outcome) and outcome.effects == ()
    assert "couldn't find that credex" not in said(outcome)


def test_an_unknown_ledger_page_failure_is_not_called_a_missing_credex() -> None:
    failure = Failure("not_found", "Account not found")
    outcome = run(logged_in(), EffectFailed(LoadLedger("acc-tendai", 1), failure))
    assert "couldn't find that credex" not in said(outcome) and outcome.effects == ()


# ----- the page screen: WhatsApp's ten rows -----


@pytest.mark.parametrize(
    ("page", "ledger_page", "paging"),
    [
        (1, entries(6, has_more=True), [ledger_ids.ledger_page(2)]),
        (2, entries(6, 6, has_more=True), [ledger_ids.ledger_page(1), ledger_ids.ledger_page(3)]),
        (3, entries(2, 12), [ledger_ids.ledger_page(2)]),
        (1, entries(3), []),
    ],
)
def test_a_page_has_its_entries_then_previous_next_statement_and_menu_within_ten_rows(
    page: int, ledger_page: LedgerPage, paging: list[str]
) -> None:
    reply = screens.ledger(page, ledger_page)
    assert_within_limits(reply)
    row_ids = ids_in(reply)
    assert len(row_ids) == len(ledger_page.entries) + len(paging) + 2 <= 10
    assert row_ids[len(ledger_page.entries) :] == [
        *paging,
        statement_ids.STATEMENT,
        navigation_ids.MENU,
    ]


def test_a_page_never_lists_more_than_six_entries() -> None:
    reply = screens.ledger(1, entries(9, has_more=True))
    assert len(ids_in(reply)) == 9 and ids_in(reply)[5] == ledger_ids.ledger_credex("cx-6", 1)
    assert ids_in(reply)[6:] == [
        ledger_ids.ledger_page(2),
        statement_ids.STATEMENT,
        navigation_ids.MENU,
    ]


def test_rows_say_which_way_the_value_went_numbered_across_pages() -> None:
    reply = screens.ledger(2, entries(2, 7))
    assert isinstance(reply, ListMessage)
    rows = reply.sections[0].rows
    assert (rows[0].title, rows[0].description) == ("8. 🔻 8.00 USD", "to Party 8")
    assert (rows[1].title, rows[1].description) == ("9. 🔺 9.00 USD", "from Party 9")


def test_an_empty_page_after_the_first_offers_the_way_back() -> None:
    reply = screens.ledger(3, LedgerPage((), 14, False))
    assert ids_in(reply) == [ledger_ids.ledger_page(2), navigation_ids.MENU]
    assert ids_in(screens.ledger(1, LedgerPage((), 0, False))) == [navigation_ids.MENU]


# ----- the card's words -----


@pytest.mark.parametrize(
    ("state", "words"),
    [
        ("OWES", "*State:* Outstanding"),
        ("CLEARED", "*State:* Cleared"),
        ("OFFERS", "*State:* Offered, not accepted yet"),
        ("REQUESTS", "*State:* Requested, not accepted yet"),
        ("DECLINED", "*State:* Declined"),
        ("CANCELLED", "*State:* Cancelled"),
        ("WRITTEN_OFF", "*State:* Written off"),
    ],
)
def test_the_card_names_the_state_in_plain_words(state: str, words: str) -> None:
    assert words in screens.credex_card(detail(state=state), 1).body


def test_a_debit_card_says_the_value_went_from_you_and_who_secured_it() -> None:
    body = screens.credex_card(detail(), 1).body
    assert "🧾 *Credex to Rudo Chikwanha Personal*" in body
    assert "*Amount:* 🔻 40.00 USD, from you" in body and "*Outstanding:* 40.00 USD" in body
    assert "*Security:* secured by VimbisoPay: Trust" in body
    assert "*Accepted:* 8 Mar 2026" in body and "*Due:*" not in body


def test_an_unsecured_credit_card_shows_its_due_date() -> None:
    card = detail(
        debit=False,
        amount=usd("20"),
        outstanding=usd("20"),
        secured=False,
        securer_name=None,
        due_date=dt.date(2026, 3, 28),
    )
    body = screens.credex_card(card, 1).body
    assert "🧾 *Credex from Rudo Chikwanha Personal*" in body
    assert "*Amount:* 🔺 20.00 USD, to you" in body
    assert "*Security:* unsecured\n*Due:* 28 Mar 2026" in body


def test_a_cleared_debit_shows_nothing_outstanding_not_minus_zero() -> None:
    card = detail(state="CLEARED", outstanding=Money(Decimal("-0.00"), "USD"))
    body = screens.credex_card(card, 1).body
    assert "*Outstanding:* 0.00 USD" in body and "-0.00" not in body


def test_a_card_without_an_acceptance_or_securer_name_leaves_those_out() -> None:
    body = screens.credex_card(detail(state="OFFERS", accepted_at=None, securer_name=None), 1).body
    assert "*Accepted:*" not in body and "*Security:* secured\n" in body + "\n"
