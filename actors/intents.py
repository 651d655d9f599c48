"""Intents: what one inbound message asks for, read once from its text or button id.

`classify` is the only place that looks at raw text and ids; flows receive typed intents. Typed
text that is neither a navigation word nor a quick command stays `Typed`, for the form the user
is in to interpret. On a list or card (`session.Home` with rows), a typed row number, `next`,
`prev` or `back` becomes the intent of the row or button it names, exactly as a tap would.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Final, Literal

import attrs

import parser.payments as payments
from actors import ids
from actors.events import (
    ButtonTapped,
    Content,
    FlowReply,
    ListPicked,
    Notification,
    Other,
    Reaction,
    Text,
)
from actors.session import Home, Screen
from parser import (
    Navigation,
    QuickCommandError,
    QuickOffer,
    parse_navigation,
    parse_quick_commands,
    parse_row_number,
    reaction_feeling,
)


@attrs.frozen
class Nav:
    word: Navigation


@attrs.frozen
class StartOffer:
    secured: bool


@attrs.frozen
class OpenPending:
    direction: Literal["in", "out"]
    page: int = 1


@attrs.frozen
class OpenOffer:
    direction: Literal["in", "out"]
    credex_id: str


@attrs.frozen
class Act:
    action: Literal["accept", "decline", "ask_cancel", "cancel"]
    credex_id: str


@attrs.frozen
class AcceptAllOffers:
    """Accept the incoming offers a list showed; `listed` is the digest its row carried."""

    listed: str = ""


@attrs.frozen
class Confirm:
    draft_id: str


@attrs.frozen
class Discard:
    draft_id: str


@attrs.frozen
class OpenLedger:
    """Ledger page `page`, newest first; `end` anchors the pages (see ids.ledger_page)."""

    page: int = 1
    end: int = 0


@attrs.frozen
class OpenLedgerCredex:
    """A ledger row: one credex of the active account, seen from the ledger page `page`."""

    credex_id: str
    page: int = 1
    end: int = 0


@attrs.frozen
class BecomeMember:
    """The unknown user tapped "Become a member"."""


@attrs.frozen
class NameAnswer:
    register: bool


@attrs.frozen
class DueIn:
    days: int


@attrs.frozen
class Quick:
    offers: tuple[QuickOffer, ...]


@attrs.frozen
class QuickBroken:
    message: str


@attrs.frozen
class OpenAccounts:
    page: int = 1


@attrs.frozen
class SwitchAccount:
    account_id: str


@attrs.frozen
class NewAccount:
    """Start creating a business account."""


@attrs.frozen
class CreateAccount:
    """The confirmation tap of the new-account form; valid only while that form awaits it."""

    handle: str


@attrs.frozen
class OpenMembers:
    """Show who is authorized on the active account."""


@attrs.frozen
class AddMember:
    """Start authorizing another member on the active account."""


MemberStep = Literal["authorize", "ask_remove", "remove"]


@attrs.frozen
class MemberAction:
    """`who` is a member handle for "authorize", a memberID otherwise."""

    action: MemberStep
    account_id: str
    who: str


@attrs.frozen
class OpenNotifications:
    """Show who receives offer notifications for the active account."""


@attrs.frozen
class NotifyAction:
    confirmed: bool
    account_id: str
    member_id: str


@attrs.frozen
class Typed:
    text: str


@attrs.frozen
class NotInList:
    """A row number or paging word the screen has no row for: `last` is 0 when no list is shown."""

    asked: Literal["number", "next", "previous"]
    first: int = 0
    last: int = 0


@attrs.frozen
class Upset:
    """An angry or sad reaction: it gets an apology and a way forward, never thanks."""


@attrs.frozen
class Unsupported:
    """Media, locations, stickers, flows, unknown buttons: the bot says what it understands."""

    kind: str


# ----- getting paid and statements (issue 14): typed words, read by parser.payments -----


@attrs.frozen
class GetPaid:
    """`receive [amount]` or the menu's "Get paid": a pay link and QR code for the account."""

    words: payments.Receive = attrs.field(factory=payments.Receive)


@attrs.frozen
class PayLink:
    """A pay link's prefilled text: offer credex to `pay.handle` (confirmation first)."""

    pay: payments.Pay


@attrs.frozen
class AskStatement:
    """`statement [period]` or the ledger's "Statement (PDF)" row."""

    period: payments.StatementPeriod = attrs.field(factory=payments.StatementPeriod)


