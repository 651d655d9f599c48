"""credex-core's own `basic_integration` scenario (docs/credex-core-api.md §12), in lax mode as HEAD
runs it: identity
from body fields, no tokens.

The 7 USD step (§12 step 9) fails as the scenario expects, for credex-core's reason: amounts
are stored in CXX as doubles, so 5 + 2 USD held is 6.999999999999999 USD securable (§10.1),
and the refusal reads "maximum securable USD balance is 7.00 USD". A 6 USD offer then passes.
"""

from typing import Any

from simulator.credex.app import SimConfig
from tests.simulator.harness import Sim, counting_ids, running

TRUST_OPERATOR = "263788435091"


async def _onboard(sim: Sim, phone: str, last: str) -> tuple[str, str]:
    reply = await sim.post(
        "/v1/onboardMember",
        {"firstname": "Test", "lastname": last, "phone": phone, "defaultDenom": "USD"},
    )
    assert reply.status == 201, reply.text
    return reply.body["memberDashboard"]["memberID"], reply.body["memberDashboard"]["accountIDS"][0]


async def _offer(sim: Sim, signer: str, issuer: str, receiver: str, amount: float) -> Any:
    return await sim.post(
        "/v1/createCredex",
        {
            "memberID": signer,
            "issuerAccountID": issuer,
            "receiverAccountID": receiver,
            "Denomination": "USD",
            "InitialAmount": amount,
            "credexType": "PURCHASE",
            "OFFERSorREQUESTS": "OFFERS",
            "securedCredex": True,
        },
    )


def _id(reply: Any) -> str:
    assert reply.status == 200, reply.text
    assert reply.body["createCredexData"] and reply.body["dashboardData"]
    credex_id: str = reply.body["createCredexData"]["credex"]["credexID"]
    return credex_id


async def test_basic_integration_scenario() -> None:
    async with running(SimConfig(auth="lax", ids=counting_ids())) as sim:
        assert (await sim.post("/v1/devadmin/clearDevDBs")).status == 200
        assert (await sim.post("/v1/devadmin/forceDCO")).status == 200
        found = await sim.post("/v1/getMemberByHandle", {"memberHandle": TRUST_OPERATOR})
        operator = found.body["memberData"]["memberID"]
        trust_reply = await sim.post(
            "/v1/getAccountByHandle", {"accountHandle": "vimbisopay_trust"}
        )
        trust = trust_reply.body["accountData"]["accountID"]

        m1, a1 = await _onboard(sim, "1234567890", "Member1")
        m2, a2 = await _onboard(sim, "2345678901", "Member2")
        m3, a3 = await _onboard(sim, "3456789012", "Member3")
        assert (await sim.post("/v1/login", {"phone": "1234567890"})).status == 200
        again = await sim.post("/v1/getMemberByHandle", {"memberHandle": "1234567890"})
        assert again.body["memberData"] == {"memberID": m1, "memberName": "Test Member"}

        funding = _id(await _offer(sim, operator, trust, a1, 11))
        assert (
            await sim.post("/v1/acceptCredex", {"credexID": funding, "signerID": m1})
        ).status == 200

        ten = _id(await _offer(sim, m1, a1, a2, 10))
        assert (await sim.post("/v1/acceptCredex", {"credexID": ten, "signerID": m2})).status == 200
        over_limit = await _offer(sim, m1, a1, a2, 0.01)
        assert over_limit.status == 400  # the tier-1 daily 10 USD is spent

        five, two, one = [_id(await _offer(sim, m2, a2, a3, n)) for n in (5, 2, 1)]
        bulk = await sim.post("/v1/acceptCredexBulk", {"credexIDs": [five, two], "signerID": m3})
        assert bulk.status == 200 and bulk.body["acceptCredexData"] and bulk.body["dashboardData"]
        assert (await sim.post("/v1/cancelCredex", {"credexID": one, "signerID": m2})).status == 200

        seven = await _offer(sim, m3, a3, a1, 7)
        assert seven.status == 400  # the floating-point edge of §12 step 9
        assert seven.body["error"].endswith("maximum securable USD balance is 7.00 USD")

        refund = _id(await _offer(sim, operator, trust, a1, 11))
        view = await sim.post("/v1/getMemberDashboardByPhone", {"phone": "1234567890"})
        assert view.body["accountDashboards"][0]["pendingInData"]
        assert (
            await sim.post("/v1/declineCredex", {"credexID": refund, "signerID": m1})
        ).status == 200

        six = _id(await _offer(sim, m3, a3, a1, 6))  # below the edge: accepted

        detail = await sim.post("/v1/getCredex", {"credexID": six, "accountID": a1})
        assert detail.status == 200 and detail.body["credexData"]["credexID"] == six
        ledger = await sim.post("/v1/getLedger", {"accountID": a1})
        assert [row["formattedInitialAmount"] for row in ledger.body] == ["11.00 USD", "-10.00 USD"]
