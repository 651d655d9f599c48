"""The Cloud API sender: delivers one outbox item (an encoded `Outbound`) to the Graph API.

Implements `runtime.contracts.Send`. Paced per business number and per recipient, classified by
Graph error code (`graph_errors`), aware of the 24-hour window (`window`), and idempotent across
retries of an item that became several payloads (split text, paged lists): the number of parts
Meta accepted is kept in Redis, so a retry resumes after them instead of repeating them.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import orjson
import redis.exceptions as redis_errors
from opentelemetry import trace

from actors.replies import Outbound, Reply, TemplateReply, decode
from gateway.whatsapp import meters
from gateway.whatsapp.graph_errors import (
    REJECTED,
    WINDOW_CLOSED,
    parse_error,
    retryable_without_code,
)
from gateway.whatsapp.outbound import DoesNotFit, Payload, build, mark_read_payload
from gateway.whatsapp.pacing import Rate, TokenBuckets
from gateway.whatsapp.window import ServiceWindow
from runtime.client import RedisClient
from runtime.contracts import ConversationKey, SendRejected, SendRetryable

_tracer = trace.get_tracer("gateway.whatsapp")
# Pair limit (cloud-api §A5): ~1 message per 6 s per user with short bursts; a burst of 10
# covers one busy turn (text + list + follow-up) and stays far below the 45 Meta tolerates.
PAIR_RATE = Rate(per_second=1 / 6, burst=10)
_PROGRESS_TTL = 24 * 3600
_OUTSIDE_WINDOW = "outside the 24-hour customer-service window and no template fallback"


class _WindowClosed(Exception):
    """The 24-hour window is closed and the reply has no template to fall back on."""


class CloudSender:
    """`await sender(key, item)` sends one outbox item; raises SendRetryable / SendRejected."""

    def __init__(
        self,
        api_url: str,
        access_token: str,
        phone_number_id: str,
        redis: RedisClient,
        key_prefix: str,
        session: aiohttp.ClientSession | None = None,
        rate: float = 80.0,
        max_pacing_wait: float = 1.0,
        timeout_seconds: float = 10.0,
    ) -> None:
        self._url = f"{api_url.rstrip('/')}/{phone_number_id}/messages"
        self._auth = f"Bearer {access_token}"
        self._pnid = phone_number_id
        self._redis = redis
        self._prefix = key_prefix
        self._session = session
        self._owns_session = session is None
        self._number_rate = Rate(per_second=rate, burst=rate)
        self._max_wait = max_pacing_wait
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._buckets = TokenBuckets(redis)
        self.window = ServiceWindow(redis, key_prefix)
        parts = urlsplit(self._url)
        self._server = (
            parts.hostname or "",
            parts.port or (443 if parts.scheme == "https" else 80),
        )

    async def close(self) -> None:
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None

    async def __call__(self, key: ConversationKey, item: bytes) -> None:
        try:
            await self._deliver(key, item)
        except (redis_errors.RedisError, ConnectionError) as exc:
            # Window, pacing and progress live in Redis: without it, try again later.
            meters.graph_sends.add(1, {"outcome": "retryable"})
            raise SendRetryable(f"store unavailable: {exc}") from exc

    async def _deliver(self, key: ConversationKey, item: bytes) -> None:
        try:
            out = decode(item)
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise self._rejected(f"undecodable outbox item: {exc}") from exc
        reply: Reply = out.reply
        if not isinstance(reply, TemplateReply) and not await self.window.is_open(key):
            reply = self._fallback_or_reject(out)
        try:
            await self._send_reply(key, out, reply)
        except _WindowClosed as closed:
            # Meta's clock says the window closed (131047) although ours had it open.
            if isinstance(reply, TemplateReply):
                raise self._rejected(str(closed)) from closed
            await self._send_reply(key, out, self._fallback_or_reject(out), part_base=100)
        meters.graph_sends.add(1, {"outcome": "sent"})

    async def mark_read(self, key: ConversationKey, wamid: str) -> None:
        await self._post(key, mark_read_payload(wamid))

    def _fallback_or_reject(self, out: Outbound) -> TemplateReply:
        if out.fallback is None:
            raise self._rejected(_OUTSIDE_WINDOW)
        meters.graph_sends.add(1, {"outcome": "fallback"})
        return out.fallback

    def _rejected(self, reason: str) -> SendRejected:
        meters.graph_sends.add(1, {"outcome": "rejected"})
        return SendRejected(reason)

    async def _send_reply(
        self, key: ConversationKey, out: Outbound, reply: Reply, part_base: int = 0
    ) -> None:
        try:
            payloads = build(out.to, reply)
        except DoesNotFit as exc:
            raise self._rejected(f"reply does not fit WhatsApp limits: {exc}") from exc
        progress_key = f"{self._prefix}wa:sent:{{{key.tag}}}:{out.reply_id}"
        done = int(await self._redis.get(progress_key) or 0)
        for index, payload in enumerate(payloads, start=part_base):
            if index < done:
                continue  # accepted by Meta on an earlier attempt of this item
            await self._post(key, payload)
            await self._redis.set(progress_key, index + 1, ex=_PROGRESS_TTL)

    async def _pace(self, key: ConversationKey) -> None:
        buckets = (
            (f"{self._prefix}wa:pace:{{{key.tag}}}", PAIR_RATE),
            (f"{self._prefix}wa:pace:number:{{{self._pnid}}}", self._number_rate),
        )
        for bucket, rate in buckets:
            while (wait := await self._buckets.take(bucket, rate)) > 0:
                if wait > self._max_wait:
                    meters.graph_sends.add(1, {"outcome": "paced"})
                    raise SendRetryable("paced: recipient or number rate", retry_after=wait)
                await asyncio.sleep(wait)

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    async def _post(self, key: ConversationKey, payload: Payload) -> None:
        try:
            data = orjson.dumps(payload)
        except orjson.JSONEncodeError as exc:  # e.g. a lone surrogate in a title
            raise self._rejected(f"reply is not encodable as JSON: {exc}") from exc
        await self._pace(key)
        attributes: dict[str, Any] = {
            "http.request.method": "POST",
            "server.address": self._server[0],
            "server.port": self._server[1],
            "url.full": self._url,
        }
        with _tracer.start_as_current_span(
            "POST", kind=trace.SpanKind.CLIENT, attributes=attributes
        ) as span:
            try:
                async with self._client().post(
                    self._url,
                    data=data,
                    headers={"Authorization": self._auth, "Content-Type": "application/json"},
                    timeout=self._timeout,
                ) as response:
                    body = await response.read()
                    status = response.status
                    retry_header = response.headers.get("Retry-After")
            except (aiohttp.ClientError, TimeoutError) as exc:
                span.set_attribute("error.type", type(exc).__name__)
                meters.graph_sends.add(1, {"outcome": "retryable"})
                raise SendRetryable(f"transport: {type(exc).__name__}: {exc}") from exc
            span.set_attribute("http.response.status_code", status)
            if status < 300:
                return
            span.set_attribute("error.type", str(status))
            span.set_status(trace.StatusCode.ERROR)
            self._raise_for(status, body, retry_header)

    def _raise_for(self, status: int, body: bytes, retry_header: str | None) -> None:
        error = parse_error(body)
        if error.code == WINDOW_CLOSED:
            raise _WindowClosed(error.reason(status))
        retry = error.retryable or (error.code not in REJECTED and retryable_without_code(status))
        if not retry:
            raise self._rejected(error.reason(status))
        after = error.retry_after
        if retry_header is not None and retry_header.strip().isdigit():
            after = float(retry_header.strip())
        meters.graph_sends.add(1, {"outcome": "retryable", "code": str(error.code)})
        raise SendRetryable(error.reason(status), retry_after=after)
