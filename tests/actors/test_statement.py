"""Statements as a table: which period a request names, what the step asks credex-core for,
and what the chat says for an empty period, a period not understood and a month to come; the
document's words (rows, signs, totals, the cap note) and its file name."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from actors.effects import LoadStatement
from actors.events import ListPicked
from actors.flows.statement import period
from actors.intents import statement as statement_ids
from actors.ledger_scan import StatementEntry, StatementRows
from actors.ports.credex import Money
from actors.replies import DocumentReply, TextReply
from actors.results import StatementLoaded
from parser.payments import StatementPeriod, parse_statement
from tests.actors.views import TODAY, inbound, logged_in, run, said

DEC_1 = dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("text", "today", "expected"),
    [
        ("statement", DEC_1, (dt.date(2026, 11, 2), DEC_1, False)),
        ("statement november", DEC_1, (dt.date(2026, 11, 1), dt.date(2026, 11, 30), True)),
        ("Statement Nov", DEC_1, (dt.date(2026, 11, 1), dt.date(2026, 11, 30), True)),
        ("statement december", DEC_1, (DEC_1, dt.date(2026, 12, 31), True)),
        ("statement march", DEC_1, (dt.date(2026, 3, 1), dt.date(2026, 3, 31), True)),
        (
            "statement december",
            dt.date(2026, 3, 10),
            (DEC_1.replace(year=2025), dt.date(2025, 12, 31), True),
        ),
        ("statement 2026-02", DEC_1, (dt.date(2026, 2, 1), dt.date(2026, 2, 28), True)),
        ("statement february 2024", DEC_1, (dt.date(2024, 2, 1), dt.date(2024, 2, 29), True)),
        ("statement 2027-01", DEC_1, None),
    ],
)
def test_the_period_a_request_names(
    text: str, today: dt.date, expected: tuple[dt.date, dt.date, bool] | None
) -> None:
    words = parse_statement(text)
    assert words is not None and not words.problem
    assert period(words, today) == expected


@pytest.mark.parametrize("text", ["statement soon", "statement 2026-13", "statement nov 26"])
def test_an_unreadable_period_is_a_problem(text: str) -> None:
    assert parse_statement(text) == StatementPeriod(problem=True)


def test_the_ledger_row_asks_for_the_last_30_days_of_the_active_account() -> None:
    outcome = run(logged_in(), inbound(ListPicked(statement_ids.STATEMENT, "📄 Statement (PDF)")))
    start = TODAY - dt.timedelta(days=29)
    assert outcome.effects == (LoadStatement("acc-tendai", start, TODAY, False),)
    assert outcome.replies == ()


def test_an_unreadable_period_says_how_to_ask() -> None:
    outcome = run(logged_in(), inbound("statement whenever"))
    assert outcome.effects == () and "*statement* for the last 30 days" in said(outcome)


def test_a_month_to_come_is_refused_plainly() -> None:
    outcome = run(logged_in(), inbound("statement 2030-01"))
    assert outcome.effects == () and "hasn't started yet" in said(outcome)


def entry(n: int, amount: str, secured: bool = True, denom: str = "USD") -> StatementEntry:
    return StatementEntry(
        f"{n:08d}-aaaa-bbbb", TODAY, f"Party {n}", secured, Money(Decimal(amount), denom)
    )


NOVEMBER = LoadStatement("acc-tendai", dt.date(2026, 11, 1), dt.date(2026, 11, 30), True)


def document_of(rows: StatementRows) -> DocumentReply:
    (reply,) = run(logged_in(), StatementLoaded(NOVEMBER, rows)).replies
    assert isinstance(reply, DocumentReply)
    return reply


def test_an_empty_period_says_so_and_sends_no_file() -> None:
    (reply,) = run(logged_in(), StatementLoaded(NOVEMBER, StatementRows((), False))).replies
    assert isinstance(reply, TextReply)
    assert "No credex in Tendai Moyo Personal's ledger for November 2026" in reply.body


def test_the_document_lists_each_entry_with_sign_security_and_totals_per_denomination() -> None:
    rows = (entry(1, "10"), entry(2, "-2.5", secured=False), entry(3, "1.25", denom="CAD"))
    reply = document_of(StatementRows(rows, False))
    assert reply.filename == "statement_tendai_2026-11.pdf"
    doc = reply.document
    assert doc.heading[:2] == ("Account: Tendai Moyo Personal (tendai)", "Period: November 2026")
    assert doc.rows == (
        (TODAY.isoformat(), "Party 1", "Secured", "+10.00 USD", "00000001"),
        (TODAY.isoformat(), "Party 2", "Unsecured", "-2.50 USD", "00000002"),
        (TODAY.isoformat(), "Party 3", "Secured", "+1.25 CAD", "00000003"),
    )
    assert doc.totals == (
        "Total CAD: received 1.25 CAD, paid 0.00 CAD, net +1.25 CAD",
        "Total USD: received 10.00 USD, paid 2.50 USD, net +7.50 USD",
    )
    assert "3 entries" in reply.caption and "more than" not in reply.caption


def test_a_capped_statement_says_the_period_holds_more() -> None:
    reply = document_of(StatementRows((entry(1, "1"), entry(2, "2")), True))
    assert "more than 2 entries" in reply.caption
    assert reply.document.notes[0].startswith("This period holds more entries")
