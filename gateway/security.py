"""HTTP security for the gateway: response headers, CORS for /api/*, and HS256 tokens.

The reference bot issued no tokens (its notify endpoint was unusable) and compared keys
non-constant-time (docs/reference-bot.md §6, §9.2); here tokens are HS256 JWTs issued and
checked by PyJWT: HS256 only, `exp`, `iat` and `sub` required, LEEWAY_SECONDS of clock skew.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Collection
from typing import Any

import attrs
import jwt
from aiohttp import web

HSTS = "max-age=31536000; includeSubDomains"
HTML_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Non-HTML responses need no sources at all.
API_CSP = "default-src 'none'; frame-ancestors 'none'"


# The headers every response carries, in one update (set, not added: a handler's own value of
# one of these is replaced, as four assignments would).
_EVERY_RESPONSE = {
    "Strict-Transport-Security": HSTS,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """`on_response_prepare` hook: runs for every response, error pages included."""
    headers = response.headers
    headers.update(_EVERY_RESPONSE)
    if "Content-Security-Policy" not in headers:
        html = (response.content_type or "").startswith("text/html")
        headers["Content-Security-Policy"] = HTML_CSP if html else API_CSP


def cors_middleware(origins: Collection[str]) -> Any:
    """CORS on /api/* for the configured origins only; other origins get no CORS headers."""
    allowed = frozenset(origins)

    @web.middleware
    async def cors(request: web.Request, handler: Any) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if not request.path.startswith("/api/") or origin is None:
            return await handler(request)  # type: ignore[no-any-return]
        if request.method == "OPTIONS":
            if origin not in allowed:
                raise web.HTTPForbidden(text="origin not allowed")
            response: web.StreamResponse = web.Response(status=204)
            response.headers["Access-Control-Allow-Methods"] = "POST, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
            response.headers["Access-Control-Max-Age"] = "600"
        else:
            response = await handler(request)
        if origin in allowed:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Vary"] = "Origin"
        return response

    return cors


# Clock skew tolerated on `exp` and `iat` between credex-core's clock and ours.
LEEWAY_SECONDS = 30
_ALGORITHMS = ["HS256"]  # the only one accepted: never "none", never an asymmetric one
_REQUIRED = ["exp", "iat", "sub"]


class InvalidToken(ValueError):
    """A bearer token that is malformed, badly signed, expired or missing a claim."""


@attrs.frozen
class Claims:
    subject: str
    issued_at: int
    expires_at: int


def issue_token(secret: str, subject: str, ttl_seconds: int, now: float | None = None) -> str:
    issued = int(time.time() if now is None else now)
    claims = {"sub": subject, "iat": issued, "exp": issued + ttl_seconds}
    return jwt.encode(claims, secret, algorithm="HS256")


def verify_token(secret: str, token: str) -> Claims:
    """The claims of a valid, unexpired HS256 token; `InvalidToken` otherwise."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=_ALGORITHMS,
            options={"require": _REQUIRED, "verify_signature": True},
            leeway=LEEWAY_SECONDS,
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(type(exc).__name__) from exc
    sub, iat, exp = claims["sub"], claims["iat"], claims["exp"]
    if not isinstance(sub, str) or not isinstance(iat, int) or not isinstance(exp, int):
        raise InvalidToken("claims of the wrong type")
    return Claims(subject=sub, issued_at=iat, expires_at=exp)


def bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def same_secret(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())
