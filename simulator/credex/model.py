"""The simulator's records: members, accounts and credexes as credex-core holds them
(docs/credex-core-api.md §6)."""

from __future__ import annotations

import datetime as dt
import enum
from decimal import Decimal

import attrs


class CredexState(enum.Enum):
    """The relationship pair that links issuer, credex and counterparty (§6)."""

    OFFERS = "OFFERS"
    REQUESTS = "REQUESTS"
    OWES = "OWES"
    CLEARED = "CLEARED"
    DECLINED = "DECLINED"
    CANCELLED = "CANCELLED"
    # An expired offer loses its pending pair and keeps only its OFFERED marker (§10.9).
    EXPIRED = "EXPIRED"


PENDING = frozenset({CredexState.OFFERS, CredexState.REQUESTS})


@attrs.frozen
class Member:
    member_id: str
    firstname: str
    lastname: str
    handle: str
    phone: str
    default_denom: str
    tier: int


@attrs.frozen
class Account:
    account_id: str
    account_type: str
    name: str
    handle: str
    default_denom: str
    owner_id: str
    authorized: tuple[str, ...]
    send_offers_to: str
    # Linked from the foundation by CREDEX_FOUNDATION_AUDITED: unlimited secured issuance (§10.2).
    audited: bool = False
    dco_give_cxx: Decimal | None = None
    dco_denom: str | None = None


@attrs.frozen
class Credex:
    """Amounts are held in the credex's own denomination; rates are fixed (see money.RATES)."""

    credex_id: str
    issuer_id: str
    receiver_id: str
    denomination: str
    initial: Decimal
    outstanding: Decimal
    credex_type: str | None
    direction: str  # OFFERS or REQUESTS: the permanent OFFERED / REQUESTED origin marker
    state: CredexState
    securer_id: str | None
    due_date: dt.date | None
    created_day: dt.date
    created_at: dt.datetime
    redeemed: Decimal = Decimal(0)
    defaulted: Decimal = Decimal(0)
    written_off: Decimal = Decimal(0)
    accepted_at: dt.datetime | None = None
    declined_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None
    # Ledger order is acceptedAt ascending; the sequence breaks ties under a frozen test clock.
    accepted_seq: int = 0

    @property
    def secured(self) -> bool:
        return self.securer_id is not None


@attrs.frozen
class Refusal:
    """credex-core's answer when an operation changes nothing: status and message (§2.4)."""

    status: int
    message: str
    # The internal reason bulk accept reports per credex (§8.3 acceptCredexBulk).
    detail: str = ""
