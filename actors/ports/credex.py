"""The credex-core port: typed values the conversation reads and the calls it makes.

The adapter (gateway/credex/) parses credex-core's JSON into these values once, at the edge,
and raises the typed errors below carrying credex-core's own message. Every call acts *as* a
member, identified by phone (credex-core logs members in by phone; the adapter keeps tokens).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol

import attrs

DENOMINATIONS = ("CXX", "CAD", "USD", "XAU", "ZWG")


@attrs.frozen
class Money:
    amount: Decimal
    denomination: str


@attrs.frozen
class MemberName:
    member_id: str
    first_name: str
    last_name: str


@attrs.frozen
class Balances:
    secured: tuple[Money, ...]
    payables: Money
    receivables: Money
    net_pay_rec: Money
    net_assets: Money


@attrs.frozen
class PendingOffer:
    """An offer still awaiting the receiver: incoming amounts positive, outgoing negative."""

    credex_id: str
    amount: Money
    counterparty: str
    secured: bool
    due_date: dt.date | None = None


@attrs.frozen
class AccountDashboard:
    account_id: str
    name: str
    handle: str
    default_denom: str
    is_owned: bool
    balances: Balances
    pending_in: tuple[PendingOffer, ...] = ()
    pending_out: tuple[PendingOffer, ...] = ()
    authorized: tuple[MemberName, ...] = ()
    send_offers_to: MemberName | None = None


@attrs.frozen
class MemberDashboard:
    member_id: str
    first_name: str
    last_name: str
    handle: str
    default_denom: str
    tier: int | None
    remaining_usd: Decimal | None  # None: no daily limit (tier >= 3)
    account_ids: tuple[str, ...]  # de-duplicated, credex-core order kept


@attrs.frozen
class MemberView:
    """getMemberDashboardByPhone: the member and every account they own."""

    member: MemberDashboard
    accounts: tuple[AccountDashboard, ...]


@attrs.frozen
class Onboarded:
    member_id: str
    default_account_id: str
    view: MemberView


@attrs.frozen
class AccountRef:
    account_id: str
    name: str


@attrs.frozen
class MemberRef:
    member_id: str
    name: str


@attrs.frozen
class CreatedCredex:
    credex_id: str
    amount: Money
    counterparty: str
    secured: bool
    due_date: dt.date | None
    dashboard: AccountDashboard | None


@attrs.frozen
class BulkFailure:
    credex_id: str
    error: str


@attrs.frozen
class BulkAcceptResult:
    accepted: tuple[str, ...]
    already_accepted: tuple[str, ...]
    failed: tuple[BulkFailure, ...]


@attrs.frozen
class LedgerEntry:
    credex_id: str
    amount: Money  # negative when the account owes
    counterparty: str


@attrs.frozen
class LedgerPage:
    entries: tuple[LedgerEntry, ...]
    start_row: int
    has_more: bool


@attrs.frozen
class CredexDetail:
    credex_id: str
    state: str  # OWES | CLEARED | OFFERS | REQUESTS | DECLINED | CANCELLED
    debit: bool
    counterparty: str
    amount: Money
    outstanding: Money
    secured: bool
    securer_name: str | None
    due_date: dt.date | None
    accepted_at: dt.date | None


# ----- errors: credex-core's own message travels in `.message` -----


class CredexError(Exception):
    """Base of every failure the port reports; `.message` is credex-core's text."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class NotFound(CredexError):
    """Unknown member, handle, account or credex."""


class Invalid(CredexError):
    """credex-core rejected the request's content (validation, due date window, ...)."""


class Forbidden(CredexError):
    """The member may not act for that account (or tier too low for the operation)."""


class LimitExceeded(CredexError):
    """Tier daily limit or securable balance exceeded; the message says by how much."""


class Conflict(CredexError):
    """Already accepted / already processed: repetition that counts as done or too late."""


class Unavailable(CredexError):
    """credex-core unreachable, timing out, 5xx or rate limiting after retries.

    `outcome_unknown` is True when a request that moves money may have been carried out
    (sent, then no answer): the conversation must check before telling the user anything.
    """

    def __init__(
        self, message: str, status: int | None = None, *, outcome_unknown: bool = False
    ) -> None:
        super().__init__(message, status)
        self.outcome_unknown = outcome_unknown


class CredexCore(Protocol):
    """Everything the conversation asks of credex-core. `phone` is the acting member."""

    async def member_view(self, phone: str) -> MemberView:
        """Raises NotFound for an unknown phone."""
        ...

    async def onboard(
        self, phone: str, first_name: str, last_name: str, default_denom: str
    ) -> Onboarded: ...

    async def account_by_handle(self, phone: str, handle: str) -> AccountRef: ...

    async def member_by_handle(self, phone: str, handle: str) -> MemberRef: ...

    async def create_credex(
        self,
        phone: str,
        *,
        member_id: str,
        issuer_account_id: str,
        receiver_account_id: str,
        amount: Decimal,
        denomination: str,
        secured: bool,
        due_date: dt.date | None,
    ) -> CreatedCredex:
        """Never retried by the adapter: money moves at most once."""
        ...

    async def accept(self, phone: str, credex_id: str, signer_id: str) -> None: ...

    async def accept_bulk(
        self, phone: str, credex_ids: Sequence[str], signer_id: str
    ) -> BulkAcceptResult: ...

    async def decline(self, phone: str, credex_id: str, signer_id: str) -> None: ...

    async def cancel(self, phone: str, credex_id: str, signer_id: str) -> None: ...

    async def get_credex(self, phone: str, credex_id: str, account_id: str) -> CredexDetail: ...

    async def ledger(
        self, phone: str, account_id: str, start_row: int, num_rows: int
    ) -> LedgerPage: ...

    async def create_account(
        self,
        phone: str,
        *,
        owner_id: str,
        name: str,
        handle: str,
        default_denom: str,
        account_type: str,
    ) -> str: ...

    async def authorize(
        self, phone: str, *, account_id: str, handle: str, owner_id: str
    ) -> MemberRef: ...

    async def unauthorize(
        self, phone: str, *, account_id: str, member_id: str, owner_id: str
    ) -> None: ...

    async def update_send_offers_to(
        self, phone: str, *, account_id: str, member_id: str, owner_id: str
    ) -> None: ...
