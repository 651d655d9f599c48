"""GET/POST /webhook: Meta's verification handshake and message delivery (docs/architecture.md,
step 1 of the path).

POST answers 200 only after every message of the delivery is recorded through the runtime
(G1, G2); 503 when the store is down so Meta redelivers. A signed delivery we cannot read is
acknowledged anyway (logged and counted), because a non-200 makes Meta retry it for 7 days and
can get the subscription disabled (docs/whatsapp-cloud-api.md §A1 "Status code policy", §A3).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

import attrs
import redis.exceptions
from aiohttp import web

from gateway.config import GatewayConfig
from gateway.routes.body import read_body, refused_unread
from gateway.security import same_secret
from gateway.whatsapp import meters
from gateway.whatsapp.delivery import DeliveryTracker
from gateway.whatsapp.display_number import DisplayNumbers
from gateway.whatsapp.envelopes import current_trace_context, to_envelope
from gateway.whatsapp.identity import IdentityMap
from gateway.whatsapp.inbound import MalformedWebhook, Message, Status, parse_webhook
from gateway.whatsapp.signature import SignatureVerdict, check_signature, header_verdict
from gateway.whatsapp.window import ServiceWindow
from runtime.client import RedisClient, RedisPipeline
from runtime.contracts import (
    ConversationKey,
    Envelope,
    Recorder,
    SharedPipelines,
    StoreUnavailable,
)
from runtime.priority import AckFirst
from runtime.scripts import reloading, run_pipeline

log = logging.getLogger("gateway.webhook")

T = TypeVar("T")
R = TypeVar("R")
_LEAD = object()
_NEW, _DUPLICATE = (
    {"result": "new"},
    {"result": "duplicate"},
)  # a waiter's ticket resolves to this when it is to write the next batch


@attrs.frozen
class _Batch:
    messages: tuple[Message, ...]
    statuses: tuple[Status, ...]
    display_number: str | None = None  # metadata.display_phone_number, for pay links


@attrs.frozen
class _Writes:
    """What one delivery writes before its 200: envelopes, window stamps, identity aliases."""

    envelopes: list[Envelope]
    stamps: list[tuple[ConversationKey, float]]
    aliases: tuple[dict[str, str], list[str]]


class WebhookRoutes:
    def __init__(
        self,
        config: GatewayConfig,
        recorder: Recorder,
        redis: RedisClient,
        key_prefix: str,
        display_numbers: DisplayNumbers | None = None,
        pipelines: SharedPipelines | None = None,
        acks: AckFirst | None = None,
    ) -> None:
        self._config = config
        # The runtime's turns and sends give way while deliveries are being acknowledged.
        self._acks = acks or AckFirst()
        # The runtime's urgent lane (the records' own), when served with a runtime: the alias
        # lookups and the stamps then share its pipelines instead of a round trip each.
        self._pipelines = pipelines
        self._display_numbers = display_numbers
        self._recorder = recorder
        self._redis = redis
        self._window = ServiceWindow(redis, key_prefix)
        self._delivery = DeliveryTracker(redis, key_prefix)
        self._identities = IdentityMap(redis, key_prefix, config.whatsapp_phone_number_id)
        self._writes = GroupCommit(self._flush)
        self._lookups = GroupCommit(self._resolve)
        self._status_writes = GroupCommit(self._advance)

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
        with self._acks.acknowledging():
            return await self._receive(request)

    async def _receive(self, request: web.Request) -> web.Response:
        started = time.perf_counter()
        header = request.headers.get("X-Hub-Signature-256")
        # An unsigned POST costs us its headers only: refused before its body is read.
        verdict = header_verdict(header)
        if verdict is None:
            config = self._config
            body = await read_body(
                request, max_bytes=config.max_webhook_bytes, seconds=config.read_timeout_seconds
            )
            verdict = check_signature(body, header, config.whatsapp_app_secret)
        if verdict is not SignatureVerdict.VALID:
            refused_unread(request)
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
        if self._display_numbers is not None and batch.display_number:
            ours = self._config.whatsapp_phone_number_id
            await self._display_numbers.heard(ours, batch.display_number)
        meters.webhook_ack_seconds.record(time.perf_counter() - started)
        return web.Response(text="ok")

    def _batch(self, body: bytes) -> _Batch:
        hook = parse_webhook(body)
        if hook.unreadable:
            meters.webhook_ignored.add(hook.unreadable, {"reason": "unreadable"})
        ours = self._config.whatsapp_phone_number_id
        messages: list[Message] = []
        statuses: list[Status] = []
        display: str | None = None
        for change in hook.changes:
            if change.phone_number_id != ours:
                # Another environment sharing the Meta app (docs/reference-bot.md §5.1): not ours.
                count = len(change.messages) + len(change.statuses)
                meters.webhook_ignored.add(count, {"reason": "foreign_number"})
                continue
            messages.extend(change.messages)
            statuses.extend(change.statuses)
            display = change.display_phone_number or display
        return _Batch(tuple(messages), tuple(statuses), display)

    async def _record(self, batch: _Batch) -> None:
        if batch.messages:
            await self._record_messages(batch.messages)
        if batch.statuses:
            applied = await self._status_writes.submit(batch.statuses)
            for status, moved in zip(batch.statuses, applied, strict=True):
                meters.statuses.add(
                    1, {"status": status.status, "applied": "yes" if moved else "stale"}
                )
                for error in status.errors:
                    meters.status_errors.add(1, {"code": str(error.code)})

    async def _record_messages(self, received: tuple[Message, ...]) -> None:
        messages = await self._with_known_user_ids(received)
        ours = self._config.whatsapp_phone_number_id
        context = current_trace_context()
        envelopes = [to_envelope(ours, m, context) for m in messages]
        now = time.time()
        stamps = [
            (env.key, min(float(msg.timestamp or now), now))
            for env, msg in zip(envelopes, messages, strict=True)
        ]
        fresh = await self._writes.submit(_Writes(envelopes, stamps, _aliases(received)))
        new = sum(fresh)
        if new:
            meters.webhook_messages.add(new, _NEW)
        if len(fresh) > new:
            meters.webhook_messages.add(len(fresh) - new, _DUPLICATE)

    async def _flush(self, batch: list[_Writes]) -> list[list[bool]]:
        """Record the envelopes of concurrent deliveries in one `record` call and write their
        stamps in one pipeline. Raises when either fails: then no delivery of the batch is
        acknowledged (503, Meta redelivers; dedup and the idempotent stamps make that safe)."""
        # The stamps do not depend on the record's outcome, so they travel while it does: one
        # round trip less on the ack path. The task is always awaited.
        stamping = asyncio.create_task(self._stamp(batch))
        try:
            fresh = await self._recorder.record([e for w in batch for e in w.envelopes])
        except BaseException:
            await asyncio.wait([stamping])
            if not stamping.cancelled():
                stamping.exception()  # the record's error is the one reported
            raise
        await stamping
        answers: list[list[bool]] = []
        start = 0
        for writes in batch:
            answers.append(list(fresh[start : start + len(writes.envelopes)]))
            start += len(writes.envelopes)
        return answers

    async def _stamp(self, batch: list[_Writes]) -> None:
        """Window stamps and identity aliases of a batch, in one round trip: in the runtime's
        urgent pipelines when served with a runtime, else in a pipeline of their own."""
        commands = [
            command
            for writes in batch
            for command in (
                *self._window.touch_commands(writes.stamps),
                *self._identities.remember_commands(*writes.aliases),
            )
        ]
        if not commands:
            return
        run = self._pipelines
        if run is not None:
            await reloading(self._redis, [self._window.script], lambda: run(*commands))
            return

        def fill(pipe: RedisPipeline) -> None:
            for command in commands:
                pipe.execute_command(*command)

        await run_pipeline(self._redis, [self._window.script], fill)

    async def _with_known_user_ids(self, messages: tuple[Message, ...]) -> list[Message]:
        """Phone-only messages of users we have seen with a user id join that conversation."""
        phones = [m.wa_id for m in messages if m.user_id is None and m.wa_id is not None]
        known = await self._lookups.submit(phones) if phones else {}
        return [
            attrs.evolve(m, user_id=known[m.wa_id]) if m.user_id is None and m.wa_id in known else m
            for m in messages
        ]

    async def _advance(self, batch: list[tuple[Status, ...]]) -> list[list[bool]]:
        """Delivery statuses of concurrent deliveries, in one update (order kept)."""
        applied = await self._delivery.update([s for statuses in batch for s in statuses])
        answers: list[list[bool]] = []
        start = 0
        for statuses in batch:
            answers.append(applied[start : start + len(statuses)])
            start += len(statuses)
        return answers

    async def _resolve(self, batch: list[list[str]]) -> list[dict[str, str]]:
        """The aliases asked for by concurrent deliveries, in one MGET."""
        known = await self._identities.resolve(
            (p for phones in batch for p in phones), self._pipelines
        )
        return [{p: known[p] for p in phones if p in known} for phones in batch]


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


class GroupCommit(Generic[T, R]):
    """Group commit: the items of concurrent callers go out in one `flush`.

    The first caller flushes at once (no added wait when idle); callers arriving meanwhile
    queue, and the first of them flushes the whole queue next. Under load this turns N Redis
    round trips (and N pipelines' worth of CPU) into one, which is what keeps the ack tail
    short at 1,000 messages/s. Every caller gets its own result or the batch's error.
    """

    def __init__(self, flush: Callable[[list[T]], Awaitable[list[R]]]) -> None:
        self._flush = flush
        self._queue: list[tuple[T, asyncio.Future[Any]]] = []
        self._busy = False

    async def submit(self, item: T) -> R:
        ticket: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.append((item, ticket))
        if self._busy:
            try:
                outcome = await ticket
            except BaseException:
                if ticket.done() and not ticket.cancelled() and ticket.exception() is None:
                    self._hand_over()  # cancelled just after being made leader: pass it on
                raise
            if outcome is not _LEAD:
                return outcome  # type: ignore[no-any-return]
        self._busy = True
        batch, self._queue = self._queue, []
        try:
            results = await self._flush([queued for queued, _ in batch])
        except Exception as exc:
            _settle(batch, ticket, exc)
            raise
        except BaseException:
            # Cancelled mid-write: the others cannot know what was written; they answer 503.
            _settle(batch, ticket, ConnectionError("the write of this batch was interrupted"))
            raise
        finally:
            self._hand_over()
        mine: Any = None
        for (_, waiter), result in zip(batch, results, strict=True):
            if waiter is ticket:
                mine = result
            elif not waiter.done():
                waiter.set_result(result)
        return mine  # type: ignore[no-any-return]

    def _hand_over(self) -> None:
        # Waiters cancelled while queued are dropped: nobody is left to answer their delivery.
        self._queue = [(item, waiter) for item, waiter in self._queue if not waiter.done()]
        if self._queue:
            self._queue[0][1].set_result(_LEAD)
        else:
            self._busy = False


def _settle(batch: list[tuple[Any, asyncio.Future[Any]]], own: object, error: Exception) -> None:
    for _, waiter in batch:
        if waiter is not own and not waiter.done():
            waiter.set_exception(error)
