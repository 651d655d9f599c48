"""Words about delivery itself: a reply that waited out a WhatsApp outage, and messages skipped
because a member sent them faster than the per-member rate allows."""

from __future__ import annotations

from collections.abc import Sequence

from actors.intents import navigation as navigation_ids
from actors.notes import INTERACTIVE_BODY
from actors.replies import Button, ButtonsMessage, TextReply
from actors.screens.format import clip

_SHOWN = 5  # skipped messages named one by one; more are counted


def sorry_for_the_delay(notes: str = "") -> ButtonsMessage | TextReply:
    """Sent instead of a screen that waited so long its balances or offers may be out of date;
    `notes`, the texts that came with the screen (an offer sent), are still said first."""
    sorry = (
        "⏳ Sorry for the delay: WhatsApp could not deliver our messages for a while.\n"
        "Tap *Menu* for your up-to-date balances and offers."
    )
    body = f"{notes}\n\n{sorry}" if notes else sorry
    if len(body) > INTERACTIVE_BODY:
        return TextReply(f"{notes}\n\n{still_delayed().body}")
    return ButtonsMessage(body=body, buttons=(Button(navigation_ids.MENU, "🏡 Menu"),))


def still_delayed(notes: str = "") -> TextReply:
    """Instead of a further out-of-date screen, once the member already had the apology."""
    later = "🏡 Type *menu* when you are ready for your up-to-date balances."
    return TextReply(f"{notes}\n\n{later}" if notes else later)


def skipped(messages: Sequence[str]) -> TextReply:
    """The member sent faster than we answer: these waited too long and were not handled."""
    shown = [f"• {clip(m, 40)}" for m in messages[:_SHOWN]]
    if len(messages) > _SHOWN:
        shown.append(f"• …and {len(messages) - _SHOWN} more")
    return TextReply(
        "🐢 You sent messages faster than I can answer, so I skipped these:\n"
        + "\n".join(shown)
        + "\n\nPlease send again the ones you still need, one at a time."
    )
