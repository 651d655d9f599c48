"""Screens shared by every flow: thanks, help, "I didn't understand", notices and apologies."""

from __future__ import annotations

from actors import ids
from actors.events import Notification
from actors.replies import Button, ButtonsReply, TextReply

HELP_BODY = (
    "❓ *How to use VimbisoPay*\n\n"
    "*Quick offers* (from any screen):\n"
    "• `5=>bob` offers 5 (your account's currency) *secured* to @bob\n"
    "• `USD 5=>bob` or `5 USD=>bob` picks the currency\n"
    "• `5->bob` offers *unsecured*, due in 4 weeks\n"
    "• `5->bob=2026-12-20` unsecured with a due date (1–5 weeks ahead)\n"
    "• Several lines send several offers, with one confirmation\n\n"
    "*Words that work anywhere*:\n"
    "• *menu* or *home*: your dashboard\n"
    "• *x*, *c* or *cancel*: stop what you are doing\n"
    "• *back*: one step back, keeping what you typed\n"
    "• *hi*: start fresh\n"
    "• *help*: this message"
)


def thanks() -> TextReply:
    return TextReply("🙏")


def help_text() -> ButtonsReply:
    return ButtonsReply(body=HELP_BODY, buttons=(Button(ids.MENU, "🏡 Menu"),))


def not_understood(kind: str) -> TextReply:
    what = {
        "image": "a picture",
        "audio": "a voice note",
        "video": "a video",
        "document": "a document",
        "location": "a location",
        "sticker": "a sticker",
        "contacts": "a contact",
    }.get(kind)
    first = f"I can't read {what} yet." if what else "Sorry, I didn't understand that."
    return TextReply(
        f"🤔 {first} I understand the menu below, quick offers like `5=>bob`, "
        "and words like *menu*, *back*, *cancel* and *help*."
    )


def cancelled() -> TextReply:
    return TextReply("👌 Cancelled. Nothing was sent.")


def discarded_unsent() -> TextReply:
    return TextReply("👌 I put aside the offer you had not confirmed. Nothing was sent.")


def timed_out(discarded: bool) -> TextReply:
    extra = " The offer you had not confirmed was discarded; nothing was sent." if discarded else ""
    return TextReply(f"⌛ Your session timed out after a few quiet minutes.{extra}")


def nothing_to_go_back_to() -> TextReply:
    return TextReply("↩️ There is no earlier step here, so here is your dashboard.")


def no_phone() -> TextReply:
    return TextReply(
        "👋 Hello! VimbisoPay identifies credex members by their phone number, and WhatsApp "
        "did not share yours with us (this happens with username-only accounts). "
        "I can't serve you yet: please message us from a WhatsApp account that shows "
        "its phone number."
    )


def notification(event: Notification) -> ButtonsReply:
    who = f"*{event.member_name}*, " if event.member_name else ""
    return ButtonsReply(
        body=f"🔔 {who}{event.message}",
        buttons=(Button(ids.pending_page("in", 1), "📥 View offers"),),
    )


def unreadable() -> TextReply:
    return TextReply("😕 I couldn't read that message. Please send it again, or type *menu*.")


def apology() -> TextReply:
    return TextReply(
        "😓 Something went wrong on our side while handling your message. "
        "If you were sending an offer, type *menu* and check your outgoing offers "
        "before trying again."
    )


def slow_down() -> TextReply:
    return TextReply(
        "🐢 You're sending messages very fast. Please wait a moment before sending more."
    )
