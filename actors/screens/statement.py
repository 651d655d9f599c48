"""Statements: the PDF of an account's ledger for a period, its caption, and what the chat says
when there is nothing to send or the period was not understood."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Final

from actors.ledger_scan import StatementEntry
from actors.replies import Document, DocumentReply, TextReply
from actors.screens.format import amount, day
from actors.session import Identity

COLUMNS: Final = ("Date", "Counterparty", "Type", "Amount", "Ref")


def period_words(start: dt.date, end: dt.date, month: bool) -> str:
    if month:
        return f"{start:%B %Y}"
    return f"{day(start)} to {day(end)}"


def filename(identity: Identity, start: dt.date, end: dt.date, month: bool) -> str:
    period = f"{start:%Y-%m}" if month else f"{start.isoformat()}_to_{end.isoformat()}"
    return f"statement_{identity.account_handle}_{period}.pdf"


def signed(value: Decimal, denomination: str) -> str:
    """getLedger amounts are negative when the account owes (docs/credex-core-api.md §8.2)."""
    return ("-" if value < 0 else "+") + amount(abs(value), denomination)


def _row(entry: StatementEntry) -> tuple[str, ...]:
    return (
        entry.day.isoformat(),
        entry.counterparty,
        "Secured" if entry.secured else "Unsecured",
        signed(entry.amount.amount, entry.amount.denomination),
        entry.credex_id[:8],
    )


def totals(entries: tuple[StatementEntry, ...]) -> tuple[str, ...]:
    received: dict[str, Decimal] = defaultdict(Decimal)
    paid: dict[str, Decimal] = defaultdict(Decimal)
    for entry in entries:
        money = entry.amount
        book = received if money.amount >= 0 else paid
        book[money.denomination] += money.amount
    lines = []
    for denom in sorted({*received, *paid}):
        net = received[denom] + paid[denom]
        lines.append(
            f"Total {denom}: received {amount(received[denom], denom)}, "
            f"paid {amount(abs(paid[denom]), denom)}, net {signed(net, denom)}"
        )
    return tuple(lines)


def statement(
    identity: Identity,
    start: dt.date,
    end: dt.date,
    month: bool,
    entries: tuple[StatementEntry, ...],
    more: bool,
) -> DocumentReply:
    period = period_words(start, end, month)
    notes = [
        "Amounts are each credex's initial amount; + received by this account, - owed or paid "
        "by it. Dates are acceptance dates (UTC). Ref: the start of the credex ID."
    ]
    if more:
        notes.insert(0, _cap_note(len(entries), entries[-1].day if entries else start))
    document = Document(
        title="VimbisoPay statement",
        heading=(
            f"Account: {identity.account_name} ({identity.account_handle})",
            f"Period: {period}",
            f"Entries: {len(entries)}",
        ),
        columns=COLUMNS,
        rows=tuple(_row(e) for e in entries),
        totals=totals(entries),
        notes=tuple(notes),
    )
    caption = f"📄 *Statement for {identity.account_name}*\n{period}: {len(entries)} entries."
    if more:
        caption += (
            f"\n⚠️ The period holds more than {len(entries)} entries: "
            f"this shows the oldest {len(entries)}."
        )
    return DocumentReply(
        filename=filename(identity, start, end, month), caption=caption, document=document
    )


def _cap_note(shown: int, last: dt.date) -> str:
    return (
        f"This period holds more entries than one statement shows: these are the first {shown}, "
        f"up to {day(last)}. Ask for a shorter period (a month, like 'statement 2026-11') "
        "for the rest."
    )


def empty(identity: Identity, start: dt.date, end: dt.date, month: bool) -> TextReply:
    return TextReply(
        f"📄 No credex in {identity.account_name}'s ledger for "
        f"{period_words(start, end, month)}, so there is no statement to send.\n\n"
        "Try another month, like *statement 2026-11*."
    )


def period_problem(today: dt.date) -> TextReply:
    last = today.replace(day=1) - dt.timedelta(days=1)
    return TextReply(
        "✋ I couldn't tell which period you mean. Send *statement* for the last 30 days, "
        f"or name a month: *statement {last:%B}*, *statement {last:%Y-%m}*."
    )


def future_period() -> TextReply:
    return TextReply("✋ That month hasn't started yet. Send *statement* for the last 30 days.")
