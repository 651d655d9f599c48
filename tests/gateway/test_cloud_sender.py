"""The Cloud API sender against a fake Graph API over real HTTP: payloads, error-code decisions,
the 24-hour window and its template fallback, pacing, resumption, and one CLIENT span per try."""

from __future__ import annotations

import asyncio
import time

import pytest
import redis.asyncio as aioredis
from opentelemetry.trace import SpanKind
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from actors.replies import (
    Button,
    ButtonsMessage,
    ListMessage,
    Outbound,
    Row,
    Section,
    TemplateReply,
    TextReply,
    encode,
)
from gateway.whatsapp.cloud import CloudSender
from gateway.whatsapp.graph_errors import REJECTED, RETRYABLE
from gateway.whatsapp.pacing import PAIR_RATE
from runtime.contracts import ConversationKey, SendDeferred, SendRejected, SendRetryable
from runtime.scripts import LuaScript
from tests.gateway.conftest import ACCESS_TOKEN, PNID, SPANS
from tests.gateway.fake_graph import FakeGraph
from tests.private_redis import private_redis

pytestmark = pytest.mark.anyio

PHONE = "263771234567"
KEY = ConversationKey(PNID, PHONE)
FALLBACK = TemplateReply("incoming_notification", "en_US", ("Bob", "offered you $5"))


def item(
    reply: object, to: str = PHONE, reply_id: str = "r1", fallback: TemplateReply | None = None
) -> bytes:
    return encode(Outbound(to=to, reply=reply, reply_id=reply_id, fallback=fallback))  # type: ignore[arg-type]


async def open_window(sender: CloudSender, key: ConversationKey = KEY) -> None:
    await sender.window.touch([(key, time.time() - 10)])


async def test_text_reply_reaches_graph_with_bearer_token_and_valid_payload(
    sender: CloudSender, graph: FakeGraph
) -> None:
    await open_window(sender)
    await sender(KEY, item(TextReply("Your balance is *$12.00*")))
    [accepted] = graph.accepted
    assert accepted.phone_number_id == PNID
    assert accepted.payload == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": PHONE,
        "type": "text",
        "text": {"preview_url": False, "body": "Your balance is *$12.00*"},
    }
    assert graph.invalid == []


async def test_business_scoped_user_id_is_sent_in_to(sender: CloudSender, graph: FakeGraph) -> None:
    key = ConversationKey(PNID, "US.1349")
    await open_window(sender, key)
    await sender(key, item(TextReply("hi"), to="US.1349"))
    assert graph.accepted[0].payload["to"] == "US.1349"


@pytest.mark.parametrize("code", sorted(RETRYABLE))
async def test_retryable_codes_raise_send_retryable_with_their_wait(
    sender: CloudSender, graph: FakeGraph, code: int
) -> None:
    await open_window(sender)
    graph.fail_next(code)
    with pytest.raises(SendRetryable) as raised:
        await sender(KEY, item(TextReply("hi")))
    assert raised.value.retry_after == RETRYABLE[code]
    assert str(code) in raised.value.reason
    await sender(KEY, item(TextReply("hi")))  # the retry goes through
    assert len(graph.accepted) == 1


@pytest.mark.parametrize("code", sorted(REJECTED - {131047}))
async def test_non_retryable_codes_raise_send_rejected(
    sender: CloudSender, graph: FakeGraph, code: int
) -> None:
    await open_window(sender)
    graph.fail_next(code)
    with pytest.raises(SendRejected) as raised:
        await sender(KEY, item(TextReply("hi")))
    assert str(code) in raised.value.reason
    assert graph.accepted == []


async def test_retry_after_header_overrides_the_default_wait(
    sender: CloudSender, graph: FakeGraph
) -> None:
    await open_window(sender)
    graph.retry_after_header = "7"
    graph.fail_next(131000)
    with pytest.raises(SendRetryable) as raised:
        await sender(KEY, item(TextReply("hi")))
    assert raised.value.retry_after == 7.0


async def test_unreachable_graph_is_retryable(
    redis_client: aioredis.Redis, key_prefix: str
) -> None:
    sender = CloudSender("http://127.0.0.1:1", ACCESS_TOKEN, PNID, redis_client, key_prefix)
    await open_window(sender)
    with pytest.raises(SendRetryable):
        await sender(KEY, item(TextReply("hi")))
    await sender.close()


async def test_outside_the_window_free_form_becomes_the_fallback_template(
    sender: CloudSender, graph: FakeGraph
) -> None:
    await sender(KEY, item(TextReply("Bob offered you $5"), fallback=FALLBACK))
    [accepted] = graph.accepted
    assert accepted.payload["type"] == "template"
    assert accepted.payload["template"]["name"] == "incoming_notification"


async def test_outside_the_window_without_fallback_is_rejected_with_the_reason(
    sender: CloudSender, graph: FakeGraph
) -> None:
    with pytest.raises(SendRejected) as raised:
        await sender(KEY, item(TextReply("hi")))
    assert "24-hour" in raised.value.reason
    assert graph.accepted == []


async def test_window_closed_by_meta_falls_back_to_the_template(
    sender: CloudSender, graph: FakeGraph
) -> None:
    await open_window(sender)
    graph.fail_next(131047)
    await sender(KEY, item(TextReply("hi"), fallback=FALLBACK))
    assert [a.payload["type"] for a in graph.accepted] == ["template"]


