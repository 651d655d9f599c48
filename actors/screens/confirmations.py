"""What the user reads when a confirmation closes because they did something else."""

from __future__ import annotations

from actors.replies import TextReply
from actors.screens.format import amount, clip
from actors.session import Draft


def offer_not_sent(draft: Draft) -> TextReply:
    offers = draft.offers
    if len(offers) == 1:
        offer = offers[0]
        what = f"{amount(offer.amount, offer.denomination)} offer to {offer.receiver_name}"
        return TextReply(f"🗑️ Your {what} was not sent.")
    names = clip(", ".join(dict.fromkeys(o.receiver_name for o in offers)), 200)
    return TextReply(f"🗑️ Your {len(offers)} offers (to {names}) were not sent.")


def cancel_dropped() -> TextReply:
    return TextReply("↩️ Nothing was cancelled: your offer is still pending.")


def removal_dropped() -> TextReply:
    return TextReply("↩️ Nothing was changed: the member is still authorized.")


def closed(*, cancelled: bool) -> TextReply:
    what = "nothing was cancelled" if cancelled else "nothing was changed"
    return TextReply(
        f"⌛ That confirmation is closed, so {what}. Open it again from the menu if you still "
        "want to."
    )
