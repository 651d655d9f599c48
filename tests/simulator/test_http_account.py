"""Account routes over real HTTP (docs/credex-core-api.md §8.2): accounts, handles, authorizations,
sendOffersTo, ledger."""

from typing import Any

from tests.simulator.flows import Joined, create, fund, join
from tests.simulator.harness import Sim, running


async def _account(sim: Sim, owner: Joined, handle: str, kind: str = "BUSINESS") -> Any:
    body = {
        "ownerID": owner.member_id,
        "accountType": kind,
        "accountName": "Side Hustle",
        "accountHandle": handle,
        "defaultDenom": "USD",
    }
    return await sim.post("/v1/createAccount", body, owner.token)


async def test_second_account_needs_tier_three_and_business_is_allowed() -> None:
    async with running() as sim:
        owner = await join(sim, "1111111111")
        reply = await _account(sim, owner, "side_hustle")
        assert (reply.status, reply.body) == (
            400,
            {"message": "You cannot create an account on the Open or Verified membership tiers."},
        )
        await sim.post(
            "/v1/admin/updateMemberTier", {"memberID": owner.member_id, "tier": 3}, owner.token
        )
        reply = await _account(sim, owner, "side_hustle")
        assert reply.status == 201 and reply.body["message"] == "Account created successfully"
        ids = (await sim.dashboard(owner.phone))["memberDashboard"]["accountIDS"]
        assert ids == [owner.account_id, reply.body["accountID"]]
        again = await _account(sim, owner, "side_hustle", "PERSONAL_CONSUMPTION")
        assert again.body == {"message": "Sorry, that handle is already in use"}
        wrong = await _account(sim, owner, "other_one", "TRUST")
        assert wrong.body == {
            "message": "Invalid account type. Must be one of: PERSONAL_CONSUMPTION, BUSINESS"
        }


async def test_account_lookup_by_handle_is_lower_case_only() -> None:
    async with running() as sim:
        token = await sim.login("263788435091")
        reply = await sim.post(
            "/v1/getAccountByHandle", {"accountHandle": "vimbisopay_trust"}, token
        )
        assert reply.body["accountData"]["accountName"] == "VimbisoPay: Trust"
        upper = await sim.post(
            "/v1/getAccountByHandle", {"accountHandle": "VimbisoPay_trust"}, token
        )
        assert upper.status == 400
        # The period is stripped before the lookup, so the foundation cannot be found (§8.2).
        dotted = await sim.post(
            "/v1/getAccountByHandle", {"accountHandle": "credexfoundation.dco"}, token
        )
        assert (dotted.status, dotted.body) == (404, {"message": "Account not found"})


async def test_authorizing_needs_tier_four_and_stops_at_five_members() -> None:
    async with running() as sim:
        owner = await join(sim, "1000000000")
        others = [await join(sim, f"20000000{i}") for i in range(5)]
        body = {
            "accountID": owner.account_id,
            "memberHandleToBeAuthorized": others[0].phone,
            "ownerID": owner.member_id,
        }
        reply = await sim.post("/v1/authorizeForAccount", body, owner.token)
        assert reply.status == 403 and "Entrepreneur tier" in reply.body["message"]
        await sim.post(
            "/v1/admin/updateMemberTier", {"memberID": owner.member_id, "tier": 4}, owner.token
        )
        for other in others[:4]:
            body["memberHandleToBeAuthorized"] = other.phone
            reply = await sim.post("/v1/authorizeForAccount", body, owner.token)
            assert reply.body == {
                "message": "account authorized",
                "accountID": owner.account_id,
                "memberIdAuthorized": other.member_id,
            }
        body["memberHandleToBeAuthorized"] = others[4].phone
        reply = await sim.post("/v1/authorizeForAccount", body, owner.token)
        assert reply.status == 400 and reply.body["message"].startswith("Limit of 5 authorized")
        view = await sim.dashboard(owner.phone)
        assert len(view["accountDashboards"][0]["authFor"]) == 5


