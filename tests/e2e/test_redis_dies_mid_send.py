"""Redis dies just after Meta accepted a reply and before the bot could note it (the Cloud API
sender keeps the number of parts Meta accepted in Redis): once Redis is back, the reply is not
sent a second time. Real processes, the suite's own redis-server (killed and restarted)."""

from __future__ import annotations

import asyncio

from bench.faults_rig import running_rig
from bench.faults_traffic import _body

PHONE = "263779900001"


async def test_a_reply_accepted_while_redis_died_is_not_sent_again_after_it_returns() -> None:
    async with running_rig() as rig:
        rig.whatsapp._remember(PHONE, "Member 0001")  # so the simulator resolves its user id
        killed = asyncio.Event()

        async def kill_redis_first(operation: str) -> None:
            if operation == "messages" and not killed.is_set():
                killed.set()
                await rig.redis.kill()  # then the proxy forwards: Meta accepts the reply

        rig.graph.before = kill_redis_first
        body = _body(rig.whatsapp.builder.text(PHONE, "Member 0001", "menu"))
        assert await rig.deliver(body, {}, [])
        async with asyncio.timeout(20):
            await killed.wait()
        await asyncio.sleep(1.0)  # the bot's note of the accepted part fails meanwhile
        await rig.redis.start()
        await rig.whatsapp.wait_for_messages(PHONE, 1, 20)
        await asyncio.sleep(8)  # the sender's retries, had it forgotten the part was accepted
        assert len(rig.whatsapp.sent_to(PHONE)) == 1, rig.graph.counts
