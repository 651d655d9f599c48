"""Parse a webhook body into typed values, once, at the edge (docs/style.md §2).

Every entry, change, message and status is read (one POST can carry many: docs/whatsapp-cloud-api.md
§A2, fact 4).
Parsing is total: any JSON yields a `Webhook`; items that do not have the documented shape are
counted in `Webhook.unreadable` instead of raising, so a signed but odd delivery is still
acknowledged with 200 (a non-200 makes Meta retry for 7 days, §A3). A string orjson refuses (a
JSON-escaped lone surrogate such as `\\udcff`, or invalid UTF-8) costs only that string: its bad
characters become U+FFFD in text, and an id carrying one counts as absent.
"""

from __future__ import annotations

import json
import re
from typing import Any

import attrs
import orjson

from actors.events import ButtonTapped, Content, FlowReply, ListPicked, Other, Reaction, Text


class MalformedWebhook(ValueError):
    """The body is not JSON, or not a WhatsApp Business Account webhook object."""


@attrs.frozen
class Contact:
    wa_id: str | None
    user_id: str | None
    name: str | None


@attrs.frozen
class IdentityChange:
    """A `system` message that moves the user to a new phone number or user id (§A2)."""

    kind: str  # user_changed_number, customer_changed_number, user_changed_user_id, ...
    new_wa_id: str | None
    new_user_id: str | None


@attrs.frozen
class Message:
    wamid: str
    wa_id: str | None  # `from`: the phone number, absent for username-only users (2026)
    user_id: str | None  # business-scoped user id (`from_user_id` / contact `user_id`)
    profile_name: str | None
    timestamp: int
    content: Content
    identity_change: IdentityChange | None = None


@attrs.frozen
class StatusError:
    code: int
    title: str


@attrs.frozen
class Status:
    wamid: str
    status: str  # sent | delivered | read | failed | played | ...
    timestamp: int
    recipient: str | None
    errors: tuple[StatusError, ...] = ()


@attrs.frozen
class Change:
    """One `changes[].value` of the `messages` field, for one of the business's numbers."""

    phone_number_id: str
    messages: tuple[Message, ...]
    statuses: tuple[Status, ...]
    display_phone_number: str | None = None  # the business number as users dial it


@attrs.frozen
class Webhook:
    changes: tuple[Change, ...]
    unreadable: int  # items (changes, messages, statuses) skipped for an unknown shape


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def _int(value: Any) -> int:
    # WhatsApp sends timestamps as strings of digits (§A2).
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value)
    return 0


_SURROGATE = re.compile("[\ud800-\udfff]")
_REPLACED = re.compile("[\ud800-\udfff\ufffd]")  # in an id: a surrogate or a replaced byte
# Fields that name a message, a sender or a number: a repaired value there would route a reply
# to nobody (or to someone else), so it is dropped instead.
_IDS = frozenset({"id", "from", "from_user_id", "wa_id", "user_id", "phone_number_id"})


def _loads(body: bytes) -> Any:
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        first = exc
    # Rare path. orjson rejects the whole body for one lone surrogate or bad byte; the stdlib
    # parser accepts both (bytes decoded with replacement), and `_repaired` cleans each string.
    try:
        raw = json.loads(body.decode("utf-8", errors="replace"))
    except (ValueError, RecursionError):
        raise MalformedWebhook(f"not JSON: {first}") from first
    return _repaired(raw)


def _repaired(value: Any, key: str = "") -> Any:
    if isinstance(value, str):
        if key in _IDS:
            return None if _REPLACED.search(value) else value
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_repaired(k): _repaired(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_repaired(v, key) for v in value]
    return value


def parse_webhook(body: bytes) -> Webhook:
    raw = _loads(body)
    if not isinstance(raw, dict) or not isinstance(raw.get("entry"), list):
        raise MalformedWebhook("no entry list")
    changes: list[Change] = []
    unreadable = 0
    for entry in raw["entry"]:
        for change in _list(_obj(entry).get("changes")):
            parsed, skipped = _parse_change(_obj(change))
            unreadable += skipped
            if parsed is not None:
                changes.append(parsed)
    return Webhook(changes=tuple(changes), unreadable=unreadable)


