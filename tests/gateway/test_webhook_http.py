"""POST/GET /webhook over real HTTP: handshake, batches, duplicates, foreign numbers, malformed
bodies, size limit, store outage, the 24-hour window stamp and delivery statuses."""

from __future__ import annotations

import time

import aiohttp
import orjson
import pytest
import redis.asyncio as aioredis
from opentelemetry.trace import SpanKind
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from gateway.app import create_app
from gateway.whatsapp.delivery import DeliveryTracker
from gateway.whatsapp.keys import WhatsAppKeys
from gateway.whatsapp.window import ServiceWindow
from runtime import Runtime, RuntimeConfig
from runtime.contracts import ConversationKey
from tests.gateway.conftest import PNID, SPANS, make_config
from tests.gateway.conversation import RecordingHandler, Seen
from tests.gateway.webhooks import (
    change_value,
    counter,
    delivery,
    fixture,
    post_webhook,
    text_message,
)

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("query", "status", "body"),
    [
        (
            {
                "hub.mode": "subscribe",
                "hub.verify_token": "verify-me",
                "hub.challenge": "1158201444",
            },
            200,
            "1158201444",
        ),
        ({"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"}, 403, None),
        (
            {"hub.mode": "unsubscribe", "hub.verify_token": "verify-me", "hub.challenge": "1"},
            403,
            None,
        ),
        ({"hub.verify_token": "verify-me", "hub.challenge": "1"}, 403, None),
        ({"hub.mode": "subscribe", "hub.verify_token": "verify-me"}, 403, None),
    ],
)
async def test_handshake_echoes_the_raw_challenge_only_for_subscribe_with_our_token(
    http: aiohttp.ClientSession,
    gateway_url: str,
    query: dict[str, str],
    status: int,
    body: str | None,
) -> None:
    async with http.get(f"{gateway_url}/webhook", params=query) as response:
        assert response.status == status
        if body is not None:
            assert await response.text() == body
            assert response.content_type == "text/plain"


async def test_batched_entries_changes_messages_and_statuses_are_all_handled(
    http: aiohttp.ClientSession,
    gateway_url: str,
    seen: Seen,
    redis_client: aioredis.Redis,
    key_prefix: str,
) -> None:
    now = int(time.time())
    first = text_message("wamid.b1", "263770000001", "one", at=now)
    first["messages"].append(
        {
            "from": "263770000001",
            "id": "wamid.b2",
            "timestamp": str(now),
            "type": "text",
            "text": {"body": "two"},
        }
    )
    second = text_message("wamid.b3", "263770000002", "three", at=now)
    statuses = change_value(
        statuses=[
            {"id": "wamid.out1", "status": "delivered", "timestamp": str(now), "recipient_id": "1"},
            {"id": "wamid.out2", "status": "read", "timestamp": str(now), "recipient_id": "2"},
        ]
    )
    body = delivery(first, second, statuses, entries=2)
    assert (await post_webhook(http, gateway_url, body)).status == 200
    events = await seen.wait_for(3)
    ids = [e.message_id for e in events]
    # Conversations run concurrently; within one, arrival order holds (G4).
    assert sorted(ids) == ["wamid.b1", "wamid.b2", "wamid.b3"]
    assert ids.index("wamid.b1") < ids.index("wamid.b2")
    tracker = DeliveryTracker(redis_client, key_prefix)
    assert await tracker.state("wamid.out1") == "delivered"
    assert await tracker.state("wamid.out2") == "read"


async def test_duplicate_delivery_is_acknowledged_and_recorded_once(
    http: aiohttp.ClientSession, gateway_url: str, seen: Seen, runtime: Runtime
) -> None:
    body = delivery(text_message("wamid.dup", "263770000001", "hi"))
    before = await counter(http, gateway_url, "vimbiso_webhook_messages", result="duplicate")
    for _ in range(3):
        assert (await post_webhook(http, gateway_url, body)).status == 200
    assert (runtime.counters["recorded"], runtime.counters["duplicates"]) == (1, 2)
    assert [e.message_id for e in await seen.wait_for(1)] == ["wamid.dup"]
    after = await counter(http, gateway_url, "vimbiso_webhook_messages", result="duplicate")
    assert after - before == 2


async def test_events_for_another_number_are_ignored_counted_and_acknowledged(
    http: aiohttp.ClientSession, gateway_url: str, runtime: Runtime
) -> None:
    before = await counter(http, gateway_url, "vimbiso_webhook_ignored", reason="foreign_number")
    body = fixture("message", "text", pnid="999999999")
    assert (await post_webhook(http, gateway_url, body)).status == 200
    assert runtime.counters["recorded"] == 0
    after = await counter(http, gateway_url, "vimbiso_webhook_ignored", reason="foreign_number")
    assert after - before == 1


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"object":"x"}', "🙏".encode()])
async def test_signed_but_unreadable_body_is_logged_counted_and_acknowledged(
    http: aiohttp.ClientSession, gateway_url: str, runtime: Runtime, body: bytes
) -> None:
    before = await counter(http, gateway_url, "vimbiso_webhook_ignored", reason="malformed")
    assert (await post_webhook(http, gateway_url, body)).status == 200
    assert runtime.counters["recorded"] == 0
    assert await counter(http, gateway_url, "vimbiso_webhook_ignored", reason="malformed") > before


