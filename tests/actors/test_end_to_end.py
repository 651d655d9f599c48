"""The conversation inside the whole stack: signed webhooks in, the real runtime on real Redis,
the credex-core simulator, and the WhatsApp simulator capturing what the Cloud API would send."""

from __future__ import annotations

from typing import Any

import redis.asyncio as aioredis

from simulator.demo import running_demo

TENDAI = "263771000001"


def body(payload: dict[str, Any]) -> str:
    if payload["type"] == "text":
        return str(payload["text"]["body"])
    return str(payload["interactive"]["body"]["text"])


async def test_quick_offer_confirmed_twice_over_the_whole_stack_sends_once(
    redis_url: str, key_prefix: str, redis_client: aioredis.Redis
) -> None:
    # Its own key prefix: replies an earlier, aborted run left in a shared outbox must not
    # arrive here (`redis_client` deletes the prefix's keys afterwards).
    async with running_demo("127.0.0.1", 0, redis_url, key_prefix=key_prefix) as demo:
        wa = demo.whatsapp
        await wa.send_text(TENDAI, "hi")
        assert "Tendai Moyo Personal" in body((await wa.wait_for_messages(TENDAI, 1))[-1])
        await wa.send_text(TENDAI, "0.5 => Rudo")
        confirm = (await wa.wait_for_messages(TENDAI, 2))[-1]
        button = confirm["interactive"]["action"]["buttons"][0]["reply"]
        await wa.tap_button(TENDAI, button["id"], button["title"])
        sent = await wa.wait_for_messages(TENDAI, 3)  # the result folded into the dashboard
        assert "Offer sent" in body(sent[2]) and "249.50 USD" in body(sent[2])
        await wa.tap_button(TENDAI, button["id"], button["title"])
        again = await wa.wait_for_messages(TENDAI, 4)
        assert "already used" in body(again[3])
        assert wa.rejected_to(TENDAI) == []
