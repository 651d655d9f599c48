"""Admission control: past `max_activating` activations in flight, new conversations are not
claimed at record time; their messages wait in the inbox and the sweeper activates them as room
frees up. Nothing is lost, and each conversation keeps its order."""

from __future__ import annotations

import anyio
import attrs

from runtime.client import RedisClient
from runtime.config import RuntimeConfig
from runtime.contracts import ConversationKey, Envelope
from runtime.host import Runtime
from tests.runtime.handlers import AppendingHandler, processed_ids
from tests.runtime.running import running, wait_for


def _key(n: int) -> ConversationKey:
    return ConversationKey("15550002222", f"2637700{n:05d}")


async def test_conversations_past_the_admission_bound_wait_in_their_inbox_and_lose_nothing(
    redis_client: RedisClient, config: RuntimeConfig
) -> None:
    config = attrs.evolve(config, max_activating=4, actor_idle_seconds=5.0)
    runtime = Runtime(redis_client, config, AppendingHandler(), process_id="admitting")
    first = [Envelope(_key(n), f"a{n}", b"x") for n in range(20)]
    later = [Envelope(_key(n), f"{m}{n}", b"x") for n in range(20, 40) for m in ("b", "c")]
    async with running(runtime):
        # One batch: admission was open when it began, so all 20 are claimed and activating.
        assert await runtime.record(first) == [True] * 20
        assert runtime.store.admits() == 0
        # Recorded while 20 activations are in flight: none of these is claimed now.
        assert await runtime.record(later) == [True] * 40
        assert runtime.counters["admission_closed"] == 40
        assert all(runtime.local_actor(_key(n)) is None for n in range(20, 40))
        await wait_for(lambda: runtime.stats().get("processed", 0) >= 60, within=20, what="all")
        assert runtime.counters["activations"] == 40
    for n in range(20):
        assert processed_ids(await runtime.read_session(_key(n))) == [f"a{n}"]
    for n in range(20, 40):
        assert processed_ids(await runtime.read_session(_key(n))) == [f"b{n}", f"c{n}"]
    assert runtime.store.activating == 0


@attrs.define
class _GatedSend:
    """Sends nothing until the gate opens; counts what went out."""

    gate: anyio.Event = attrs.field(factory=anyio.Event)
    sent: list[bytes] = attrs.field(factory=list)

    async def __call__(self, key: ConversationKey, item: bytes) -> None:
        await self.gate.wait()
        self.sent.append(item)


async def test_no_conversation_is_activated_while_too_many_wait_for_the_sender(
    redis_client: RedisClient, config: RuntimeConfig
) -> None:
    config = attrs.evolve(config, max_unsent=3, actor_idle_seconds=5.0)
    send = _GatedSend()
    runtime = Runtime(redis_client, config, AppendingHandler(), send, process_id="unsent")
    async with running(runtime):
        assert await runtime.record([Envelope(_key(n), f"a{n}", b"x") for n in range(3)])
        await wait_for(lambda: runtime.stats().get("processed", 0) >= 3, what="three turns")
        await wait_for(lambda: runtime.admits() == 0, what="the sender's backlog to close")
        assert await runtime.record([Envelope(_key(3), "a3", b"x")]) == [True]
        assert runtime.local_actor(_key(3)) is None  # recorded, not claimed
        assert runtime.counters["admission_closed"] == 1
        send.gate.set()
        await wait_for(lambda: len(send.sent) >= 4, what="every reply, the waiting one's too")
    assert processed_ids(await runtime.read_session(_key(3))) == ["a3"]
