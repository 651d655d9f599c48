"""Pending offers: paged lists, one offer with its buttons, and what accepting or cancelling did."""

from __future__ import annotations

from typing import Final, Literal

from actors.failure import Failure
from actors.intents import navigation as navigation_ids
from actors.intents import pending as pending_ids
from actors.ports.credex import BulkAcceptResult, PendingOffer
from actors.replies import Button, ButtonsMessage, ListMessage, Reply, Row, Section, TextReply
from actors.screens.failures import reason
from actors.screens.format import (
    BODY,
    ROW_DESCRIPTION,
    ROW_TITLE,
    clip,
    day,
    sentence_case,
    unsigned,
)

Direction = Literal["in", "out"]
# + Previous + Menu + "Accept all" + "More…" = WhatsApp's 10 rows in total (G8).
PAGE_SIZE: Final = 6

_MENU = Button(navigation_ids.MENU, "🏡 Menu")
_HOW = "Choose one to see it, or send its number."


def _terms(offer: PendingOffer) -> str:
    if offer.secured:
        return "secured"
    return f"unsecured, due {day(offer.due_date)}" if offer.due_date else "unsecured"


def _party(direction: Direction, offer: PendingOffer) -> str:
    return f"{'from' if direction == 'in' else 'to'} {offer.counterparty}"


