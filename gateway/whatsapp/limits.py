"""The Cloud API's payload limits, and a validator that checks any outbound payload against them.

Numbers from docs/whatsapp-cloud-api.md §A4 (and docs/architecture.md G8). Interactive bodies are
held to 1,024 even
for lists, where the current page says 4,096, because older pages and third parties say 1,024
and a smaller body is always accepted. Lengths are counted in UTF-16 code units, which is never
less than the code-point count, so an emoji-heavy title cannot slip over a limit whichever way
Meta counts it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

TEXT_BODY = 4096
INTERACTIVE_BODY = 1024
HEADER = 60
FOOTER = 60
BUTTONS = 3
BUTTON_TITLE = 20
BUTTON_ID = 256
LIST_BUTTON = 20
SECTIONS = 10
ROWS = 10  # across all sections combined
SECTION_TITLE = 24
ROW_TITLE = 24
ROW_DESCRIPTION = 72
ROW_ID = 200
TEMPLATE_PARAM = 1024
MEDIA_CAPTION = 1024
DOCUMENT_FILENAME = 240


def units(text: str) -> int:
    """Length as UTF-16 code units (see the module docstring)."""
    if text.isascii():  # most texts: one unit per character, without encoding them
        return len(text)
    return len(text.encode("utf-16-le", errors="surrogatepass")) // 2


def violations(payload: Mapping[str, Any]) -> list[str]:
    """Every way `payload` breaks a Cloud API limit; empty when it is valid."""
    problems: list[str] = []
    if payload.get("messaging_product") != "whatsapp":
        problems.append("messaging_product must be whatsapp")
    if payload.get("status") == "read":
        if not _nonblank(payload.get("message_id")):
            problems.append("mark-as-read needs message_id")
        return problems
    if not _nonblank(payload.get("to")):
        problems.append("to is required")
    kind = payload.get("type")
    if kind == "text":
        _check_text(_obj(payload.get("text")).get("body"), TEXT_BODY, "text.body", problems)
    elif kind == "interactive":
        _check_interactive(_obj(payload.get("interactive")), problems)
    elif kind == "template":
        _check_template(_obj(payload.get("template")), problems)
    elif kind in ("image", "document"):
        _check_media(kind, _obj(payload.get(kind)), problems)
    else:
        problems.append(f"unknown type {kind!r}")
    return problems


def _obj(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _nonblank(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _check_media(kind: str, media: Mapping[str, Any], problems: list[str]) -> None:
    """Media go by an uploaded id here (we never send links); the caption is optional."""
    if not _nonblank(media.get("id")):
        problems.append(f"{kind}.id must name an uploaded media id")
    caption = media.get("caption")
    if caption is not None and units(str(caption)) > MEDIA_CAPTION:
        problems.append(f"{kind}.caption longer than {MEDIA_CAPTION}")
    filename = media.get("filename")
    if kind == "document" and filename is not None and len(str(filename)) > DOCUMENT_FILENAME:
        problems.append(f"document.filename longer than {DOCUMENT_FILENAME}")


def _check_text(value: Any, limit: int, where: str, problems: list[str]) -> None:
    if not _nonblank(value):
        problems.append(f"{where} must be non-empty text")
    elif units(value) > limit:
        problems.append(f"{where} longer than {limit}")


def _check_optional(value: Any, limit: int, where: str, problems: list[str]) -> None:
    if value is not None:
        _check_text(value, limit, where, problems)


def _check_interactive(inter: Mapping[str, Any], problems: list[str]) -> None:
    _check_text(_obj(inter.get("body")).get("text"), INTERACTIVE_BODY, "body", problems)
    if "header" in inter:
        header = _obj(inter.get("header"))
        if header.get("type") != "text":
            problems.append("only text headers are built")
        _check_text(header.get("text"), HEADER, "header", problems)
    if "footer" in inter:
        _check_text(_obj(inter.get("footer")).get("text"), FOOTER, "footer", problems)
    action = _obj(inter.get("action"))
    if inter.get("type") == "button":
        _check_buttons(action.get("buttons"), problems)
    elif inter.get("type") == "list":
        _check_list(action, problems)
    else:
        problems.append(f"unknown interactive type {inter.get('type')!r}")


def _check_ids(ids: list[Any], limit: int, where: str, problems: list[str]) -> None:
    for i in ids:
        if not _nonblank(i) or i != i.strip():
            problems.append(f"{where} id {i!r} must be non-empty without outer spaces")
        elif units(i) > limit:
            problems.append(f"{where} id longer than {limit}")
    if len(set(map(str, ids))) != len(ids):
        problems.append(f"{where} ids must be unique")


def _check_buttons(buttons: Any, problems: list[str]) -> None:
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= BUTTONS:
        problems.append(f"1 to {BUTTONS} buttons required")
        return
    replies = [_obj(_obj(b).get("reply")) for b in buttons]
    if any(_obj(b).get("type") != "reply" for b in buttons):
        problems.append("buttons must be of type reply")
    titles = [r.get("title") for r in replies]
    for t in titles:
        _check_text(t, BUTTON_TITLE, "button title", problems)
    if len(set(map(str, titles))) != len(titles):
        problems.append("button titles must be unique")
    _check_ids([r.get("id") for r in replies], BUTTON_ID, "button", problems)


def _check_list(action: Mapping[str, Any], problems: list[str]) -> None:
    _check_text(action.get("button"), LIST_BUTTON, "list button", problems)
    sections = action.get("sections")
    if not isinstance(sections, list) or not 1 <= len(sections) <= SECTIONS:
        problems.append(f"1 to {SECTIONS} sections required")
        return
    rows: list[Mapping[str, Any]] = []
    for section in map(_obj, sections):
        if len(sections) > 1 or "title" in section:
            _check_text(section.get("title"), SECTION_TITLE, "section title", problems)
        section_rows = section.get("rows")
        if not isinstance(section_rows, list) or not section_rows:
            problems.append("every section needs rows")
            continue
        rows.extend(map(_obj, section_rows))
    if len(rows) > ROWS:
        problems.append(f"more than {ROWS} rows in total")
    for row in rows:
        _check_text(row.get("title"), ROW_TITLE, "row title", problems)
        _check_optional(row.get("description"), ROW_DESCRIPTION, "row description", problems)
    _check_ids([row.get("id") for row in rows], ROW_ID, "row", problems)


def _check_template(template: Mapping[str, Any], problems: list[str]) -> None:
    if not _nonblank(template.get("name")):
        problems.append("template name required")
    if not _nonblank(_obj(template.get("language")).get("code")):
        problems.append("template language code required")
    for component in template.get("components") or []:
        for param in _obj(component).get("parameters") or []:
            text = _obj(param).get("text")
            _check_text(text, TEMPLATE_PARAM, "template parameter", problems)
            # Meta rejects parameters with newlines, tabs or more than 4 consecutive spaces.
            if isinstance(text, str) and ("\n" in text or "\t" in text or "     " in text):
                problems.append("template parameter has a newline, tab or 5+ spaces")
