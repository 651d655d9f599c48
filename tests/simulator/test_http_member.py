"""Member routes over real HTTP: login, onboarding, handle lookup and dashboards
(docs/credex-core-api.md §8.1, §9)."""

from typing import Any

from simulator.credex.app import SimConfig
from tests.simulator.harness import counting_ids, running

NEW = {"firstname": "Test", "lastname": "Member1", "phone": "+1 234 567 890", "defaultDenom": "usd"}


async def test_unknown_phone_login_is_400_member_not_found() -> None:
    async with running() as sim:
        reply = await sim.post("/v1/login", {"phone": "1234567890"})
        assert (reply.status, reply.body) == (400, {"message": "Member not found"})


async def test_malformed_phone_login_gets_the_validation_message() -> None:
    async with running() as sim:
        reply = await sim.post("/v1/login", {"phone": "0771"})
        assert reply.status == 400
        assert reply.body == {
            "message": "Invalid phone number: must be a valid international phone number"
        }


async def test_onboarding_creates_a_tier_one_member_with_a_personal_account() -> None:
    async with running() as sim:
        reply = await sim.post("/v1/onboardMember", NEW)
        assert reply.status == 201, reply.text
        dashboard = reply.body["memberDashboard"]
        assert dashboard["memberHandle"] == "1234567890"
        assert (dashboard["memberTier"], dashboard["remainingAvailableUSD"]) == (1, 10)
        assert dashboard["accountIDS"] == [reply.body["defaultAccountID"]]
        assert reply.body["token"].count(".") == 2
        view = await sim.dashboard("1234567890")
        account = view["accountDashboards"][0]
        # Digits are stripped from names, as credex-core's name sanitizer does.
        assert account["accountName"] == "Test Member Personal"
        assert account["accountHandle"] == "1234567890"
        assert account["defaultDenom"] == "USD"


async def test_onboarding_a_used_phone_is_refused() -> None:
    async with running() as sim:
        assert (await sim.post("/v1/onboardMember", NEW)).status == 201
        reply = await sim.post("/v1/onboardMember", NEW)
        assert (reply.status, reply.body) == (400, {"message": "Phone number already in use"})


async def test_onboarding_validates_names_after_sanitizing() -> None:
    async with running() as sim:
        reply = await sim.post("/v1/onboardMember", {**NEW, "lastname": "O1"})
        assert reply.body == {
            "message": "Invalid name: must be between 3 and 50 characters long. Received length: 1"
        }


async def test_onboarding_without_an_active_day_fails() -> None:
    async with running(SimConfig(seed="none", ids=counting_ids())) as sim:
        reply = await sim.post("/v1/onboardMember", NEW)
        assert (reply.status, reply.body) == (400, {"message": "could not onboard member"})


async def test_new_member_dashboard_has_empty_objects_for_no_pending_offers() -> None:
    async with running() as sim:
        await sim.post("/v1/onboardMember", NEW)
        account = (await sim.dashboard("1234567890"))["accountDashboards"][0]
        assert account["pendingInData"] == {} and account["pendingOutData"] == {}
        assert account["balanceData"] == {
            "securedNetBalancesByDenom": [],
            "unsecuredBalancesInDefaultDenom": {
                "totalPayables": "0.00 USD",
                "totalReceivables": "0.00 USD",
                "netPayRec": "0.00 USD",
            },
            "netCredexAssetsInDefaultDenom": "0.00 USD",
        }
        assert account["isOwnedAccount"] is True
        assert [a["firstname"] for a in account["authFor"]] == ["Test"]


async def test_member_lookup_by_handle_gives_id_and_name() -> None:
    async with running() as sim:
        token = await sim.login("263788435091")
        reply = await sim.post("/v1/getMemberByHandle", {"memberHandle": "263788435091"}, token)
        assert reply.status == 200
        assert reply.body["memberData"]["memberName"] == "Seed MemberC"
        missing = await sim.post("/v1/getMemberByHandle", {"memberHandle": "999999"}, token)
        assert (missing.status, missing.body) == (404, {"message": "Member not found"})


async def test_dashboard_lists_owned_accounts_only() -> None:
    async with running() as sim:
        view: dict[str, Any] = await sim.dashboard("263788435091")  # member C
        handles = [a["accountHandle"] for a in view["accountDashboards"]]
        # C owns vimbisopay_trust and is merely authorized for vimbisopay_ops.
        assert handles == ["263788435091", "vimbisopay_trust"]
        assert view["memberDashboard"]["remainingAvailableUSD"] is None


async def test_tier_spend_limit_endpoint_answers_with_is_authorized() -> None:
    async with running() as sim:
        created = await sim.post("/v1/onboardMember", NEW)
        token = created.body["token"]
        body = {
            "issuerAccountID": created.body["defaultAccountID"],
            "Amount": 5,
            "Denomination": "USD",
            "securedCredex": False,
        }
        reply = await sim.post("/v1/authForTierSpendLimit", body, token)
        assert (reply.status, reply.body) == (
            400,
            {"isAuthorized": False, "message": "Unsecured credex not permitted on open tier"},
        )
        reply = await sim.post("/v1/authForTierSpendLimit", {**body, "securedCredex": True}, token)
        assert (reply.status, reply.body["message"]) == (200, "Authorization granted")
        reply = await sim.post("/v1/authForTierSpendLimit", {**body, "Amount": "5"}, token)
        assert reply.body == {"message": "Invalid amount: must be a positive finite number"}
