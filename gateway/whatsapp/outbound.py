"""Limit-safe builders: `actors.replies.Reply` values -> Cloud API JSON payloads (G8).

No payload built here can break a limit in `limits.py`: long text is split at line boundaries,
titles, labels, headers and footers are shortened with an ellipsis so they stay distinct, an
interactive body too long for its message is sent as text first, and lists with more than ten
rows are paged (or refused, by the caller's choice). Ids carry meaning (docs/architecture.md
"State"),
so an id that does not fit is refused with `DoesNotFit`, never cut.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from typing import Any

from actors.replies import (
    ButtonsMessage,
    ListMessage,
    Reply,
    Row,
    Section,
    TemplateReply,
    TextReply,
)
from gateway.whatsapp import limits
from gateway.whatsapp.limits import units

Payload = dict[str, Any]
ELLIPSIS = "…"


class Overflow(enum.Enum):
    PAGE = "page"  # more rows than fit: several list messages
    RAISE = "raise"  # more rows than fit: DoesNotFit


class DoesNotFit(ValueError):
    """The reply cannot be expressed within the limits (empty body, bad ids, overflow=RAISE)."""


def fit(text: str, limit: int) -> str:
    """`text` shortened to `limit` units, ending in an ellipsis when it was cut."""
    text = text.strip()
    if units(text) <= limit:
        return text
    kept, used = [], units(ELLIPSIS)
    for ch in text:
        used += units(ch)
        if used > limit:
            break
        kept.append(ch)
    return "".join(kept).rstrip() + ELLIPSIS


def distinct_titles(titles: Sequence[str], limit: int, fallback: str = "Option") -> list[str]:
    """Shorten each title to `limit`, then make equal results distinct with a counter suffix
    (`Account ••44…`, `Account ••4…2`), because WhatsApp rejects duplicate button titles."""
    out = [fit(t, limit) or f"{fallback} {i + 1}" for i, t in enumerate(titles)]
    seen: set[str] = set()
    for i, title in enumerate(out):
        n = 1
        candidate = title
        while candidate in seen:
            n += 1
            suffix = f"{ELLIPSIS}{n}"
            stem = _prefix_within(title, limit - units(suffix)).rstrip().removesuffix(ELLIPSIS)
            candidate = stem + suffix
        seen.add(candidate)
        out[i] = candidate
    return out


def split_text(body: str, limit: int = limits.TEXT_BODY) -> list[str]:
    """Chunks of at most `limit` units, cut at line boundaries (a line longer than `limit` is
    cut at a space, else anywhere). Blank chunks are dropped."""
    if units(body) <= limit:  # most replies: one chunk, no line to weigh
        return [body.strip("\n")] if body.strip() else []
    chunks: list[str] = []
    current = ""
    used = 0  # units(current), kept as lines are added
    for line in _pieces(body, limit):
        size = units(line)
        if used + size > limit:
            chunks.append(current)
            current, used = "", 0
        current += line
        used += size
    chunks.append(current)
    return [c.strip("\n") for c in chunks if c.strip()]


def _pieces(body: str, limit: int) -> list[str]:
    out: list[str] = []
    for line in body.splitlines(keepends=True):
        while units(line) > limit:
            head = _prefix_within(line, limit)
            space = max(head.rfind(" "), head.rfind("\t"))
            cut = space + 1 if space > 0 else len(head)
            out.append(line[:cut])
            line = line[cut:]
        out.append(line)
    return out


def _prefix_within(text: str, limit: int) -> str:
    used = 0
    for i, ch in enumerate(text):
        used += units(ch)
        if used > limit:
            return text[:i]
    return text


def _envelope(to: str, kind: str, body: Payload) -> Payload:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
            "type": kind, kind: body}  # fmt: skip


def text_payloads(to: str, body: str) -> list[Payload]:
    chunks = split_text(body)
    if not chunks:
        raise DoesNotFit("empty text")
    return [_envelope(to, "text", {"preview_url": False, "body": c}) for c in chunks]


def _check_ids(ids: Sequence[str], limit: int) -> None:
    for i in ids:
        if not i.strip() or i != i.strip() or units(i) > limit:
            raise DoesNotFit(f"id {i!r} is empty, padded or longer than {limit}")
    if len(set(ids)) != len(ids):
        raise DoesNotFit("ids must be unique")


def _lead_and_body(to: str, body: str) -> tuple[list[Payload], str]:
    """Interactive bodies hold 1,024: earlier parts go first as text, the last part stays."""
    chunks = split_text(body, limits.INTERACTIVE_BODY)
    if not chunks:
        raise DoesNotFit("empty interactive body")
    lead = [_envelope(to, "text", {"preview_url": False, "body": c}) for c in chunks[:-1]]
    return lead, chunks[-1]


def _decorate(inter: Payload, header: str | None, footer: str | None) -> Payload:
    if header and fit(header, limits.HEADER):
        inter["header"] = {"type": "text", "text": fit(header, limits.HEADER)}
    if footer and fit(footer, limits.FOOTER):
        inter["footer"] = {"type": "text", "text": fit(footer, limits.FOOTER)}
    return inter


def buttons_payloads(to: str, reply: ButtonsMessage, overflow: Overflow) -> list[Payload]:
    if len(reply.buttons) > limits.BUTTONS:
        # More than three choices: a list holds up to ten (and pages beyond).
        rows = tuple(Row(id=b.id, title=b.title) for b in reply.buttons)
        as_list = ListMessage(
            reply.body, "Options", (Section("", rows),), reply.header, reply.footer
        )
        return list_payloads(to, as_list, overflow)
    if not reply.buttons:
        raise DoesNotFit("no buttons")
    _check_ids([b.id for b in reply.buttons], limits.BUTTON_ID)
    lead, body = _lead_and_body(to, reply.body)
    titles = distinct_titles([b.title for b in reply.buttons], limits.BUTTON_TITLE)
    buttons = [
        {"type": "reply", "reply": {"id": b.id, "title": t}}
        for b, t in zip(reply.buttons, titles, strict=True)
    ]
    inter = {"type": "button", "body": {"text": body}, "action": {"buttons": buttons}}
    return [*lead, _envelope(to, "interactive", _decorate(inter, reply.header, reply.footer))]


def _pages(sections: Sequence[Section]) -> list[list[Section]]:
    pages: list[list[Section]] = [[]]
    count = 0
    for section in sections:
        rows = list(section.rows)
        while rows:
            if count == limits.ROWS:
                pages.append([])
                count = 0
            take = rows[: limits.ROWS - count]
            rows = rows[len(take) :]
            pages[-1].append(Section(section.title, tuple(take)))
            count += len(take)
    return pages


def list_payloads(to: str, reply: ListMessage, overflow: Overflow) -> list[Payload]:
    all_rows = [r for s in reply.sections for r in s.rows]
    if not all_rows:
        raise DoesNotFit("a list needs rows")
    if len(all_rows) > limits.ROWS and overflow is Overflow.RAISE:
        raise DoesNotFit(f"{len(all_rows)} rows; a list holds {limits.ROWS}")
    _check_ids([r.id for r in all_rows], limits.ROW_ID)
    lead, body = _lead_and_body(to, reply.body)
    label = fit(reply.button_label, limits.LIST_BUTTON) or "Options"
    out = lead
    for page in _pages(reply.sections):
        titles = distinct_titles([r.title for s in page for r in s.rows], limits.ROW_TITLE)
        named = len(page) > 1
        sections, i = [], 0
        for n, section in enumerate(page):
            rows = []
            for row in section.rows:
                item = {"id": row.id, "title": titles[i]}
                if row.description.strip():
                    item["description"] = fit(row.description, limits.ROW_DESCRIPTION)
                rows.append(item)
                i += 1
            entry: Payload = {"rows": rows}
            title = fit(section.title, limits.SECTION_TITLE)
            if title or named:
                entry["title"] = title or f"Part {n + 1}"
            sections.append(entry)
        inter = {"type": "list", "body": {"text": body},
                 "action": {"button": label, "sections": sections}}  # fmt: skip
        out.append(_envelope(to, "interactive", _decorate(inter, reply.header, reply.footer)))
    return out


def _param(text: str) -> str:
    # Meta rejects template parameters with newlines, tabs or more than 4 consecutive spaces.
    flat = re.sub(r"\s+", " ", text).strip()
    return fit(flat, limits.TEMPLATE_PARAM) or "-"


def template_payload(to: str, reply: TemplateReply) -> Payload:
    if not reply.name.strip() or not reply.language.strip():
        raise DoesNotFit("template name and language required")
    template: Payload = {"name": reply.name, "language": {"code": reply.language}}
    if reply.body_params:
        params = [{"type": "text", "text": _param(p)} for p in reply.body_params]
        template["components"] = [{"type": "body", "parameters": params}]
    return _envelope(to, "template", template)


def build(to: str, reply: Reply, overflow: Overflow = Overflow.PAGE) -> list[Payload]:
    """The payloads, in sending order, that show `reply` to `to`."""
    if isinstance(reply, TextReply):
        return text_payloads(to, reply.body)
    if isinstance(reply, ButtonsMessage):
        return buttons_payloads(to, reply, overflow)
    if isinstance(reply, ListMessage):
        return list_payloads(to, reply, overflow)
    if isinstance(reply, TemplateReply):
        return [template_payload(to, reply)]
    raise DoesNotFit("a media reply needs its upload first (gateway.whatsapp.media)")
