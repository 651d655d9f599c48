"""Golden tests for the get-paid and statement screens: exact words (tests/actors/golden/), and
WhatsApp's media caption limit (1,024) on every caption. Regenerate after a deliberate wording
change with `UPDATE_GOLDEN=1 .venv/bin/pytest tests/actors/test_getpaid_screens.py`."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from decimal import Decimal

import pytest

from actors.ledger_scan import StatementEntry
from actors.ports.credex import Money
from actors.replies import ButtonsMessage, DocumentReply, QrImageReply, Reply, TextReply
from actors.screens import onboarding, receive, statement
from actors.session import Identity
from tests.actors.test_screens import GOLDEN, assert_within_limits, render

BAKERY = Identity(
    "mem-chipo", "Chipo", "263771000004", 4, "acc-bakery", "Chipo's Bakery", "chipo_bakery", "USD"
)
LINK = "https://wa.me/15550001234?text=pay%205.00%20USD%20to%20%40chipo_bakery"
NOV_1, NOV_30 = dt.date(2026, 11, 1), dt.date(2026, 11, 30)
ENTRIES = (
    StatementEntry("4692edab-1", NOV_1, "VimbisoPay: Trust", True, Money(Decimal(150), "USD")),
    StatementEntry("bcab968c-2", NOV_30, "Tendai Moyo Personal", False, Money(Decimal(-15), "USD")),
)

SCREENS: dict[str, Callable[[], Reply]] = {
    "getpaid_link": lambda: receive.pay_link_card(BAKERY, LINK, Decimal(5), "USD"),
    "getpaid_link_open": lambda: receive.pay_link_card(BAKERY, LINK, None, None),
    "getpaid_no_number": receive.no_display_number,
    "getpaid_problem": lambda: receive.receive_problem(
        "The amount must be a number, like 5", "USD"
    ),
    "getpaid_ask_amount": lambda: receive.ask_pay_amount("chipo_bakery"),
    "getpaid_join_first": lambda: receive.join_first("chipo_bakery", onboarding.welcome()),
    "statement_document": lambda: statement.statement(BAKERY, NOV_1, NOV_30, True, ENTRIES, False),
    "statement_capped": lambda: statement.statement(BAKERY, NOV_1, NOV_30, False, ENTRIES, True),
    "statement_empty": lambda: statement.empty(BAKERY, NOV_1, NOV_30, True),
    "statement_problem": lambda: statement.period_problem(dt.date(2026, 12, 1)),
    "statement_future": statement.future_period,
}


def golden(reply: Reply) -> str:
    if isinstance(reply, QrImageReply):
        return f"[qr image {reply.link}]\n{reply.caption}\n"
    if isinstance(reply, DocumentReply):
        doc = reply.document
        table = "".join(" | ".join(row) + "\n" for row in (doc.columns, *doc.rows))
        lines = "\n".join([doc.title, *doc.heading, "", table, *doc.totals, *doc.notes])
        return f"[document {reply.filename}]\n{reply.caption}\n---\n{lines}\n"
    return render(reply)


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_screen_matches_its_golden_text(name: str) -> None:
    text = golden(SCREENS[name]())
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_captions_and_texts_fit_whatsapp(name: str) -> None:
    reply = SCREENS[name]()
    if isinstance(reply, QrImageReply | DocumentReply):
        assert 0 < len(reply.caption) <= 1024
    elif isinstance(reply, ButtonsMessage):
        assert_within_limits(reply)
    else:
        assert isinstance(reply, TextReply) and 0 < len(reply.body) <= 4096
