"""Recovery on start: a restarted process resumes what its predecessor (same process id) owned
without waiting for the old leases to lapse, and picks up unowned inboxes."""

from __future__ import annotations

import redis.asyncio as aioredis

from runtime.config import RuntimeConfig
from runtime.contracts import ConversationKey, Envelope
from runtime.host import Runtime
from tests.runtime.handlers import AppendingHandler, processed_ids
from tests.runtime.running import running, wait_for

OWNED = ConversationKey("15550001", "263770000101")
UNOWNED = ConversationKey("15550001", "263770000102")
FOREIGN = ConversationKey("15550001", "263770000103")


async def test_restarted_process_resumes_its_own_and_unowned_inboxes_at_once(
    redis_client: aioredis.Redis, config: RuntimeConfig
) -> None:
    # Recorded while no host ran; one conversation still leased to our previous incarnation
    # (for a minute), one to a live other process.
    offline = Runtime(redis_client, config, AppendingHandler(), process_id="gateway")
    await offline.record(
        [Envelope(OWNED, "o1", b"x"), Envelope(UNOWNED, "u1", b"x"), Envelope(FOREIGN, "f1", b"x")]
    )

    def lease(key: ConversationKey) -> str:
        return f"{config.key_prefix}lease:{{{key.tag}}}"

    await redis_client.set(lease(OWNED), b"host-a:deadbeef:41", px=60_000)
    await redis_client.set(lease(FOREIGN), b"host-b:cafe:7", px=60_000)

    restarted = Runtime(redis_client, config, AppendingHandler(), process_id="host-a")
    async with running(restarted):
        await wait_for(lambda: restarted.stats().get("processed", 0) >= 2, within=5, what="resume")
        assert processed_ids(await restarted.read_session(FOREIGN)) == []
    assert processed_ids(await restarted.read_session(OWNED)) == ["o1"]
    assert processed_ids(await restarted.read_session(UNOWNED)) == ["u1"]
    # Another live process's lease is respected.
    assert await redis_client.get(lease(FOREIGN)) == b"host-b:cafe:7"
