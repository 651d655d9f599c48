"""Basic shape checks for outbound Cloud API payloads: what Meta refuses outright as malformed.

Length and count limits (G8) belong to the gateway's validator, passed to the simulator as
`validate`; these checks only make sure the payload is something the Cloud API (and the chat
page) can read at all.
"""

from __future__ import annotations

from typing import Any

SENDABLE = frozenset(
    {"text", "interactive", "template", "image", "audio", "video", "document", "sticker",
     "location", "contacts", "reaction"}
)  # fmt: skip
INTERACTIVE = frozenset(
    {"button", "list", "cta_url", "flow", "location_request_message", "product", "product_list"}
)


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def problems(payload: Any) -> list[str]:
    """Everything structurally wrong with a send-message payload (empty list: well formed)."""
    if not isinstance(payload, dict):
        return ["the body must be a JSON object"]
    out: list[str] = []
    if payload.get("messaging_product") != "whatsapp":
        out.append("messaging_product must be 'whatsapp'")
    if payload.get("recipient_type", "individual") != "individual":
        out.append("recipient_type must be 'individual'")
    if not _text(payload.get("to")):
        out.append("to is required")
    if "context" in payload and not _text(_dict(payload["context"]).get("message_id")):
        out.append("context.message_id is required when context is given")
    kind = payload.get("type", "text")
    if kind not in SENDABLE:
        return [*out, f"type {kind!r} is not a message type"]
    body = payload.get(kind)
    if kind == "contacts":
        if not isinstance(body, list) or not body:
            out.append("contacts must be a non-empty list")
        return out
    if not isinstance(body, dict):
        return [*out, f"the {kind!r} object is required for type {kind!r}"]
    if kind == "text" and not _text(body.get("body")):
        out.append("text.body is required")
    elif kind == "interactive":
        out.extend(_interactive(body))
    elif kind == "template":
        if not _text(body.get("name")):
            out.append("template.name is required")
        if not _text(_dict(body.get("language")).get("code")):
            out.append("template.language.code is required")
    return out


def _interactive(inter: dict[str, Any]) -> list[str]:
    kind = inter.get("type")
    if kind not in INTERACTIVE:
        return [f"interactive.type {kind!r} is not an interactive type"]
    out: list[str] = []
    action = _dict(inter.get("action"))
    if kind in ("button", "list") and not _text(_dict(inter.get("body")).get("text")):
        out.append("interactive.body.text is required")
    if kind == "button":
        buttons = action.get("buttons")
        if not isinstance(buttons, list) or not buttons:
            return [*out, "interactive.action.buttons must be a non-empty list"]
        for n, button in enumerate(buttons):
            reply = _dict(_dict(button).get("reply"))
            if _dict(button).get("type") != "reply":
                out.append(f"button {n}: type must be 'reply'")
            if not _text(reply.get("id")) or not _text(reply.get("title")):
                out.append(f"button {n}: reply.id and reply.title are required")
    elif kind == "list":
        if not _text(action.get("button")):
            out.append("interactive.action.button is required")
        sections = action.get("sections")
        if not isinstance(sections, list) or not sections:
            return [*out, "interactive.action.sections must be a non-empty list"]
        for n, section in enumerate(sections):
            rows = _dict(section).get("rows")
            if not isinstance(rows, list) or not rows:
                out.append(f"section {n}: rows must be a non-empty list")
                continue
            for m, row in enumerate(rows):
                if not _text(_dict(row).get("id")) or not _text(_dict(row).get("title")):
                    out.append(f"section {n} row {m}: id and title are required")
    return out
