"""Outbound replies: what the conversation wants a user to see, independent of the wire format.

Screens (actors/screens/) build these; the gateway's limit-safe builders turn them into Cloud
API payloads (shortening titles, paging lists, splitting long text), so no WhatsApp limit is
ever broken (G8). Outbox items are `Outbound` values encoded with `encode`.
"""

from __future__ import annotations

from typing import Any

import attrs
import orjson


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
class ButtonsReply:
    body: str
    buttons: tuple[Button, ...]
    header: str | None = None
    footer: str | None = None
    # The texts folded in front of the screen (actors/notes.py), also part of `body`: still
    # true when the screen has gone stale (e.g. "Offer sent" before an outdated dashboard).
    notes: str = ""


@attrs.frozen
class ListReply:
    body: str
    button_label: str
    sections: tuple[Section, ...]
    header: str | None = None
    footer: str | None = None
    notes: str = ""  # as for ButtonsReply


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
Reply = TextReply | ButtonsReply | ListReply | TemplateReply | QrImageReply | DocumentReply


@attrs.frozen
class Outbound:
    """One message to send: `to` is the recipient (wa_id / phone, or business-scoped user id),
    `reply_id` an idempotency id unique per reply (outbox entry id), `fallback` the template to
    use instead when the user is outside the 24-hour window (None: dead-letter instead)."""

    to: str
    reply: Reply
    reply_id: str
    fallback: TemplateReply | None = None


_KINDS: dict[str, type[Any]] = {
    "text": TextReply,
    "buttons": ButtonsReply,
    "list": ListReply,
    "template": TemplateReply,
    "qr_image": QrImageReply,
    "document": DocumentReply,
}
_KIND_OF: dict[type[Any], str] = {cls: name for name, cls in _KINDS.items()}
# The discriminator key; no reply class has a field of that name.
_TYPE = "_type"


def _reply_to_dict(reply: Reply) -> dict[str, Any]:
    data = attrs.asdict(reply, recurse=True)
    data[_TYPE] = _KIND_OF[type(reply)]
    return data


def _reply_from_dict(data: dict[str, Any]) -> Reply:
    kind = data.pop(_TYPE)
    if kind == "buttons":
        data["buttons"] = tuple(Button(**b) for b in data["buttons"])
    elif kind == "list":
        data["sections"] = tuple(
            Section(title=s["title"], rows=tuple(Row(**r) for r in s["rows"]))
            for s in data["sections"]
        )
    elif kind == "template":
        data["body_params"] = tuple(data.get("body_params", ()))
    elif kind == "document":
        doc = dict(data["document"])
        for name in ("heading", "columns", "totals", "notes"):
            doc[name] = tuple(doc.get(name, ()))
        doc["rows"] = tuple(tuple(row) for row in doc["rows"])
        data["document"] = Document(**doc)
    reply: Reply = _KINDS[kind](**data)
    return reply


def encode(out: Outbound) -> bytes:
    return orjson.dumps(
        {
            "to": out.to,
            "id": out.reply_id,
            "reply": _reply_to_dict(out.reply),
            "fallback": None if out.fallback is None else _reply_to_dict(out.fallback),
        }
    )


def decode(payload: bytes) -> Outbound:
    raw = orjson.loads(payload)
    fallback = raw.get("fallback")
    fb = _reply_from_dict(dict(fallback)) if fallback else None
    return Outbound(
        to=raw["to"],
        reply=_reply_from_dict(dict(raw["reply"])),
        reply_id=raw["id"],
        fallback=fb if isinstance(fb, TemplateReply) else None,
    )
