"""What a typed row number or paging word gets when the screen has no such row or page."""

from __future__ import annotations

from actors.intents import navigation as navigation_ids
from actors.intents.base import NotInList
from actors.replies import Button, ButtonsMessage

_MENU = Button(navigation_ids.MENU, "🏡 Menu")


def not_in_list(asked: NotInList) -> ButtonsMessage:
    if asked.last == 0:
        body = (
            "📋 There's no list on screen to pick from or page through. "
            "Open one from the menu (offers, ledger, accounts), then send a row's number, "
            "*next* or *prev*."
        )
    elif asked.asked == "number":
        span = f"{asked.first}" if asked.first == asked.last else f"{asked.first} to {asked.last}"
        body = f"🔢 This page shows {span}. Send one of those numbers, or *next* / *prev*."
    elif asked.asked == "next":
        body = "📋 This is the last page. Send *prev* for the page before, or a row's number."
    else:
        body = "📋 This is the first page. Send *next* for more, or a row's number."
    return ButtonsMessage(body=body, buttons=(_MENU,))
