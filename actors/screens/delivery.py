"""Words the sender uses about delivery itself: a reply that waited out a WhatsApp outage."""

from __future__ import annotations

from actors import ids
from actors.replies import Button, ButtonsReply


def sorry_for_the_delay() -> ButtonsReply:
    """Sent instead of a screen that waited so long its balances or offers may be out of date."""
    return ButtonsReply(
        body=(
            "⏳ Sorry for the delay: WhatsApp could not deliver our messages for a while.\n"
            "Tap *Menu* for your up-to-date balances and offers."
        ),
        buttons=(Button(ids.MENU, "🏡 Menu"),),
    )
