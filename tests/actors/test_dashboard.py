"""The dashboard: greeting by Harare time, balances, limits, pending counts, rows that apply."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from actors.flows.dashboard import ShowDashboard
from actors.intents import accounts as accounts_ids
from actors.intents import members as members_ids
from actors.intents import navigation as navigation_ids
from actors.intents import notifications as notifications_ids
from actors.intents import offer as offer_ids
from actors.intents import pending as pending_ids
from actors.results import ViewLoaded
from actors.screens.dashboard import greeting
from tests.actors.views import ids_in, logged_in, offer, run, said, view


@pytest.mark.parametrize(
    ("utc_hour", "word"),
    [
        (3, "morning"),  # 05:00 in Harare
        (9, "morning"),  # 11:00
        (10, "afternoon"),  # 12:00
        (15, "afternoon"),  # 17:00
        (16, "evening"),  # 18:00
        (19, "evening"),  # 21:00
        (20, "Hello"),  # 22:00
        (2, "Hello"),  # 04:00
    ],
)
def test_greeting_follows_the_bot_timezone(utc_hour: int, word: str) -> None:
    now = dt.datetime(2026, 3, 10, utc_hour, 0, tzinfo=dt.UTC)
    outcome = run(logged_in(), ViewLoaded(view(), ShowDashboard()), now=now)
    first_line = said(outcome).splitlines()[0]
    assert word in first_line and "Tendai" in first_line


def test_greeting_uses_the_local_hour_not_utc() -> None:
    harare = dt.timezone(dt.timedelta(hours=2))
    assert "morning" in greeting("A", dt.datetime(2026, 1, 1, 11, 59, tzinfo=harare))
    assert "afternoon" in greeting("A", dt.datetime(2026, 1, 1, 12, 0, tzinfo=harare))


def test_open_tier_sees_its_daily_limit_and_no_unsecured_row() -> None:
    outcome = run(logged_in(), ViewLoaded(view(tier=1, remaining="7.5"), ShowDashboard()))
    assert "*Left to offer today:* 7.50 USD" in said(outcome)
    assert offer_ids.offer_start(False) not in ids_in(outcome.replies[0])


def test_paid_tier_has_no_limit_line_and_can_offer_unsecured() -> None:
    outcome = run(logged_in(), ViewLoaded(view(tier=3), ShowDashboard()))
    assert "Left to offer" not in said(outcome)
    assert offer_ids.offer_start(False) in ids_in(outcome.replies[0])


def test_unsecured_block_only_when_there_are_payables_or_receivables() -> None:
    plain = said(run(logged_in(), ViewLoaded(view(), ShowDashboard())))
    assert "Payables" not in plain
    owing = said(run(logged_in(), ViewLoaded(view(payables="4", receivables="1"), ShowDashboard())))
    assert "Payables: 4.00 USD" in owing and "Net: -3.00 USD" in owing


def test_pending_rows_appear_only_with_pending_offers_and_show_counts() -> None:
    bare = ids_in(run(logged_in(), ViewLoaded(view(), ShowDashboard())).replies[0])
    assert (
        pending_ids.pending_page("in", 1) not in bare
        and pending_ids.pending_page("out", 1) not in bare
    )
    busy = run(
        logged_in(),
        ViewLoaded(
            view(pending_in=(offer("a", "1"), offer("b", "2")), pending_out=(offer("c", "-1"),)),
            ShowDashboard(),
        ),
    )
    text = said(busy)
    assert "Incoming offers (2)" in text and "Outgoing offers (1)" in text
    assert "2 incoming · 1 outgoing" in text


def test_dashboard_shows_account_name_handle_and_net_assets() -> None:
    text = said(run(logged_in(), ViewLoaded(view(), ShowDashboard())))
    assert "*💳 Tendai Moyo Personal*" in text and "Handle: tendai" in text
    assert "*Net assets:* 100.00 USD" in text and "• 100.00 USD" in text


def test_cancelled_notice_comes_before_the_dashboard() -> None:
    outcome = run(logged_in(), ViewLoaded(view(), ShowDashboard("cancelled")))
    assert said(outcome).startswith("👌 Cancelled. Nothing was sent.")


# ----- accounts, members and notifications rows: each only when it applies -----

ACCOUNT_ROWS = (accounts_ids.ACCOUNTS, members_ids.MEMBERS, notifications_ids.NOTIFICATIONS)


@pytest.mark.parametrize(
    ("tier", "accounts", "chosen", "expected"),
    [
        (1, 1, None, ()),
        (2, 1, None, ()),
        (3, 1, None, (accounts_ids.ACCOUNTS,)),
        (
            2,
            2,
            None,
            (accounts_ids.ACCOUNTS,),
        ),  # a member downgraded with two accounts may still switch
        (
            4,
            1,
            None,
            (accounts_ids.ACCOUNTS, members_ids.MEMBERS),
        ),  # only the owner is authorized: nobody to pick
        (
            4,
            2,
            "acc-bakery",
            (accounts_ids.ACCOUNTS, members_ids.MEMBERS, notifications_ids.NOTIFICATIONS),
        ),
        (3, 2, "acc-bakery", (accounts_ids.ACCOUNTS, notifications_ids.NOTIFICATIONS)),
    ],
)
def test_account_rows_show_only_when_they_apply(
    tier: int, accounts: int, chosen: str | None, expected: tuple[str, ...]
) -> None:
    from tests.actors.views import BAKERY, PERSONAL, owner_view

    owned = (PERSONAL, BAKERY)[:accounts]
    session = attrs.evolve(logged_in(), chosen_account=chosen)
    outcome = run(session, ViewLoaded(owner_view(*owned, tier=tier), ShowDashboard()))
    rows = ids_in(outcome.replies[0])
    assert tuple(r for r in rows if r in ACCOUNT_ROWS) == expected
    assert len(rows) <= 10


def test_every_row_at_once_still_fits_in_ten() -> None:
    from tests.actors.views import BAKERY, PERSONAL, owner_view

    busy = attrs.evolve(BAKERY, pending_in=(offer("a", "1"),), pending_out=(offer("b", "-1"),))
    session = attrs.evolve(logged_in(), chosen_account="acc-bakery")
    outcome = run(session, ViewLoaded(owner_view(PERSONAL, busy), ShowDashboard()))
    rows = ids_in(outcome.replies[0])
    assert len(rows) == 10 and rows[-1] == navigation_ids.HELP
    assert "Active account (2 you own)" in said(outcome)


def test_one_account_needs_no_active_account_line() -> None:
    assert "Active account" not in said(run(logged_in(), ViewLoaded(view(), ShowDashboard())))


@pytest.mark.parametrize(
    "reply_id",
    [
        accounts_ids.ACCOUNTS,
        accounts_ids.accounts_page(3),
        accounts_ids.switch_account("0b9c6a8e-1111-4222-8333-444455556666"),
        accounts_ids.NEW_ACCOUNT,
        accounts_ids.create_account("chipo_catering"),
        members_ids.MEMBERS,
        members_ids.ADD_MEMBER,
        members_ids.authorize_member("0b9c6a8e-1111-4222-8333-444455556666", "263771000003"),
        members_ids.ask_remove_member("0b9c6a8e-1111-4222-8333-444455556666", "mem-1"),
        members_ids.remove_member("0b9c6a8e-1111-4222-8333-444455556666", "mem-1"),
        notifications_ids.NOTIFICATIONS,
        notifications_ids.ask_notify("0b9c6a8e-1111-4222-8333-444455556666", "mem-1"),
        notifications_ids.set_notify("0b9c6a8e-1111-4222-8333-444455556666", "mem-1"),
        navigation_ids.CANCEL,
    ],
)
def test_every_account_id_carries_its_meaning(reply_id: str) -> None:
    from actors.intents import from_id
    from actors.intents.base import Unsupported

    intent = from_id(reply_id)
    assert not isinstance(intent, Unsupported)
    assert len(reply_id) <= 200
