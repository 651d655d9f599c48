"""Credex routes over real HTTP (docs/credex-core-api.md §8.3): create, accept, bulk, decline,
cancel, getCredex."""

from simulator.credex.app import SimConfig
from tests.simulator.flows import create, fund, join, offer_body
from tests.simulator.harness import ManualClock, counting_ids, running


async def test_secured_offer_response_shape_and_issuer_dashboard() -> None:
    async with running() as sim:
        alice, bob = await join(sim, "1111111111"), await join(sim, "2222222222")
        await fund(sim, alice, 11)
        reply = await sim.post("/v1/createCredex", offer_body(alice, bob, 10), alice.token)
        assert reply.status == 200, reply.text
        data = reply.body["createCredexData"]
        credex_id = data["credex"]["credexID"]
        assert data == {
            "credex": {
                "credexID": credex_id,
                "formattedInitialAmount": "10.00",
                "counterpartyAccountName": "Test Member Personal",
                "secured": True,
                "dueDate": "",
            },
            "message": f"Credex created: {credex_id}",
        }
        dashboard = reply.body["dashboardData"]
        assert dashboard["accountID"] == alice.account_id
        assert dashboard["pendingOutData"] == [
            {
                "credexID": credex_id,
                "formattedInitialAmount": "-10.00 USD",
                "counterpartyAccountName": "Test Member Personal",
                "secured": True,
            }
        ]
        assert dashboard["balanceData"]["securedNetBalancesByDenom"] == ["1.00 USD"]
        view = await sim.dashboard(alice.phone)
        assert view["memberDashboard"]["remainingAvailableUSD"] == 0


async def test_unsecured_offer_echoes_its_due_date() -> None:
    async with running() as sim:
        alice, bob = await join(sim, "1111111111", tier=2), await join(sim, "2222222222")
        body = offer_body(alice, bob, "7.5", securedCredex=False, dueDate="2021-01-09")
        reply = await sim.post("/v1/createCredex", body, alice.token)
        assert reply.status == 200, reply.text
        credex = reply.body["createCredexData"]["credex"]
        assert (credex["secured"], credex["dueDate"], credex["formattedInitialAmount"]) == (
            False,
            "2021-01-09",
            "7.50",
        )
        incoming = (await sim.dashboard(bob.phone))["accountDashboards"][0]["pendingInData"]
        assert incoming[0]["dueDate"] == "2021-01-09" and "secured" not in incoming[0]


async def test_create_rejections_answer_with_error_bodies() -> None:
    async with running() as sim:
        alice, bob = await join(sim, "1111111111"), await join(sim, "2222222222")
        await fund(sim, alice, 5)
        short = "Error: Your secured credex for 6.00 USD cannot be issued because your "
        cases = [
            ({"OFFERSorREQUESTS": None}, 400, {"error": "Invalid OFFERSorREQUESTS value"}),
            ({"securedCredex": None}, 400, {"error": "Invalid securedCredex value"}),
            ({"securedCredex": False}, 400, {"error": "dueDate is required for unsecured credex"}),
            (
                {"dueDate": "2021-01-10"},
                400,
                {"error": "dueDate is not allowed for secured credex"},
            ),
            (
                {"InitialAmount": 0},
                400,
                {"message": "Invalid amount: must be a positive finite number"},
            ),
            (
                {"InitialAmount": 6},
                400,
                {"error": short + "maximum securable USD balance is 5.00 USD"},
            ),
        ]
        for change, status, body in cases:
            request = offer_body(alice, bob, 1, **change)
            request = {k: v for k, v in request.items() if v is not None}
            reply = await sim.post("/v1/createCredex", request, alice.token)
            assert (reply.status, reply.body) == (status, body), change


async def test_lax_mode_creates_then_fails_the_dashboard_for_an_unauthorized_signer() -> None:
    async with running(SimConfig(auth="lax", ids=counting_ids())) as sim:
        alice, bob = await join(sim, "1111111111"), await join(sim, "2222222222")
        await fund(sim, alice, 5)
        body = offer_body(alice, bob, 1, memberID=bob.member_id)
        reply = await sim.post("/v1/createCredex", body)
        assert (reply.status, reply.body) == (404, {"error": "Failed to fetch dashboard data"})
        pending = (await sim.dashboard(bob.phone))["accountDashboards"][0]["pendingInData"]
        assert len(pending) == 1  # HEAD quirk: the credex exists anyway


async def test_accept_returns_ids_and_acceptor_dashboard_then_already_accepted() -> None:
    async with running() as sim:
        alice, bob = await join(sim, "1111111111"), await join(sim, "2222222222")
        await fund(sim, alice, 5)
        credex_id = await create(sim, alice, bob, 5)
        reply = await sim.post("/v1/acceptCredex", {"credexID": credex_id}, bob.token)
        assert reply.status == 200, reply.text
        assert reply.body["acceptCredexData"] == {
            "acceptedCredexID": credex_id,
            "acceptorAccountID": bob.account_id,
            "acceptorSignerID": bob.member_id,
        }
        assert reply.body["dashboardData"]["balanceData"]["securedNetBalancesByDenom"] == [
            "5.00 USD"
        ]
        again = await sim.post("/v1/acceptCredex", {"credexID": credex_id}, bob.token)
        assert (again.status, again.body) == (400, {"error": "Credex has already been accepted"})


