"""The dev seed (docs/credex-core-api.md §10.10) and the demo members other code imports."""

import datetime as dt
from decimal import Decimal

from simulator.credex.app import SimConfig
from simulator.credex.model import CredexState
from simulator.credex.money import format_amount
from simulator.credex.seed import (
    CHIPO_BAKERY_HANDLE,
    CHIPO_BAKERY_NAME,
    CHIPO_BAKERY_SECURED_USD,
    DEMO_CHIPO,
    DEMO_MEMBERS,
    DEMO_RUDO,
    DEMO_TENDAI,
    SEED_ACCOUNTS,
)
from tests.simulator.harness import ManualClock, counting_ids, running

SEED_PHONES = ("263778177125", "263787379972", "263788435091")


async def test_dev_seed_is_day_two_with_three_tier_five_members_and_five_system_accounts() -> None:
    async with running() as sim:
        ledger = sim.ledger
        assert ledger.day == dt.date(2021, 1, 2)
        for phone in SEED_PHONES:
            member = ledger.member_with_phone(phone)
            assert member is not None and member.tier == 5 and member.handle == phone
            assert ledger.account_with_handle(phone) is not None
        for spec in SEED_ACCOUNTS:
            account = ledger.account_with_handle(spec.handle)
            assert account is not None
            owner = ledger.members[account.owner_id]
            assert (account.account_type, account.name, account.default_denom) == (
                spec.account_type,
                spec.name,
                spec.denom,
            )
            assert (owner.phone, account.audited) == (spec.owner_phone, spec.audited)
        initial = next(iter(ledger.credexes.values()))
        assert (initial.initial, initial.denomination, initial.state) == (
            Decimal(365),
            "CAD",
            CredexState.OWES,
        )


async def test_day_flag_pins_the_system_day() -> None:
    async with running(SimConfig(day=dt.date(2024, 11, 7), ids=counting_ids())) as sim:
        assert sim.ledger.day == dt.date(2024, 11, 7)


async def test_demo_seed_starts_on_the_clocks_utc_date_with_the_published_balances() -> None:
    clock = ManualClock(dt.datetime(2026, 3, 14, 23, 30, tzinfo=dt.UTC))
    async with running(SimConfig(seed="demo", clock=clock, ids=counting_ids())) as sim:
        assert sim.ledger.day == dt.date(2026, 3, 14)
        for demo in DEMO_MEMBERS:
            view = await sim.dashboard(demo.phone)
            member = view["memberDashboard"]
            assert (member["firstname"], member["lastname"], member["memberTier"]) == (
                demo.firstname,
                demo.lastname,
                demo.tier,
            )
            account = view["accountDashboards"][0]
            assert account["accountHandle"] == demo.account_handle
            assert account["balanceData"]["securedNetBalancesByDenom"] == [
                format_amount(demo.secured_usd, "USD")
            ]
        chipo = await sim.dashboard(DEMO_CHIPO.phone)
        bakery = chipo["accountDashboards"][1]
        assert (bakery["accountName"], bakery["accountHandle"]) == (
            CHIPO_BAKERY_NAME,
            CHIPO_BAKERY_HANDLE,
        )
        assert bakery["balanceData"]["securedNetBalancesByDenom"] == [
            format_amount(CHIPO_BAKERY_SECURED_USD, "USD")
        ]
        assert sim.ledger.accounts[bakery["accountID"]].account_type == "BUSINESS"


async def test_demo_tendai_and_rudo_have_secured_and_unsecured_offers_both_ways() -> None:
    async with running(SimConfig(seed="demo", ids=counting_ids())) as sim:
        tendai = (await sim.dashboard(DEMO_TENDAI.phone))["accountDashboards"][0]
        for side in ("pendingInData", "pendingOutData"):
            offers = tendai[side]
            assert {o["counterpartyAccountName"] for o in offers} == {"Rudo Chikwanha Personal"}
            assert {o.get("secured", False) for o in offers} == {True, False}
        token = await sim.login(DEMO_RUDO.phone)
        rudo_view = await sim.dashboard(DEMO_RUDO.phone)
        history = await sim.post(
            "/v1/getLedger", {"accountID": rudo_view["memberDashboard"]["accountIDS"][0]}, token
        )
        assert len(history.body) == 3  # funding, tendai's 40 and rudo's 20 unsecured
        # Only today's two offers (10 + 8) count toward rudo's 100 USD limit.
        assert rudo_view["memberDashboard"]["remainingAvailableUSD"] == 82
