"""Tier daily spend limits (docs/credex-core-api.md §5.6, §10.3) and the unsecured due-date window
(§5.5).

[INTENDED] (§10.3): the limit applies to every credex, and tier 1 may not issue unsecured.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import attrs

from simulator.credex.ledger import Ledger
from simulator.credex.model import Account, CredexState, Member
from simulator.credex.money import ZERO, convert, format_fixed2

DAILY_LIMIT_USD = {1: Decimal(10), 2: Decimal(100)}
CREDSPAN_DAYS = 35
FIRST_DUE_DAYS = 7
_COUNTED = frozenset({CredexState.OFFERS, CredexState.OWES})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

UNSECURED_ON_OPEN_TIER = "Unsecured credex not permitted on open tier"
NO_LIMITS = "No daily limits on credex for paid tiers"
GRANTED = "Authorization granted"
NO_ACCOUNT = "No results found for the given account"
DUE_DATE_REFUSED = (
    "Due date must be permitted date, in format YYYY-MM-DD. First permitted due date is 1 week "
    "from today. Last permitted due date is 5 weeks from today."
)


@attrs.frozen
class TierDecision:
    authorized: bool
    message: str


def issued_today_usd(ledger: Ledger, member_id: str) -> Decimal:
    """USD value of credexes the member's owned accounts issued on the active day (§9.1)."""
    total = ZERO
    for account in ledger.owned_accounts(member_id):
        for credex in ledger.credexes_touching(account.account_id):
            if (
                credex.issuer_id == account.account_id
                and credex.created_day == ledger.day
                and credex.state in _COUNTED
            ):
                total += convert(credex.initial, credex.denomination, "USD")
    return total


def remaining_usd(ledger: Ledger, member: Member) -> Decimal | None:
    """remainingAvailableUSD; None (JSON null, JavaScript's Infinity) for tiers without limits."""
    limit = DAILY_LIMIT_USD.get(member.tier)
    if limit is None:
        return None
    return limit - issued_today_usd(ledger, member.member_id)


def authorize_spend(
    ledger: Ledger, issuer: Account, amount: Decimal, denomination: str, secured: bool
) -> TierDecision:
    """The tier decision for the *owner* of the issuing account, not the signer (§10.3)."""
    owner = ledger.members[issuer.owner_id]
    if owner.tier == 1 and not secured:
        return TierDecision(False, UNSECURED_ON_OPEN_TIER)
    limit = DAILY_LIMIT_USD.get(owner.tier)
    if limit is None:
        return TierDecision(True, NO_LIMITS)
    available = limit - issued_today_usd(ledger, owner.member_id)
    if available >= convert(amount, denomination, "USD"):
        return TierDecision(True, GRANTED)
    return TierDecision(
        False,
        f"You are only able to issue {format_fixed2(available)} USD until tomorrow. "
        "Limits renew at midnight UTC.",
    )


def parse_due_date(text: str) -> dt.date | None:
    if not _DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def due_date_allowed(due: dt.date, today: dt.date) -> bool:
    """today + 7 days <= due < today + 35 days, on the system day (§5.5), not the wall clock."""
    return (
        today + dt.timedelta(days=FIRST_DUE_DAYS) <= due < today + dt.timedelta(days=CREDSPAN_DAYS)
    )