async def test_issuer_accepting_own_offer_fails_and_unknown_credex_is_500() -> None:
    async with running() as sim:
        alice, bob = await join(sim, "1111111111"), await join(sim, "2222222222")
        await fund(sim, alice, 5)
        credex_id = await create(sim, alice, bob, 5)
        reply = await sim.post("/v1/acceptCredex", {"credexID": credex_id}, alice.token)
        assert (reply.status, reply.body) == (400, {"error": "Failed to accept Credex"})
        missing = {"credexID": "00000000-0000-4000-8000-999999999999"}
        reply = await sim.post("/v1/acceptCredex", missing, bob.token)
        assert (reply.status, reply.body) == (500, {"error": "Internal server error"})


async def test_bulk_accept_summary_with_mixed_results() -> None:
    async with running() as sim:
        alice, bob = await join(sim, "1111111111"), await join(sim, "2222222222")
        await fund(sim, alice, 9)
        first, second = await create(sim, alice, bob, 5), await create(sim, alice, bob, 2)
        await sim.post("/v1/acceptCredex", {"credexID": second}, bob.token)
        missing = "00000000-0000-4000-8000-999999999999"
        body = {"credexIDs": [first, second, missing]}
        reply = await sim.post("/v1/acceptCredexBulk", body, bob.token)
        assert reply.status == 200, reply.text
        assert reply.body["summary"] == {
            "accepted": [first],
            "alreadyAccepted": [second],
            "failed": [{"credexID": missing, "error": "Credex not found"}],
        }
        assert [d["acceptedCredexID"] for d in reply.body["acceptCredexData"]] == [first]
        assert reply.body["dashboardData"]["accountID"] == bob.account_id
        none = await sim.post("/v1/acceptCredexBulk", {"credexIDs": [missing]}, bob.token)
        assert none.status == 400
        assert none.body == {
            "error": "No credex were processed successfully",
            "details": [{"credexID": missing, "error": "Credex not found"}],
        }


async def test_bulk_accept_validates_its_list() -> None:
    async with running() as sim:
        bob = await join(sim, "2222222222")
        for body, text in (
            ({}, "credexIDs is required"),
            ({"credexIDs": []}, "credexIDs is required"),
            ({"credexIDs": "abc"}, "credexIDs must be an array"),
            ({"credexIDs": ["abc"]}, "Invalid credexID: Invalid UUID format"),
        ):
            reply = await sim.post("/v1/acceptCredexBulk", body, bob.token)
            assert (reply.status, reply.body) == (400, {"message": text})


async def test_decline_and_cancel_follow_the_intended_signer_rules() -> None:
    async with running() as sim:
        alice, bob = await join(sim, "1111111111"), await join(sim, "2222222222")
        await fund(sim, alice, 9)
        first, second = await create(sim, alice, bob, 5), await create(sim, alice, bob, 2)
        assert (await sim.post("/v1/declineCredex", {"credexID": first}, alice.token)).status == 403
        assert (await sim.post("/v1/cancelCredex", {"credexID": second}, bob.token)).status == 403
        reply = await sim.post("/v1/declineCredex", {"credexID": first}, bob.token)
        assert reply.body == {"message": "Credex declined successfully", "data": first}
        reply = await sim.post("/v1/cancelCredex", {"credexID": second}, alice.token)
        assert reply.body == {"message": "Credex cancelled successfully", "credexID": second}
        reply = await sim.post("/v1/cancelCredex", {"credexID": second}, alice.token)
        assert (reply.status, reply.body) == (
            404,
            {"error": "Credex not found or already processed"},
        )


async def test_get_credex_from_each_side() -> None:
    async with running(SimConfig(clock=ManualClock(), ids=counting_ids())) as sim:
        alice, bob = await join(sim, "1111111111"), await join(sim, "2222222222")
        await fund(sim, alice, 5)
        credex_id = await create(sim, alice, bob, 4)
        reply = await sim.post(
            "/v1/getCredex", {"credexID": credex_id, "accountID": alice.account_id}, alice.token
        )
        data = reply.body["credexData"]
        assert (data["transactionType"], data["debit"], data["formattedInitialAmount"]) == (
            "OFFERS",
            True,
            "-4.00 USD",
        )
        assert data["formattedRedeemedAmount"] == "-0.00 USD"
        assert data["securerName"] == "VimbisoPay: Trust"
        assert reply.body["clearedAgainstData"] == []
        await sim.post("/v1/acceptCredex", {"credexID": credex_id}, bob.token)
        reply = await sim.post(
            "/v1/getCredex", {"credexID": credex_id, "accountID": bob.account_id}, bob.token
        )
        data = reply.body["credexData"]
        assert (data["transactionType"], data["debit"], data["formattedOutstandingAmount"]) == (
            "OWES",
            False,
            "4.00 USD",
        )
        assert data["acceptedAt"] == "2021-01-02"  # the manual clock's date
        trust = sim.ledger.account_with_handle("vimbisopay_trust")
        assert trust is not None
        reply = await sim.post(
            "/v1/getCredex", {"credexID": credex_id, "accountID": trust.account_id}, bob.token
        )
        assert reply.status == 403
