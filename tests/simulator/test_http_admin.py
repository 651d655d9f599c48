"""DevAdmin and Admin over real HTTP (docs/credex-core-api.md §8.5, §8.6): clear, forceDCO,
gimmeSecured, tier changes."""

import datetime as dt

from simulator.credex.app import SimConfig
from tests.simulator.flows import create, fund, join, offer_body
from tests.simulator.harness import counting_ids, running


async def test_clear_then_first_force_dco_initializes_the_seeded_ledger() -> None:
    async with running() as sim:
        cleared = await sim.post("/v1/devadmin/clearDevDBs")
        assert cleared.body == {"message": "Development databases cleared successfully"}
        assert (await sim.post("/v1/login", {"phone": "263788435091"})).status == 400
        forced = await sim.post("/v1/devadmin/forceDCO")
        assert forced.body == {"message": "Daily Credcoin Offering forced successfully"}
        assert sim.ledger.day == dt.date(2021, 1, 2)
        assert (await sim.dashboard("263788435091"))["memberDashboard"]["memberTier"] == 5


async def test_unseeded_simulator_starts_uninitialized_until_force_dco() -> None:
    config = SimConfig(seed="none", day=dt.date(2024, 11, 7), ids=counting_ids())
    async with running(config) as sim:
        assert sim.ledger.day is None
        await sim.post("/v1/devadmin/forceDCO")
        assert sim.ledger.day == dt.date(2024, 11, 7)


async def test_force_dco_expires_offers_after_their_second_day() -> None:
    async with running() as sim:
        alice, bob = await join(sim, "1111111111", tier=3), await join(sim, "2222222222")
        await fund(sim, alice, 5)
        credex_id = await create(sim, alice, bob, 5)
        for _ in range(2):
            await sim.post("/v1/devadmin/forceDCO")
        pending = (await sim.dashboard(bob.phone))["accountDashboards"][0]["pendingInData"]
        assert [p["credexID"] for p in pending] == [credex_id]
        await sim.post("/v1/devadmin/forceDCO")
        pending = (await sim.dashboard(bob.phone))["accountDashboards"][0]["pendingInData"]
        assert pending == {}
        body = {"credexID": credex_id, "accountID": bob.account_id}
        assert (await sim.post("/v1/getCredex", body, bob.token)).status == 500


async def test_daily_limit_renews_after_force_dco() -> None:
    async with running() as sim:
        alice, bob = await join(sim, "1111111111"), await join(sim, "2222222222")
        await fund(sim, alice, 30)
        await create(sim, alice, bob, 10)
        over = await sim.post("/v1/createCredex", offer_body(alice, bob, 1), alice.token)
        assert over.body == {
            "error": "You are only able to issue 0.00 USD until tomorrow. "
            "Limits renew at midnight UTC."
        }
        await sim.post("/v1/devadmin/forceDCO")
        view = await sim.dashboard(alice.phone)
        assert view["memberDashboard"]["remainingAvailableUSD"] == 10
        again = await sim.post("/v1/createCredex", offer_body(alice, bob, 1), alice.token)
        assert again.status == 200


async def test_due_date_window_moves_with_the_system_day() -> None:
    async with running() as sim:
        alice, bob = await join(sim, "1111111111", tier=2), await join(sim, "2222222222")
        first_allowed = offer_body(alice, bob, 1, securedCredex=False, dueDate="2021-01-09")
        await sim.post("/v1/devadmin/forceDCO")
        reply = await sim.post("/v1/createCredex", first_allowed, alice.token)
        assert reply.status == 400 and reply.body["error"].startswith("Due date must be permitted")
        moved = {**first_allowed, "dueDate": "2021-01-10"}
        assert (await sim.post("/v1/createCredex", moved, alice.token)).status == 200


async def test_gimme_secured_needs_a_known_handle() -> None:
    async with running() as sim:
        reply = await sim.post(
            "/v1/devadmin/gimmeSecured", {"accountHandle": "nobody", "denom": "USD", "amount": 5}
        )
        assert reply.status == 500 and "error" in reply.body


async def test_update_member_tier_refuses_tiers_above_five_and_reports_the_change() -> None:
    async with running() as sim:
        member = await join(sim, "1111111111")
        body = {"memberID": member.member_id, "tier": 6}
        reply = await sim.post("/v1/admin/updateMemberTier", body, member.token)
        assert reply.body == {
            "message": "Invalid memberTier. It must be an integer between 1 and 5 inclusive."
        }
        reply = await sim.post("/v1/admin/updateMemberTier", {**body, "tier": "2"}, member.token)
        assert reply.body["data"] == [
            {"memberID": member.member_id, "memberHandle": member.phone, "memberTier": 2}
        ]
        view = await sim.dashboard(member.phone)
        assert (
            view["memberDashboard"]["memberTier"],
            view["memberDashboard"]["remainingAvailableUSD"],
        ) == (2, 100)
        reply = await sim.post("/v1/admin/updateMemberTier", {**body, "tier": 0}, member.token)
        assert reply.body == {"message": "Invalid tier: must be a positive integer"}


async def test_duplicate_account_ids_only_behind_the_flag() -> None:
    for flag, expected in ((False, 1), (True, 2)):
        async with running(SimConfig(duplicate_account_ids=flag, ids=counting_ids())) as sim:
            alice, bob = await join(sim, "1111111111", tier=3), await join(sim, "2222222222")
            await fund(sim, alice, 10)  # not to the cent: CXX doubles (§10.1)
            await create(sim, alice, bob, 2)
            await create(sim, alice, bob, 3)
            view = await sim.dashboard(alice.phone)
            assert view["memberDashboard"]["accountIDS"] == [alice.account_id] * expected
            assert len(view["accountDashboards"]) == expected


async def test_dco_participant_gives_each_day_and_shares_the_credcoin_offered() -> None:
    async with running() as sim:
        member = await join(sim, "1111111111")
        await fund(sim, member, 10)
        body = {
            "memberID": member.member_id,
            "personalAccountID": member.account_id,
            "DCOgiveInCXX": 1.35,
            "DCOdenom": "USD",
        }
        reply = await sim.post("/v1/setDCOparticipantRate", body, member.token)
        assert reply.status == 200 and reply.body["data"]["DCOdenom"] == "USD"
        await sim.post("/v1/devadmin/forceDCO")
        balances = (await sim.dashboard(member.phone))["accountDashboards"][0]["balanceData"]
        # Gives 1.35 CXX = 1 USD; seed member A gives 1 CXX; each receives half of 2.35 CXX.
        assert balances["securedNetBalancesByDenom"] == ["9.00 USD", "1.175 CXX"]
        other = await join(sim, "2222222222")
        stolen = {**body, "personalAccountID": other.account_id}
        reply = await sim.post("/v1/setDCOparticipantRate", stolen, member.token)
        assert (reply.status, reply.body["error"]) == (400, "No matching DCO participant found")
