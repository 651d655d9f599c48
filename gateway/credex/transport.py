"""credex-core over one pool of keep-alive connections (gateway/http_client.py): traced
attempts, retries with backoff and jitter.

Every attempt is an OpenTelemetry CLIENT span carrying a W3C `traceparent` to credex-core and
one sample in the latency histogram (operation x status). Retries happen only when the caller
says the operation is safe to repeat; the answer tells it whether an earlier attempt may have
taken effect (`ambiguous`), so "already accepted" after a lost answer can count as done.

Every call has a time budget (`answer_seconds`, the member's answer bound, G7): each attempt
may only use what is left of it, and a retry is only started when its backoff still leaves
time for an answer. A hanging credex-core therefore costs one budget, never 4 x the timeout.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

import attrs
import orjson
from opentelemetry import metrics, propagate, trace

from gateway.credex.errors import CredexUnavailable
from gateway.http_client import HttpClient, HttpFailure, NotSent
from runtime.telemetry import DURATION_BUCKETS, span_if_recorded, traceparent

log = logging.getLogger(__name__)

# 429 comes from the rate limiter before any route runs (docs/credex-core-api.md §4); 502/503/504
# from proxies.
RETRY_STATUSES = frozenset({429, 502, 503, 504})

Sleep = Callable[[float], Awaitable[None]]
Clock = Callable[[], float]

# A retry is not worth starting with less than this left of the budget: no answer could come.
MIN_ATTEMPT_SECONDS = 0.25


class OutOfTime(TimeoutError):
    """The call's time budget ran out before this attempt could start: nothing was sent."""


_NOT_SENT = (NotSent, OutOfTime)


@attrs.frozen
class Answer:
    """One HTTP answer, body decoded once: JSON when it is JSON, else the text (429, §4)."""

    status: int
    body: object
    text: str
    token: str | None = attrs.field(repr=False)
    retry_after: float | None


@attrs.frozen
class Outcome:
    answer: Answer
    ambiguous: bool  # an earlier attempt may have been processed before its answer was lost


def _json_default(value: object) -> Any:
    # Decimal goes out as an exact JSON number, never through float.
    if isinstance(value, Decimal):
        return orjson.Fragment(format(value, "f"))
    raise TypeError(f"cannot encode {type(value).__name__}")


def _bearer(headers: Mapping[str, str]) -> str | None:
    value = headers.get("authorization", "")
    scheme, _, token = value.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _retry_after(headers: Mapping[str, str]) -> float | None:
    try:
        return max(0.0, float(headers["retry-after"]))
    except (KeyError, ValueError):
        return None


