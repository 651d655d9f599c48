"""The ledger: one page of credex history as a list, newest first, and the card of one credex.

Page 1 holds the newest entries; Next goes to older ones, Previous back to newer ones. `end`,
the ledger's length when it was opened, rides in every id (actors.ledger_order).
"""

from __future__ import annotations

from typing import Final

from actors.intents import ledger as ledger_ids
from actors.intents import navigation as navigation_ids
from actors.intents import statement as statement_ids
from actors.ports.credex import CredexDetail, LedgerEntry, LedgerPage
from actors.replies import Button, ButtonsMessage, ListMessage, Reply, Row, Section, TextReply
from actors.screens.format import BODY, ROW_DESCRIPTION, ROW_TITLE, clip, day, unsigned

# WhatsApp allows 10 rows in one list: 6 entries + Previous + Next + Statement + Menu.
PAGE_SIZE: Final = 6

_MENU = Button(navigation_ids.MENU, "🏡 Menu")

# credex-core's transactionType in plain words (docs/credex-core-api.md §8.3).
_STATES: Final = {
    "OWES": "Outstanding",
    "CLEARED": "Cleared",
    "OFFERS": "Offered, not accepted yet",
    "REQUESTS": "Requested, not accepted yet",
    "DECLINED": "Declined",
    "CANCELLED": "Cancelled",
}


def _arrow(entry: LedgerEntry) -> str:
    return "🔻" if entry.amount.amount < 0 else "🔺"


def _party(entry: LedgerEntry) -> str:
    """getLedger amounts are negative when the account owes (§8.2)."""
    return f"{'to' if entry.amount.amount < 0 else 'from'} {entry.counterparty}"


def ledger(page: int, entries: LedgerPage, end: int = 0) -> Reply:
    """`entries` newest first; `start_row` of them are newer than this page."""
    if not entries.entries:
        return _empty(page, end)
    first = entries.start_row + 1
    shown = entries.entries[:PAGE_SIZE]
    lines = [
        f"{n}. {_arrow(e)} *{unsigned(e.amount)}* {_party(e)}" for n, e in enumerate(shown, first)
    ]
    rows = [
        Row(
            ledger_ids.ledger_credex(e.credex_id, page, end),
            clip(f"{n}. {_arrow(e)} {unsigned(e.amount)}", ROW_TITLE),
            clip(_party(e), ROW_DESCRIPTION),
        )
        for n, e in enumerate(shown, first)
    ]
    if page > 1:
        rows.append(
            Row(ledger_ids.ledger_page(page - 1, end), "⬅️ Previous", f"Page {page - 1}, newer")
        )
    if entries.has_more:
        rows.append(Row(ledger_ids.ledger_page(page + 1, end), "Next ➡️", f"Page {page + 1}, older"))
    rows.append(Row(statement_ids.STATEMENT, "📄 Statement (PDF)", "The last 30 days as a PDF"))
    rows.append(Row(navigation_ids.MENU, "🏡 Menu", "Back to your dashboard"))
    body = "\n".join(
        [
            f"📒 *Ledger* (page {page}, newest first)",
            "",
            *lines,
            "",
            "Choose an entry, or send its number, to see its details.",
        ]
    )
    return ListMessage(
        body=clip(body, BODY),
        button_label="See an entry",
        sections=(Section("Ledger", tuple(rows)),),
    )


def _empty(page: int, end: int = 0) -> ButtonsMessage:
    buttons = [_MENU]
    if page > 1:
        buttons.insert(0, Button(ledger_ids.ledger_page(page - 1, end), "⬅️ Previous"))
    body = "📒 *Ledger*\n\n🪹 No credex here yet." if page == 1 else "📒 No more entries."
    return ButtonsMessage(body=body, buttons=tuple(buttons))


def _state(credex: CredexDetail) -> str:
    return _STATES.get(credex.state, credex.state.replace("_", " ").capitalize())


def _security(credex: CredexDetail) -> list[str]:
    if credex.secured:
        by = f" by {credex.securer_name}" if credex.securer_name else ""
        return [f"*Security:* secured{by}"]
    due = [f"*Due:* {day(credex.due_date)}"] if credex.due_date else []
    return ["*Security:* unsecured", *due]


def credex_card(credex: CredexDetail, page: int, end: int = 0) -> ButtonsMessage:
    """One credex as getCredex sees it from the active account; Back returns to `page`."""
    arrow, way = ("🔻", "from you") if credex.debit else ("🔺", "to you")
    accepted = [f"*Accepted:* {day(credex.accepted_at)}"] if credex.accepted_at else []
    body = "\n".join(
        [
            f"🧾 *Credex {'to' if credex.debit else 'from'} {credex.counterparty}*",
            "",
            f"*Amount:* {arrow} {unsigned(credex.amount)}, {way}",
            f"*State:* {_state(credex)}",
            f"*Outstanding:* {unsigned(credex.outstanding)}",
            *_security(credex),
            *accepted,
        ]
    )
    back = Button(ledger_ids.ledger_page(page, end), "📒 Back to ledger")
    return ButtonsMessage(body=clip(body, BODY), buttons=(back, _MENU))


def credex_not_found() -> TextReply:
    return TextReply("🔍 I couldn't find that credex in this account's ledger.")
