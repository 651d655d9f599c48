"""Pending offers: the incoming and outgoing lists, one offer's card, acting on it."""

from __future__ import annotations

import hashlib
from typing import ClassVar, Literal

import attrs

from actors.intents.base import Intent
from actors.intents.tap import PAGE, UUID, Field, Fixed, TapId, word

Direction = Literal["in", "out"]
Action = Literal["accept", "decline", "ask_cancel", "cancel"]


@attrs.frozen
class OpenPending(Intent):
    self_contained: ClassVar[bool] = True
    direction: Direction
    page: int = 1


@attrs.frozen
class OpenOffer(Intent):
    self_contained: ClassVar[bool] = True
    direction: Direction
    credex_id: str


@attrs.frozen
class Act(Intent):
    self_contained: ClassVar[bool] = True
    action: Action
    credex_id: str


@attrs.frozen
class AcceptAllOffers(Intent):
    """Accept the incoming offers a list showed; `listed` is the digest its row carried."""

    self_contained: ClassVar[bool] = True
    listed: str = ""


_DIRECTION = word(**{"in": "in", "out": "out"})
pending_page = TapId("offers:{direction}:page:{page}", OpenPending, direction=_DIRECTION, page=PAGE)
pending_offer = TapId(
    "offer:{direction}:{credex_id}", OpenOffer, direction=_DIRECTION, credex_id=UUID
)
_ACT = TapId(
    "{action}:{credex_id}",
    Act,
    action=word(accept="accept", decline="decline", cancel="ask_cancel", cancelnow="cancel"),
    credex_id=UUID,
)
# Buttons from before Accept-all named what it listed carry no digest.
_ACCEPT_ALL = TapId("offers:in:acceptall[:{listed}]", AcceptAllOffers, listed=Field("[0-9a-f]{12}"))
ACCEPT_ALL = _ACCEPT_ALL()
VIEW_PENDING_TEMPLATE = "View Pending"  # the push template's quick-reply payload


def accept(credex_id: str) -> str:
    return _ACT("accept", credex_id)


def decline(credex_id: str) -> str:
    return _ACT("decline", credex_id)


def ask_cancel(credex_id: str) -> str:
    return _ACT("ask_cancel", credex_id)


def cancel_now(credex_id: str) -> str:
    return _ACT("cancel", credex_id)


def accept_all(listed: tuple[str, ...]) -> str:
    """Accept-all for exactly the offers `listed`: the id carries a digest of their ids (ten
    UUIDs would not fit WhatsApp's 200 characters), checked against the session's list."""
    return _ACCEPT_ALL(listed_digest(listed))


def listed_digest(listed: tuple[str, ...]) -> str:
    return hashlib.sha256("|".join(listed).encode()).hexdigest()[:12]


TAPS = (
    pending_page,
    pending_offer,
    _ACT,
    _ACCEPT_ALL,
    Fixed(VIEW_PENDING_TEMPLATE, OpenPending("in")),
)
