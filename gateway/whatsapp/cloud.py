"""The Cloud API sender: delivers one outbox item (an encoded `Outbound`) to the Graph API.

Implements `runtime.contracts.Send`. Paced per business number and per recipient (`pacing`),
classified by Graph error code (`graph_errors`), aware of the 24-hour window (`window`), and
idempotent across retries of an item that became several payloads (split text, paged lists):
the number of parts Meta accepted is kept in Redis, so a retry, or a new owner after a crash,
resumes after them instead of repeating them (if Redis dies between Meta's answer and that note,
the process keeps the count in memory, so its own retry does not repeat the part either; only a
crash at that very moment can). One Redis round trip before a reply (window, progress, pair
token) and one after each accepted part but the last (progress); the note of the last part goes
back to the outbox, which writes it in the round trip that removes the item, and until then the
process remembers the reply as sent, so a retry after a failed removal sends nothing again. The
number's bucket is taken in chunks.

Timeouts that may have succeeded: a POST whose connection never opened is retried freely (Meta
never saw it); a POST that was sent but not answered within `timeout_seconds` (20 s, twice
what Meta usually takes at its slowest) may have been accepted, so it is retried at most once;
if that retry times out too, the part is counted as sent (`graph_sends{outcome=uncertain}`,
logged) rather than repeated. A reply is delivered at most twice, never three times, and an
outage that refuses connections loses nothing. Reconciling with status webhooks is not
possible without the wamid, which a timed-out POST never returned.

A reply that waited longer than `stale_after_seconds` (an outage) is not sent as it was: a
screen (buttons or list, which show balances and offers) is replaced by a short "sorry for the
delay" with the menu, once per conversation; plain texts (confirmations) still go out.
"""

from __future__ import annotations

import asyncio
import logging
import time
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import orjson
import redis.exceptions as redis_errors
from opentelemetry import trace

from actors.replies import (
    ButtonsMessage,
    DocumentReply,
    ListMessage,
    Outbound,
    QrImageReply,
    Reply,
    TemplateReply,
    TextReply,
    decode,
)
from actors.screens.delivery import sorry_for_the_delay, still_delayed
from gateway.http_client import AnswerTimeout, HttpClient, HttpFailure
from gateway.whatsapp import meters
from gateway.whatsapp.graph_errors import (
    NUMBER_LIMIT,
    PAIR_LIMIT,
    REJECTED,
    WINDOW_CLOSED,
    parse_error,
    retryable_without_code,
)
from gateway.whatsapp.keys import WhatsAppKeys
from gateway.whatsapp.media import MediaUploader
from gateway.whatsapp.outbound import DoesNotFit, Payload, build
from gateway.whatsapp.pacing import (
    PAIR_RATE,
    NumberBudget,
    Rate,
    TokenBuckets,
)
from gateway.whatsapp.window import WINDOW_SECONDS, ServiceWindow
from runtime.client import RedisClient
from runtime.contracts import (
    Command,
    ConversationKey,
    SendDeferred,
    SendRejected,
    SendRetryable,
    SharedPipelines,
)
from runtime.telemetry import continued, hashed, span_if_recorded

log = logging.getLogger(__name__)
_tracer = trace.get_tracer("gateway.whatsapp")
_PROGRESS_TTL = 24 * 3600
_OUTSIDE_WINDOW = "outside the 24-hour customer-service window and no template fallback"
_TRACKED = 10_000  # in-memory per-reply notes (first try, timed-out parts) kept at most
# vimbiso_graph_sends' attributes, built once: one is counted on every reply's path.
_OUTCOME = {
    outcome: MappingProxyType({"outcome": outcome})
    for outcome in ("fallback", "paced", "rejected", "retryable", "sent", "stale", "uncertain")
}


class _WindowClosed(Exception):
    """The 24-hour window is closed and the reply has no template to fall back on."""


class _TimedOut(Exception):
    """The POST was sent but not answered in time: Meta may have accepted it."""


