"""Tier daily limits on every credex (docs/credex-core-api.md §10.3 [INTENDED]) and the due-date
window (§5.5)."""

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from simulator.credex.dco import advance_day
from simulator.credex.limits import (
    DUE_DATE_REFUSED,
    authorize_spend,
    due_date_allowed,
    remaining_usd,
)
from simulator.credex.model import Credex, Refusal
from simulator.credex.offers import create_credex
from tests.simulator.world import dev_ledger, fund, join, offer, terms

DAY = dt.date(2021, 1, 2)


def test_open_tier_may_issue_ten_usd_a_day_across_all_its_credexes() -> None:
    ledger = dev_ledger()
    member, alice = join(ledger, "11111111", tier=1)
    _, bob = join(ledger, "22222222")
    fund(ledger, alice, 50)
    offer(ledger, alice, bob, 6)
    offer(ledger, alice, bob, 4)
    assert remaining_usd(ledger, ledger.members[member.member_id]) == Decimal(0)
    refused = create_credex(ledger, terms(alice, bob, "0.01"), member.member_id, True)
    assert refused == Refusal(
        400, "You are only able to issue 0.00 USD until tomorrow. Limits renew at midnight UTC."
    )


def test_limit_converts_other_denominations_to_usd() -> None:
    ledger = dev_ledger()
    _, alice = join(ledger, "11111111", tier=1)
    fund(ledger, alice, 50, "CAD")
    # 13.50 CAD is exactly 10 USD at the fixed rates; a cent more is over.
    assert authorize_spend(ledger, alice, Decimal("13.50"), "CAD", True).authorized
    assert not authorize_spend(ledger, alice, Decimal("13.51"), "CAD", True).authorized


def test_open_tier_may_not_issue_unsecured_at_all() -> None:
    ledger = dev_ledger()
    member, alice = join(ledger, "11111111", tier=1)
    _, bob = join(ledger, "22222222")
    due = DAY + dt.timedelta(days=10)
    result = create_credex(
        ledger, terms(alice, bob, 1, secured=False, due=due), member.member_id, True
    )
    assert result == Refusal(400, "Unsecured credex not permitted on open tier")


def test_verified_tier_limit_of_100_counts_unsecured_credexes_too() -> None:
    ledger = dev_ledger()
    member, alice = join(ledger, "11111111", tier=2)
    _, bob = join(ledger, "22222222")
    due = DAY + dt.timedelta(days=10)
    offer(ledger, alice, bob, 99, secured=False, due=due)
    assert remaining_usd(ledger, ledger.members[member.member_id]) == Decimal(1)
    decision = authorize_spend(ledger, alice, Decimal(2), "USD", False)
    assert decision.message == (
        "You are only able to issue 1.00 USD until tomorrow. Limits renew at midnight UTC."
    )


def test_paid_tiers_have_no_daily_limit() -> None:
    ledger = dev_ledger()
    member, alice = join(ledger, "11111111", tier=3)
    decision = authorize_spend(ledger, alice, Decimal(10**9), "USD", False)
    assert (decision.authorized, decision.message) == (
        True,
        "No daily limits on credex for paid tiers",
    )
    assert remaining_usd(ledger, member) is None


def test_limits_renew_when_the_day_advances() -> None:
    ledger = dev_ledger()
    member, alice = join(ledger, "11111111", tier=1)
    _, bob = join(ledger, "22222222")
    fund(ledger, alice, 50)
    offer(ledger, alice, bob, 10)
    advance_day(ledger)
    assert remaining_usd(ledger, ledger.members[member.member_id]) == Decimal(10)


def test_the_limit_belongs_to_the_owner_of_the_issuing_account_not_the_signer() -> None:
    ledger = dev_ledger()
    _, alice = join(ledger, "11111111", tier=1)
    assert authorize_spend(ledger, alice, Decimal(11), "USD", True).message.startswith(
        "You are only able to issue 10.00 USD"
    )


@pytest.mark.parametrize(
    ("days", "allowed"), [(6, False), (7, True), (20, True), (34, True), (35, False), (-1, False)]
)
def test_due_date_must_lie_7_to_34_days_after_the_system_day(days: int, allowed: bool) -> None:
    assert due_date_allowed(DAY + dt.timedelta(days=days), DAY) is allowed


@pytest.mark.parametrize("text", ["2021-1-20", "20/01/2021", "2021-02-30", "soon"])
def test_malformed_due_dates_are_refused_with_the_window_message(text: str) -> None:
    ledger = dev_ledger()
    member, alice = join(ledger, "11111111", tier=3)
    _, bob = join(ledger, "22222222")
    bad = terms(alice, bob, 1, secured=False)
    result = create_credex(ledger, attrs.evolve(bad, due_date=text), member.member_id, True)
    assert result == Refusal(400, DUE_DATE_REFUSED)


def test_due_date_window_follows_the_system_day_not_the_wall_clock() -> None:
    ledger = dev_ledger()
    member, alice = join(ledger, "11111111", tier=3)
    _, bob = join(ledger, "22222222")
    due = DAY + dt.timedelta(days=7)
    credex = create_credex(
        ledger, terms(alice, bob, 5, secured=False, due=due), member.member_id, True
    )
    assert isinstance(credex, Credex) and credex.due_date == due
