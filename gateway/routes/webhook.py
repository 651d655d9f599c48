"""GET/POST /webhook: Meta's verification handshake and message delivery (ARCHITECTURE step 1).

POST answers 200 only after every message of the delivery is recorded through the runtime
(G1, G2); 503 when the store is down so Meta redelivers. A signed delivery we cannot read is
acknowledged anyway (logged and counted), because a non-200 makes Meta retry it for 7 days and
can get the subscription disabled (cloud-api §A1 "Status code policy", §A3).
"""

from __future__ import annotations

import logging
import time

import attrs
import redis.asyncio as aioredis
import redis.exceptions
from aiohttp import web

from gateway.config import GatewayConfig
from gateway.security import same_secret
from gateway.whatsapp import meters
from gateway.whatsapp.delivery import DeliveryTracker
from gateway.whatsapp.envelopes import current_trace_context, to_envelope
from gateway.whatsapp.identity import IdentityMap
from gateway.whatsapp.inbound import MalformedWebhook, Message, Status, parse_webhook
from gateway.whatsapp.signature import SignatureVerdict, check_signature
from gateway.whatsapp.window import ServiceWindow
from runtime.contracts import ConversationKey, Recorder, StoreUnavailable

log = logging.getLogger("gateway.webhook")


@attrs.frozen
class _Batch:
    messages: tuple[Message, ...]
    statuses: tuple[Status, ...]


class WebhookRoutes:
    def __init__(
        self, config: GatewayConfig, recorder: Recorder, redis: aioredis.Redis, key_prefix: str
    ) -> None:
        self._config = config
        self._recorder = recorder
        self._redis = redis
        self._window = ServiceWindow(redis, key_prefix)
        self._delivery = DeliveryTracker(redis, key_prefix)
        self._identities = IdentityMap(redis, key_prefix, config.whatsapp_phone_number_id)

    def register(self, app: web.Application) -> None:
        app.router.add_get("/webhook", self.handshake)
        app.router.add_post("/webhook", self.receive)

    async def handshake(self, request: web.Request) -> web.Response:
        mode = request.query.get("hub.mode", "")
        token = request.query.get("hub.verify_token", "")
        challenge = request.query.get("hub.challenge")
        expected = self._config.whatsapp_verify_token
        # Both checks, token in constant time: otherwise anyone could subscribe our URL (§A1).
        if mode == "subscribe" and same_secret(token, expected) and challenge is not None:
            return web.Response(text=challenge, content_type="text/plain")
        return web.Response(status=403, text="verification failed")

    async def receive(self, request: web.Request) -> web.Response:
        started = time.perf_counter()
        body = await request.read()
        verdict = check_signature(
            body, request.headers.get("X-Hub-Signature-256"), self._config.whatsapp_app_secret
        )
        if verdict is not SignatureVerdict.VALID:
            meters.webhook_rejected.add(1, {"reason": verdict.value})
            status = 403 if verdict is SignatureVerdict.MISMATCH else 401
            return web.Response(status=status, text=f"signature {verdict.value}")
        try:
            batch = self._batch(body)
        except MalformedWebhook as exc:
            log.warning("unreadable signed webhook", extra={"reason": str(exc)})
            meters.webhook_ignored.add(1, {"reason": "malformed"})
            return web.Response(text="ok")
        try:
            await self._record(batch)
        except (StoreUnavailable, redis.exceptions.RedisError, OSError) as exc:
            log.error("store unavailable, not acknowledging", extra={"reason": repr(exc)})
            return web.Response(status=503, text="store unavailable")
        meters.webhook_ack_seconds.record(time.perf_counter() - started)
        return web.Response(text="ok")

    def _batch(self, body: bytes) -> _Batch:
        hook = parse_webhook(body)
        if hook.unreadable:
            meters.webhook_ignored.add(hook.unreadable, {"reason": "unreadable"})
        ours = self._config.whatsapp_phone_number_id
        messages: list[Message] = []
        statuses: list[Status] = []
        for change in hook.changes:
            if change.phone_number_id != ours:
                # Another environment sharing the Meta app (reference-bot §5.1): not ours.
                count = len(change.messages) + len(change.statuses)
                meters.webhook_ignored.add(count, {"reason": "foreign_number"})
                continue
            messages.extend(change.messages)
            statuses.extend(change.statuses)
        return _Batch(tuple(messages), tuple(statuses))

    async def _record(self, batch: _Batch) -> None:
        if batch.messages:
            messages = await self._with_known_user_ids(batch.messages)
            ours = self._config.whatsapp_phone_number_id
            context = current_trace_context()
            envelopes = [to_envelope(ours, m, context) for m in messages]
            fresh = await self._recorder.record(envelopes)
            for new in fresh:
                meters.webhook_messages.add(1, {"result": "new" if new else "duplicate"})
            now = time.time()
            stamps: list[tuple[ConversationKey, float]] = [
                (env.key, min(float(msg.timestamp or now), now))
                for env, msg in zip(envelopes, messages, strict=True)
            ]
            # One round trip for the window stamps and the identity aliases.
            async with self._redis.pipeline(transaction=False) as pipe:
                await self._window.queue_touch(pipe, stamps)
                self._identities.queue_remember(pipe, *_aliases(batch.messages))
                await pipe.execute()
        if batch.statuses:
            applied = await self._delivery.update(batch.statuses)
            for status, moved in zip(batch.statuses, applied, strict=True):
                meters.statuses.add(
                    1, {"status": status.status, "applied": "yes" if moved else "stale"}
                )
                for error in status.errors:
                    meters.status_errors.add(1, {"code": str(error.code)})

    async def _with_known_user_ids(self, messages: tuple[Message, ...]) -> list[Message]:
        """Phone-only messages of users we have seen with a user id join that conversation."""
        phones = [m.wa_id for m in messages if m.user_id is None and m.wa_id is not None]
        known = await self._identities.resolve(phones) if phones else {}
        return [
            attrs.evolve(m, user_id=known[m.wa_id]) if m.user_id is None and m.wa_id in known else m
            for m in messages
        ]


def _aliases(messages: tuple[Message, ...]) -> tuple[dict[str, str], list[str]]:
    """Phone -> user id pairs WhatsApp told us, and numbers users moved away from."""
    pairs: dict[str, str] = {}
    left: list[str] = []
    for m in messages:
        change = m.identity_change
        if change is not None and change.new_wa_id and change.new_wa_id != m.wa_id:
            if m.wa_id:
                left.append(m.wa_id)
            if m.user_id:
                pairs[change.new_wa_id] = change.new_user_id or m.user_id
        elif m.wa_id and m.user_id:
            pairs[m.wa_id] = m.user_id
    return pairs, [p for p in left if p not in pairs]