async def test_authorized_member_accepts_for_the_account_and_sees_it_not_owned() -> None:
    async with running() as sim:
        owner = await join(sim, "1000000000")
        helper, payer = await join(sim, "2000000000"), await join(sim, "3000000000")
        await sim.post(
            "/v1/admin/updateMemberTier", {"memberID": owner.member_id, "tier": 4}, owner.token
        )
        body = {
            "accountID": owner.account_id,
            "memberHandleToBeAuthorized": helper.phone,
            "ownerID": owner.member_id,
        }
        assert (await sim.post("/v1/authorizeForAccount", body, owner.token)).status == 200
        await fund(sim, payer, 3)
        credex_id = await create(sim, payer, owner, 3)
        reply = await sim.post("/v1/acceptCredex", {"credexID": credex_id}, helper.token)
        assert reply.status == 200, reply.text
        seen = reply.body["dashboardData"]
        assert (seen["isOwnedAccount"], seen["authFor"], seen["sendOffersToMemberID"]) == (
            False,
            [],
            "",
        )


async def test_send_offers_to_and_unauthorize_work_as_intended() -> None:
    async with running() as sim:
        owner, helper = await join(sim, "1000000000"), await join(sim, "2000000000")
        await sim.post(
            "/v1/admin/updateMemberTier", {"memberID": owner.member_id, "tier": 4}, owner.token
        )
        ids = {"accountID": owner.account_id, "ownerID": owner.member_id}
        move = {**ids, "memberIDtoSendOffers": helper.member_id}
        refused = await sim.post("/v1/updateSendOffersTo", move, owner.token)
        assert refused.body == {"message": "Failed to update offer recipient for account"}
        await sim.post(
            "/v1/authorizeForAccount",
            {**ids, "memberHandleToBeAuthorized": helper.phone},
            owner.token,
        )
        moved = await sim.post("/v1/updateSendOffersTo", move, owner.token)
        assert (moved.status, moved.body) == (200, True)
        account = (await sim.dashboard(owner.phone))["accountDashboards"][0]
        assert account["sendOffersToMemberID"] == helper.member_id
        drop = {**ids, "memberIDtoBeUnauthorized": helper.member_id}
        assert (await sim.post("/v1/unauthorizeForAccount", drop, owner.token)).body is True
        again = await sim.post("/v1/unauthorizeForAccount", drop, owner.token)
        assert again.body == {"message": "Failed to unauthorize member for the account"}
        account = (await sim.dashboard(owner.phone))["accountDashboards"][0]
        assert account["sendOffersToMemberID"] == owner.member_id
        missing = await sim.post("/v1/unauthorizeForAccount", ids, owner.token)
        assert missing.body == {"message": "memberIDtoBeUnauthorized is required"}


async def test_ledger_lists_accepted_credexes_oldest_first_in_pages() -> None:
    async with running() as sim:
        alice, bob = await join(sim, "1111111111", tier=3), await join(sim, "2222222222")
        await fund(sim, alice, 20)
        amounts = [1, 2, 3, 4]
        for amount in amounts:
            credex_id = await create(sim, alice, bob, amount)
            await sim.post("/v1/acceptCredex", {"credexID": credex_id}, bob.token)
        await create(sim, alice, bob, 5)  # pending: not in the ledger
        pages = []
        for start in (0, 2, 4, 6):
            body = {"accountID": alice.account_id, "startRow": start, "numRows": 2}
            pages.append((await sim.post("/v1/getLedger", body, alice.token)).body)
        assert [row["formattedInitialAmount"] for row in pages[0]] == ["20.00 USD", "-1.00 USD"]
        assert [row["formattedInitialAmount"] for row in pages[1]] == ["-2.00 USD", "-3.00 USD"]
        assert [row["formattedInitialAmount"] for row in pages[2]] == ["-4.00 USD"]
        assert pages[3] == {}
        assert pages[0][0]["counterpartyAccountName"] == "VimbisoPay: Trust"
        theirs = await sim.post("/v1/getLedger", {"accountID": bob.account_id}, bob.token)
        assert [r["formattedInitialAmount"] for r in theirs.body] == [
            "1.00 USD",
            "2.00 USD",
            "3.00 USD",
            "4.00 USD",
        ]
