"""What can be sent now: checks made before a confirmation is shown, so "Sign & send" is never
offered for an offer credex-core will certainly refuse.

Checked from a fresh view (docs/credex-core-api.md): the secured balance per denomination
(§10.2: a USD balance cannot secure CAD), the tier's daily limit (tiers 1 and 2, counted in USD
as credex-core does, §10.3), and the open tier's ban on unsecured credex. Only USD offers are
counted against the USD limit here: the view carries no exchange rates, so offers in other
denominations are left to credex-core, which stays the final judge.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import Literal

import attrs

from actors.ports.credex import AccountDashboard, MemberView
from actors.screens.format import places
from actors.session import Draft, DraftOffer

ShortKind = Literal["no_value", "securable", "daily", "unsecured_tier"]


@attrs.frozen
class Shortfall:
    """One reason the draft cannot go; `can` is what may be sent now in `denomination`."""

    kind: ShortKind
    denomination: str
    wanted: Decimal
    can: Decimal


def floor(value: Decimal, denomination: str) -> Decimal:
    """Down to the denomination's smallest unit: never offer more than is there."""
    return max(value, Decimal(0)).quantize(Decimal(1).scaleb(-places(denomination)), ROUND_DOWN)


def held(account: AccountDashboard, denomination: str) -> Decimal:
    found = (m.amount for m in account.balances.secured if m.denomination == denomination)
    return next(found, Decimal(0))


def shortfalls(view: MemberView, account: AccountDashboard, draft: Draft) -> tuple[Shortfall, ...]:
    out: list[Shortfall] = []
    tier = view.member.tier
    if tier == 1 and any(not o.secured for o in draft.offers):
        unsecured = sum((o.amount for o in draft.offers if not o.secured), Decimal(0))
        out.append(Shortfall("unsecured_tier", draft.offers[0].denomination, unsecured, Decimal(0)))
    left = view.member.remaining_usd if tier in (1, 2) else None
    for denom in dict.fromkeys(o.denomination for o in draft.offers if o.secured):
        wanted = _total(draft.offers, denom, secured_only=True)
        have = floor(held(account, denom), denom)
        if have <= 0:
            out.append(Shortfall("no_value", denom, wanted, Decimal(0)))
        elif wanted > have:
            out.append(Shortfall("securable", denom, wanted, have))
    if left is not None:
        wanted = _total(draft.offers, "USD", secured_only=False)
        if wanted > left:
            out.append(Shortfall("daily", "USD", wanted, floor(left, "USD")))
    return tuple(out)


def can_send(shorts: tuple[Shortfall, ...]) -> Decimal:
    """The most one offer may carry now: every limit it ran into applies at once."""
    return min((s.can for s in shorts), default=Decimal(0))


def _total(offers: tuple[DraftOffer, ...], denom: str, *, secured_only: bool) -> Decimal:
    chosen = (
        o.amount for o in offers if o.denomination == denom and (o.secured or not secured_only)
    )
    return sum(chosen, Decimal(0))


def too_precise(amount: Decimal, denomination: str) -> bool:
    """More decimal places than credex-core shows for the denomination (§9.5): it would be
    shown rounded, so it is refused instead of rounded silently."""
    exponent = amount.normalize().as_tuple().exponent
    return isinstance(exponent, int) and -exponent > places(denomination)
