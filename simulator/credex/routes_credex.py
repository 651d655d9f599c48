"""Credex routes (docs/credex-core-api.md §8.3): create, accept, bulk accept, decline, cancel and
getCredex.

Credex controllers answer {"error": ...}; only the validation layer answers {"message": ...}.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from simulator.credex import offers, schemas
from simulator.credex.auth import ACTING_FOR_OTHERS, acting_member, may_act_for
from simulator.credex.ledger import Ledger
from simulator.credex.model import Credex, CredexState, Refusal
from simulator.credex.money import format_number, from_json
from simulator.credex.replies import error, json_reply, message, read_body
from simulator.credex.routes_member import parse
from simulator.credex.state import STATE, SimState
from simulator.credex.validation import valid_uuid
from simulator.credex.views import account_dashboard, credex_detail

routes = web.RouteTableDef()
NO_DASHBOARD = Refusal(404, "Failed to fetch dashboard data")


@routes.post("/v1/createCredex")
async def create_credex(request: web.Request) -> web.Response:
    state = request.app[STATE]
    body = await parse(request, schemas.CREATE_CREDEX)
    if isinstance(body, web.Response):
        return body
    if "OFFERSorREQUESTS" not in body:
        return error(Refusal(400, "Invalid OFFERSorREQUESTS value"))
    if "securedCredex" not in body:
        return error(Refusal(400, "Invalid securedCredex value"))
    signer = acting_member(state, request, body.get("memberID"))
    if isinstance(signer, Refusal):
        return error(signer)
    terms = offers.OfferTerms(
        issuer_id=body["issuerAccountID"],
        receiver_id=body["receiverAccountID"],
        denomination=body["Denomination"],
        amount=from_json(body["InitialAmount"]),
        credex_type=body.get("credexType"),
        direction=body["OFFERSorREQUESTS"],
        secured=body["securedCredex"],
        due_date=body.get("dueDate"),
    )
    # Enforced mode refuses an unauthorized signer before creating anything ([INTENDED]);
    # lax mode keeps HEAD's order: create, then fail to fetch the dashboard (§11 quirk 10).
    credex = offers.create_credex(state.ledger, terms, signer, check_signer=state.enforced)
    if isinstance(credex, Refusal):
        return error(credex)
    dashboard = account_dashboard(state.ledger, state.ledger.accounts[credex.issuer_id], signer)
    if dashboard is None:
        return error(NO_DASHBOARD)
    created = {
        "credexID": credex.credex_id,
        "formattedInitialAmount": format_number(credex.initial, credex.denomination),
        "counterpartyAccountName": state.ledger.accounts[credex.receiver_id].name,
        "secured": credex.secured,
        "dueDate": body.get("dueDate") or "",
    }
    return json_reply(
        {
            "createCredexData": {
                "credex": created,
                "message": f"Credex created: {credex.credex_id}",
            },
            "dashboardData": dashboard,
        }
    )


def _accepted_data(credex: Credex, signer: str | None) -> dict[str, Any]:
    return {
        "acceptedCredexID": credex.credex_id,
        "acceptorAccountID": credex.receiver_id,
        "acceptorSignerID": signer,
    }


def _acceptor_view(state: SimState, credex: Credex, signer: str | None) -> dict[str, Any] | None:
    return account_dashboard(state.ledger, state.ledger.accounts[credex.receiver_id], signer)


@routes.post("/v1/acceptCredex")
async def accept_credex(request: web.Request) -> web.Response:
    state = request.app[STATE]
    body = await parse(request, schemas.SIGNED_CREDEX)
    if isinstance(body, web.Response):
        return body
    signer = acting_member(state, request, body.get("signerID"))
    if isinstance(signer, Refusal):
        return error(signer)
    credex = offers.accept(state.ledger, body.get("credexID"), signer)
    if isinstance(credex, Refusal):
        return error(credex)
    dashboard = _acceptor_view(state, credex, signer)
    if dashboard is None:
        return error(NO_DASHBOARD)
    return json_reply(
        {"acceptCredexData": _accepted_data(credex, signer), "dashboardData": dashboard}
    )


def _bulk_refusal(body: Any, enforced: bool) -> Refusal | None:
    ids = body.get("credexIDs") if isinstance(body, dict) else None
    # JavaScript's `!credexIDs` (undefined, null, "", 0, false), plus the empty list.
    if ids is None or ids in ("", 0, []):
        return Refusal(400, "credexIDs is required")
    if not isinstance(ids, list):
        return Refusal(400, "credexIDs must be an array")
    for credex_id in ids:
        if valid_uuid(credex_id) is not None:
            return Refusal(400, "Invalid credexID: Invalid UUID format")
    if not enforced and not body.get("signerID"):
        return Refusal(400, "signerID is required")
    return None


@routes.post("/v1/acceptCredexBulk")
async def accept_credex_bulk(request: web.Request) -> web.Response:
    state = request.app[STATE]
    body = await read_body(request)
    refusal = _bulk_refusal(body, state.enforced)
    if refusal is not None:
        return message(refusal)
    claimed = body.get("signerID")
    signer = acting_member(state, request, claimed if isinstance(claimed, str) else None)
    if isinstance(signer, Refusal):
        return error(signer)
    outcome = offers.accept_bulk(state.ledger, body["credexIDs"], signer)
    failed = [{"credexID": c, "error": reason} for c, reason in outcome.failed]
    if not outcome.accepted and not outcome.already_accepted:
        return json_reply(
            {"error": "No credex were processed successfully", "details": failed}, 400
        )
    first = outcome.accepted[0] if outcome.accepted else None
    return json_reply(
        {
            "summary": {
                "accepted": [c.credex_id for c in outcome.accepted],
                "alreadyAccepted": list(outcome.already_accepted),
                "failed": failed,
            },
            "acceptCredexData": [_accepted_data(c, signer) for c in outcome.accepted],
            "dashboardData": None if first is None else _acceptor_view(state, first, signer),
        }
    )


Settle = Callable[[Ledger, str | None, str | None], Credex | Refusal]


async def _settle(
    request: web.Request, settle: Settle, reply: Callable[[str], dict[str, Any]]
) -> web.Response:
    """Decline and cancel: same body, same signer resolution, different rule and answer."""
    state = request.app[STATE]
    body = await parse(request, schemas.SIGNED_CREDEX)
    if isinstance(body, web.Response):
        return body
    signer = acting_member(state, request, body.get("signerID"))
    if isinstance(signer, Refusal):
        return error(signer)
    credex = settle(state.ledger, body.get("credexID"), signer)
    if isinstance(credex, Refusal):
        return error(credex)
    return json_reply(reply(credex.credex_id))


@routes.post("/v1/declineCredex")
async def decline_credex(request: web.Request) -> web.Response:
    return await _settle(
        request,
        offers.decline,
        lambda credex_id: {"message": "Credex declined successfully", "data": credex_id},
    )


@routes.post("/v1/cancelCredex")
async def cancel_credex(request: web.Request) -> web.Response:
    return await _settle(
        request,
        offers.cancel,
        lambda credex_id: {"message": "Credex cancelled successfully", "credexID": credex_id},
    )


@routes.post("/v1/getCredex")
async def get_credex(request: web.Request) -> web.Response:
    state = request.app[STATE]
    body = await parse(request, schemas.GET_CREDEX)
    if isinstance(body, web.Response):
        return body
    account_id = body.get("accountID")
    if not may_act_for(state, request, account_id):
        return error(Refusal(403, ACTING_FOR_OTHERS))
    credex = state.ledger.credexes.get(body.get("credexID") or "")
    # HEAD answers 500, not 404, for a missing credex or a non-party viewpoint (§11 quirk 13).
    if (
        credex is None
        or credex.state is CredexState.EXPIRED
        or account_id not in (credex.issuer_id, credex.receiver_id)
    ):
        return error(Refusal(500, offers.INTERNAL))
    return json_reply(credex_detail(state.ledger, credex, account_id or ""))