def window(
    offers: tuple[PendingOffer, ...], page: int
) -> tuple[int, int, tuple[PendingOffer, ...], int]:
    """The page actually shown (clamped), the page count, its offers and its first row number."""
    pages = max(1, (len(offers) + PAGE_SIZE - 1) // PAGE_SIZE)
    page = min(max(page, 1), pages)
    return (
        page,
        pages,
        offers[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        (page - 1) * PAGE_SIZE + 1,
    )


def accept_all_label(count: int) -> str:
    return "Accept the 1 offer" if count == 1 else f"Accept all {count} offers"


def pending_list(direction: Direction, offers: tuple[PendingOffer, ...], page: int) -> Reply:
    """Incoming lists end in an Accept-all row for exactly the offers they count."""
    title = "Incoming offers" if direction == "in" else "Outgoing offers"
    if not offers:
        return ButtonsMessage(body=f"🪹 You have no {title.lower()} right now.", buttons=(_MENU,))
    page, pages, shown, first = window(offers, page)
    lines = [
        f"{n}. *{unsigned(o.amount)}* {_party(direction, o)} ({_terms(o)})"
        for n, o in enumerate(shown, first)
    ]
    rows = [
        Row(
            pending_ids.pending_offer(direction, o.credex_id),
            clip(f"{n}. {unsigned(o.amount)}", ROW_TITLE),
            clip(f"{_party(direction, o)} · {_terms(o)}", ROW_DESCRIPTION),
        )
        for n, o in enumerate(shown, first)
    ]
    if page > 1:
        rows.append(
            Row(pending_ids.pending_page(direction, page - 1), "⬅️ Previous", f"Page {page - 1}")
        )
    if direction == "in":
        accept = "✅ Accept all" if len(offers) > 1 else "✅ Accept it"
        listed = pending_ids.accept_all(tuple(o.credex_id for o in offers))
        rows.append(Row(listed, accept, accept_all_label(len(offers))))
    if direction == "out" or page > 1:
        rows.append(Row(navigation_ids.MENU, "🏡 Menu", "Back to your dashboard"))
    if page < pages:
        rows.append(Row(pending_ids.pending_page(direction, page + 1), "More…", f"Page {page + 1}"))
    icon = "📥" if direction == "in" else "📤"
    header = f"{icon} *{title}*" + (f" (page {page} of {pages})" if pages > 1 else "")
    return ListMessage(
        body=clip("\n".join([header, "", *lines, "", _HOW]), BODY),
        button_label="Choose",
        sections=(Section(title, tuple(rows)),),
    )


def offer_card(direction: Direction, offer: PendingOffer, back_id: str = "") -> ButtonsMessage:
    """One offer with what can be done to it; `back_id` reopens the list page it came from
    (a button where one is free; typed *back* works either way)."""
    body = "\n".join(
        [
            f"{'📥 *Offer from' if direction == 'in' else '📤 *Your offer to'} "
            f"{offer.counterparty}*",
            "",
            f"*Amount:* {unsigned(offer.amount)}",
            f"*Type:* {sentence_case(_terms(offer))}",
        ]
    )
    buttons: tuple[Button, ...]
    if direction == "in":
        buttons = (
            Button(pending_ids.accept(offer.credex_id), "✅ Accept"),
            Button(pending_ids.decline(offer.credex_id), "❌ Decline"),
            _MENU,
        )
    else:
        back = (Button(back_id, "⬅️ Back to list"),) if back_id else ()
        buttons = (Button(pending_ids.ask_cancel(offer.credex_id), "🚫 Cancel offer"), *back, _MENU)
    return ButtonsMessage(body=body, buttons=buttons)


def offer_gone() -> TextReply:
    return TextReply(
        "🤷 That offer is no longer pending: it may have been accepted, declined or cancelled."
    )


def ask_cancel(offer: PendingOffer) -> ButtonsMessage:
    return ButtonsMessage(
        body=(
            f"🚫 Cancel your offer of *{unsigned(offer.amount)}* to *{offer.counterparty}*? "
            "They will no longer be able to accept it."
        ),
        buttons=(
            Button(pending_ids.cancel_now(offer.credex_id), "Yes, cancel it"),
            Button(navigation_ids.MENU, "No, keep it"),
        ),
    )


_DONE: Final = {
    "accept": ("🥳 You accepted", "from"),
    "decline": ("👋 You declined", "from"),
    "cancel": ("🚫 You cancelled your offer of", "to"),
}
_VERB: Final = {"accept": "accept", "decline": "decline", "cancel": "cancel"}


def acted(action: Literal["accept", "decline", "cancel"], offer: PendingOffer) -> TextReply:
    said, way = _DONE[action]
    return TextReply(f"{said} *{unsigned(offer.amount)}* {way} *{offer.counterparty}*.")


def action_failed(
    action: Literal["accept", "decline", "cancel"], offer: PendingOffer, failure: Failure
) -> TextReply:
    way = "to" if action == "cancel" else "from"
    return TextReply(
        f"😕 I couldn't {_VERB[action]} the offer of {unsigned(offer.amount)} {way} "
        f"{offer.counterparty}. {reason(failure)}"
    )


def arrived_since(offers: tuple[PendingOffer, ...]) -> TextReply:
    """Offers that came in after the list was shown: never accepted by its Accept-all."""
    if len(offers) == 1:
        offer = offers[0]
        head = f"📬 1 new offer arrived since — it is still waiting for you: {_named(offer)}."
        return TextReply(head)
    names = clip(", ".join(_named(o) for o in offers), 3000)
    return TextReply(
        f"📬 {len(offers)} new offers arrived since — they are still waiting for you: {names}."
    )


def _named(offer: PendingOffer) -> str:
    return f"{unsigned(offer.amount)} from {offer.counterparty}"


def stale_accept_all() -> TextReply:
    return TextReply(
        "⌛ That Accept-all button belongs to an older list, so nothing was accepted. "
        "Here are your incoming offers now."
    )


def nothing_to_accept() -> TextReply:
    return TextReply("🪹 There are no incoming offers to accept right now.")


def accept_all_summary(result: BulkAcceptResult, offers: tuple[PendingOffer, ...]) -> TextReply:
    by_id = {o.credex_id: o for o in offers}

    def line(credex_id: str, note: str = "") -> str:
        offer = by_id.get(credex_id)
        what = f"{unsigned(offer.amount)} from {offer.counterparty}" if offer else "an offer"
        return f"• {what}{note}"

    parts = []
    if result.accepted:
        parts += [f"✅ *Accepted* ({len(result.accepted)})", *map(line, result.accepted)]
    if result.already_accepted:
        parts += ["", f"☑️ *Already accepted* ({len(result.already_accepted)})"]
        parts += map(line, result.already_accepted)
    if result.failed:
        parts += ["", f"❌ *Not accepted* ({len(result.failed)})"]
        parts += [line(f.credex_id, f": _{f.error}_") for f in result.failed]
    return TextReply(clip("\n".join(parts).strip(), 4096))
