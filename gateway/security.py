"""HTTP security for the gateway: response headers, CORS for /api/*, and HS256 tokens.

The reference bot issued no tokens (its notify endpoint was unusable) and compared keys
non-constant-time (docs/reference-bot.md §6, §9.2); here tokens are HS256 JWTs checked in constant
time.
HS256 is implemented with hmac/hashlib/base64 to keep a dependency out of the trust path.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Collection
from typing import Any

import attrs
import orjson
from aiohttp import web

HSTS = "max-age=31536000; includeSubDomains"
HTML_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
# Non-HTML responses need no sources at all.
API_CSP = "default-src 'none'; frame-ancestors 'none'"


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """`on_response_prepare` hook: runs for every response, error pages included."""
    response.headers["Strict-Transport-Security"] = HSTS
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    html = (response.content_type or "").startswith("text/html")
    response.headers.setdefault("Content-Security-Policy", HTML_CSP if html else API_CSP)


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


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


_HEADER = _b64(orjson.dumps({"alg": "HS256", "typ": "JWT"}))


class InvalidToken(ValueError):
    """A bearer token that is malformed, badly signed or expired."""


@attrs.frozen
class Claims:
    subject: str
    issued_at: int
    expires_at: int


def issue_token(secret: str, subject: str, ttl_seconds: int, now: float | None = None) -> str:
    issued = int(time.time() if now is None else now)
    claims = {"sub": subject, "iat": issued, "exp": issued + ttl_seconds}
    signing_input = f"{_HEADER}.{_b64(orjson.dumps(claims))}"
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


def verify_token(secret: str, token: str, now: float | None = None) -> Claims:
    """The claims of a valid, unexpired HS256 token; `InvalidToken` otherwise."""
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidToken("not a JWT")
    try:
        header = orjson.loads(_unb64(parts[0]))
        signature = _unb64(parts[2])
        expected = hmac.new(
            secret.encode(), f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256
        ).digest()
        if not hmac.compare_digest(signature, expected):
            raise InvalidToken("bad signature")
        # Checked after the signature, and strictly: never accept "none" or another algorithm.
        if not isinstance(header, dict) or header.get("alg") != "HS256":
            raise InvalidToken("unexpected algorithm")
        claims = orjson.loads(_unb64(parts[1]))
    except InvalidToken:
        raise
    except (ValueError, orjson.JSONDecodeError) as exc:
        raise InvalidToken(f"undecodable token: {exc}") from exc
    if not isinstance(claims, dict):
        raise InvalidToken("claims are not an object")
    sub, iat, exp = claims.get("sub"), claims.get("iat"), claims.get("exp")
    if not isinstance(sub, str) or not isinstance(exp, int) or not isinstance(iat, int):
        raise InvalidToken("missing claims")
    if exp <= int(time.time() if now is None else now):
        raise InvalidToken("expired")
    return Claims(subject=sub, issued_at=iat, expires_at=exp)


def bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def same_secret(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())
