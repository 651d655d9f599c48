"""The one middleware every request passes: rate limit, keyholes, authentication, token refresh,
X-Request-ID, and credex-core's answers for unknown paths and unexpected failures
(docs/credex-core-api.md §2.1, §2.2).
"""

from __future__ import annotations

import logging
import uuid

from aiohttp import web
from aiohttp.typedefs import Handler

from simulator.credex.auth import MEMBER_KEY, authenticate
from simulator.credex.model import Refusal
from simulator.credex.ratelimit import TOO_MANY
from simulator.credex.replies import BodyRejected, generic, message
from simulator.credex.state import STATE

KEYHOLES = frozenset({"/v1/login", "/v1/onboardMember"})
logger = logging.getLogger(__name__)


def is_keyhole(path: str) -> bool:
    return path in KEYHOLES or "/v1/devadmin/" in path


@web.middleware
async def edge(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await _answer(request, handler)
    response.headers["X-Request-ID"] = str(uuid.uuid4())
    return response


async def _answer(request: web.Request, handler: Handler) -> web.StreamResponse:
    state = request.app[STATE]
    if state.limiter is not None:
        now = state.config.clock().timestamp()
        retry_after = state.limiter.hit(request.remote or "", now)
        if retry_after is not None:
            return web.Response(
                text=TOO_MANY,
                status=429,
                content_type="text/html",
                headers={"Retry-After": str(retry_after)},
            )
    path = request.path
    unmatched = request.match_info.http_exception is not None
    if path == "/health" and not unmatched:
        return await _run(request, handler)
    if is_keyhole(path):
        return generic(404, "Not Found") if unmatched else await _run(request, handler)
    # HEAD: the auth middleware answers whatever no router handled, so unknown paths get 401
    # before 404 in both modes (§2.2); in enforced mode it also guards every real route.
    if not unmatched and not state.enforced:
        return await _run(request, handler)
    caller = authenticate(state, request)
    if isinstance(caller, Refusal):
        return message(caller)
    request[MEMBER_KEY] = caller.member_id
    response = generic(404, "Not Found") if unmatched else await _run(request, handler)
    response.headers["Authorization"] = f"Bearer {caller.refreshed_token}"
    return response


async def _run(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except BodyRejected as rejected:
        return rejected.response
    except web.HTTPException:
        raise
    except Exception as failure:  # the generic error handler answers, as Express's does
        logger.exception("credex-sim: %s %s failed", request.method, request.path)
        return generic(500, str(failure) or "Internal Server Error")
