"""Effects: the credex-core calls a step asks the shell to make, as plain values.

Each effect names everything the call needs (the acting member comes from the session's phone),
and a `Purpose` says what the step will do with the answer, so a result can be handled without
remembering anything in the session.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import attrs

from actors.intents.base import Intent
from actors.ports.credex import MemberName, PendingOffer
from actors.session import Draft, DraftOffer

Direction = Literal["in", "out"]
OfferAction = Literal["accept", "decline", "cancel", "ask_cancel"]
Notice = Literal[
    "cancelled",
    "not_understood",
    "timed_out",
    "timed_out_discarded",
    "timed_out_form",
    "discarded",
    "nothing_to_cancel",
]


@attrs.frozen
class ShowDashboard:
    notice: Notice | None = None
    dropped: Draft | None = None  # the unconfirmed draft a timeout discarded, to name it
    back_to_personal: bool = False  # a timeout returned the member to their personal account


@attrs.frozen
class AfterLogin:
    """Nobody is logged in yet (new session): load the member, then carry on with `intent`."""

    intent: Intent


@attrs.frozen
class ShowPending:
    direction: Direction
    page: int


@attrs.frozen
class ShowOffer:
    direction: Direction
    credex_id: str


@attrs.frozen
class BeforeAction:
    """Re-check that the offer is still pending before acting on it (old buttons still work)."""

    action: OfferAction
    credex_id: str


@attrs.frozen
class BeforeAcceptAll:
    """LoadView purpose: fresh incoming offers, then accept in one bulk call those of `listed`
    (what the tapped list showed) that are still pending."""

    listed: tuple[str, ...] = ()


@attrs.frozen
class BeforeConfirm:
    """LoadView purpose: check the draft against fresh balances and limits, then show its
    confirmation (recording the outgoing offers already pending, for crash reconciliation)."""

    draft: Draft


@attrs.frozen
class VerifyDraft:
    """G5: a draft was left "submitting"; find out from pending offers what really happened."""

    draft_id: str


@attrs.frozen
class ShowAccounts:
    page: int = 1


@attrs.frozen
class SwitchTo:
    """Re-check that the member still owns the account before acting for it."""

    account_id: str


@attrs.frozen
class EnterAccount:
    """After createAccount (or its "handle already in use"): find the account by handle."""

    handle: str
    name: str
    after_refusal: bool = False  # credex-core said the handle was in use


@attrs.frozen
class ShowMembers:
    account_id: str | None = None  # None: the active account


@attrs.frozen
class BeforeAddMember:
    """LoadView purpose: fresh authorized members, then ask for the handle to add (limit 5)."""


@attrs.frozen
class BeforeMemberAction:
    """Re-check the account and the member before asking to remove, or removing."""

    confirmed: bool
    account_id: str
    member_id: str


@attrs.frozen
class ShowNotifications:
    account_id: str | None = None  # None: the active account


@attrs.frozen
class BeforeNotify:
    confirmed: bool
    account_id: str
    member_id: str


Purpose = (
    ShowDashboard | AfterLogin | ShowPending | ShowOffer | BeforeAction | BeforeAcceptAll
) | (
    VerifyDraft
    | BeforeConfirm
    | ShowAccounts
    | SwitchTo
    | EnterAccount
    | ShowMembers
    | BeforeAddMember
    | BeforeMemberAction
    | ShowNotifications
    | BeforeNotify
)


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