Intent = (
    Nav
    | StartOffer
    | OpenPending
    | OpenOffer
    | Act
    | AcceptAllOffers
    | Confirm
    | Discard
    | OpenLedger
    | OpenLedgerCredex
    | BecomeMember
    | NameAnswer
    | DueIn
    | Quick
    | QuickBroken
    | OpenAccounts
    | SwitchAccount
    | NewAccount
    | CreateAccount
    | OpenMembers
    | AddMember
    | MemberAction
    | OpenNotifications
    | NotifyAction
    | Typed
    | NotInList
    | Upset
    | Unsupported
    | GetPaid
    | PayLink
    | AskStatement
)

_FIXED: Final[dict[str, Intent]] = {
    ids.MENU: Nav(Navigation.MENU),
    ids.HELP: Nav(Navigation.HELP),
    ids.ACCEPT_ALL: AcceptAllOffers(),
    ids.BECOME_MEMBER: BecomeMember(),
    ids.NAME_OK: NameAnswer(register=True),
    ids.NAME_EDIT: NameAnswer(register=False),
    ids.offer_start(True): StartOffer(secured=True),
    ids.offer_start(False): StartOffer(secured=False),
    ids.VIEW_PENDING_TEMPLATE: OpenPending("in"),
    ids.CANCEL: Nav(Navigation.CANCEL),
    ids.ACCOUNTS: OpenAccounts(),
    ids.NEW_ACCOUNT: NewAccount(),
    ids.MEMBERS: OpenMembers(),
    ids.ADD_MEMBER: AddMember(),
    ids.NOTIFICATIONS: OpenNotifications(),
    ids.GET_PAID: GetPaid(),
    ids.STATEMENT: AskStatement(),
}
# Typed words that open a menu row when no form is waiting for an answer.
MENU_WORDS: Final[dict[str, Intent]] = {
    **dict.fromkeys(("accounts", "account"), OpenAccounts()),
    **dict.fromkeys(("members", "member"), OpenMembers()),
    **dict.fromkeys(("notifications", "notification"), OpenNotifications()),
    "ledger": OpenLedger(),
}
_PAGED: Final = re.compile(r"offers:(in|out):page:([1-9]\d{0,3})")
_END: Final = r"(?::end:([1-9]\d{0,6}))?"
_LEDGER: Final = re.compile(rf"ledger:page:([1-9]\d{{0,3}}){_END}")
_LEDGER_CREDEX: Final = re.compile(
    rf"ledger:credex:([0-9A-Za-z-]{{1,64}}):page:([1-9]\d{{0,3}}){_END}"
)
_OFFER: Final = re.compile(r"offer:(in|out):([0-9A-Za-z-]{1,64})")
_ACT: Final = re.compile(r"(accept|decline|cancel|cancelnow):([0-9A-Za-z-]{1,64})")
_DRAFT: Final = re.compile(r"(confirm|discard):([0-9a-z]{1,40})")
_DUE: Final = re.compile(r"due:(7|14|28)")
_ACCEPT_ALL: Final = re.compile(r"offers:in:acceptall:([0-9a-f]{12})")
_UUID: Final = r"([0-9A-Za-z-]{1,64})"
_ACCOUNTS_PAGE: Final = re.compile(r"accounts:page:([1-9]\d{0,3})")
_SWITCH: Final = re.compile(rf"account:switch:{_UUID}")
_CREATE: Final = re.compile(r"account:create:([a-z0-9_]{3,30})")
_MEMBER: Final = re.compile(
    rf"members:(authorize|remove|removenow):{_UUID}:([0-9A-Za-z_-]{{1,64}})"
)
_NOTIFY: Final = re.compile(rf"notify:(set|setnow):{_UUID}:{_UUID}")
_MEMBER_STEPS: Final[dict[str, MemberStep]] = {
    "authorize": "authorize",
    "remove": "ask_remove",
    "removenow": "remove",
}


def menu_word(text: str) -> Intent | None:
    """The menu row a typed word names (`Accounts`, ` members `), or None."""
    return MENU_WORDS.get(text.strip().casefold())


