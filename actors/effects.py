"""Effects: the credex-core calls a step asks the shell to make, as plain values.

Each effect names everything the call needs (the acting member comes from the session's phone),
and a `Purpose` says what the step will do with the answer, so a result can be handled without
remembering anything in the session.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import attrs

from actors.ports.credex import MemberName, PendingOffer
from actors.session import DraftOffer


class Purpose:
    """What a step will do with a loaded member view, so its result needs nothing remembered.
    Each flow declares its own purposes beside the handlers that read the view (`ROUTES`)."""

    __slots__ = ()


@attrs.frozen
class LoadView:
    purpose: Purpose


@attrs.frozen
class Onboard:
    first_name: str
    last_name: str
    default_denom: str = "USD"


@attrs.frozen
class ResolveHandle:
    """Look up an account handle; `line` is the quick-command line, None for the menu form."""

    handle: str
    line: int | None = None


@attrs.frozen
class CreateCredex:
    """The only effect that moves money. The shell checkpoints the session (draft
    "submitting") before running it."""

    draft_id: str
    index: int
    offer: DraftOffer
    member_id: str
    issuer_account_id: str


@attrs.frozen
class ActOnOffer:
    action: Literal["accept", "decline", "cancel"]
    offer: PendingOffer
    signer_id: str


@attrs.frozen
class AcceptAll:
    offers: tuple[PendingOffer, ...]
    signer_id: str
    arrived_since: tuple[PendingOffer, ...] = ()  # pending but not listed: left waiting


@attrs.frozen
class LoadLedger:
    """Ledger page `page`, newest first; `end` is the ledger's length when it was opened, 0 to
    count it (actors.ledger_order says what that costs)."""

    account_id: str
    page: int
    page_size: int = 7
    end: int = 0


@attrs.frozen
class LoadCredex:
    """getCredex for one ledger row, seen from `account_id`; `page` is the ledger page the card
    returns to. credex-core re-checks that the account is a party (docs/credex-core-api.md §8.3)."""

    account_id: str
    credex_id: str
    page: int = 1
    end: int = 0


@attrs.frozen
class LoadStatement:
    """The account's ledger from `start` to `end` (acceptance dates, inclusive), for a PDF
    statement; `month` when the member named a calendar month."""

    account_id: str
    start: dt.date
    end: dt.date
    month: bool = False


@attrs.frozen
class CheckAccountHandle:
    """Is this handle free for a new account? (credex-core would refuse a taken one.)"""

    handle: str


@attrs.frozen
class OpenAccount:
    owner_id: str
    name: str
    handle: str
    default_denom: str
    account_type: str = "BUSINESS"


@attrs.frozen
class LookupMember:
    handle: str


@attrs.frozen
class Authorize:
    account_id: str
    handle: str
    owner_id: str


@attrs.frozen
class Unauthorize:
    account_id: str
    account_name: str
    member: MemberName
    owner_id: str


@attrs.frozen
class SetSendOffersTo:
    account_id: str
    account_name: str
    member: MemberName
    owner_id: str


Effect = (
    LoadView | Onboard | ResolveHandle | CreateCredex | ActOnOffer | AcceptAll | LoadLedger
) | (
    LoadCredex
    | CheckAccountHandle
    | OpenAccount
    | LookupMember
    | Authorize
    | Unauthorize
    | SetSendOffersTo
    | LoadStatement
)
