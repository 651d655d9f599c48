"""Real-shaped, signed WhatsApp Cloud API webhook deliveries (inbound messages and statuses).

The shapes follow the golden fixtures (tests/fixtures/whatsapp-webhooks): one `entry` per
delivery, `metadata` naming our business number, `contacts` with the 2026 business-scoped user
ids, and `timestamp` as a string of Unix seconds.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import time
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

Payload = dict[str, Any]

# Media kinds the page can "send": (webhook type, media object). The ids and hashes are fake but
# shaped like Meta's; the bot can never fetch them, which is exactly what a media message from a
# real user looks like to a bot that does not download media.
_MEDIA: dict[str, tuple[str, Payload]] = {
    "image": ("image", {"mime_type": "image/jpeg", "sha256": "4654+8g=", "id": "65463453"}),
    "video": ("video", {"mime_type": "video/mp4", "sha256": "Jh+2ij6PzUv=", "id": "765756756"}),
    "document": (
        "document",
        {
            "filename": "statement.pdf",
            "mime_type": "application/pdf",
            "sha256": "grwfwe=",
            "id": "1234567890987654321",
        },
    ),
    "audio": (
        "audio",
        {"mime_type": "audio/ogg; codecs=opus", "sha256": "E3dxS/=", "id": "12345", "voice": False},
    ),
    "voice": (
        "audio",
        {"mime_type": "audio/ogg; codecs=opus", "sha256": "m04pFf=", "id": "12346", "voice": True},
    ),
    "sticker": (
        "sticker",
        {"mime_type": "image/webp", "sha256": "OmT4nh=", "id": "12347", "animated": False},
    ),
}

# Every kind `build_kind` accepts (the page's "attach" menu offers these).
KINDS: tuple[str, ...] = (*_MEDIA, "location", "contacts", "reaction", "unsupported")

_counter = itertools.count(1)


def new_wamid() -> str:
    """A unique message id shaped like Meta's (`wamid.` + base64-ish text)."""
    raw = f"{os.getpid()}:{next(_counter)}:{os.urandom(8).hex()}".encode()
    return "wamid.HBgM" + hashlib.sha256(raw).hexdigest()[:40].upper()


def sign(body: bytes, app_secret: str) -> str:
    """The `X-Hub-Signature-256` value Meta sends: HMAC-SHA256 of the exact body bytes."""
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def encode(payload: Mapping[str, Any]) -> bytes:
    """Serialise like Meta: compact JSON, non-ASCII as \\u escapes and `/` as `\\/`.

    A gateway that re-serialises the parsed body before checking the signature breaks on
    exactly these bytes (emoji, URLs), as it would in production (docs/whatsapp-cloud-api.md §A1).
    """
    text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
    return text.replace("/", "\\/").encode("ascii")


