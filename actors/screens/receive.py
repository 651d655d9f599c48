"""Getting paid: the pay link and QR code for the active account, and the customer's side of it
(the amount question, and the note a newcomer sees before being onboarded)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Final
from urllib.parse import quote

import attrs

from actors.replies import ButtonsMessage, QrImageReply, TextReply
from actors.screens.format import amount as shown_amount
from actors.session import Identity

_PLACES: Final = {"CXX": 3, "XAU": 4}  # as everywhere (docs/credex-core-api.md §9.5)


def places(denomination: str) -> int:
    return _PLACES.get(denomination, 2)


def plain_amount(value: Decimal, denomination: str) -> str:
    """`5.00 USD`: no thousands separator, so the pay text reads back as the same amount."""
    exp = Decimal(1).scaleb(-places(denomination))
    return f"{value.quantize(exp, rounding=ROUND_HALF_UP):f} {denomination}"


def too_precise(denomination: str) -> str:
    n = places(denomination)
    return f"{denomination} amounts have at most {n} decimals, like {5:.{n}f}"


def pay_text(handle: str, value: Decimal | None, denomination: str | None) -> str:
    """The message a pay link fills in; `parser.payments.parse_pay` reads it back."""
    if value is None or denomination is None:
        return f"pay @{handle}"
    return f"pay {plain_amount(value, denomination)} to @{handle}"


def pay_link(display_number: str, text: str) -> str:
    """wa.me opens a chat with the bot with `text` typed in (digits only, no "+")."""
    digits = "".join(ch for ch in display_number if ch.isdigit())
    return f"https://wa.me/{digits}?text={quote(text, safe='')}"


def pay_link_card(
    identity: Identity, link: str, value: Decimal | None, denomination: str | None
) -> QrImageReply:
    how_much = (
        f"*{shown_amount(value, denomination)}*"
        if value is not None and denomination
        else "the amount they type"
    )
    caption = "\n".join(
        [
            f"📲 *Get paid: {identity.account_name}* ({identity.account_handle})",
            "",
            "Customers scan this code or tap the link, then press send in WhatsApp. "
            f"They see an offer of {how_much} to *{identity.account_name}* to confirm; "
            "nothing moves until they sign it.",
            "",
            link,
            "",
            "_Print it, or show it on your phone. Payments arrive like any other offer._",
        ]
    )
    return QrImageReply(link=link, caption=caption)


def no_display_number() -> TextReply:
    return TextReply(
        "📲 Pay links aren't ready yet: I don't know this bot's WhatsApp number. "
        "Please try again in a minute."
    )


def receive_problem(message: str, default_denom: str) -> TextReply:
    return TextReply(
        f"✋ {message}.\n\nSend *receive* for a link where the customer types the amount, or "
        f"*receive 5* for a link asking for 5 {default_denom}."
    )


def ask_pay_amount(handle: str) -> TextReply:
    return TextReply(
        f"💸 *Pay {handle}*\n\nHow much? Send an amount like `5`, `5.50` or `USD 5`.\n\n"
        "_Send *x* to cancel._"
    )


def pay_amount_problem(message: str) -> TextReply:
    return TextReply(f"✋ {message}. Send the amount to pay, like `5` or `USD 5`.")


def join_first(handle: str, welcome: ButtonsMessage) -> ButtonsMessage:
    """The onboarding welcome, saying first why the newcomer is asked to join (one message)."""
    note = (
        f"💸 You're paying *{handle}*. First let's make you a member (three quick answers); "
        "then I'll show you the payment to confirm."
    )
    return attrs.evolve(welcome, body=f"{note}\n\n{welcome.body}")
