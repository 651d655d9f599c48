"""Admin and DevAdmin routes (docs/credex-core-api.md §8.5, §8.6): updateMemberTier, clearDevDBs,
forceDCO, gimmeSecured.

DevAdmin routes are keyholes: no auth and no validation, as in credex-core's non-production builds.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import attrs
from aiohttp import web

from simulator.credex import schemas
from simulator.credex.dco import advance_day
from simulator.credex.model import Refusal
from simulator.credex.money import DENOMINATIONS, from_json
from simulator.credex.offers import OfferTerms, create_credex
from simulator.credex.replies import json_reply, read_body
from simulator.credex.routes_member import parse
from simulator.credex.seed import VIMBISOPAY_TRUST, initialize
from simulator.credex.state import STATE

routes = web.RouteTableDef()


@routes.post("/v1/admin/updateMemberTier")
async def update_member_tier(request: web.Request) -> web.Response:
    state = request.app[STATE]
    body = await parse(request, schemas.UPDATE_MEMBER_TIER)
    if isinstance(body, web.Response):
        return body
    tier = int(body["tier"])
    if tier > 5:
        return json_reply(
            {"message": "Invalid memberTier. It must be an integer between 1 and 5 inclusive."}
        )
    member = state.ledger.members.get(body["memberID"])
    data: list[dict[str, Any]] = []
    if member is not None:
        # Stored as an integer ([INTENDED]): HEAD's float makes memberTier vanish (§11 quirk 15).
        member = attrs.evolve(member, tier=tier)
        state.ledger.replace_member(member)
        data.append(
            {"memberID": member.member_id, "memberHandle": member.handle, "memberTier": tier}
        )
    return json_reply({"message": "Member tier updated successfully", "data": data})


@routes.post("/v1/devadmin/clearDevDBs")
async def clear_dev_dbs(request: web.Request) -> web.Response:
    request.app[STATE].ledger.clear()
    return json_reply({"message": "Development databases cleared successfully"})


@routes.post("/v1/devadmin/forceDCO")
async def force_dco(request: web.Request) -> web.Response:
    state = request.app[STATE]
    if state.ledger.day is None:
        initialize(state.ledger, state.day_zero())
    advance_day(state.ledger)
    return json_reply({"message": "Daily Credcoin Offering forced successfully"})


@routes.post("/v1/devadmin/gimmeSecured")
async def gimme_secured(request: web.Request) -> web.Response:
    """A pending secured offer from vimbisopay_trust, signed by its operator (member C)."""
    state = request.app[STATE]
    ledger = state.ledger
    body = await read_body(request)
    body = body if isinstance(body, dict) else {}
    trust = ledger.account_with_handle(VIMBISOPAY_TRUST)
    receiver = ledger.account_with_handle(str(body.get("accountHandle", "")))
    denom, amount = body.get("denom"), _positive_amount(body.get("amount"))
    if trust is None or receiver is None:
        return json_reply({"error": "Account not found"}, 500)
    if denom not in DENOMINATIONS or amount is None:
        return json_reply({"error": "Invalid denom or amount"}, 500)
    terms = OfferTerms(
        issuer_id=trust.account_id,
        receiver_id=receiver.account_id,
        denomination=str(denom),
        amount=amount,
        credex_type="PURCHASE",
        direction="OFFERS",
        secured=True,
        due_date=None,
    )
    result = create_credex(ledger, terms, trust.owner_id, check_signer=True)
    if isinstance(result, Refusal):
        return json_reply({"error": result.message}, 500)
    return json_reply({"message": "gimmeSecured Credex creation completed"})


def _positive_amount(value: Any) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if not math.isfinite(value) or value <= 0:
        return None
    return from_json(value)
