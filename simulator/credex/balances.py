"""Balance arithmetic (docs/credex-core-api.md §10.4) and the securable balance with its
largest-securer rule (§10.2).

Two deliberate [INTENDED] choices (§11 quirks 18 and 19): an expired secured offer stops
reducing the secured balance, and a pending *incoming* secured offer does not add to what its
receiver may secure until it is accepted.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from simulator.credex.ledger import Ledger
from simulator.credex.model import Account, CredexState
from simulator.credex.money import RATES, ZERO, convert

_OUTGOING_SECURED = frozenset(
    {
        CredexState.OWES,
        CredexState.CLEARED,
        CredexState.OFFERS,
        CredexState.DECLINED,
        CredexState.CANCELLED,
    }
)
_ACCEPTED = frozenset({CredexState.OWES, CredexState.CLEARED})


@attrs.frozen
class Balances:
    """An account's balances; the unsecured and net figures are in its default denomination."""

    secured: tuple[tuple[str, Decimal], ...]  # (denomination, net), zero entries left out
    payables: Decimal
    receivables: Decimal
    net_assets: Decimal

    @property
    def net_pay_rec(self) -> Decimal:
        return self.receivables - self.payables


def balances(ledger: Ledger, account: Account) -> Balances:
    account_id = account.account_id
    default = account.default_denom
    secured: dict[str, Decimal] = {}
    payables = receivables = assets = ZERO
    for credex in ledger.credexes_touching(account_id):
        incoming = credex.receiver_id == account_id
        state = credex.state
        if credex.securer_id is not None:
            denom = credex.denomination
            if incoming and state in _ACCEPTED:
                secured[denom] = secured.get(denom, ZERO) + credex.outstanding
            elif not incoming and credex.direction == "OFFERS" and state in _OUTGOING_SECURED:
                # The OFFERED marker makes a pending secured offer reduce the balance at once.
                secured[denom] = secured.get(denom, ZERO) - credex.outstanding
        if state is not CredexState.OWES:
            continue
        value = convert(credex.outstanding, credex.denomination, default)
        if incoming:
            assets += value
            if credex.securer_id is None:
                receivables += value
        else:
            assets -= value
            if credex.securer_id is None:
                payables += value
    return Balances(
        secured=tuple((d, v) for d, v in secured.items() if v != ZERO),
        payables=payables,
        receivables=receivables,
        net_assets=assets,
    )


@attrs.frozen
class Securable:
    """What an issuer may secure in one denomination, and the securer the credex will carry."""

    amount: Decimal | None  # None: unlimited (a foundation-audited account)
    securer_id: str | None

    def allows(self, amount: Decimal) -> bool:
        # Equality is allowed: creation is refused only when securable < amount (§10.2 rule 3).
        return self.amount is None or self.amount >= amount


def securable(ledger: Ledger, account: Account, denomination: str) -> Securable:
    """credex-core's arithmetic, floating point included: amounts are stored in CXX as doubles
    and the group sum is divided by the rate (§10.1, §10.2), so 5 + 2 USD at 1.35 CXX/USD is
    6.999999999999999 USD securable, and a 7.00 USD offer is refused (§12, step 9)."""
    if account.audited:
        return Securable(amount=None, securer_id=account.account_id)
    account_id = account.account_id
    rate = float(RATES[denomination])
    by_securer: dict[str, float] = {}
    for credex in ledger.credexes_touching(account_id):
        securer = credex.securer_id
        if securer is None or credex.denomination != denomination:
            continue
        incoming = credex.receiver_id == account_id
        stored = float(credex.outstanding) * rate  # the CXX double credex-core stores
        if incoming and credex.state is CredexState.OWES:
            by_securer[securer] = by_securer.get(securer, 0.0) + stored
        elif not incoming and credex.state in (CredexState.OWES, CredexState.OFFERS):
            by_securer[securer] = by_securer.get(securer, 0.0) - stored
    if not by_securer:
        return Securable(amount=ZERO, securer_id=None)
    securer_id = max(by_securer, key=lambda s: by_securer[s])
    return Securable(amount=Decimal(repr(by_securer[securer_id] / rate)), securer_id=securer_id)
