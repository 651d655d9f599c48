"""Webhook -> runtime -> conversation -> outbox -> Cloud API sender -> fake Graph API, all over
real HTTP and a real Redis; every payload the fake receives is validated against limits.py."""

from __future__ import annotations

import time

import aiohttp
import pytest

from tests.gateway.fake_graph import FakeGraph
from tests.gateway.webhooks import delivery, post_webhook, text_message

pytestmark = pytest.mark.anyio


async def test_text_message_is_answered_through_the_cloud_api(
    http: aiohttp.ClientSession, gateway_url: str, graph: FakeGraph
) -> None:
    body = delivery(text_message("wamid.rt1", "263771111111", "balance"))
    assert (await post_webhook(http, gateway_url, body)).status == 200
    [accepted] = await graph.wait_for(1)
    assert accepted.payload["to"] == "263771111111"
    assert accepted.payload["text"]["body"] == "echo: balance"
    assert graph.invalid == []


async def test_long_reply_is_split_into_valid_messages_in_order(
    http: aiohttp.ClientSession, gateway_url: str, graph: FakeGraph
) -> None:
    long_body = "\n".join(f"line {n} " + "x" * 90 for n in range(120))  # ~12k chars
    body = delivery(text_message("wamid.rt2", "263772222222", long_body))
    assert (await post_webhook(http, gateway_url, body)).status == 200
    accepted = await graph.wait_for(3)
    joined = "\n".join(a.payload["text"]["body"] for a in accepted)
    assert joined == f"echo: {long_body}"
    assert graph.invalid == []


async def test_username_only_user_is_answered_at_the_business_scoped_id(
    http: aiohttp.ClientSession, gateway_url: str, graph: FakeGraph
) -> None:
    value = text_message("wamid.rt3", "263773333333", "hi", user_id="US.777")
    del value["contacts"][0]["wa_id"]
    del value["messages"][0]["from"]
    value["messages"][0]["from_user_id"] = "US.777"
    assert (await post_webhook(http, gateway_url, delivery(value))).status == 200
    [accepted] = await graph.wait_for(1)
    assert accepted.payload["to"] == "US.777"


async def test_a_burst_from_one_user_is_answered_in_order(
    http: aiohttp.ClientSession, gateway_url: str, graph: FakeGraph
) -> None:
    now = int(time.time())
    for n in range(5):
        value = text_message(f"wamid.burst{n}", "263774444444", f"m{n}", at=now)
        assert (await post_webhook(http, gateway_url, delivery(value))).status == 200
    accepted = await graph.wait_for(5)
    assert [a.payload["text"]["body"] for a in accepted] == [f"echo: m{n}" for n in range(5)]
