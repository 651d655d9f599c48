"""The Daily Credcoin Offering as forceDCO runs it (docs/credex-core-api.md §10.9): defaults, offer
expiry, a new day,
and the DCO participants' give and receive credexes. Rates stay fixed (see money.RATES).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from simulator.credex.balances import securable
from simulator.credex.ledger import Ledger
from simulator.credex.model import PENDING, Account, Credex, CredexState
from simulator.credex.money import convert


def advance_day(ledger: Ledger) -> None:
    """Close the active day and open the next one; the daily tier limits renew as a result."""
    today = ledger.day
    if today is None:
        raise LookupError("the ledger has no active day to advance")
    for credex in list(ledger.credexes.values()):
        if (
            credex.state is CredexState.OWES
            and credex.due_date is not None
            and credex.due_date <= today
            and credex.defaulted == 0
        ):
            ledger.replace_credex(attrs.evolve(credex, defaulted=credex.outstanding))
        elif credex.state in PENDING and credex.created_day + dt.timedelta(days=1) < today:
            # An offer lives from its creation day D until the DCO that closes day D+2.
            ledger.replace_credex(attrs.evolve(credex, state=CredexState.EXPIRED))
    ledger.day = today + dt.timedelta(days=1)
    _offer_credcoin(ledger)


def book(
    ledger: Ledger,
    issuer: Account,
    receiver: Account,
    denomination: str,
    amount: Decimal,
    credex_type: str,
    securer_id: str | None,
) -> Credex:
    """An accepted credex written straight into the ledger, as the DCO and seeding do."""
    assert ledger.day is not None
    now = ledger.clock()
    credex = Credex(
        credex_id=ledger.new_id(),
        issuer_id=issuer.account_id,
        receiver_id=receiver.account_id,
        denomination=denomination,
        initial=amount,
        outstanding=amount,
        credex_type=credex_type,
        direction="OFFERS",
        state=CredexState.OWES,
        securer_id=securer_id,
        due_date=None,
        created_day=ledger.day,
        created_at=now,
        accepted_at=now,
        accepted_seq=ledger.next_accept_seq(),
    )
    ledger.add_credex(credex)
    return credex


def _offer_credcoin(ledger: Ledger) -> None:
    """Each participant able to secure its give sends it to the foundation; the CXX given is
    shared equally back among them (§10.9 step 5)."""
    foundation = next(
        (a for a in ledger.accounts.values() if a.account_type == "CREDEX_FOUNDATION"), None
    )
    if foundation is None:
        return
    givers: list[Account] = []
    for account in list(ledger.accounts.values()):
        give, denom = account.dco_give_cxx, account.dco_denom
        if not give or denom is None:
            continue
        amount = convert(give, "CXX", denom)
        available = securable(ledger, account, denom)
        if not available.allows(amount):
            continue
        book(ledger, account, foundation, denom, amount, "DCO_GIVE", available.securer_id)
        givers.append(account)
    if not givers:
        return
    share = sum((g.dco_give_cxx or Decimal(0) for g in givers), Decimal(0)) / len(givers)
    for giver in givers:
        book(ledger, foundation, giver, "CXX", share, "DCO_RECEIVE", foundation.account_id)
