"""Button and list-row ids that carry their own meaning.

A tap on an old screen must still work after the session expired, so every id says what it asks
for (`accept:<credexID>`, `offers:in:page:2`) and is re-checked against credex-core when tapped.
Ids stay well under WhatsApp's 200-character limit: the longest carries one 36-character UUID.
"""

from __future__ import annotations

MENU = "menu"
HELP = "help"
ACCEPT_ALL = "offers:in:acceptall"
BECOME_MEMBER = "onboard:start"
NAME_OK = "onboard:register"
NAME_EDIT = "onboard:edit"
VIEW_PENDING_TEMPLATE = "View Pending"  # the push template's quick-reply payload


def offer_start(secured: bool) -> str:
    return "offer:secured" if secured else "offer:unsecured"


def pending_page(direction: str, page: int) -> str:
    return f"offers:{direction}:page:{page}"


def pending_offer(direction: str, credex_id: str) -> str:
    return f"offer:{direction}:{credex_id}"


def accept(credex_id: str) -> str:
    return f"accept:{credex_id}"


def decline(credex_id: str) -> str:
    return f"decline:{credex_id}"


def ask_cancel(credex_id: str) -> str:
    return f"cancel:{credex_id}"


def cancel_now(credex_id: str) -> str:
    return f"cancelnow:{credex_id}"


def confirm(draft_id: str) -> str:
    return f"confirm:{draft_id}"


def discard(draft_id: str) -> str:
    return f"discard:{draft_id}"


def ledger_page(page: int) -> str:
    return f"ledger:page:{page}"


def due_in(days: int) -> str:
    return f"due:{days}"
