"""Ledger-level builders for the pure tests: a dev-seeded ledger, members, funding, offers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from simulator.credex.ledger import Ledger
from simulator.credex.membership import onboard
from simulator.credex.model import Account, Credex, Member, Refusal
from simulator.credex.offers import OfferTerms, accept, create_credex
from simulator.credex.seed import VIMBISOPAY_TRUST, seed_dev
from tests.simulator.harness import ManualClock, counting_ids


def dev_ledger() -> Ledger:
    ledger = Ledger(clock=ManualClock(), new_id=counting_ids())
    seed_dev(ledger)
    return ledger


def join(ledger: Ledger, phone: str, tier: int = 1, denom: str = "USD") -> tuple[Member, Account]:
    result = onboard(ledger, "Test", "Member", phone, denom)
    assert not isinstance(result, Refusal), result
    member, account = result
    if tier != 1:
        member = attrs.evolve(member, tier=tier)
        ledger.replace_member(member)
    return member, account


def trust(ledger: Ledger) -> Account:
    account = ledger.account_with_handle(VIMBISOPAY_TRUST)
    assert account is not None
    return account


def terms(
    issuer: Account,
    receiver: Account,
    amount: str | int,
    denom: str = "USD",
    secured: bool = True,
    due: dt.date | None = None,
) -> OfferTerms:
    return OfferTerms(
        issuer_id=issuer.account_id,
        receiver_id=receiver.account_id,
        denomination=denom,
        amount=Decimal(amount),
        credex_type="PURCHASE",
        direction="OFFERS",
        secured=secured,
        due_date=None if due is None else due.isoformat(),
    )


def offer(
    ledger: Ledger,
    issuer: Account,
    receiver: Account,
    amount: str | int,
    denom: str = "USD",
    secured: bool = True,
    due: dt.date | None = None,
) -> Credex:
    result = create_credex(
        ledger, terms(issuer, receiver, amount, denom, secured, due), issuer.owner_id, True
    )
    assert isinstance(result, Credex), result
    return result


def settle(
    ledger: Ledger,
    issuer: Account,
    receiver: Account,
    amount: str | int,
    denom: str = "USD",
    secured: bool = True,
    due: dt.date | None = None,
) -> Credex:
    """An offer, accepted by the receiver's owner."""
    credex = offer(ledger, issuer, receiver, amount, denom, secured, due)
    accepted = accept(ledger, credex.credex_id, receiver.owner_id)
    assert isinstance(accepted, Credex), accepted
    return accepted


def fund(ledger: Ledger, account: Account, amount: str | int, denom: str = "USD") -> Credex:
    """Secured value from the audited vimbisopay_trust, accepted."""
    return settle(ledger, trust(ledger), account, amount, denom)