def from_id(reply_id: str) -> Intent:
    """The intent a tapped button or list row carries in its id."""
    if reply_id in _FIXED:
        return _FIXED[reply_id]
    if reply_id.startswith("quick:"):  # ids.quick: the command it names, still to confirm
        return from_text(reply_id.removeprefix("quick:"))
    if m := _PAGED.fullmatch(reply_id):
        return OpenPending("in" if m[1] == "in" else "out", int(m[2]))
    if m := _LEDGER.fullmatch(reply_id):
        return OpenLedger(int(m[1]), int(m[2] or 0))
    if m := _LEDGER_CREDEX.fullmatch(reply_id):
        return OpenLedgerCredex(m[1], int(m[2]), int(m[3] or 0))
    if m := _OFFER.fullmatch(reply_id):
        return OpenOffer("in" if m[1] == "in" else "out", m[2])
    if m := _ACT.fullmatch(reply_id):
        actions: dict[str, Literal["accept", "decline", "ask_cancel", "cancel"]] = {
            "accept": "accept",
            "decline": "decline",
            "cancel": "ask_cancel",
            "cancelnow": "cancel",
        }
        return Act(actions[m[1]], m[2])
    if m := _DRAFT.fullmatch(reply_id):
        return Confirm(m[2]) if m[1] == "confirm" else Discard(m[2])
    if m := _DUE.fullmatch(reply_id):
        return DueIn(int(m[1]))
    if m := _ACCEPT_ALL.fullmatch(reply_id):
        return AcceptAllOffers(m[1])
    return _account_id(reply_id)


def _account_id(reply_id: str) -> Intent:
    if m := _ACCOUNTS_PAGE.fullmatch(reply_id):
        return OpenAccounts(int(m[1]))
    if m := _SWITCH.fullmatch(reply_id):
        return SwitchAccount(m[1])
    if m := _CREATE.fullmatch(reply_id):
        return CreateAccount(m[1])
    if m := _MEMBER.fullmatch(reply_id):
        return MemberAction(_MEMBER_STEPS[m[1]], m[2], m[3])
    if m := _NOTIFY.fullmatch(reply_id):
        return NotifyAction(m[1] == "setnow", m[2], m[3])
    return Unsupported("button")


def from_text(
    body: str, today: dt.date | None = None, answering: bool = False, phone: str | None = None
) -> Intent:
    word = parse_navigation(body, answering)
    if word is not None:
        return Nav(word)
    try:
        offers = parse_quick_commands(body, today, phone)
    except QuickCommandError as error:
        return QuickBroken(error.message)
    if offers is not None:
        return Quick(tuple(offers))
    if (words := payment_words(body)) is not None:
        return words
    return Typed(body.strip())


def _on_screen(intent: Intent, screen: Screen | None) -> Intent:
    """A row number or paging word read against the list or card on screen."""
    home = screen if isinstance(screen, Home) else Home()
    last = home.first + len(home.rows) - 1
    if isinstance(intent, Typed) and home.rows:
        number = parse_row_number(intent.text)
        if number is not None:
            if home.first <= number <= last:
                return from_id(home.rows[number - home.first])
            return NotInList("number", home.first, last)
    if isinstance(intent, Nav):
        if intent.word is Navigation.BACK and home.back_id:
            return from_id(home.back_id)
        paging = {Navigation.NEXT: home.next_id, Navigation.PREVIOUS: home.previous_id}
        if intent.word in paging:
            target = paging[intent.word]
            if target:
                return from_id(target)
            asked: Literal["next", "previous"] = (
                "next" if intent.word is Navigation.NEXT else "previous"
            )
            return NotInList(asked, home.first, last if home.rows else 0)
    return intent


def classify(
    content: Content,
    *,
    screen: Screen | None = None,
    today: dt.date | None = None,
    answering: bool = False,
    phone: str | None = None,
) -> Intent:
    """`screen` is what the user is looking at; `today` dates a due date typed without a year;
    `answering`: a yes/no question is open (a confirmation), so yes words go to it; `phone`:
    the sender's number, so a recipient typed as a local number is read in their country."""
    match content:
        case Text(body=body):
            return _on_screen(from_text(body, today, answering, phone), screen)
        case ButtonTapped(id=reply_id) | ListPicked(id=reply_id):
            return from_id(reply_id)
        case Reaction(emoji=emoji):
            return Upset() if reaction_feeling(emoji) == "upset" else Nav(Navigation.THANKS)
        case FlowReply():
            return Unsupported("flow")
        case Other(kind=kind):
            return Unsupported(kind)
        case Notification():
            return Unsupported("notification")
    return Unsupported("unknown")


def payment_words(body: str) -> Intent | None:
    if (receive := payments.parse_receive(body)) is not None:
        return GetPaid(receive)
    if (pay := payments.parse_pay(body)) is not None:
        return PayLink(pay)
    if (period := payments.parse_statement(body)) is not None:
        return AskStatement(period)
    return None
