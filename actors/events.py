"""Inbound events: what a user (or credex-core, through /api/notify) said to the conversation.

The gateway turns WhatsApp webhooks into these values and stores them, encoded with `encode`,
as the runtime envelope's payload (the content tagged by `actors/codec.py`); the actor
decodes them with `decode`.
"""

from __future__ import annotations

import attrs
import orjson

from actors.codec import Codec


@attrs.frozen
class Text:
    body: str


@attrs.frozen
class ButtonTapped:
    """An interactive reply-button tap, or a template quick-reply button (id = payload)."""

    id: str
    title: str


@attrs.frozen
class ListPicked:
    id: str
    title: str
    description: str = ""


@attrs.frozen
class FlowReply:
    """A WhatsApp Flow completion (`nfm_reply`); `response_json` is the raw JSON string."""

    response_json: str


@attrs.frozen
class Reaction:
    emoji: str  # empty when the user removed a reaction
    message_id: str


@attrs.frozen
class Other:
    """Anything else: image, audio, video, document, location, sticker, contacts, unsupported,
    system, ... The conversation answers politely with what it understands."""

    kind: str


@attrs.frozen
class Notification:
    """credex-core told us (via /api/notify) that this member received an offer."""

    member_name: str
    message: str


@attrs.frozen
class DraftCheck:
    """The bot's own reminder (never from WhatsApp): a send whose outcome was unknown has
    certainly settled on credex-core's side; check it now and tell the member (G5)."""

    draft_id: str


Content = (
    Text | ButtonTapped | ListPicked | FlowReply | Reaction | Other | Notification | DraftCheck
)

# The discriminator key `_type`: no content class has a field of that name.
CODEC = Codec(
    "_type",
    {
        "text": Text,
        "button": ButtonTapped,
        "list": ListPicked,
        "flow": FlowReply,
        "reaction": Reaction,
        "other": Other,
        "notification": Notification,
        "draft_check": DraftCheck,
    },
)


@attrs.frozen
class Inbound:
    """One event for one conversation.

    `message_id` is the wamid (or a notify id); `phone` the user's phone number when WhatsApp
    gave one (credex-core identifies members by phone); `at` the WhatsApp timestamp (epoch s).
    """

    message_id: str
    phone: str | None
    profile_name: str | None
    at: int
    content: Content


def encode(event: Inbound) -> bytes:
    return orjson.dumps(
        {
            "id": event.message_id,
            "phone": event.phone,
            "name": event.profile_name,
            "at": event.at,
            "content": CODEC.dump(event.content),
        }
    )


class UndecodableEvent(ValueError):
    """A payload that is not an encoded `Inbound` (corrupt, or from a newer version)."""


def decode(payload: bytes) -> Inbound:
    try:
        raw = orjson.loads(payload)
        content = CODEC.load(raw["content"], Content)
        if not isinstance(content, Content):
            raise TypeError(f"content is a {type(content).__name__}")
        return Inbound(
            message_id=str(raw["id"]),
            phone=raw.get("phone"),
            profile_name=raw.get("name"),
            at=int(raw.get("at") or 0),
            content=content,
        )
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise UndecodableEvent(str(exc)) from exc
