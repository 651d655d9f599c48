"""What the member reads when an offer cannot go as typed (docs/credex-core-api.md §9.5, §10):
too precise an amount, more than is held or securable, more than the tier allows today. Each
says what *can* be sent now."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from actors.flows.limits import Shortfall, can_send
from actors.intents import navigation as navigation_ids
from actors.intents import quick as quick_ids
from actors.replies import Button, ButtonsMessage, Reply, TextReply
from actors.screens.format import BODY, BUTTON_TITLE, amount, clip, places
from actors.session import Draft, DraftOffer


def too_precise(value: Decimal, denomination: str) -> TextReply:
    unit = amount(Decimal(1).scaleb(-places(denomination)), denomination)
    return TextReply(
        f"✋ *{value}* has more decimal places than {denomination} allows: the smallest amount "
        f"is *{unit}*, and I won't round it for you. Send the amount again, for example "
        f"`{unit.split()[0]}`."
    )


def renewal(local_midnight: dt.datetime, zone: str) -> str:
    """credex-core's day turns at 00:00 UTC (§10.3); members think in local time."""
    city = zone.rsplit("/", 1)[-1].replace("_", " ")
    return f"midnight UTC ({local_midnight:%H:%M} in {city})"


def how_to_get_value(denomination: str, agents: Sequence[str]) -> str:
    lines = [
        f"To get secured {denomination}, ask a member who holds some to send you a secured offer",
    ]
    if agents:
        lines[0] += ", or cash in with an agent:"
        lines += [f"• {agent}" for agent in agents]
    else:
        lines[0] += "."
    return "\n".join(lines)


def _reason(short: Shortfall, tier: int | None, when: str) -> str:
    if short.kind == "unsecured_tier":
        return "• Unsecured offers need tier 2 or above; on your tier send secured (`=>`)."
    if short.kind == "no_value":
        return f"• You hold no secured {short.denomination} right now."
    if short.kind == "securable":
        return (
            f"• You can secure *{amount(short.can, short.denomination)}*, less than "
            f"{amount(short.wanted, short.denomination)}."
        )
    return (
        f"• Your tier {tier} daily limit leaves *{amount(short.can, 'USD')}* today; it renews at "
        f"{when}."
    )


def quick_text(offer: DraftOffer, value: Decimal) -> str:
    """The quick command for `offer` with another amount, for a button that starts it again."""
    head = f"{offer.denomination} {value}"
    if offer.secured or offer.due_date is None:
        return f"{head}=>{offer.handle}"
    return f"{head}->{offer.handle}={offer.due_date.isoformat()}"


def refused(
    draft: Draft,
    shorts: tuple[Shortfall, ...],
    *,
    tier: int | None,
    when: str,
    agents: Sequence[str],
    in_form: bool = False,
) -> Reply:
    """`in_form`: the menu form asks for the amount again, so typing one is said to work."""
    lines = ["✋ I can't prepare that offer, so nothing was sent:"]
    lines += [_reason(s, tier, when) for s in shorts]
    buttons = [Button(navigation_ids.MENU, "🏡 Menu")]
    single = draft.offers[0] if len(draft.offers) == 1 else None
    can = can_send(shorts)
    empty = next((s for s in shorts if s.kind == "no_value"), None)
    if single is not None and can > 0:
        kind = "secured" if single.secured else "unsecured"
        lines += ["", f"You can send up to *{amount(can, single.denomination)}* {kind} right now."]
        title = clip(f"Send {amount(can, single.denomination)}", BUTTON_TITLE)
        buttons.insert(0, Button(quick_ids.quick(quick_text(single, can)), title))
    elif empty is not None:
        lines += ["", how_to_get_value(empty.denomination, agents)]
    elif any(s.kind == "daily" for s in shorts):
        lines += ["", f"You can send again after {when}."]
    if in_form:
        lines += ["", "_Or type another amount._"]
    return ButtonsMessage(body=clip("\n".join(lines), BODY), buttons=tuple(buttons))


def core_edge(offer: DraftOffer, largest: Decimal) -> ButtonsMessage:
    """credex-core refused at its own rounding edge (CXX floating point, §10.1): it shows the
    securable balance rounded up to the amount asked for, but accepts one unit less."""
    what = amount(largest, offer.denomination)
    return ButtonsMessage(
        body=(
            f"credex-core computes balances with rounding, so the most it accepts right now is "
            f"*{what}* secured."
        ),
        buttons=(
            Button(quick_ids.quick(quick_text(offer, largest)), clip(f"Send {what}", BUTTON_TITLE)),
            Button(navigation_ids.MENU, "🏡 Menu"),
        ),
    )