async def test_body_over_three_megabytes_is_refused_before_parsing(
    http: aiohttp.ClientSession, gateway_url: str, runtime: Runtime
) -> None:
    big = delivery(text_message("wamid.big", "263770000001", "x" * (3 * 1024 * 1024)))
    assert (await post_webhook(http, gateway_url, big)).status == 413
    assert runtime.counters["recorded"] == 0


async def test_redis_down_answers_503_so_meta_redelivers(
    http: aiohttp.ClientSession, serve: object, seen: Seen, key_prefix: str
) -> None:
    dead = aioredis.Redis(host="127.0.0.1", port=1, retry=Retry(NoBackoff(), 0))
    app = create_app(
        make_config(),
        redis=dead,
        recorder=Runtime(dead, RuntimeConfig(key_prefix=key_prefix), RecordingHandler(seen)),
        key_prefix=key_prefix,
    )
    base = await serve(app)  # type: ignore[operator]
    body = delivery(text_message("wamid.down", "263770000001", "hi"))
    assert (await post_webhook(http, base, body)).status == 503
    await dead.aclose()


async def test_recorded_message_stamps_the_customer_service_window(
    http: aiohttp.ClientSession, gateway_url: str, redis_client: aioredis.Redis, key_prefix: str
) -> None:
    at = int(time.time()) - 60
    body = delivery(text_message("wamid.win", "263770000009", "hi", user_id="US.9", at=at))
    assert (await post_webhook(http, gateway_url, body)).status == 200
    window = ServiceWindow(redis_client, key_prefix)
    key = ConversationKey(PNID, "US.9")
    assert await window.last_inbound(key) == at
    assert 24 * 3600 < await redis_client.ttl(WhatsAppKeys(key_prefix).window(key)) <= 25 * 3600
    assert await window.is_open(key)
    assert not await window.is_open(key, now=at + 24 * 3600 + 1)
    # A late retry of an older message never moves the window back.
    older = delivery(text_message("wamid.win0", "263770000009", "x", user_id="US.9", at=at - 500))
    assert (await post_webhook(http, gateway_url, older)).status == 200
    assert await window.last_inbound(key) == at


async def test_late_delivered_status_never_overwrites_read(
    http: aiohttp.ClientSession, gateway_url: str, redis_client: aioredis.Redis, key_prefix: str
) -> None:
    def status(state: str) -> dict[str, object]:
        return delivery(
            change_value(
                statuses=[
                    {
                        "id": "wamid.m1",
                        "status": state,
                        "timestamp": "1700000000",
                        "recipient_id": "263770000001",
                    }
                ]
            )
        )

    tracker = DeliveryTracker(redis_client, key_prefix)
    for state, expected in [
        ("sent", "sent"),
        ("read", "read"),
        ("delivered", "read"),
        ("sent", "read"),
        ("failed", "failed"),
        ("read", "failed"),
    ]:
        assert (await post_webhook(http, gateway_url, status(state))).status == 200
        assert await tracker.state("wamid.m1") == expected


async def test_failed_status_counts_its_error_code(
    http: aiohttp.ClientSession, gateway_url: str
) -> None:
    before = await counter(http, gateway_url, "vimbiso_delivery_errors", code="130472")
    assert (
        await post_webhook(http, gateway_url, fixture("message_status", "failed"))
    ).status == 200
    assert await counter(http, gateway_url, "vimbiso_delivery_errors", code="130472") == before + 1


async def test_every_golden_message_fixture_is_recorded_with_its_wamid(
    http: aiohttp.ClientSession, gateway_url: str, seen: Seen
) -> None:
    cases = [
        ("message", "text"),
        ("message", "image"),
        ("callback_button", "quick_reply"),
        ("callback_selection", "callback"),
        ("flow_completion", "completion"),
        ("message", "reaction"),
        ("system", "phone_number_change"),
    ]
    for n, (file, case) in enumerate(cases):
        body = fixture(file, case)
        body["entry"][0]["changes"][0]["value"]["messages"][0]["id"] = f"wamid.gold{n}"
        assert (await post_webhook(http, gateway_url, orjson.dumps(body))).status == 200
    events = await seen.wait_for(len(cases))
    assert sorted(e.message_id for e in events) == [f"wamid.gold{n}" for n in range(len(cases))]


async def test_recorded_envelope_continues_the_webhook_server_span_trace(
    http: aiohttp.ClientSession, gateway_url: str, seen: Seen
) -> None:
    SPANS.clear()
    body = delivery(text_message("wamid.trace", "263770000001", "hi"))
    assert (await post_webhook(http, gateway_url, body)).status == 200
    [envelope] = await seen.wait_for(1)
    [server] = [s for s in SPANS.get_finished_spans() if s.name == "POST /webhook"]
    assert server.kind is SpanKind.SERVER
    trace_id = f"{server.context.trace_id:032x}"
    assert envelope.trace_context["traceparent"].startswith(f"00-{trace_id}-")
