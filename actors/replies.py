"""Outbound replies: what the conversation wants a user to see, independent of the wire format.

Screens (actors/screens/) build these; the gateway's limit-safe builders turn them into Cloud
API payloads (shortening titles, paging lists, splitting long text), so no WhatsApp limit is
ever broken (G8). Outbox items are `Outbound` values encoded with `encode` (`actors/codec.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import orjson

from actors.codec import Codec


@attrs.frozen
class Button:
    id: str
    title: str


@attrs.frozen
class Row:
    id: str
    title: str
    description: str = ""


@attrs.frozen
class Section:
    title: str
    rows: tuple[Row, ...]


@attrs.frozen
class TextReply:
    body: str


@attrs.frozen
class ButtonsMessage:
    body: str
    buttons: tuple[Button, ...]
    header: str | None = None
    footer: str | None = None
    # The texts folded in front of the screen (actors/notes.py), also part of `body`: still
    # true when the screen has gone stale (e.g. "Offer sent" before an outdated dashboard).
    notes: str = ""


@attrs.frozen
class ListMessage:
    body: str
    button_label: str
    sections: tuple[Section, ...]
    header: str | None = None
    footer: str | None = None
    notes: str = ""  # as for ButtonsMessage


@attrs.frozen
class TemplateReply:
    """A pre-approved template, for messages outside the 24-hour customer-service window."""

    name: str
    language: str = "en"
    body_params: tuple[str, ...] = ()


@attrs.frozen
class QrImageReply:
    """An image message: `link` drawn as a QR code (rendered and uploaded at send time, so the
    outbox holds only this small value), with `caption` under it."""

    link: str
    caption: str


@attrs.frozen
class Document:
    """A printable table document, fully worded by a screen; the gateway only lays it out."""

    title: str
    heading: tuple[str, ...]  # lines under the title (account, handle, period)
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    totals: tuple[str, ...]  # lines after the table
    notes: tuple[str, ...] = ()


@attrs.frozen
class DocumentReply:
    """A document message: `document` rendered as a PDF named `filename` at send time."""

    filename: str
    caption: str
    document: Document


MediaReply = QrImageReply | DocumentReply
Reply = TextReply | ButtonsMessage | ListMessage | TemplateReply | QrImageReply | DocumentReply


@attrs.frozen
class Outbound:
    """One message to send: `to` is the recipient (wa_id / phone, or business-scoped user id),
    `reply_id` an idempotency id unique per reply (outbox entry id), `fallback` the template to
    use instead when the user is outside the 24-hour window (None: dead-letter instead).
    `trace_context` is the trace of the message this answers (its `traceparent`), so the Graph
    send joins that message's trace (docs/architecture.md, Observability); empty: its own."""

    to: str
    reply: Reply
    reply_id: str
    fallback: TemplateReply | None = None
    trace_context: Mapping[str, str] = attrs.field(factory=dict)


# The discriminator key `_type`: no reply class has a field of that name. Buttons, rows,
# sections and documents are plain dicts, read back by the types their fields declare.
CODEC = Codec(
    "_type",
    {
        "text": TextReply,
        "buttons": ButtonsMessage,
        "list": ListMessage,
        "template": TemplateReply,
        "qr_image": QrImageReply,
        "document": DocumentReply,
    },
)


def encode(out: Outbound) -> bytes:
    data: dict[str, Any] = {
        "to": out.to,
        "id": out.reply_id,
        "reply": CODEC.dump(out.reply),
        "fallback": CODEC.dump(out.fallback),
    }
    if out.trace_context:
        data["trace"] = dict(out.trace_context)
    return orjson.dumps(data)


def decode(payload: bytes) -> Outbound:
    raw = orjson.loads(payload)
    fallback = CODEC.load(raw.get("fallback"), TemplateReply)
    return Outbound(
        to=raw["to"],
        reply=CODEC.load(raw["reply"], Reply),
        reply_id=raw["id"],
        fallback=fallback if isinstance(fallback, TemplateReply) else None,
        # Items written before replies carried their trace have none.
        trace_context={str(k): str(v) for k, v in (raw.get("trace") or {}).items()},
    )
