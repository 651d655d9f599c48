"""Who is calling (docs/credex-core-api.md §3): the Bearer JWT check with its idle expiry and
refresh in enforced mode,
and the body's identity fields in lax mode (HEAD, §11 quirks 1 and 2).
"""

from __future__ import annotations

import attrs
from aiohttp import web

from simulator.credex.model import Refusal
from simulator.credex.state import SimState
from simulator.credex.tokens import Claims, InvalidToken, sign, verify

MEMBER_KEY = web.RequestKey("credex_sim_member_id", str)
# Not in the HEAD snapshot, which never ties identity to the token; v01 answers 403 here.
ACTING_FOR_OTHERS = "Forbidden: you may only act for accounts you are authorized for"


@attrs.frozen
class Authenticated:
    member_id: str
    refreshed_token: str


def issue_token(state: SimState, member_id: str) -> str:
    now = int(state.config.clock().timestamp())
    return sign(Claims(member_id, now, now), state.config.jwt_secret)


def authenticate(state: SimState, request: web.Request) -> Authenticated | Refusal:
    header = request.headers.get("Authorization", "")
    parts = header.split(" ")
    token = parts[1] if len(parts) > 1 else ""
    if not token:
        return Refusal(401, "Authentication required")
    try:
        claims = verify(token, state.config.jwt_secret)
    except InvalidToken:
        return Refusal(401, "Invalid token")
    now = int(state.config.clock().timestamp())
    if now - claims.last_activity > state.config.token_idle_seconds:
        return Refusal(401, "Token expired")
    if claims.member_id not in state.ledger.members:
        return Refusal(401, "Invalid token")
    refreshed = sign(attrs.evolve(claims, last_activity=now), state.config.jwt_secret)
    return Authenticated(claims.member_id, refreshed)


def acting_member(
    state: SimState, request: web.Request, claimed: str | None
) -> str | Refusal | None:
    """The member a request acts as: the token's in enforced mode (a different `claimed` body
    field is refused with 403), the body field in lax mode."""
    if not state.enforced:
        return claimed
    member_id: str = request[MEMBER_KEY]
    if claimed and claimed != member_id:
        return Refusal(403, ACTING_FOR_OTHERS)
    return member_id


def may_act_for(state: SimState, request: web.Request, account_id: str | None) -> bool:
    """Enforced mode: the token's member must be AUTHORIZED_FOR the account; lax: anyone."""
    if not state.enforced:
        return True
    return state.ledger.is_authorized(request[MEMBER_KEY], account_id or "")
