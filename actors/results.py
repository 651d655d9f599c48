"""Results: what the shell feeds back into `step` after running an effect (Elm's messages)."""

from __future__ import annotations

import attrs

from actors.effects import ActOnOffer, Effect, Purpose
from actors.failure import Failure
from actors.ports.credex import (
    AccountRef,
    BulkAcceptResult,
    CreatedCredex,
    LedgerPage,
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


@attrs.frozen
class LedgerLoaded:
    page: int
    ledger: LedgerPage


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
    | EffectFailed
)