async def test_templates_are_sent_outside_the_window(sender: CloudSender, graph: FakeGraph) -> None:
    await sender(KEY, item(FALLBACK))
    assert graph.accepted[0].payload["template"]["components"][0]["parameters"][0]["text"] == "Bob"


async def test_a_retried_multi_part_item_does_not_repeat_accepted_parts(
    sender: CloudSender, graph: FakeGraph
) -> None:
    await open_window(sender)
    rows = tuple(Row(f"offer:{i}", f"Offer {i}") for i in range(25))
    reply = ListMessage("Pending", "View", (Section("All", rows),))
    graph.fail_when_accepted[1] = 131000  # the second page fails once
    with pytest.raises(SendRetryable):
        await sender(KEY, item(reply, reply_id="pages"))
    await sender(KEY, item(reply, reply_id="pages"))
    sections = [s for a in graph.accepted for s in a.payload["interactive"]["action"]["sections"]]
    assert [r["id"] for s in sections for r in s["rows"]] == [r.id for r in rows]
    assert len(graph.accepted) == 3


async def test_one_client_span_per_attempt(sender: CloudSender, graph: FakeGraph) -> None:
    await open_window(sender)
    SPANS.clear()
    graph.fail_next(131000)
    with pytest.raises(SendRetryable):
        await sender(KEY, item(ButtonsMessage("ok?", (Button("y", "Yes"),))))
    await sender(KEY, item(ButtonsMessage("ok?", (Button("y", "Yes"),))))
    # HTTP client spans only: the Redis instrumentation adds CLIENT spans of its own.
    spans = [
        s
        for s in SPANS.get_finished_spans()
        if s.kind is SpanKind.CLIENT and "url.full" in (s.attributes or {})
    ]
    assert [s.attributes["http.response.status_code"] for s in spans] == [500, 200]  # type: ignore[index]
    assert all(s.attributes["url.full"].endswith(f"/{PNID}/messages") for s in spans)  # type: ignore[index, union-attr]
    assert all(ACCESS_TOKEN not in str(dict(s.attributes or {})) for s in spans)


async def test_burst_to_many_recipients_is_paced_to_the_number_rate(
    graph: FakeGraph, redis_client: aioredis.Redis, key_prefix: str
) -> None:
    rate, count = 50.0, 120
    sender = CloudSender(graph.url, ACCESS_TOKEN, PNID, redis_client, key_prefix, rate=rate)
    keys = [ConversationKey(PNID, f"2637700{i:05d}") for i in range(count)]
    await sender.window.touch([(k, time.time()) for k in keys])
    started = time.monotonic()
    limit = asyncio.Semaphore(32)  # as the runtime's outbox sender does (sender_concurrency)

    async def send(key: ConversationKey) -> None:
        async with limit:
            await sender(key, item(TextReply("hi"), to=key.user))

    await asyncio.gather(*(send(k) for k in keys))
    elapsed = time.monotonic() - started
    await sender.close()
    # A full bucket (rate tokens) goes at once; the rest at `rate` per second.
    assert elapsed >= (count - rate) / rate * 0.9
    times = sorted(a.at - started for a in graph.accepted)
    for n, at in enumerate(times):
        assert at >= (n + 1 - rate) / rate - 0.05, (n, at)


async def test_burst_to_one_recipient_is_held_back_by_the_pair_limit(
    sender: CloudSender, graph: FakeGraph
) -> None:
    await open_window(sender)
    burst = int(
        PAIR_RATE.burst
    )  # Meta's tolerated burst (docs/whatsapp-cloud-api.md §A5), never less
    for n in range(burst):
        await sender(KEY, item(TextReply(f"part {n}"), reply_id=f"p{n}"))
    with pytest.raises(SendDeferred) as raised:
        await sender(KEY, item(TextReply("one too many"), reply_id="too-many"))
    assert raised.value.retry_after is not None and 4.0 < raised.value.retry_after <= 6.0
    assert len(graph.accepted) == burst


async def test_undecodable_item_is_rejected(sender: CloudSender) -> None:
    with pytest.raises(SendRejected):
        await sender(KEY, b"not an outbox item")


async def test_store_outage_is_retryable(graph: FakeGraph, key_prefix: str) -> None:
    dead = aioredis.Redis(host="127.0.0.1", port=1, retry=Retry(NoBackoff(), 0))
    sender = CloudSender(graph.url, ACCESS_TOKEN, PNID, dead, key_prefix)
    with pytest.raises(SendRetryable):
        await sender(KEY, item(TextReply("hi")))
    assert graph.accepted == []
    await sender.close()
    await dead.aclose()


async def test_the_sender_paces_and_sends_after_redis_lost_its_scripts(
    graph: FakeGraph, key_prefix: str
) -> None:
    # SCRIPT FLUSH on a Redis of the test's own, as a restart looks: the preflight and the
    # number's bucket are bare EVALSHA calls, loaded again once when Redis answers NOSCRIPT.
    preflight = LuaScript.read("gateway.whatsapp", "bucket", "preflight")
    take = LuaScript.read("gateway.whatsapp", "bucket", "bucket_take")
    async with private_redis() as own:
        sender = CloudSender(graph.url, ACCESS_TOKEN, PNID, own, key_prefix, rate=10.0)
        try:
            for n in (1, 2):
                await open_window(sender)
                await sender(KEY, item(TextReply(f"reply {n}"), reply_id=f"r{n}"))
                assert len(graph.accepted) == n
                assert await own.script_exists(preflight.sha, take.sha) == [True, True]
                await own.script_flush()
        finally:
            await sender.close()
