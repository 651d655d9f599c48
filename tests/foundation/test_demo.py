"""The demo stack serves the chat page, the debug page and the service routes together."""

from __future__ import annotations

import aiohttp
import redis.asyncio as aioredis

from simulator.demo import running_demo

TENDAI = "263771000001"


async def test_demo_answers_a_chat_and_shows_the_live_actor_on_the_debug_page(
    redis_url: str, key_prefix: str, redis_client: aioredis.Redis
) -> None:
    # redis_client: its teardown deletes every key under key_prefix.
    async with running_demo("127.0.0.1", 0, redis_url, key_prefix=key_prefix) as demo:
        await demo.whatsapp.send_text(TENDAI, "hi", name="Tendai Moyo")
        [dashboard] = await demo.whatsapp.wait_for_messages(TENDAI, 1)
        assert "Tendai" in dashboard["interactive"]["body"]["text"]
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{demo.url}/__debug__/state.json") as response:
                assert response.status == 200
                state = await response.json()
            assert state["stats"]["processed"] >= 1
            [actor] = [a for a in state["actors"] if a["session"]]
            assert actor["session"]["phone"] == TENDAI
            async with http.get(f"{demo.url}/__debug__/") as response:
                assert response.status == 200
                assert "Live actors" in await response.text()
            for path in ("/", "/healthz", "/readyz", "/metrics"):
                async with http.get(f"{demo.url}{path}") as response:
                    assert response.status == 200, path
