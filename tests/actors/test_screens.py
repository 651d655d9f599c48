"""Golden tests: every screen's exact words, and WhatsApp's limits on every one of them.

A screen's rendering is compared with tests/actors/golden/<name>.txt. After a deliberate wording
change, regenerate with `UPDATE_GOLDEN=1 .venv/bin/pytest tests/actors/test_screens.py` and review
the diff like code.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from actors.events import Notification
from actors.failure import Failure
from actors.intents.base import NotInList
from actors.ports.credex import (
    BulkAcceptResult,
    BulkFailure,
    CredexDetail,
    LedgerEntry,
    LedgerPage,
    Money,
)
from actors.replies import ButtonsMessage, ListMessage, Reply, TextReply
from actors.screens import (
    common,
    dashboard,
    failures,
    ledger,
    lists,
    offer,
    onboarding,
    pending,
    settling,
)
from actors.session import Draft, DraftOffer, QuickLine
from tests.actors.views import PERSONAL, account, logged_in, owner_view, view
from tests.actors.views import offer as pending_offer

GOLDEN = Path(__file__).parent / "golden"
HARARE_MORNING = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
DAY = dt.date(2026, 3, 24)
IDENTITY = logged_in().identity
assert IDENTITY is not None
SECURED = DraftOffer(Decimal(5), "USD", "bob", "acc-bob", "Bob Banda Personal", True, None)
UNSECURED = DraftOffer(
    Decimal("2.5"), "USD", "rudo", "acc-r", "Rudo Chikwanha Personal", False, DAY
)
LIMIT = Failure(
    "limit", "You are only able to issue 2.00 USD until tomorrow.", left_today="2.00 USD"
)
BUSY_VIEW = view(
    tier=1,
    remaining="7.5",
    payables="3",
    pending_in=(pending_offer("a", "1"),),
    pending_out=(pending_offer("b", "-2"),),
)
SECURED_DEBIT = CredexDetail(
    credex_id="cx-9",
    state="OWES",
    debit=True,
    counterparty="Rudo Chikwanha Personal",
    amount=Money(Decimal("-40"), "USD"),
    outstanding=Money(Decimal("-40"), "USD"),
    secured=True,
    securer_name="VimbisoPay: Trust",
    due_date=None,
    accepted_at=dt.date(2026, 3, 8),
)

BAKERY_WAITING = account(
    "acc-bakery", "Chipos Bakery", "chipo_bakery", pending_in=(pending_offer("cx-b", "5", "Rudo"),)
)

SCREENS: dict[str, Callable[[], Reply]] = {
    "thanks": common.thanks,
    "help": common.help_text,
    "not_understood_text": lambda: common.not_understood("text"),
    "not_understood_audio": lambda: common.not_understood("audio"),
    "cancelled": common.cancelled,
    "nothing_to_cancel": common.nothing_to_cancel,
    "sorry_after_an_angry_reaction": common.sorry,
    "not_in_list_number": lambda: lists.not_in_list(NotInList("number", 7, 12)),
    "not_in_list_last_page": lambda: lists.not_in_list(NotInList("next", 7, 12)),
    "not_in_list_first_page": lambda: lists.not_in_list(NotInList("previous", 1, 6)),
    "not_in_list_no_list": lambda: lists.not_in_list(NotInList("next")),
    "pending_in_one_offer": lambda: pending.pending_list(
        "in", (pending_offer("cx-1", "5", "Rudo"),), 1
    ),
    "dashboard_business_offer_waiting": lambda: dashboard.dashboard(
        owner_view(PERSONAL, BAKERY_WAITING), PERSONAL, HARARE_MORNING
    ),
    "discarded": common.discarded_unsent,
    "timed_out": common.timed_out,
    "timed_out_discarded": lambda: common.timed_out(form="offer"),
    "timed_out_draft": lambda: common.timed_out(Draft("d1", (UNSECURED,))),
    "timed_out_bulk_draft": lambda: common.timed_out(
        Draft("d2", (SECURED, UNSECURED, SECURED)), back_to_personal=True
    ),
    "timed_out_form": lambda: common.timed_out(form="other", back_to_personal=True),
    "tap_a_button": common.tap_a_button,
    "nothing_to_go_back_to": common.nothing_to_go_back_to,
    "no_phone": common.no_phone,
    "notification": lambda: common.notification(Notification("Tendai", "Rudo offered you 5 USD")),
    "unreadable": common.unreadable,
    "apology": common.apology,
    "slow_down": common.slow_down,
    "welcome": onboarding.welcome,
    "welcome_reminder": onboarding.welcome_reminder,
    "ask_first_name": lambda: onboarding.ask_first_name("Chipo"),
    "ask_last_name": lambda: onboarding.ask_last_name("Chipo"),
    "name_problem": lambda: onboarding.name_problem("first name", "Li"),
    "confirm_name_changed": lambda: onboarding.confirm_name("ONeil", "Dube", changed=True),
    "welcome_aboard": lambda: onboarding.welcome_aboard("Chipo"),
    "onboarding_stopped": onboarding.stopped,
    "dashboard_open_tier": lambda: dashboard.dashboard(
        BUSY_VIEW, BUSY_VIEW.accounts[0], HARARE_MORNING
    ),
    "dashboard_paid_tier": lambda: dashboard.dashboard(view(), view().accounts[0], HARARE_MORNING),
    "ask_amount": lambda: offer.ask_amount(False, "USD", (Decimal(5), "USD")),
    "ask_handle": lambda: offer.ask_handle("bob"),
    "ask_due": lambda: offer.ask_due(dt.date(2026, 3, 17), dt.date(2026, 4, 13)),
    "due_out_of_range": lambda: offer.due_out_of_range(dt.date(2026, 3, 17), dt.date(2026, 4, 13)),
    "unknown_handle": lambda: offer.unknown_handle("bobb"),
    "own_account": offer.own_account,
    "confirm_single": lambda: offer.confirm(IDENTITY, Draft("d1", (UNSECURED,))),
    "confirm_bulk": lambda: offer.confirm(IDENTITY, Draft("d2", (SECURED, UNSECURED, SECURED))),
    "sent_single": lambda: offer.results(Draft("d1", (attrs.evolve(SECURED, credex_id="cx"),))),
    "refused_single": lambda: offer.results(Draft("d1", (attrs.evolve(SECURED, failure=LIMIT),))),
    "results_bulk": lambda: offer.results(
        Draft(
            "d2",
            (
                attrs.evolve(SECURED, credex_id="cx"),
                attrs.evolve(UNSECURED, failure=LIMIT),
            ),
        )
    ),
    "verified": lambda: offer.verified(
        Draft("d3", (attrs.evolve(SECURED, credex_id="cx"), UNSECURED))
    ),
    "still_checking": lambda: settling.still_checking(15),
    "already_used": offer.already_used,
    "expired": offer.expired,
    "confirm_pending": offer.confirm_pending,
    "quick_broken": lambda: offer.quick_broken("A handle is 3–30 letters, like 5=>bob_91"),
    "quick_rejected": lambda: offer.quick_rejected(
        (
            QuickLine(Decimal(1), "USD", "bob", True, None),
            QuickLine(Decimal(1), "USD", "nobody", True, None, problem="unknown_handle"),
        ),
        dt.date(2026, 3, 17),
        dt.date(2026, 4, 13),
    ),
    "pending_in_list": lambda: pending.pending_list(
        "in", tuple(pending_offer(f"cx-{n}", f"{n}", f"Member {n}") for n in range(1, 11)), 1
    ),
    "pending_out_empty": lambda: pending.pending_list("out", (), 1),
    "offer_card_in": lambda: pending.offer_card(
        "in", pending_offer("cx-1", "8", "Rudo", secured=False, due_date=DAY)
    ),
    "offer_card_out": lambda: pending.offer_card("out", pending_offer("cx-2", "-5", "Bob")),
    "offer_gone": pending.offer_gone,
    "ask_cancel": lambda: pending.ask_cancel(pending_offer("cx-2", "-5", "Bob")),
    "accepted": lambda: pending.acted("accept", pending_offer("cx-1", "8", "Rudo")),
    "cancelled_offer": lambda: pending.acted("cancel", pending_offer("cx-2", "-5", "Bob")),
    "accept_failed": lambda: pending.action_failed(
        "accept", pending_offer("cx-1", "8", "Rudo"), Failure("conflict", "already accepted")
    ),
    "nothing_to_accept": pending.nothing_to_accept,
    "accept_all_summary": lambda: pending.accept_all_summary(
        BulkAcceptResult(("a",), ("b",), (BulkFailure("c", "Credex in invalid state"),)),
        (
            pending_offer("a", "1", "Ann"),
            pending_offer("b", "2", "Ben"),
            pending_offer("c", "3", "Cy"),
        ),
    ),
    "ledger_page": lambda: ledger.ledger(
        2,
        LedgerPage(
            (
                LedgerEntry("x", Money(Decimal("-40"), "USD"), "Rudo"),
                LedgerEntry("y", Money(Decimal("0.5"), "XAU"), "Trust"),
            ),
            start_row=7,
            has_more=True,
        ),
    ),
    "ledger_empty": lambda: ledger.ledger(1, LedgerPage((), 0, False)),
    "ledger_past_the_end": lambda: ledger.ledger(3, LedgerPage((), 14, False)),
    "ledger_credex_secured_debit": lambda: ledger.credex_card(SECURED_DEBIT, 2),
    "ledger_credex_unsecured_credit": lambda: ledger.credex_card(
        attrs.evolve(
            SECURED_DEBIT,
            debit=False,
            counterparty="Rudo Chikwanha Personal",
            amount=Money(Decimal("20"), "USD"),
            outstanding=Money(Decimal("20"), "USD"),
            secured=False,
            securer_name=None,
            due_date=DAY,
        ),
        1,
    ),
    "ledger_credex_cleared": lambda: ledger.credex_card(
        attrs.evolve(SECURED_DEBIT, state="CLEARED", outstanding=Money(Decimal("-0.00"), "USD")),
        1,
    ),
    "ledger_credex_not_found": ledger.credex_not_found,
    "cannot_load": failures.cannot_load,
    "refused_unavailable": lambda: failures.refused(Failure("unavailable", "down")),
    "refused_limit": lambda: failures.refused(LIMIT),
    "refused_securable": lambda: failures.refused(Failure("limit", "...", securable="6.00 USD")),
    "refused_not_found": lambda: failures.refused(Failure("not_found", "Member not found")),
}


def render(reply: Reply) -> str:
    if isinstance(reply, TextReply):
        return f"[text]\n{reply.body}\n"
    if isinstance(reply, ButtonsMessage):
        buttons = "".join(f"[button {b.id}] {b.title}\n" for b in reply.buttons)
        return f"[buttons]\n{reply.body}\n{buttons}"
    if isinstance(reply, ListMessage):
        rows = "".join(
            f"[row {r.id}] {r.title} | {r.description}\n" for s in reply.sections for r in s.rows
        )
        return f"[list {reply.button_label}]\n{reply.body}\n{rows}"
    return f"[template {reply.name}]\n"


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_screen_matches_its_golden_text(name: str) -> None:
    text = render(SCREENS[name]())
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_screen_respects_whatsapp_limits(name: str) -> None:
    assert_within_limits(SCREENS[name]())


def assert_within_limits(reply: Reply) -> None:
    if isinstance(reply, TextReply):
        assert 0 < len(reply.body) <= 4096
    elif isinstance(reply, ButtonsMessage):
        assert 1 <= len(reply.buttons) <= 3 and len(reply.body) <= 1024
        assert all(len(b.title) <= 20 and len(b.id) <= 256 for b in reply.buttons)
        assert len({b.id for b in reply.buttons}) == len(reply.buttons)
    elif isinstance(reply, ListMessage):
        rows = [r for s in reply.sections for r in s.rows]
        assert 1 <= len(rows) <= 10 and len(reply.body) <= 1024
        assert len(reply.button_label) <= 20
        assert all(len(s.title) <= 24 for s in reply.sections)
        assert all(len(r.title) <= 24 and len(r.description) <= 72 for r in rows)
        assert all(len(r.id) <= 200 for r in rows)
        assert len({r.id for r in rows}) == len(rows)


def test_ten_offer_bulk_confirmation_with_long_names_shows_every_line() -> None:
    long_name = "Great Sun Financial Operations Department Account"[:50]
    unsecured = attrs.evolve(UNSECURED, amount=Decimal("1234567.89"), receiver_name=long_name)
    reply = offer.confirm(IDENTITY, Draft("d9", (unsecured,) * 10))
    assert len(reply.body) <= 1024
    assert "10. 1,234,567.89 USD" in reply.body and not reply.body.endswith("…")