def normalize_phone(phone: str) -> str:
    """Digits only (`+263 77-100 0001` -> `263771000001`); ValueError unless 7 to 15 digits."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    stripped = phone.strip().removeprefix("+").replace(" ", "").replace("-", "")
    if digits != stripped or not 7 <= len(digits) <= 15:
        raise ValueError(f"not a phone number: {phone!r}")
    return digits


def user_id_for(phone: str) -> str:
    """A stable business-scoped user id (`US.<19 digits>`) for a phone, as Meta sends from 2026."""
    return "US." + str(int(hashlib.sha256(phone.encode()).hexdigest(), 16))[:19]


def parent_user_id_for(phone: str) -> str:
    return "US.ENT." + str(int(hashlib.sha256(b"parent:" + phone.encode()).hexdigest(), 16))[:20]


@attrs.frozen
class WebhookBuilder:
    """Builds deliveries for one business number (our `phone_number_id`)."""

    phone_number_id: str
    display_phone_number: str
    waba_id: str = "102290129340398"

    def contact(self, phone: str, name: str) -> Payload:
        return {
            "profile": {"name": name},
            "wa_id": phone,
            "user_id": user_id_for(phone),
            "parent_user_id": parent_user_id_for(phone),
        }

    def _delivery(self, value: Payload) -> Payload:
        metadata = {
            "display_phone_number": self.display_phone_number,
            "phone_number_id": self.phone_number_id,
        }
        change = {"value": {"messaging_product": "whatsapp", "metadata": metadata, **value},
                  "field": "messages"}  # fmt: skip
        return {"object": "whatsapp_business_account",
                "entry": [{"id": self.waba_id, "changes": [change]}]}  # fmt: skip

    def message(
        self,
        phone: str,
        name: str,
        kind: str,
        content: Any,
        *,
        wamid: str | None = None,
        context_id: str | None = None,
        timestamp: float | None = None,
    ) -> Payload:
        """One inbound message of webhook `type` `kind`; `content` goes under that key."""
        message: Payload = {}
        if context_id:
            message["context"] = {"from": self.display_phone_number, "id": context_id}
        message.update(
            {
                "from": phone,
                "id": wamid or new_wamid(),
                "timestamp": str(int(timestamp if timestamp is not None else time.time())),
                "type": kind,
            }
        )
        if content is not None:
            message[kind] = content
        return self._delivery({"contacts": [self.contact(phone, name)], "messages": [message]})

    def text(self, phone: str, name: str, body: str, **kw: Any) -> Payload:
        return self.message(phone, name, "text", {"body": body}, **kw)

    def button_reply(self, phone: str, name: str, button_id: str, title: str, **kw: Any) -> Payload:
        inter = {"type": "button_reply", "button_reply": {"id": button_id, "title": title}}
        return self.message(phone, name, "interactive", inter, **kw)

    def list_reply(
        self, phone: str, name: str, row_id: str, title: str, description: str = "", **kw: Any
    ) -> Payload:
        row = {"id": row_id, "title": title}
        if description:
            row["description"] = description
        inter = {"type": "list_reply", "list_reply": row}
        return self.message(phone, name, "interactive", inter, **kw)

    def quick_reply(self, phone: str, name: str, payload: str, text: str, **kw: Any) -> Payload:
        """A tap on a template's quick-reply button (`type: button`, not interactive)."""
        return self.message(phone, name, "button", {"payload": payload, "text": text}, **kw)

    def kind(self, phone: str, name: str, kind: str, **kw: Any) -> Payload:
        """A message the bot cannot act on as text: media, location, contacts, reaction, ..."""
        if kind in _MEDIA:
            wire_kind, media = _MEDIA[kind]
            return self.message(phone, name, wire_kind, dict(media), **kw)
        if kind == "location":
            loc = {"latitude": -17.8292, "longitude": 31.0522, "name": "Harare Gardens",
                   "address": "Park Lane, Harare",
                   "url": "https://maps.google.com/?q=-17.8292,31.0522"}  # fmt: skip
            return self.message(phone, name, "location", loc, **kw)
        if kind == "contacts":
            card = {"name": {"first_name": "Rudo", "formatted_name": "Rudo"},
                    "phones": [{"phone": "+263 77 100 0002", "wa_id": "263771000002",
                                "type": "CELL"}]}  # fmt: skip
            return self.message(phone, name, "contacts", [card], **kw)
        if kind == "reaction":
            target = kw.pop("context_id", None) or "wamid.unknown"
            return self.message(
                phone, name, "reaction", {"message_id": target, "emoji": "👍"}, **kw
            )
        if kind == "unsupported":
            delivery = self.message(phone, name, "unsupported", {"type": "poll"}, **kw)
            message = delivery["entry"][0]["changes"][0]["value"]["messages"][0]
            message["errors"] = [{"code": 131051, "title": "Message type unknown",
                                  "message": "Message type unknown",
                                  "error_data": {"details": "Message type is currently not "
                                                 "supported."}}]  # fmt: skip
            return delivery
        raise ValueError(f"unknown message kind {kind!r}; one of {', '.join(KINDS)}")

    def statuses(self, phone: str, name: str, items: Sequence[StatusItem]) -> Payload:
        """One delivery carrying several statuses (Meta batches them; receivers must iterate)."""
        return self._delivery(
            {"contacts": [self.contact(phone, name)], "statuses": [s.wire() for s in items]}
        )


@attrs.frozen
class StatusItem:
    """The lifecycle of one of the bot's messages: sent, delivered, read or failed."""

    wamid: str
    status: str
    recipient: str
    timestamp: float
    opaque: str | None = None
    errors: tuple[Payload, ...] = ()

    def wire(self) -> Payload:
        out: Payload = {
            "id": self.wamid,
            "status": self.status,
            "timestamp": str(int(self.timestamp)),
            "recipient_id": self.recipient,
            "recipient_user_id": user_id_for(self.recipient),
        }
        if self.opaque is not None:
            out["biz_opaque_callback_data"] = self.opaque
        if self.errors:
            out["errors"] = list(self.errors)
        else:
            out["pricing"] = {"billable": False, "pricing_model": "PMP", "category": "service",
                              "type": "free_customer_service"}  # fmt: skip
        return out
