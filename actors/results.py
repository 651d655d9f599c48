"""Results: what the shell feeds back into `step` after running an effect (Elm's messages)."""

from __future__ import annotations

import attrs

from actors.effects import (
    ActOnOffer,
    Authorize,
    Effect,
    LoadCredex,
    LoadStatement,
    OpenAccount,
    Purpose,
    SetSendOffersTo,
    Unauthorize,
)
from actors.failure import Failure
from actors.ledger_scan import StatementRows
from actors.ports.credex import (
    AccountRef,
    BulkAcceptResult,
    CreatedCredex,
    CredexDetail,
    LedgerPage,
    MemberRef,
    MemberView,
    PendingOffer,
)


@attrs.frozen
class ViewLoaded:
    view: MemberView
    purpose: Purpose


@attrs.frozen
class MemberOnboarded:
    view: MemberView


@attrs.frozen
class HandleResolved:
    handle: str
    account: AccountRef
    line: int | None


@attrs.frozen
class CredexCreated:
    draft_id: str
    index: int
    created: CreatedCredex


@attrs.frozen
class OfferActed:
    effect: ActOnOffer


@attrs.frozen
class BulkAccepted:
    result: BulkAcceptResult
    offers: tuple[PendingOffer, ...]
    arrived_since: tuple[PendingOffer, ...] = ()


@attrs.frozen
class LedgerLoaded:
    page: int
    ledger: LedgerPage  # newest first
    end: int = 0  # the ledger's length when it was opened: later pages' ids carry it


@attrs.frozen
class CredexLoaded:
    effect: LoadCredex
    credex: CredexDetail


@attrs.frozen
class AccountHandleChecked:
    handle: str
    taken_by: AccountRef | None  # None: the handle is free


@attrs.frozen
class AccountOpened:
    effect: OpenAccount
    account_id: str


@attrs.frozen
class MemberFound:
    handle: str
    member: MemberRef


@attrs.frozen
class MemberAuthorized:
    effect: Authorize
    member: MemberRef


@attrs.frozen
class MemberUnauthorized:
    effect: Unauthorize


@attrs.frozen
class SendOffersToSet:
    effect: SetSendOffersTo


@attrs.frozen
class StatementLoaded:
    effect: LoadStatement
    rows: StatementRows


@attrs.frozen
class EffectFailed:
    """credex-core refused or could not be reached; `effect` is the call that failed."""

    effect: Effect
    failure: Failure


Result = (
    ViewLoaded
    | MemberOnboarded
    | HandleResolved
    | CredexCreated
    | OfferActed
    | BulkAccepted
    | LedgerLoaded
    | CredexLoaded
    | AccountHandleChecked
    | AccountOpened
    | MemberFound
    | MemberAuthorized
    | MemberUnauthorized
    | SendOffersToSet
    | StatementLoaded
    | EffectFailed
)