class CloudSender:
    """`await sender(key, item)` sends one outbox item; raises SendRetryable / SendRejected."""

    def __init__(
        self,
        api_url: str,
        access_token: str,
        phone_number_id: str,
        redis: RedisClient,
        key_prefix: str,
        rate: float = 80.0,
        max_pacing_wait: float = 1.0,
        timeout_seconds: float = 20.0,
        connect_timeout_seconds: float = 5.0,
        stale_after_seconds: float = 300.0,
        connections: int = 100,
    ) -> None:
        self._url = f"{api_url.rstrip('/')}/{phone_number_id}/messages"
        self._path = urlsplit(self._url).path
        self._auth = f"Bearer {access_token}"
        # Built once: every reply's POST carries the same headers.
        self._headers = {"Authorization": self._auth, "Content-Type": "application/json"}
        self._redis = redis
        self._keys = WhatsAppKeys(key_prefix)
        # One connection per sender task, so none waits for a free one; the pool binds to the
        # loop of its first request, not here.
        self._pool = HttpClient(self._url, connections=connections)
        self._max_wait = max_pacing_wait
        self._connect_timeout = connect_timeout_seconds
        self._timeout = timeout_seconds  # for the answer, once the request is written
        self._stale_after = stale_after_seconds
        self._shared: SharedPipelines | None = None  # see share_pipelines
        self._buckets = TokenBuckets(redis)
        self._number = NumberBudget(
            self._buckets,
            self._keys.number_bucket(phone_number_id),
            Rate(per_second=rate, burst=rate),
        )
        self.window = ServiceWindow(redis, key_prefix)
        self.media = MediaUploader(
            api_url,
            access_token,
            phone_number_id,
            redis,
            key_prefix,
            self._pool,
            connect_timeout=self._connect_timeout,
            timeout=self._timeout,
        )
        self._first_try: dict[str, float] = {}  # reply id -> monotonic time of its first try
        self._timed_out: dict[str, int] = {}  # progress key:part -> timeouts so far
        # progress key -> parts Meta accepted whose note in Redis failed (Redis died between
        # the POST and the note): a retry by this process resumes after them, not before.
        self._unnoted: dict[str, int] = {}
        # conversation -> its reply whose every part Meta accepted last: the outbox removes it
        # next; should that removal fail, the retry of the item must not send it again.
        self._finished: dict[ConversationKey, str] = {}
        self._apologised: dict[ConversationKey, float] = {}  # stale screens replaced, when
        parts = urlsplit(self._url)
        self._span_attributes: dict[str, Any] = {
            "http.request.method": "POST",
            "server.address": parts.hostname or "",
            "server.port": parts.port or (443 if parts.scheme == "https" else 80),
            "url.full": self._url,
        }

    def share_pipelines(self, run: SharedPipelines) -> None:
        """The per-reply Redis calls (preflight, pacing, progress) go through `run`, the
        runtime's batcher, instead of a round trip of their own each."""
        self._buckets.share_pipelines(run)
        self._shared = run

    async def close(self) -> None:
        await self._pool.close()

    async def __call__(self, key: ConversationKey, item: bytes) -> list[Command]:
        """Send the item; returns the note of its last part, for the outbox to write with the
        item's removal (`runtime.contracts.Send`)."""
        try:
            out = decode(item)
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise self._rejected(f"undecodable outbox item: {exc}") from exc
        try:
            with continued(out.trace_context):  # the send is part of its message's trace
                return await self._deliver(key, out)
        except (redis_errors.RedisError, ConnectionError) as exc:
            # Window, pacing and progress live in Redis: without it, try again later.
            meters.graph_sends.add(1, _OUTCOME["retryable"])
            raise SendRetryable(f"store unavailable: {exc}") from exc

    async def _deliver(self, key: ConversationKey, out: Outbound) -> list[Command]:
        if self._finished.get(key) == out.reply_id:
            return []  # sent in full already: only its removal from the outbox failed
        progress_key = self._keys.sent_parts(key, out.reply_id)
        first = self._first_try.setdefault(out.reply_id, time.monotonic())
        _bound(self._first_try)
        pre = await self._buckets.preflight(
            self._keys.window(key),
            progress_key,
            self._keys.pair_bucket(key),
            PAIR_RATE,
        )
        if pre.pair_wait > 0:
            meters.graph_sends.add(1, _OUTCOME["paced"])
            raise SendDeferred("paced: recipient rate", retry_after=pre.pair_wait)
        reply: Reply = out.reply
        done = max(pre.parts_done, self._unnoted.get(progress_key, 0))
        if done == 0:  # a screen half sent is finished as it was begun
            reply = self._fresh(key, reply, time.monotonic() - first)
        open_window = (
            pre.last_inbound is not None and time.time() - pre.last_inbound < WINDOW_SECONDS
        )
        if not isinstance(reply, TemplateReply) and not open_window:
            reply = self._fallback_or_reject(out)
        try:
            note = await self._send_reply(key, out, reply, progress_key, done)
        except _WindowClosed as closed:
            # Meta's clock says the window closed (131047) although ours had it open.
            if isinstance(reply, TemplateReply):
                raise self._rejected(str(closed)) from closed
            fallback = self._fallback_or_reject(out)
            note = await self._send_reply(key, out, fallback, progress_key, done, part_base=100)
        except SendRejected:
            self._first_try.pop(out.reply_id, None)
            raise
        self._first_try.pop(out.reply_id, None)
        self._unnoted.pop(progress_key, None)
        self._finished[key] = out.reply_id
        _bound(self._finished)
        meters.graph_sends.add(1, _OUTCOME["sent"])
        return note

    def _fresh(self, key: ConversationKey, reply: Reply, waited: float) -> Reply:
        """A screen that waited out an outage shows stale balances: say sorry instead."""
        if waited < self._stale_after or isinstance(reply, TextReply | TemplateReply):
            return reply
        meters.graph_sends.add(1, _OUTCOME["stale"])
        told = self._apologised.get(key)
        self._apologised[key] = time.monotonic()
        _bound(self._apologised)
        notes = reply.notes if isinstance(reply, ButtonsMessage | ListMessage) else ""
        if told is not None and time.monotonic() - told < self._stale_after:
            # One apology per outage: later stale screens say the same, so skip their words.
            return still_delayed(notes)
        return sorry_for_the_delay(notes)  # "Offer sent" before the screen is still true

    def _fallback_or_reject(self, out: Outbound) -> TemplateReply:
        if out.fallback is None:
            raise self._rejected(_OUTSIDE_WINDOW)
        meters.graph_sends.add(1, _OUTCOME["fallback"])
        return out.fallback

    def _rejected(self, reason: str) -> SendRejected:
        meters.graph_sends.add(1, _OUTCOME["rejected"])
        return SendRejected(reason)

    async def _send_reply(
        self,
        key: ConversationKey,
        out: Outbound,
        reply: Reply,
        progress_key: str,
        done: int,
        part_base: int = 0,
    ) -> list[Command]:
        """Post the parts not yet accepted, noting each in Redis but the last, whose note is
        returned (none when every part was accepted before)."""
        try:
            if isinstance(reply, QrImageReply | DocumentReply):  # the outbox holds the spec only
                payloads = [await self.media.payload(out.to, reply)]
            else:
                payloads = build(out.to, reply)
        except DoesNotFit as exc:
            raise self._rejected(f"reply does not fit WhatsApp limits: {exc}") from exc
        first = True
        last = part_base + len(payloads) - 1
        for index, payload in enumerate(payloads, start=part_base):
            if index < done:
                continue  # accepted by Meta on an earlier attempt of this item
            if not first:  # the preflight took the first part's pair token
                await self._pace_pair(key)
            first = False
            await self._post_once_more_at_most(key, payload, f"{progress_key}:{index}")
            if index == last:
                return [_progress(progress_key, index + 1)]
            try:
                await self._mark_progress(progress_key, index + 1)
            except (redis_errors.RedisError, ConnectionError):
                # Meta has the part but Redis does not know: remember it here, so the retry
                # after Redis is back does not send it again.
                self._unnoted[progress_key] = index + 1
                _bound(self._unnoted)
                raise
            self._unnoted.pop(progress_key, None)
        return []

    async def _mark_progress(self, progress_key: str, parts_done: int) -> None:
        if self._shared is None:
            await self._redis.execute_command(*_progress(progress_key, parts_done))
        else:
            await self._shared(_progress(progress_key, parts_done))

    async def _post_once_more_at_most(
        self, key: ConversationKey, payload: Payload, part: str
    ) -> None:
        try:
            await self._post(key, payload)
        except _TimedOut as exc:
            timeouts = self._timed_out.get(part, 0) + 1
            if timeouts < 2:
                self._timed_out[part] = timeouts
                _bound(self._timed_out)
                meters.graph_sends.add(1, _OUTCOME["retryable"])
                raise SendRetryable(f"timed out, may have been accepted: {exc}") from exc
            meters.graph_sends.add(1, _OUTCOME["uncertain"])
            log.warning(
                "send timed out twice; counted as sent rather than repeated",
                extra={"conversation": hashed(key.tag)},
            )
        self._timed_out.pop(part, None)

    async def _pace_pair(self, key: ConversationKey) -> None:
        _, wait = await self._buckets.take(self._keys.pair_bucket(key), PAIR_RATE)
        if wait > 0:
            meters.graph_sends.add(1, _OUTCOME["paced"])
            raise SendDeferred("paced: recipient rate", retry_after=wait)

    async def _pace_number(self) -> None:
        while (wait := await self._number.take()) > 0:
            if wait > self._max_wait:
                meters.graph_sends.add(1, _OUTCOME["paced"])
                raise SendDeferred("paced: number rate", retry_after=wait)
            await asyncio.sleep(wait)

    async def _post(self, key: ConversationKey, payload: Payload) -> None:
        try:
            data = orjson.dumps(payload)
        except orjson.JSONEncodeError as exc:  # e.g. a lone surrogate in a title
            raise self._rejected(f"reply is not encodable as JSON: {exc}") from exc
        await self._pace_number()
        with span_if_recorded(
            _tracer, "POST", kind=trace.SpanKind.CLIENT, attributes=self._span_attributes
        ) as span:
            try:
                response = await self._pool.request(
                    "POST",
                    self._path,
                    headers=self._headers,
                    body=data,
                    connect_seconds=self._connect_timeout,
                    answer_seconds=self._timeout,
                )
            except AnswerTimeout as exc:
                span.set_attribute("error.type", type(exc).__name__)
                raise _TimedOut(str(exc)) from exc
            except HttpFailure as exc:
                # Refused, reset or closed before an answer: retried as if Meta did not see it.
                span.set_attribute("error.type", type(exc).__name__)
                meters.graph_sends.add(1, _OUTCOME["retryable"])
                raise SendRetryable(f"transport: {type(exc).__name__}: {exc}") from exc
            status = response.status
            body = response.body
            retry_header = response.headers.get("retry-after")
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
        if error.code == NUMBER_LIMIT:
            self._number.pause(after or 1.0)  # every conversation of this number waits
        if error.code in (NUMBER_LIMIT, PAIR_LIMIT):
            # Meta's own pacing, not a failure: wait as told, keep order, lose nothing.
            raise SendDeferred(error.reason(status), retry_after=after or 1.0)
        raise SendRetryable(error.reason(status), retry_after=after)


def _progress(progress_key: str, parts_done: int) -> Command:
    """The note that Meta accepted `parts_done` parts of a reply."""
    return ("SET", progress_key, parts_done, "EX", _PROGRESS_TTL)


def _bound(notes: dict[Any, Any]) -> None:
    """Keep an in-memory note table small: drop the oldest entries (dicts keep order)."""
    while len(notes) > _TRACKED:
        notes.pop(next(iter(notes)))
