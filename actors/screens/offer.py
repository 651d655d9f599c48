"""Offer screens: the menu form's questions, the confirmation, and what happened after it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from actors.intents import offer as offer_ids
from actors.intents import submit as submit_ids
from actors.replies import Button, ButtonsMessage, TextReply
from actors.screens.failures import reason
from actors.screens.format import BODY, amount, clip, day, sentence_case
from actors.session import Draft, DraftOffer, Identity, QuickLine

_NAV_HINT = "_Send *back* to go back a step, or *x* to cancel._"


def ask_amount(
    secured: bool, default_denom: str, previous: tuple[Decimal, str] | None = None
) -> TextReply:
    kind = "secured" if secured else "unsecured"
    hint = f"\n_Last time: {amount(*previous)}_" if previous else ""
    return TextReply(
        f"💸 *Offer {kind} credex*\n\nHow much? Send an amount like `5`, `5.50` or `USD 5`. "
        f"Without a currency I'll use {default_denom}.{hint}\n\n{_NAV_HINT}"
    )


def ask_handle(previous: str | None = None) -> TextReply:
    hint = f"\n_Last time: {previous}_" if previous else ""
    return TextReply(
        "👤 Who is it for? Send their account *handle* "
        f"(a member's handle is their phone number, like 263771234567).{hint}\n\n{_NAV_HINT}"
    )


def ask_due(earliest: dt.date, latest: dt.date) -> ButtonsMessage:
    return ButtonsMessage(
        body=(
            "📅 When must it be paid? Pick one, or type a date between "
            f"*{day(earliest)}* and *{day(latest)}* (like {latest.isoformat()}).\n\n{_NAV_HINT}"
        ),
        buttons=(
            Button(offer_ids.due_in(7), "In 1 week"),
            Button(offer_ids.due_in(14), "In 2 weeks"),
            Button(offer_ids.due_in(28), "In 4 weeks"),
        ),
    )


def input_problem(message: str) -> TextReply:
    return TextReply(f"✋ {message}")


def due_out_of_range(earliest: dt.date, latest: dt.date) -> TextReply:
    return TextReply(
        f"✋ The due date must be between *{day(earliest)}* and *{day(latest)}*. "
        "Pick a button or type a date in that range."
    )


def unknown_handle(handle: str) -> TextReply:
    return TextReply(
        f"🔍 I couldn't find an account with the handle *{handle}*. Check the spelling "
        "(a member's handle is their phone number) and send it again."
    )


def own_account() -> TextReply:
    return TextReply("✋ That's your own account. Send the handle of the account you want to pay.")


def _terms(offer: DraftOffer) -> str:
    if offer.secured or offer.due_date is None:
        return "secured"
    return f"unsecured, due {day(offer.due_date)}"


def confirm(identity: Identity, draft: Draft) -> ButtonsMessage:
    sender = f"*From:* {identity.account_name} ({identity.account_handle})"
    if len(draft.offers) == 1:
        offer = draft.offers[0]
        body = "\n".join(
            [
                "📝 *Please confirm this offer*",
                "",
                f"*Amount:* {amount(offer.amount, offer.denomination)}",
                f"*Type:* {sentence_case(_terms(offer))}",
                sender,
                f"*To:* {offer.receiver_name} ({offer.handle})",
            ]
        )
        send = "✍️ Sign & send"
    else:
        lines = [
            # Names are shortened so ten lines always fit WhatsApp's 1024-character body.
            f"{i}. {amount(o.amount, o.denomination)} {_terms(o)} to *{clip(o.receiver_name, 32)}*"
            for i, o in enumerate(draft.offers, 1)
        ]
        body = "\n".join([f"📝 *Please confirm {len(draft.offers)} offers*", sender, "", *lines])
        send = f"Send all {len(draft.offers)}"
    return ButtonsMessage(
        body=clip(body, BODY),
        buttons=(
            Button(submit_ids.confirm(draft.draft_id), send),
            Button(submit_ids.discard(draft.draft_id), "Cancel"),
        ),
    )


def _outcome(offer: DraftOffer) -> str:
    what = f"{amount(offer.amount, offer.denomination)} to *{offer.receiver_name}*"
    if offer.credex_id is not None:
        return f"✅ {what}: sent"
    if offer.failure is not None:
        return f"❌ {what}: not sent. {reason(offer.failure)}"
    return f"❌ {what}: not sent, nothing moved"


def results(draft: Draft) -> TextReply:
    if len(draft.offers) == 1:
        offer = draft.offers[0]
        if offer.credex_id is not None:
            return TextReply(
                f"✅ *Offer sent*: {amount(offer.amount, offer.denomination)} {_terms(offer)} "
                f"to *{offer.receiver_name}*. It waits in their incoming offers until they accept."
            )
        return TextReply(f"😕 *Not sent*\n{_outcome(offer)}")
    lines = [f"{i}. {_outcome(o)}" for i, o in enumerate(draft.offers, 1)]
    return TextReply(clip("\n".join(["📤 *Your offers*", *lines]), 4096))


def verified(draft: Draft) -> TextReply:
    """G5: told after checking credex-core, never guessed."""
    lines = []
    for offer in draft.offers:
        what = f"{amount(offer.amount, offer.denomination)} to *{offer.receiver_name}*"
        if offer.credex_id is not None:
            lines.append(f"✅ {what} was sent: it is in your outgoing offers.")
        elif offer.failure is not None:
            lines.append(f"❌ {what} was not sent. {reason(offer.failure)}")
        else:
            lines.append(f"❌ {what} was *not* sent; nothing moved. Send it again if you wish.")
    body = "\n".join(["🔎 I checked with credex-core what happened to your last offer:", *lines])
    return TextReply(clip(body, 4096))


def already_used() -> TextReply:
    return TextReply("☑️ That confirmation was already used, so nothing new was sent.")


def expired() -> TextReply:
    return TextReply(
        "⌛ That confirmation is no longer open, so nothing was sent. If you still want to "
        "make the offer, send it again (for example `5=>bob`) or use the menu."
    )


def confirm_pending() -> TextReply:
    return TextReply(
        "👆 Please tap *Sign & send* or *Cancel* on the confirmation, "
        "or send *back* to change something."
    )


def quick_broken(message: str) -> TextReply:
    return TextReply(f"✋ {message}\n\nSend *help* to see every quick-offer form.")


def quick_rejected(lines: tuple[QuickLine, ...], earliest: dt.date, latest: dt.date) -> TextReply:
    problems = {
        "unknown_handle": "no account with that handle, check the spelling",
        "own_account": "that is your own account",
        # Tier 2 (Verified) may issue unsecured credex within its daily limit
        # (docs/credex-core-api.md §10.3).
        "unsecured_tier": (
            "unsecured offers (->) need the Verified tier (tier 2) or above; "
            "send it secured (=>) instead"
        ),
        "due_window": f"the due date must be between {day(earliest)} and {day(latest)}",
    }
    out = []
    for number, line in enumerate(lines, 1):
        if line.problem is not None:
            prefix = f"Line {number}: " if len(lines) > 1 else ""
            out.append(f"• {prefix}*{line.handle}*: {problems[line.problem]}")
    body = "\n".join(
        ["✋ I couldn't prepare that, so nothing was sent:", *out, "", "Fix it and send it again."]
    )
    return TextReply(clip(body, 4096))
