"""Button and list-row ids that carry their own meaning.

A tap on an old screen must still work after the session expired, so every id says what it asks
for (`accept:<credexID>`, `offers:in:page:2`) and is re-checked against credex-core when tapped.
Ids stay well under WhatsApp's 200-character limit: the longest carries one 36-character UUID.
"""

from __future__ import annotations

import hashlib

MENU = "menu"
HELP = "help"
ACCEPT_ALL = "offers:in:acceptall"  # buttons from before Accept-all named what it listed
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


def accept_all(listed: tuple[str, ...]) -> str:
    """Accept-all for exactly the offers `listed`: the id carries a digest of their ids (ten
    UUIDs would not fit WhatsApp's 200 characters), checked against the session's list."""
    return f"{ACCEPT_ALL}:{listed_digest(listed)}"


def listed_digest(listed: tuple[str, ...]) -> str:
    return hashlib.sha256("|".join(listed).encode()).hexdigest()[:12]


def confirm(draft_id: str) -> str:
    return f"confirm:{draft_id}"


def discard(draft_id: str) -> str:
    return f"discard:{draft_id}"


def ledger_page(page: int, end: int = 0) -> str:
    """Ledger page `page`, newest first. `end` is how many entries the ledger held when it was
    opened, so later pages stay put when new credexes arrive (0: count them afresh)."""
    return f"ledger:page:{page}:end:{end}" if end else f"ledger:page:{page}"


def ledger_credex(credex_id: str, page: int, end: int = 0) -> str:
    """A ledger row: the credex to show, and the ledger page its Back button returns to."""
    anchor = f":end:{end}" if end else ""
    return f"ledger:credex:{credex_id}:page:{page}{anchor}"


def due_in(days: int) -> str:
    return f"due:{days}"


# ----- accounts, members, notifications: account and member ids travel in the id, so an old
# tap acts on the account it was shown for, re-checked against a fresh view from credex-core.

ACCOUNTS = "accounts"
NEW_ACCOUNT = "account:new"
MEMBERS = "members"
ADD_MEMBER = "members:add"
NOTIFICATIONS = "notifications"


def accounts_page(page: int) -> str:
    return f"accounts:page:{page}"


def switch_account(account_id: str) -> str:
    return f"account:switch:{account_id}"


def create_account(handle: str) -> str:
    return f"account:create:{handle}"


def authorize_member(account_id: str, handle: str) -> str:
    return f"members:authorize:{account_id}:{handle}"


def ask_remove_member(account_id: str, member_id: str) -> str:
    return f"members:remove:{account_id}:{member_id}"


def remove_member(account_id: str, member_id: str) -> str:
    return f"members:removenow:{account_id}:{member_id}"


def ask_notify(account_id: str, member_id: str) -> str:
    return f"notify:set:{account_id}:{member_id}"


def set_notify(account_id: str, member_id: str) -> str:
    return f"notify:setnow:{account_id}:{member_id}"


CANCEL = "nav:cancel"  # a Cancel button that means the navigation word *cancel*

GET_PAID = "getpaid"  # the menu's pay link and QR code for the active account
STATEMENT = "ledger:statement"  # the ledger's PDF statement of the last 30 days


def quick(command: str) -> str:
    """A button that starts a quick command again (`USD 5.00=>rudo`), through its confirmation."""
    return f"quick:{command}"
