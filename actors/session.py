"""The conversation's session: everything the bot remembers about one user between messages.

A `Session` is an immutable value; flows return new ones with `attrs.evolve`. It is stored as an
orjson snapshot (see `actors.snapshot`) that outlives the logical session timeout, so the bot can
still say "your session timed out" and mention what it discarded.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

import attrs

from actors.failure import Failure

SCHEMA_VERSION = 1

# Seconds of silence before a half-filled form is forgotten (SESSION_TIMEOUT_SECONDS).
SESSION_TIMEOUT_SECONDS = 300.0
# How long a snapshot is kept after the last message: a day, far past the timeout, so the bot
# can say "your session timed out" (and name a discarded draft) instead of silently starting
# over.
SESSION_TTL_SECONDS = 86400.0

DraftState = Literal["awaiting_confirmation", "submitting", "done", "discarded"]
LineProblem = Literal["unknown_handle", "own_account", "due_window", "unsecured_tier"]


@attrs.frozen
class Identity:
    """Who the user is in credex-core and which account they act for (refreshed on each view)."""

    member_id: str
    first_name: str
    member_handle: str
    tier: int | None
    account_id: str
    account_name: str
    account_handle: str
    default_denom: str


@attrs.frozen
class Home:
    """No form in progress: the user is looking at the dashboard, a list or a card.

    A list page keeps the ids its numbered rows and paging rows carry, and a card the id of the
    list page it was opened from, so typed `3`, `next`, `prev` and `back` do what those taps
    would (intents.classify). Empty on the dashboard.
    """

    rows: tuple[str, ...] = ()  # the ids of the numbered rows, in order
    first: int = 1  # the number shown on rows[0]
    next_id: str = ""
    previous_id: str = ""
    back_id: str = ""  # where `back` goes: the list page a card came from
    page_id: str = ""  # the id that shows this list page again


@attrs.frozen
class OnboardWelcome:
    """An unknown phone was greeted and offered membership."""


@attrs.frozen
class OnboardFirstName:
    first_name: str = ""
    last_name: str = ""


@attrs.frozen
class OnboardLastName:
    first_name: str
    last_name: str = ""
    first_changed: bool = False  # the first name lost characters credex-core cannot keep


@attrs.frozen
class OnboardConfirm:
    first_name: str
    last_name: str


OfferStep = Literal["amount", "handle", "due", "confirm"]


@attrs.frozen
class OfferForm:
    """The menu offer form; earlier answers stay when the user goes back a step."""

    secured: bool
    step: OfferStep = "amount"
    amount: Decimal | None = None
    denomination: str | None = None
    handle: str | None = None
    receiver_id: str | None = None
    receiver_name: str | None = None
    due_date: dt.date | None = None


@attrs.frozen
class QuickLine:
    """One parsed quick-command line, resolved to a receiver account once looked up."""

    amount: Decimal
    denomination: str
    handle: str
    secured: bool
    due_date: dt.date | None
    receiver_id: str | None = None
    receiver_name: str | None = None
    problem: LineProblem | None = None


@attrs.frozen
class QuickLookup:
    """Quick-command lines whose handles are being looked up, one effect at a time."""

    lines: tuple[QuickLine, ...]


@attrs.frozen
class CancelConfirm:
    """The user asked to cancel one of their outgoing offers and must confirm."""

    credex_id: str


AccountStep = Literal["name", "handle", "confirm"]


@attrs.frozen
class AccountForm:
    """A new business account: name (as credex-core will clean it), handle, confirmation."""

    step: AccountStep = "name"
    name: str = ""
    handle: str = ""
    default_denom: str = "USD"
    name_changed: bool = False  # credex-core would drop characters the user typed


@attrs.frozen
class MemberForm:
    """Authorizing a member for `account_id`: their handle, then a confirmation by name."""

    account_id: str
    account_name: str
    authorized: tuple[str, ...] = ()  # member ids already authorized, to say so early
    handle: str = ""


@attrs.frozen
class AskYesNo:
    """A confirmation with buttons; typed yes/no count as tapping `yes_id`/`no_id`."""

    yes_id: str
    no_id: str


@attrs.frozen
class PayRequest:
    """A pay link's request, kept while a newcomer is onboarded so nothing is lost."""

    handle: str
    amount: Decimal | None = None
    denomination: str | None = None


@attrs.frozen
class PayAmount:
    """A pay link without an amount: the bot asked how much to pay `handle`."""

    handle: str


Screen = (
    Home
    | OnboardWelcome
    | OnboardFirstName
    | OnboardLastName
    | OnboardConfirm
    | OfferForm
    | QuickLookup
    | CancelConfirm
    | AccountForm
    | MemberForm
    | AskYesNo
    | PayAmount
)


@attrs.frozen
class DraftOffer:
    """One offer exactly as it will be sent; `outcome` fills in as credex-core answers."""

    amount: Decimal
    denomination: str
    handle: str
    receiver_id: str
    receiver_name: str
    secured: bool
    due_date: dt.date | None
    credex_id: str | None = None  # set once credex-core created it
    failure: Failure | None = None  # credex-core's refusal


@attrs.frozen
class Draft:
    """Offers awaiting a confirm tap. G5: only a draft in "awaiting_confirmation" may be sent;
    it moves to "submitting" in the same commit that decides to send it."""

    draft_id: str
    offers: tuple[DraftOffer, ...]
    state: DraftState = "awaiting_confirmation"
    from_form: OfferForm | None = None  # the menu form, to return to its due date on rejection
    # Outgoing offers already pending when the confirmation was shown: after a crash they are
    # never taken for this draft's offers, however alike (see actors.flows.submit.verified).
    pending_before: tuple[str, ...] = ()
    # G5: while "submitting" with an unknown outcome, the epoch second after which credex-core
    # has certainly finished the request, so its pending offers tell the truth.
    settles_at: float | None = None

    @property
    def settled(self) -> tuple[bool, ...]:
        return tuple(o.credex_id is not None or o.failure is not None for o in self.offers)


@attrs.frozen
class Session:
    version: int = SCHEMA_VERSION
    phone: str | None = None
    identity: Identity | None = None
    screen: Screen = attrs.field(factory=Home)
    draft: Draft | None = None
    sent_drafts: tuple[str, ...] = ()  # recently sent draft ids: a late tap says "already sent"
    last_active: float | None = None  # epoch seconds of the last user message
    # The owned account the member switched to; None: the personal account. Forgotten on a
    # session timeout and on a greeting, so money never moves from a business account the
    # member no longer remembers having chosen.
    chosen_account: str | None = None
    pending_pay: PayRequest | None = None  # a pay link sent before the user was a member
    # The incoming offers the last list's Accept-all row stood for: a tap accepts these only.
    listed_in: tuple[str, ...] = ()
    # The member's credex-core JWT, sealed (AES-GCM, runtime/cipher.py): every process that
    # picks up the conversation reuses it instead of logging in again. Never in clear.
    credex_token: str | None = attrs.field(default=None, repr=False)

    def remember_sent(self, draft_id: str) -> Session:
        recent = (*tuple(d for d in self.sent_drafts if d != draft_id), draft_id)[-10:]
        return attrs.evolve(self, sent_drafts=recent)
