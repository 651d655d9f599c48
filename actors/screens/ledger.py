"""The ledger: one page of credex history with buttons to page through it."""

from __future__ import annotations

from actors import ids
from actors.ports.credex import LedgerPage
from actors.replies import Button, ButtonsReply
from actors.screens.format import BODY, clip, money, unsigned


def ledger(page: int, entries: LedgerPage) -> ButtonsReply:
    buttons = []
    if page > 1:
        buttons.append(Button(ids.ledger_page(page - 1), "⬅️ Newer"))
    if entries.has_more:
        buttons.append(Button(ids.ledger_page(page + 1), "Older ➡️"))
    buttons.append(Button(ids.MENU, "🏡 Menu"))
    if not entries.entries:
        body = "📒 *Ledger*\n\n🪹 No credex here yet." if page == 1 else "📒 No more entries."
        return ButtonsReply(body=body, buttons=tuple(buttons))
    lines = []
    for n, entry in enumerate(entries.entries, entries.start_row + 1):
        if entry.amount.amount < 0:
            lines.append(f"{n}. 🔻 *{unsigned(entry.amount)}* to {entry.counterparty}")
        else:
            lines.append(f"{n}. 🔺 *{money(entry.amount)}* from {entry.counterparty}")
    body = "\n".join([f"📒 *Ledger* (page {page})", "", *lines])
    return ButtonsReply(body=clip(body, BODY), buttons=tuple(buttons))