def _parse_change(change: dict[str, Any]) -> tuple[Change | None, int]:
    value = _obj(change.get("value"))
    pnid = _str(_obj(value.get("metadata")).get("phone_number_id"))
    if change.get("field", "messages") != "messages" or pnid is None:
        # account_update, template status, ...: not conversation traffic; counted, not an error.
        return None, 1
    contacts = tuple(_parse_contact(_obj(c)) for c in _list(value.get("contacts")))
    messages: list[Message] = []
    statuses: list[Status] = []
    skipped = 0
    for item in _list(value.get("messages")):
        message = _parse_message(_obj(item), contacts)
        if message is None:
            skipped += 1
        else:
            messages.append(message)
    for item in _list(value.get("statuses")):
        status = _parse_status(_obj(item))
        if status is None:
            skipped += 1
        else:
            statuses.append(status)
    display = _str(_obj(value.get("metadata")).get("display_phone_number"))
    return Change(pnid, tuple(messages), tuple(statuses), display), skipped


def _parse_contact(contact: dict[str, Any]) -> Contact:
    return Contact(
        wa_id=_str(contact.get("wa_id")),
        user_id=_str(contact.get("user_id")),
        name=_str(_obj(contact.get("profile")).get("name")),
    )


def _contact_for(message: dict[str, Any], contacts: tuple[Contact, ...]) -> Contact | None:
    sender, sender_id = _str(message.get("from")), _str(message.get("from_user_id"))
    for contact in contacts:
        if (sender and contact.wa_id == sender) or (sender_id and contact.user_id == sender_id):
            return contact
    return contacts[0] if len(contacts) == 1 else None


def _parse_message(message: dict[str, Any], contacts: tuple[Contact, ...]) -> Message | None:
    wamid = _str(message.get("id"))
    contact = _contact_for(message, contacts)
    wa_id = _str(message.get("from")) or (contact.wa_id if contact else None)
    user_id = _str(message.get("from_user_id")) or (contact.user_id if contact else None)
    if wamid is None or (wa_id is None and user_id is None):
        return None
    kind = _str(message.get("type")) or "unknown"
    return Message(
        wamid=wamid,
        wa_id=wa_id,
        user_id=user_id,
        profile_name=contact.name if contact else None,
        timestamp=_int(message.get("timestamp")),
        content=_content(kind, message),
        identity_change=_identity_change(message) if kind == "system" else None,
    )


def _content(kind: str, message: dict[str, Any]) -> Content:
    body = _obj(message.get(kind))
    if kind == "text" and isinstance(body.get("body"), str):
        return Text(body=body["body"])
    if kind == "button" and _str(body.get("payload")):
        # A template quick-reply tap: the payload is the id we set (§A2).
        return ButtonTapped(id=body["payload"], title=_str(body.get("text")) or "")
    if kind == "reaction" and _str(body.get("message_id")):
        return Reaction(emoji=_str(body.get("emoji")) or "", message_id=body["message_id"])
    if kind == "interactive":
        return _interactive(body)
    return Other(kind=kind)


def _interactive(body: dict[str, Any]) -> Content:
    sub = _str(body.get("type")) or "unknown"
    reply = _obj(body.get(sub))
    if sub == "button_reply" and _str(reply.get("id")):
        return ButtonTapped(id=reply["id"], title=_str(reply.get("title")) or "")
    if sub == "list_reply" and _str(reply.get("id")):
        return ListPicked(
            id=reply["id"],
            title=_str(reply.get("title")) or "",
            description=_str(reply.get("description")) or "",
        )
    if sub == "nfm_reply" and isinstance(reply.get("response_json"), str):
        return FlowReply(response_json=reply["response_json"])
    return Other(kind="interactive")


def _identity_change(message: dict[str, Any]) -> IdentityChange | None:
    system = _obj(message.get("system"))
    kind = _str(system.get("type"))
    if kind is None:
        return None
    return IdentityChange(
        kind=kind,
        new_wa_id=_str(system.get("wa_id")) or _str(system.get("new_wa_id")),
        new_user_id=_str(system.get("user_id")) or _str(system.get("new_user_id")),
    )


def _parse_status(status: dict[str, Any]) -> Status | None:
    wamid, state = _str(status.get("id")), _str(status.get("status"))
    if wamid is None or state is None:
        return None
    errors = tuple(
        StatusError(code=_int(_obj(e).get("code")), title=_str(_obj(e).get("title")) or "")
        for e in _list(status.get("errors"))
    )
    return Status(
        wamid=wamid,
        status=state,
        timestamp=_int(status.get("timestamp")),
        recipient=_str(status.get("recipient_user_id")) or _str(status.get("recipient_id")),
        errors=errors,
    )
