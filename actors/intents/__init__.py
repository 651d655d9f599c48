"""Intents: what one inbound message asks for, read once from its text or button id.

`classify` is the only place that looks at raw text and ids; flows receive typed intents. Each
flow declares its intents beside their ids (`actors/intents/<flow>.py`, formats in
`actors/intents/tap.py`); this module reads them. Typed text that is neither a navigation word
nor a quick command stays `Typed`, for the form the user is in to interpret. On a list or card
(`session.Home` with rows), a typed row number, `next`, `prev` or `back` becomes the intent of
the row or button it names, exactly as a tap would.
"""

from __future__ import annotations

import datetime as dt
from typing import Final, Literal

import parser.payments as payments
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
from actors.intents import (
    accounts,
    ledger,
    members,
    navigation,
    notifications,
    offer,
    onboarding,
    pending,
    quick,
    receive,
    statement,
    submit,
)
from actors.intents.base import Intent, Nav, NotInList, Retyped, Typed, Unsupported, Upset
from actors.intents.quick import Quick, QuickBroken
from actors.intents.receive import GetPaid, PayLink
from actors.intents.statement import AskStatement
from actors.intents.tap import Taps
from actors.session import Home, Screen
from parser import (
    Navigation,
    QuickCommandError,
    parse_navigation,
    parse_quick_commands,
    parse_row_number,
    reaction_feeling,
)

TAPS: Final = Taps(
    navigation.TAPS,
    onboarding.TAPS,
    offer.TAPS,
    submit.TAPS,
    quick.TAPS,
    pending.TAPS,
    ledger.TAPS,
    statement.TAPS,
    receive.TAPS,
    accounts.TAPS,
    members.TAPS,
    notifications.TAPS,
)
# Typed words that open a menu row when no form is waiting for an answer.
MENU_WORDS: Final[dict[str, Intent]] = {
    **accounts.WORDS,
    **members.WORDS,
    **notifications.WORDS,
    **ledger.WORDS,
}


def menu_word(text: str) -> Intent | None:
    """The menu row a typed word names (`Accounts`, ` members `), or None."""
    return MENU_WORDS.get(text.strip().casefold())


def from_id(reply_id: str) -> Intent:
    """The intent a tapped button or list row carries in its id."""
    intent = TAPS.read(reply_id)
    if isinstance(intent, Retyped):
        return from_text(intent.text)
    return Unsupported("button") if intent is None else intent


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
    if (receive_words := payments.parse_receive(body)) is not None:
        return GetPaid(receive_words)
    if (pay := payments.parse_pay(body)) is not None:
        return PayLink(pay)
    if (period := payments.parse_statement(body)) is not None:
        return AskStatement(period)
    return None
