"""POST /api/token and POST /api/notify: credex-core tells a member they received an offer.

The notification is recorded as an inbound event of the member's conversation, so the actor
delivers it in order with its other replies; the actor's reply carries the
`incoming_notification` template as its fallback, which the sender uses outside the 24-hour
window (docs/reference-bot.md §5.5, docs/whatsapp-cloud-api.md §A4).
"""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import orjson
import redis.exceptions
from aiohttp import web

from actors.events import Inbound, Notification, encode
from gateway.config import GatewayConfig
from gateway.routes.api_limits import client_ip
from gateway.routes.body import read_body
from gateway.routes.login_guard import LoginGuard
from gateway.security import InvalidToken, bearer, issue_token, same_secret, verify_token
from gateway.untrusted import shown_name, shown_text
from gateway.whatsapp import meters
from gateway.whatsapp.envelopes import current_trace_context
from gateway.whatsapp.identity import IdentityMap
from runtime.contracts import ConversationKey, Envelope, Recorder, StoreUnavailable

_PHONE = re.compile(r"\+?[0-9]{7,15}")
MAX_MESSAGE = 1000
MAX_NAME = 100
MAX_API_BODY = 16 * 1024  # a token request or one notification: a few hundred bytes


def _bad(reason: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(
        text=orjson.dumps({"error": reason}).decode(), content_type="application/json"
    )


async def _json_object(request: web.Request, seconds: float) -> dict[str, Any]:
    body = await read_body(request, max_bytes=MAX_API_BODY, seconds=seconds)
    try:
        raw = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise _bad("body must be JSON") from exc
    if not isinstance(raw, dict):
        raise _bad("body must be a JSON object")
    return raw


def _text(raw: dict[str, Any], *names: str) -> str | None:
    for name in names:
        value = raw.get(name)
        if isinstance(value, str):
            return value
    return None


class NotifyRoutes:
    def __init__(
        self,
        config: GatewayConfig,
        recorder: Recorder,
        identities: IdentityMap,
        logins: LoginGuard,
    ) -> None:
        self._config = config
        self._recorder = recorder
        self._identities = identities
        self._logins = logins

    def register(self, app: web.Application) -> None:
        app.router.add_post("/api/token", self.token)
        app.router.add_post("/api/notify", self.notify)

    async def token(self, request: web.Request) -> web.Response:
        raw = await _json_object(request, self._config.read_timeout_seconds)
        client_id = _text(raw, "client_id", "clientId") or ""
        secret = _text(raw, "client_secret", "clientSecret") or ""
        config = self._config
        address = client_ip(request, config.trust_forwarded_for)
        try:
            wait = await self._logins.locked_for(address, client_id)
            if wait is not None:
                meters.api_requests.add(1, {"route": "/api/token", "outcome": "locked"})
                raise web.HTTPTooManyRequests(
                    headers={"Retry-After": str(wait)}, text="too many failed logins"
                )
            # Both compared in constant time, and both always compared (no early exit on the id).
            id_ok = same_secret(client_id, config.notify_client_id)
            secret_ok = same_secret(secret, config.notify_client_secret)
            if not (id_ok and secret_ok) or not config.notify_client_secret:
                await self._logins.failed(address, client_id)
                meters.api_requests.add(1, {"route": "/api/token", "outcome": "unauthorized"})
                raise web.HTTPUnauthorized(text="invalid client credentials")
        except (redis.exceptions.RedisError, OSError) as exc:
            raise web.HTTPServiceUnavailable(text="login store unavailable") from exc
        ttl = config.notify_token_ttl_seconds
        token = issue_token(config.notify_jwt_secret, client_id, ttl)
        meters.api_requests.add(1, {"route": "/api/token", "outcome": "issued"})
        return web.json_response({"access_token": token, "token_type": "Bearer", "expires_in": ttl})

    async def notify(self, request: web.Request) -> web.Response:
        token = bearer(request)
        try:
            if token is None:
                raise InvalidToken("no bearer token")
            verify_token(self._config.notify_jwt_secret, token)
        except InvalidToken as exc:
            meters.api_requests.add(1, {"route": "/api/notify", "outcome": "unauthorized"})
            raise web.HTTPUnauthorized(
                text="invalid token", headers={"WWW-Authenticate": "Bearer"}
            ) from exc
        raw = await _json_object(request, self._config.read_timeout_seconds)
        phone = (_text(raw, "phone") or "").replace(" ", "")
        # Shown to the member as written, so first stripped of controls and bidi overrides.
        name = shown_name(_text(raw, "memberName", "member_name") or "") or None
        message = shown_text(_text(raw, "message") or "") or None
        if _PHONE.fullmatch(phone) is None:
            raise _bad("phone must be 7 to 15 digits")
        if name is None or not name.strip() or len(name) > MAX_NAME:
            raise _bad(f"memberName must be 1 to {MAX_NAME} characters")
        if message is None or not message.strip() or len(message) > MAX_MESSAGE:
            raise _bad(f"message must be 1 to {MAX_MESSAGE} characters")
        digits = phone.lstrip("+")
        try:
            # A member who wrote to us under a business-scoped id is that conversation.
            user = (await self._identities.resolve([digits])).get(digits, digits)
            envelope = self._envelope(user, digits, name.strip(), message.strip())
            await self._recorder.record([envelope])
        except (StoreUnavailable, redis.exceptions.RedisError, OSError) as exc:
            raise web.HTTPServiceUnavailable(text="store unavailable") from exc
        meters.api_requests.add(1, {"route": "/api/notify", "outcome": "recorded"})
        return web.json_response({"id": envelope.message_id}, status=202)

    def _envelope(self, user: str, digits: str, name: str, message: str) -> Envelope:
        notify_id = f"notify:{uuid.uuid4()}"
        event = Inbound(
            message_id=notify_id,
            phone=digits,
            profile_name=None,
            at=int(time.time()),
            content=Notification(member_name=name, message=message),
        )
        key = ConversationKey(channel=self._config.whatsapp_phone_number_id, user=user)
        return Envelope(
            key=key,
            message_id=notify_id,
            payload=encode(event),
            trace_context=current_trace_context(),
        )
