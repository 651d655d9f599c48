"""Account routes (docs/credex-core-api.md §8.2): accounts, handle lookup, authorizations,
sendOffersTo and the ledger.

Enforced mode: `ownerID` must be the token's member and the ledger is readable only by a member
authorized for the account (403 otherwise); lax mode trusts the body as HEAD does.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from simulator.credex import membership, schemas
from simulator.credex.auth import ACTING_FOR_OTHERS, acting_member, may_act_for
from simulator.credex.model import Refusal
from simulator.credex.replies import json_reply, message, read_body
from simulator.credex.routes_member import parse
from simulator.credex.state import STATE
from simulator.credex.validation import sanitize_uuid, valid_uuid
from simulator.credex.views import ledger_page

routes = web.RouteTableDef()
DEFAULT_ROWS = 10


def _owner(request: web.Request, body: dict[str, Any]) -> str | Refusal:
    owner = acting_member(request.app[STATE], request, body.get("ownerID"))
    return owner if owner is not None else ""


@routes.post("/v1/createAccount")
async def create_account(request: web.Request) -> web.Response:
    state = request.app[STATE]
    body = await parse(request, schemas.CREATE_ACCOUNT)
    if isinstance(body, web.Response):
        return body
    owner = _owner(request, body)
    if isinstance(owner, Refusal):
        return message(owner)
    account = membership.create_account(
        state.ledger,
        owner,
        body["accountType"],
        body["accountName"],
        body["accountHandle"],
        body["defaultDenom"],
    )
    if isinstance(account, Refusal):
        return message(account)
    return json_reply(
        {"accountID": account.account_id, "message": "Account created successfully"}, 201
    )


@routes.post("/v1/getAccountByHandle")
async def account_by_handle(request: web.Request) -> web.Response:
    state = request.app[STATE]
    body = await parse(request, schemas.ACCOUNT_BY_HANDLE)
    if isinstance(body, web.Response):
        return body
    account = state.ledger.account_with_handle(body.get("accountHandle", ""))
    if account is None:
        return message(Refusal(404, "Account not found"))
    return json_reply(
        {"accountData": {"accountID": account.account_id, "accountName": account.name}}
    )


@routes.post("/v1/updateAccount")
async def update_account(request: web.Request) -> web.Response:
    state = request.app[STATE]
    body = await parse(request, schemas.UPDATE_ACCOUNT)
    if isinstance(body, web.Response):
        return body
    owner = _owner(request, body)
    if isinstance(owner, Refusal):
        return message(owner)
    account = membership.update_account(
        state.ledger,
        owner,
        body.get("accountID"),
        body.get("accountName"),
        body.get("accountHandle"),
        body.get("defaultDenom"),
    )
    if isinstance(account, Refusal):
        return message(account)
    return json_reply({"message": "Account updated successfully", "accountID": account.account_id})


@routes.post("/v1/authorizeForAccount")
async def authorize_for_account(request: web.Request) -> web.Response:
    state = request.app[STATE]
    body = await parse(request, schemas.AUTHORIZE)
    if isinstance(body, web.Response):
        return body
    owner = _owner(request, body)
    if isinstance(owner, Refusal):
        return message(owner)
    result = membership.authorize(
        state.ledger, body["accountID"], body["memberHandleToBeAuthorized"], owner
    )
    if isinstance(result, Refusal):
        if result.status == 500:  # an unknown ownerID crashes HEAD's service (§8.2)
            return json_reply(
                {"status": "error", "statusCode": 500, "message": result.message}, 500
            )
        return message(result)
    account, member = result
    return json_reply(
        {
            "message": "account authorized",
            "accountID": account.account_id,
            "memberIdAuthorized": member.member_id,
        }
    )


@routes.post("/v1/unauthorizeForAccount")
async def unauthorize_for_account(request: web.Request) -> web.Response:
    state = request.app[STATE]
    body = await read_body(request)
    fields: dict[str, str] = {}
    for name in schemas.UNAUTHORIZE_FIELDS:
        value = body.get(name) if isinstance(body, dict) else None
        if not value:
            return message(Refusal(400, f"{name} is required"))
        if valid_uuid(sanitize_uuid(value)) is not None:
            return message(Refusal(400, f"Invalid {name}. Must be a valid UUID."))
        fields[name] = sanitize_uuid(value)
    owner = _owner(request, fields)
    if isinstance(owner, Refusal):
        return message(owner)
    result = membership.unauthorize(
        state.ledger, fields["memberIDtoBeUnauthorized"], fields["accountID"], owner
    )
    return message(result) if isinstance(result, Refusal) else json_reply(True)


@routes.post("/v1/updateSendOffersTo")
async def update_send_offers_to(request: web.Request) -> web.Response:
    state = request.app[STATE]
    body = await parse(request, schemas.SEND_OFFERS_TO)
    if isinstance(body, web.Response):
        return body
    owner = _owner(request, body)
    if isinstance(owner, Refusal):
        return message(owner)
    result = membership.update_send_offers_to(
        state.ledger, body["memberIDtoSendOffers"], body["accountID"], owner
    )
    return message(result) if isinstance(result, Refusal) else json_reply(True)


@routes.post("/v1/getLedger")
async def get_ledger(request: web.Request) -> web.Response:
    state = request.app[STATE]
    body = await parse(request, schemas.LEDGER)
    if isinstance(body, web.Response):
        return body
    if not may_act_for(state, request, body["accountID"]):
        return message(Refusal(403, ACTING_FOR_OTHERS))
    rows = ledger_page(
        state.ledger,
        body["accountID"],
        int(body.get("startRow", 0)),
        int(body.get("numRows", DEFAULT_ROWS)),
    )
    # An empty page is {} rather than [] (§8.2); past the end too ([INTENDED], not HEAD's 500).
    return json_reply(rows or {})
