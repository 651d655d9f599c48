"""Daily request limits on /api/*: per client IP without a token, per client with one.

POST /api/token is not under the per-IP daily count: a day-long lock let 100 wrong attempts
shut credex-core out; its failed logins have their own short lockout (login_guard.py).

Never applied to /webhook: Meta posts from a few shared IPs, and the reference bot's 100/day
per-IP throttle on its webhook made Meta retry (docs/reference-bot.md §6, §9.10).
"""

from __future__ import annotations

import time
from typing import Any

import attrs
import redis.exceptions as redis_errors
from aiohttp import web

from gateway.routes.keys import RouteKeys
from gateway.security import InvalidToken, bearer, verify_token
from gateway.whatsapp import meters
from runtime.client import RedisClient

_DAY = 86400
LOGIN_PATH = "/api/token"


@attrs.frozen
class ApiLimits:
    anonymous_per_day: int = 100
    client_per_day: int = 1000
    trust_forwarded_for: bool = False  # only behind a proxy that sets it


def client_ip(request: web.Request, trust_forwarded_for: bool) -> str:
    forwarded = request.headers.get("X-Forwarded-For")
    if trust_forwarded_for and forwarded:
        return forwarded.split(",")[0].strip()
    return request.remote or "unknown"


def rate_limit_middleware(
    redis: RedisClient, key_prefix: str, jwt_secret: str, limits: ApiLimits
) -> Any:
    keys = RouteKeys(key_prefix)

    @web.middleware
    async def rate_limit(request: web.Request, handler: Any) -> web.StreamResponse:
        if not request.path.startswith("/api/") or request.method == "OPTIONS":
            return await handler(request)  # type: ignore[no-any-return]
        if request.path == LOGIN_PATH:
            return await handler(request)  # type: ignore[no-any-return]
        subject, limit = _who(request, jwt_secret, limits)
        now = time.time()
        day = int(now // _DAY)
        key = keys.api_requests(subject, day)
        try:
            async with redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, _DAY + 60)
                count, _ = await pipe.execute()
        except (redis_errors.RedisError, OSError) as exc:
            raise web.HTTPServiceUnavailable(text="rate limit store unavailable") from exc
        if int(count) > limit:
            meters.api_requests.add(1, {"route": request.path, "outcome": "rate_limited"})
            retry_after = int((day + 1) * _DAY - now) + 1
            raise web.HTTPTooManyRequests(
                headers={"Retry-After": str(retry_after)}, text="rate limit exceeded"
            )
        return await handler(request)  # type: ignore[no-any-return]

    return rate_limit


def _who(request: web.Request, jwt_secret: str, limits: ApiLimits) -> tuple[str, int]:
    token = bearer(request)
    if token is not None:
        try:
            claims = verify_token(jwt_secret, token)
            return f"client:{claims.subject}", limits.client_per_day
        except InvalidToken:
            pass  # counted against the IP, and the route answers 401
    return f"ip:{client_ip(request, limits.trust_forwarded_for)}", limits.anonymous_per_day