class Transport:
    def __init__(
        self,
        base_url: str,
        *,
        client_api_key: str | None,
        connect_timeout: float,
        total_timeout: float,
        max_retries: int,
        sleep: Sleep,
        rng: random.Random,
        backoff_base: float,
        backoff_cap: float,
        max_retry_after: float,
        tracer_provider: trace.TracerProvider | None,
        meter_provider: metrics.MeterProvider | None,
        answer_seconds: float = 8.0,
        clock: Clock = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._path = urlsplit(self.base_url).path  # "/v1": every operation is under it
        self._api_key = client_api_key
        self._total_timeout = total_timeout
        self._connect_timeout = connect_timeout
        self._answer_seconds = answer_seconds
        self._clock = clock
        self._max_retries = max_retries
        # One pool of connections; it binds to the loop of its first request, not here.
        self._pool = HttpClient(self.base_url, connections=100, keepalive_seconds=30.0)
        self._sleep = sleep
        self._rng = rng
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._max_retry_after = max_retry_after
        self._tracer = trace.get_tracer(__name__, tracer_provider=tracer_provider)
        self._tracer_provider = tracer_provider  # None: the global one
        meter = metrics.get_meter(__name__, meter_provider=meter_provider)
        self._latency = meter.create_histogram(
            "credex.client.duration",
            unit="s",
            description="credex-core call latency",
            explicit_bucket_boundaries_advisory=DURATION_BUCKETS,
        )

    async def close(self) -> None:
        await self._pool.close()

    async def healthy(self) -> bool:
        try:
            answer = await self._pool.request(
                "GET",
                f"{self._path.removesuffix('/v1')}/health",
                headers={},
                connect_seconds=self._connect_timeout,
                answer_seconds=self._total_timeout,
            )
        except HttpFailure:
            return False
        return answer.status == 200

    async def call(
        self, operation: str, body: Mapping[str, object], token: str | None, *, retry: bool
    ) -> Outcome:
        """POST /v1/<operation>, retrying only when `retry`, all within `answer_seconds`;
        raises CredexUnavailable."""
        payload = orjson.dumps(body, default=_json_default)
        deadline = self._clock() + self._answer_seconds
        ambiguous = False
        attempt = 0
        while True:
            left = deadline - self._clock()
            try:
                if left < MIN_ATTEMPT_SECONDS:
                    raise OutOfTime(f"no time left of {self._answer_seconds:g}s")
                answer = await self._attempt(operation, payload, token, attempt, left)
            except (HttpFailure, OutOfTime) as exc:
                # A refused connection never carried the request; anything later may have.
                maybe_sent = not isinstance(exc, _NOT_SENT)
                if retry and await self._again(operation, attempt, None, exc, deadline):
                    ambiguous = ambiguous or maybe_sent
                    attempt += 1
                    continue
                raise CredexUnavailable(
                    f"credex-core unreachable: {type(exc).__name__}",
                    outcome_unknown=not retry and maybe_sent,
                ) from exc
            retryable = answer.status in RETRY_STATUSES and retry
            if retryable and await self._again(
                operation, attempt, answer.retry_after, answer, deadline
            ):
                ambiguous = ambiguous or answer.status != 429
                attempt += 1
                continue
            return Outcome(answer, ambiguous)

    async def _again(
        self,
        operation: str,
        attempt: int,
        retry_after: float | None,
        why: Answer | BaseException,
        deadline: float,
    ) -> bool:
        """Sleep before retry `attempt + 1` and say True, or say False when the retry count
        or the time budget is spent (a retry with no time left for its answer is pointless)."""
        if attempt >= self._max_retries:
            return False
        delay = self._delay(attempt, retry_after)
        if self._clock() + delay + MIN_ATTEMPT_SECONDS > deadline:
            return False
        reason = str(why.status) if isinstance(why, Answer) else type(why).__name__
        log.warning(
            "credex-core %s failed (%s); retry %d in %.2fs", operation, reason, attempt + 1, delay
        )
        await self._sleep(delay)
        return True

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self._max_retry_after) + self._rng.uniform(0, 0.1)
        # Exponential backoff with "equal jitter": half fixed, half random.
        ceiling = min(self._backoff_cap, self._backoff_base * 2.0**attempt)
        return ceiling / 2 + self._rng.uniform(0, ceiling / 2)

    async def _attempt(
        self, operation: str, payload: bytes, token: str | None, n: int, left: float
    ) -> Answer:
        path = f"/v1/{operation}"
        attributes: dict[str, str | int] = {
            "http.request.method": "POST",
            "url.path": path,
            "credex.operation": operation,
        }
        if n:
            attributes["http.request.resend_count"] = n
        started = time.perf_counter()
        status: int | str = "error"
        with span_if_recorded(
            self._tracer,
            f"POST {path}",
            kind=trace.SpanKind.CLIENT,
            attributes=attributes,
            provider=self._tracer_provider,
        ) as span:
            headers = {"Content-Type": "application/json"}
            if self._api_key is not None:
                headers["x-client-api-key"] = self._api_key
            if token is not None:
                headers["Authorization"] = f"Bearer {token}"
            if span.is_recording():
                propagate.inject(headers)
            else:  # the message's own trace context, as `inject` would write it (no baggage)
                headers.update(traceparent(span.get_span_context()))
            try:
                resp = await self._pool.request(
                    "POST",
                    f"{self._path}/{operation}",
                    headers=headers,
                    body=payload,
                    connect_seconds=min(self._connect_timeout, left),
                    answer_seconds=min(self._total_timeout, left),
                    total_seconds=min(self._total_timeout, left),
                )
            except HttpFailure as exc:
                span.set_attribute("error.type", type(exc).__name__)
                span.set_status(trace.StatusCode.ERROR)
                raise
            else:
                status = resp.status
                span.set_attribute("http.response.status_code", status)
                if status >= 500:
                    span.set_status(trace.StatusCode.ERROR)
                return Answer(
                    status=status,
                    body=_decode(resp.body),
                    text=resp.body.decode("utf-8", "replace"),
                    token=_bearer(resp.headers),
                    retry_after=_retry_after(resp.headers),
                )
            finally:
                self._latency.record(time.perf_counter() - started, _labels(operation, status))


@functools.lru_cache(maxsize=256)  # a few operations times a few statuses
def _labels(operation: str, status: int | str) -> Mapping[str, str]:
    """credex.client.duration's attributes, built once per operation and status."""
    return MappingProxyType(
        {"credex.operation": operation, "http.response.status_code": str(status)}
    )


def _decode(raw: bytes) -> object:
    try:
        return orjson.loads(raw) if raw else None
    except orjson.JSONDecodeError:
        return None


async def default_sleep(delay: float) -> None:
    await asyncio.sleep(delay)
