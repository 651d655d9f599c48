"""Short hints for a turn the bot could not use: a typo gets one line and a Menu button, not
the whole dashboard again (one small message per turn)."""

from __future__ import annotations

from actors.intents import navigation as navigation_ids
from actors.replies import Button, ButtonsMessage


def typo() -> ButtonsMessage:
    return ButtonsMessage(
        body=(
            "🤔 Sorry, I didn't understand that. Try a quick offer like `5=>bob`, or a word like "
            "*menu*, *back* or *help*."
        ),
        buttons=(Button(navigation_ids.MENU, "🏡 Menu"), Button(navigation_ids.HELP, "❓ Help")),
    )
