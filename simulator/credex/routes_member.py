"""Member routes (docs/credex-core-api.md §8.1): login, onboardMember, handle lookup, dashboards,
authForTierSpendLimit,
setDCOparticipantRate."""

from __future__ import annotations

from typing import Any

import attrs
from aiohttp import web

from simulator.credex import schemas
from simulator.credex.auth import (
    ACTING_FOR_OTHERS,
    MEMBER_KEY,
    acting_member,
    issue_token,
    may_act_for,
)
from simulator.credex.limits import NO_ACCOUNT, authorize_spend
from simulator.credex.membership import onboard
from simulator.credex.model import Refusal
from simulator.credex.money import from_json
from simulator.credex.replies import json_reply, message, read_body
from simulator.credex.state import STATE, SimState
from simulator.credex.validation import Schema, validate
from simulator.credex.views import account_dashboard, member_dashboard

routes = web.RouteTableDef()


async def parse(request: web.Request, schema: Schema) -> dict[str, Any] | web.Response:
    """The validated body, or the validation layer's 400 {"message": ...}."""
    clean = validate(await read_body(request), schema)
    return message(clean) if isinstance(clean, Refusal) else clean


def client_refused(state: SimState, request: web.Request) -> web.Response | None:
    """v01's x-client-api-key check on the two keyholes, when a key is configured (§13.2)."""
    key = state.config.client_api_key
    if key is not None and request.headers.get("x-client-api-key") != key:
        return message(Refusal(401, "Unauthorized client"))
    return None


@routes.post("/v1/login")
async def login(request: web.Request) -> web.Response:
    state = request.app[STATE]
    refused = client_refused(state, request)
    if refused is not None:
        return refused
    body = await parse(request, schemas.LOGIN)
    if isinstance(body, web.Response):
        return body
    member = state.ledger.member_with_phone(body["phone"])
    if member is None:
        return message(Refusal(400, "Member not found"))
    return json_reply({"token": issue_token(state, member.member_id)})


@routes.post("/v1/onboardMember")
async def onboard_member(request: web.Request) -> web.Response:
    state = request.app[STATE]
    refused = client_refused(state, request)
    if refused is not None:
        return refused
    body = await parse(request, schemas.ONBOARD)
    if isinstance(body, web.Response):
        return body
    result = onboard(
        state.ledger, body["firstname"], body["lastname"], body["phone"], body["defaultDenom"]
    )
    if isinstance(result, Refusal):
        return message(result)
    member, account = result
    dashboard = member_dashboard(state.ledger, member, state.config.duplicate_account_ids)
    return json_reply(
        {
            "memberDashboard": dashboard,
            "token": issue_token(state, member.member_id),
            "defaultAccountID": account.account_id,
        },
        201,
    )


@routes.post("/v1/getMemberByHandle")
async def member_by_handle(request: web.Request) -> web.Response:
    state = request.app[STATE]
    body = await parse(request, schemas.MEMBER_BY_HANDLE)
    if isinstance(body, web.Response):
        return body
    member = state.ledger.member_with_handle(body["memberHandle"])
    if member is None:
        return message(Refusal(404, "Member not found"))
    name = f"{member.firstname} {member.lastname}"
    return json_reply({"memberData": {"memberID": member.member_id, "memberName": name}})


@routes.post("/v1/getMemberDashboardByPhone")
async def dashboard_by_phone(request: web.Request) -> web.Response:
    state = request.app[STATE]
    body = await parse(request, schemas.DASHBOARD_BY_PHONE)
    if isinstance(body, web.Response):
        return body
    ledger = state.ledger
    member = ledger.member_with_phone(body["phone"])
    if member is None or ledger.day is None:
        return message(Refusal(404, "Could not retrieve member dashboard"))
    if state.enforced and request[MEMBER_KEY] != member.member_id:
        return message(Refusal(403, ACTING_FOR_OTHERS))
    dashboard = member_dashboard(ledger, member, state.config.duplicate_account_ids)
    accounts = [
        account_dashboard(ledger, ledger.accounts[account_id], member.member_id)
        for account_id in dashboard["accountIDS"]
    ]
    return json_reply({"memberDashboard": dashboard, "accountDashboards": accounts})


@routes.post("/v1/authForTierSpendLimit")
async def tier_spend_limit(request: web.Request) -> web.Response:
    state = request.app[STATE]
    body = await parse(request, schemas.TIER_SPEND_LIMIT)
    if isinstance(body, web.Response):
        return body
    if not may_act_for(state, request, body["issuerAccountID"]):
        return message(Refusal(403, ACTING_FOR_OTHERS))
    issuer = state.ledger.accounts.get(body["issuerAccountID"])
    if issuer is None:
        return json_reply({"isAuthorized": False, "message": NO_ACCOUNT}, 400)
    decision = authorize_spend(
        state.ledger,
        issuer,
        from_json(body["Amount"]),
        body["Denomination"],
        body["securedCredex"],
    )
    status = 200 if decision.authorized else 400
    return json_reply({"isAuthorized": decision.authorized, "message": decision.message}, status)


@routes.post("/v1/setDCOparticipantRate")
async def set_dco_participant_rate(request: web.Request) -> web.Response:
    """Make an owned account a DCO participant: it gives `DCOgiveInCXX` at each DCO (§10.9)."""
    state = request.app[STATE]
    body = await parse(request, schemas.DCO_PARTICIPANT)
    if isinstance(body, web.Response):
        return body
    owner = acting_member(state, request, body["memberID"])
    if isinstance(owner, Refusal):
        return message(owner)
    account = state.ledger.accounts.get(body["personalAccountID"])
    if account is None or account.owner_id != owner:
        return json_reply(
            {
                "message": "Failed to set DCO participant rate",
                "error": "No matching DCO participant found",
            },
            400,
        )
    give = from_json(body["DCOgiveInCXX"])
    account = attrs.evolve(account, dco_give_cxx=give, dco_denom=body["DCOdenom"])
    state.ledger.replace_account(account)
    data = {
        "accountID": account.account_id,
        "accountName": account.name,
        "accountHandle": account.handle,
        "accountType": account.account_type,
        "defaultDenom": account.default_denom,
        "DCOgiveInCXX": float(give),
        "DCOdenom": account.dco_denom,
    }
    return json_reply({"message": "DCO participant rate set successfully", "data": data})
