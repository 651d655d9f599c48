"""Golden tests for the accounts, members and notifications screens, and WhatsApp's limits on each.

Regenerate after a deliberate wording change with
`UPDATE_GOLDEN=1 .venv/bin/pytest tests/actors/test_account_screens.py` and review the diff.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import attrs
import pytest

from actors.failure import Failure
from actors.replies import ListMessage, Reply
from actors.screens import accounts, dashboard, members, notifications
from actors.session import AccountForm
from tests.actors.test_screens import GOLDEN, HARARE_MORNING, assert_within_limits, render
from tests.actors.views import (
    BAKERY,
    CHIPO,
    FARAI_M,
    NYASHA_M,
    PERSONAL,
    RUDO_M,
    TENDAI_M,
    account,
    owner_view,
)

FULL = attrs.evolve(BAKERY, authorized=(CHIPO, TENDAI_M, RUDO_M, FARAI_M, NYASHA_M))
MANY = tuple(
    account(f"acc-{n}", f"Branch number {n} of a very long business name", f"branch_{n}")
    for n in range(1, 10)
)
FORM = AccountForm("confirm", "Chipos Bakery", "chipos_bakery", "USD", name_changed=True)
TIER = "You can only authorize someone to transact on behalf of your account when you are on the "
LIMIT = "Limit of 5 authorized accounts reached. Remove an authorized account if you want to add"

SCREENS: dict[str, Callable[[], Reply]] = {
    "dashboard_business_active": lambda: dashboard.dashboard(owner_view(), BAKERY, HARARE_MORNING),
    "accounts_list": lambda: accounts.accounts_list((PERSONAL, BAKERY), "acc-bakery", 1, True),
    "accounts_list_paged": lambda: accounts.accounts_list(MANY, "acc-1", 1, True),
    "accounts_switched": lambda: accounts.switched(BAKERY),
    "accounts_gone": accounts.account_gone,
    "accounts_cannot_create": lambda: accounts.cannot_create(2),
    "accounts_ask_name": accounts.ask_name,
    "accounts_name_problem": lambda: accounts.name_problem("Jo"),
    "accounts_ask_handle": lambda: accounts.ask_handle("Chipos Bakery", True),
    "accounts_handle_taken": lambda: accounts.handle_taken("chipo_bakery"),
    "accounts_confirm": lambda: accounts.confirm(FORM),
    "accounts_created": lambda: accounts.created("Chipos Bakery", "chipos_bakery"),
    "accounts_not_created_tier": lambda: accounts.not_created(
        Failure(
            "forbidden", "You cannot create an account on the Open or Verified membership tiers."
        )
    ),
    "accounts_confirmation_closed": accounts.confirmation_closed,
    "members_list": lambda: members.members_list(BAKERY, "mem-chipo"),
    "members_list_full": lambda: members.members_list(FULL, "mem-chipo"),
    "members_tier_too_low": lambda: members.tier_too_low(3),
    "members_limit_reached": lambda: members.limit_reached("Chipos Bakery"),
    "members_ask_handle": lambda: members.ask_handle("Chipos Bakery"),
    "members_is_you": members.is_you,
    "members_already": lambda: members.already("Tendai Moyo", "Chipos Bakery"),
    "members_unknown": lambda: members.unknown("263779999999"),
    "members_confirm": lambda: members.confirm_authorize(
        "acc-bakery", "Chipos Bakery", "263771000003", "Farai Ncube"
    ),
    "members_authorized": lambda: members.authorized("Farai Ncube"),
    "members_ask_remove": lambda: members.ask_remove(BAKERY, RUDO_M),
    "members_removed": lambda: members.removed("Rudo Chikwanha", "Chipos Bakery"),
    "members_owner_stays": lambda: members.owner_stays("Chipos Bakery"),
    "members_gone": members.member_gone,
    "members_refused_tier": lambda: members.refused(Failure("forbidden", TIER), 3),
    "members_refused_limit": lambda: members.refused(Failure("limit", LIMIT), 4),
    "notifications_current": lambda: notifications.current(BAKERY, "mem-chipo"),
    "notifications_only_you": lambda: notifications.current(PERSONAL, "mem-chipo"),
    "notifications_ask": lambda: notifications.ask(BAKERY, TENDAI_M, "mem-chipo"),
    "notifications_changed": lambda: notifications.changed("Chipos Bakery", TENDAI_M),
    "notifications_already": lambda: notifications.already(CHIPO),
    "notifications_not_a_member": notifications.not_a_member,
    "notifications_refused": lambda: notifications.refused(
        Failure("invalid", "Failed to update offer recipient for account")
    ),
}


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_screen_matches_its_golden_text(name: str) -> None:
    text = render(SCREENS[name]())
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_screen_respects_whatsapp_limits(name: str) -> None:
    assert_within_limits(SCREENS[name]())


def test_nine_accounts_page_within_ten_rows_with_previous_more_new_and_menu() -> None:
    first = accounts.accounts_list(MANY, "acc-1", 1, True)
    second = accounts.accounts_list(MANY, "acc-1", 2, True)
    assert isinstance(first, ListMessage) and isinstance(second, ListMessage)
    ids = [r.id for s in first.sections for r in s.rows]
    assert len(ids) <= 10
    assert ids[6:] == ["accounts:page:2", "account:new", "menu"]
    assert [r.id for s in second.sections for r in s.rows] == [
        "account:switch:acc-7",
        "account:switch:acc-8",
        "account:switch:acc-9",
        "accounts:page:1",
        "account:new",
        "menu",
    ]


def test_every_member_but_the_owner_is_removable_even_the_last_one() -> None:
    reply = members.members_list(FULL, "mem-chipo")
    ids = [r.id for s in reply.sections for r in s.rows]
    removable = [i.rsplit(":", 1)[1] for i in ids if i.startswith("members:remove:")]
    assert removable == ["mem-tendai", "mem-rudo", "mem-farai", "mem-nyasha"]
    assert "members:add" not in ids  # the limit of 5 is reached
    assert "limit of 5" in reply.body
