"""Screens shared by every flow: thanks, help, "I didn't understand", notices and apologies."""

from __future__ import annotations

from typing import Literal

from actors.events import Notification
from actors.intents import navigation as navigation_ids
from actors.intents import pending as pending_ids
from actors.outcome import DUE_MAX_DAYS, DUE_MIN_DAYS
from actors.replies import Button, ButtonsMessage, TemplateReply, TextReply
from actors.screens.format import amount, clip
from actors.session import Draft

HELP_BODY = (
    "❓ *How to use VimbisoPay*\n\n"
    "*Quick offers* (from any screen):\n"
    "• `5=>bob` offers 5 (your account's currency) *secured* to @bob\n"
    "• `USD 5=>bob` or `5 USD=>bob` picks the currency\n"
    "• `5->bob` offers *unsecured*, due in 4 weeks\n"
    "• `5->bob=2026-12-20` (or `=20/12/2026`, `=20 Dec`): unsecured with a due date, "
    f"{DUE_MIN_DAYS} to {DUE_MAX_DAYS} days ahead\n"
    "• A member's handle is their phone number: `5=>263771234567` works too\n"
    "• Several lines send several offers, with one confirmation\n\n"
    "*Words that work anywhere*:\n"
    "• *menu* or *home*: your dashboard\n"
    "• *x*, *c* or *cancel*: stop what you are doing\n"
    "• *back*: one step back, keeping what you typed; from an offer or a credex, "
    "back to its list\n"
    "• In a list: a row's *number* picks it; *next* and *prev* turn the page\n"
    "• *ledger*, *accounts*, *members*, *notifications*: open that screen "
    "(when no question awaits your answer)\n"
    "• *receive* or *receive 5*: a pay link and QR code for your customers\n"
    "• *statement* or *statement 2026-11*: your ledger as a PDF\n"
    "• *hi*: start fresh\n"
    "• *help*: this message"
)


def thanks() -> TextReply:
    return TextReply("🙏")


def sorry() -> ButtonsMessage:
    """An angry or sad reaction: never thanked (issue 9); an apology and a way forward."""
    return ButtonsMessage(
        body=(
            "😔 Sorry if something went wrong. Tell me what happened in a message, "
            "or send *help* to see what I can do."
        ),
        buttons=(Button(navigation_ids.MENU, "🏡 Menu"), Button(navigation_ids.HELP, "❓ Help")),
    )


def help_text() -> ButtonsMessage:
    return ButtonsMessage(body=HELP_BODY, buttons=(Button(navigation_ids.MENU, "🏡 Menu"),))


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


def nothing_to_cancel() -> TextReply:
    return TextReply("👌 There was nothing open to cancel. Here is your dashboard.")


def discarded_unsent() -> TextReply:
    return TextReply("👌 I put aside the offer you had not confirmed. Nothing was sent.")


def _discarded(draft: Draft) -> str:
    offers = draft.offers
    if len(offers) == 1:
        offer = offers[0]
        what = f"{amount(offer.amount, offer.denomination)} to {offer.receiver_name}"
        return f"Your unconfirmed offer of {what} was discarded; nothing was sent."
    names = ", ".join(dict.fromkeys(o.receiver_name for o in offers))
    return (
        f"Your {len(offers)} unconfirmed offers (to {clip(names, 200)}) were discarded; "
        "nothing was sent."
    )


def timed_out(
    draft: Draft | None = None,
    *,
    form: Literal["offer", "other"] | None = None,
    back_to_personal: bool = False,
) -> TextReply:
    """`draft`: the unconfirmed draft the timeout discarded; `form`: the half-filled form it
    forgot; `back_to_personal`: the member had switched to another of their accounts."""
    parts = ["⌛ Your session timed out after a few quiet minutes."]
    if draft is not None:
        parts.append(_discarded(draft))
    elif form == "offer":
        parts.append("The offer you had not confirmed was discarded; nothing was sent.")
    elif form == "other":
        parts.append("What you were filling in was discarded; nothing was changed.")
    if back_to_personal:
        parts.append("You're back on your personal account.")
    return TextReply(" ".join(parts))


def tap_a_button() -> TextReply:
    return TextReply(
        "👆 Please tap one of the buttons above, or send *yes* or *no*. Send *menu* to leave it."
    )


def nothing_to_go_back_to() -> TextReply:
    return TextReply("↩️ There is no earlier step here, so here is your dashboard.")


def no_phone() -> TextReply:
    return TextReply(
        "👋 Hello! VimbisoPay identifies credex members by their phone number, and WhatsApp "
        "did not share yours with us (this happens with username-only accounts). "
        "I can't serve you yet: please message us from a WhatsApp account that shows "
        "its phone number."
    )


def notification(event: Notification) -> ButtonsMessage:
    who = f"*{event.member_name}*, " if event.member_name else ""
    return ButtonsMessage(
        body=f"🔔 {who}{event.message}",
        buttons=(Button(pending_ids.pending_page("in", 1), "📥 View offers"),),
    )


def notification_template(event: Notification) -> TemplateReply:
    """The pre-approved `incoming_notification` template (en_US, {{1}} member name, {{2}} the
    message): what the user gets instead when the 24-hour window is closed."""
    return TemplateReply(
        "incoming_notification", "en_US", (event.member_name or "there", event.message)
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
