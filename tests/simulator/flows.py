"""HTTP steps the credex tests share: onboard a member, fund it from the trust, make an offer."""

from __future__ import annotations

from typing import Any

import attrs

from tests.simulator.harness import Sim


@attrs.frozen
class Joined:
    phone: str
    member_id: str
    account_id: str
    token: str


async def join(sim: Sim, phone: str, tier: int = 1) -> Joined:
    reply = await sim.post(
        "/v1/onboardMember",
        {"firstname": "Test", "lastname": "Member", "phone": phone, "defaultDenom": "USD"},
    )
    assert reply.status == 201, reply.text
    joined = Joined(
        phone,
        reply.body["memberDashboard"]["memberID"],
        reply.body["defaultAccountID"],
        reply.body["token"],
    )
    if tier != 1:
        update = await sim.post(
            "/v1/admin/updateMemberTier", {"memberID": joined.member_id, "tier": tier}, joined.token
        )
        assert update.status == 200, update.text
    return joined


async def fund(sim: Sim, who: Joined, amount: float) -> None:
    """gimmeSecured, then the member accepts the trust's offer."""
    handle = sim.ledger.accounts[who.account_id].handle
    reply = await sim.post(
        "/v1/devadmin/gimmeSecured", {"accountHandle": handle, "denom": "USD", "amount": amount}
    )
    assert reply.status == 200, reply.text
    pending = (await sim.dashboard(who.phone))["accountDashboards"][0]["pendingInData"]
    for offer in pending:
        body = {"credexID": offer["credexID"], "signerID": who.member_id}
        accepted = await sim.post("/v1/acceptCredex", body, who.token)
        assert accepted.status == 200, accepted.text


def offer_body(issuer: Joined, receiver: Joined, amount: Any, **extra: Any) -> dict[str, Any]:
    return {
        "memberID": issuer.member_id,
        "issuerAccountID": issuer.account_id,
        "receiverAccountID": receiver.account_id,
        "Denomination": "USD",
        "InitialAmount": amount,
        "credexType": "PURCHASE",
        "OFFERSorREQUESTS": "OFFERS",
        "securedCredex": True,
        **extra,
    }


async def create(sim: Sim, issuer: Joined, receiver: Joined, amount: Any, **extra: Any) -> str:
    reply = await sim.post(
        "/v1/createCredex", offer_body(issuer, receiver, amount, **extra), issuer.token
    )
    assert reply.status == 200, reply.text
    credex_id: str = reply.body["createCredexData"]["credex"]["credexID"]
    return credex_id
