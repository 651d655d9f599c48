"""The Cloud API having a bad day (issue 13): an outage of the whole API, sends that time out
after Meta may have accepted them, Meta's rate-limit codes, and replies gone stale while they
waited. Real runtime, real Redis, the fake Graph API over real HTTP."""

from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator

import anyio
import attrs
import pytest
import redis.asyncio as aioredis
from aiohttp import web

from actors.notes import fold
from actors.replies import Button, ButtonsMessage, Outbound, TextReply, encode
from actors.screens.delivery import sorry_for_the_delay
from gateway.whatsapp.cloud import CloudSender
from runtime import Runtime, RuntimeConfig
from runtime.contracts import (
    ConversationKey,
    Envelope,
    SendDeferred,
    SendRetryable,
    Turn,
    TurnContext,
)
from tests.gateway.conftest import ACCESS_TOKEN, PNID
from tests.gateway.fake_graph import FakeGraph
from tests.runtime.handlers import AppendingHandler

pytestmark = pytest.mark.anyio

KEY = ConversationKey(PNID, "263771234567")
OTHER = ConversationKey(PNID, "263771234568")
SCREEN = ButtonsMessage("💰 Balance $12.00", (Button("menu", "Menu"),))


def item(reply: object, reply_id: str = "r1", key: ConversationKey = KEY) -> bytes:
    return encode(Outbound(to=key.user, reply=reply, reply_id=reply_id))  # type: ignore[arg-type]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Switchable:
    """The fake Graph API on a fixed port that can be taken down and brought back."""

    def __init__(self, graph: FakeGraph) -> None:
        self.graph = graph
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._runner: web.AppRunner | None = None

    async def up(self) -> None:
        self._runner = web.AppRunner(self.graph.app(), access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def down(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


@pytest.fixture
async def switchable() -> AsyncIterator[Switchable]:
    api = Switchable(FakeGraph(token=ACCESS_TOKEN))
    yield api
    await api.down()


class Replies(AppendingHandler):
    """Each message `n` is answered with the text `reply n` to the conversation's user."""

    async def handle(self, ctx: TurnContext, session: bytes | None, envelope: Envelope) -> Turn:
        turn = await super().handle(ctx, session, envelope)
        text = f"reply {envelope.payload.decode()}"
        out = Outbound(to=envelope.key.user, reply=TextReply(text), reply_id=envelope.message_id)
        return attrs.evolve(turn, replies=[encode(out)])


async def test_replies_wait_out_an_outage_and_arrive_in_order_after_recovery(
    redis_client: aioredis.Redis, key_prefix: str, switchable: Switchable
) -> None:
    sender = CloudSender(switchable.url, ACCESS_TOKEN, PNID, redis_client, key_prefix)
    await sender.window.touch([(KEY, time.time()), (OTHER, time.time())])
    config = RuntimeConfig(
        key_prefix=key_prefix,
        outbox_base_backoff=0.05,
        outbox_max_backoff=0.3,
        outbox_retry_seconds=60.0,
    )
    runtime = Runtime(redis_client, config, Replies(), sender)
    async with anyio.create_task_group() as group:
        with anyio.fail_after(10):
            await group.start(runtime.run)
        for n in range(6):
            await runtime.record([Envelope(KEY if n % 2 else OTHER, f"m{n}", str(n).encode())])
        await anyio.sleep(2.0)  # the Cloud API is down: many failed tries, with backoff
        assert runtime.stats()["sends_retried"] >= 4
        assert runtime.stats().get("sends_dead_lettered", 0) == 0
        await switchable.up()
        accepted = await switchable.graph.wait_for(6, within=10)
        await runtime.stop()
    for key, numbers in ((OTHER, "024"), (KEY, "135")):
        bodies = [a.payload["text"]["body"] for a in accepted if a.payload["to"] == key.user]
        assert bodies == [f"reply {n}" for n in numbers]
    assert runtime.recent_dead_letters() == []
    await sender.close()


async def test_a_send_that_times_out_is_retried_once_and_never_a_third_time(
    redis_client: aioredis.Redis, key_prefix: str, graph: FakeGraph
) -> None:
    graph.answer_after = 0.6  # Meta accepts, but answers after the sender's timeout
    sender = CloudSender(
        graph.url, ACCESS_TOKEN, PNID, redis_client, key_prefix, timeout_seconds=0.3
    )
    await sender.window.touch([(KEY, time.time())])
    with pytest.raises(SendRetryable, match="may have been accepted"):
        await sender(KEY, item(TextReply("hi")))
    await sender(KEY, item(TextReply("hi")))  # timed out again: counted as sent, not raised
    await sender(KEY, item(TextReply("hi")))  # the outbox would not ask again; if it did: skipped
    assert len(graph.accepted) == 2
    await sender.close()


async def test_a_slow_cloud_api_within_the_send_timeout_gets_each_reply_once(
    redis_client: aioredis.Redis, key_prefix: str, graph: FakeGraph
) -> None:
    graph.answer_after = 0.5  # slow, like Meta at 12 s against the 20 s default
    sender = CloudSender(graph.url, ACCESS_TOKEN, PNID, redis_client, key_prefix, timeout_seconds=2)
    await sender.window.touch([(KEY, time.time())])
    await sender(KEY, item(TextReply("hi")))
    assert len(graph.accepted) == 1
    await sender.close()


async def test_number_rate_limit_pauses_every_conversation_of_the_number(
    sender: CloudSender, graph: FakeGraph
) -> None:
    await sender.window.touch([(KEY, time.time()), (OTHER, time.time())])
    graph.fail_next(130429)
    with pytest.raises(SendDeferred):
        await sender(KEY, item(TextReply("first")))
    told = time.monotonic()
    await sender(OTHER, item(TextReply("other"), reply_id="o1", key=OTHER))
    [accepted] = graph.accepted
    assert accepted.at - told >= 0.9  # Meta's 1 s pause held back the other member too


async def test_pair_rate_limit_defers_without_losing_the_reply(
    sender: CloudSender, graph: FakeGraph
) -> None:
    await sender.window.touch([(KEY, time.time())])
    graph.fail_next(131056)
    with pytest.raises(SendDeferred) as raised:
        await sender(KEY, item(TextReply("first")))
    assert raised.value.retry_after == 6.0
    await sender(KEY, item(TextReply("first")))
    assert [a.payload["text"]["body"] for a in graph.accepted] == ["first"]


async def test_a_screen_that_waited_out_an_outage_becomes_sorry_for_the_delay(
    redis_client: aioredis.Redis, key_prefix: str, graph: FakeGraph
) -> None:
    sender = CloudSender(
        graph.url, ACCESS_TOKEN, PNID, redis_client, key_prefix, stale_after_seconds=0.3
    )
    await sender.window.touch([(KEY, time.time())])
    graph.fail_next(131000, 131000)
    with pytest.raises(SendRetryable):
        await sender(KEY, item(SCREEN, reply_id="dash"))
    with pytest.raises(SendRetryable):
        await sender(KEY, item(TextReply("✅ Offer sent"), reply_id="note"))
    await anyio.sleep(0.35)
    await sender(KEY, item(SCREEN, reply_id="dash"))
    await sender(KEY, item(TextReply("✅ Offer sent"), reply_id="note"))
    sorry = sorry_for_the_delay()
    assert graph.accepted[0].payload["interactive"]["body"]["text"] == sorry.body
    assert graph.accepted[1].payload["text"]["body"] == "✅ Offer sent"  # still true: sent as is
    await sender.close()


async def test_a_stale_screen_that_carried_a_note_still_says_the_note(
    redis_client: aioredis.Redis, key_prefix: str, graph: FakeGraph
) -> None:
    # One message per turn: "Offer sent" folded in front of the dashboard. The outage makes
    # the dashboard stale, never the news that the offer went out.
    (folded,) = fold([TextReply("✅ *Offer sent*: 1.00 USD to *Bob*."), SCREEN])
    sender = CloudSender(
        graph.url, ACCESS_TOKEN, PNID, redis_client, key_prefix, stale_after_seconds=0.3
    )
    await sender.window.touch([(KEY, time.time())])
    graph.fail_next(131000)
    with pytest.raises(SendRetryable):
        await sender(KEY, item(folded, reply_id="sent-then-dash"))
    await anyio.sleep(0.35)
    await sender(KEY, item(folded, reply_id="sent-then-dash"))
    said = graph.accepted[0].payload["interactive"]["body"]["text"]
    assert said.startswith("✅ *Offer sent*: 1.00 USD to *Bob*.")
    assert "Sorry for the delay" in said and SCREEN.body not in said
    await sender.close()


async def test_a_fresh_screen_is_sent_as_it_is(sender: CloudSender, graph: FakeGraph) -> None:
    await sender.window.touch([(KEY, time.time())])
    await sender(KEY, item(SCREEN))
    assert graph.accepted[0].payload["interactive"]["body"]["text"] == SCREEN.body


async def test_a_reply_meta_accepted_is_not_sent_again_by_the_next_owner(
    redis_client: aioredis.Redis, key_prefix: str, graph: FakeGraph
) -> None:
    # The first owner's POST was accepted and the outbox's removal round trip wrote the note
    # the sender handed back, but removed nothing (the lease had just moved on); the process
    # that takes the conversation over finds the item still there.
    first = CloudSender(graph.url, ACCESS_TOKEN, PNID, redis_client, key_prefix)
    await first.window.touch([(KEY, time.time())])
    note = await first(KEY, item(SCREEN, reply_id="accepted-then-killed"))
    assert note, "the last part's note goes back to the outbox"
    for command in note:
        await redis_client.execute_command(*command)
    await first.close()
    next_owner = CloudSender(graph.url, ACCESS_TOKEN, PNID, redis_client, key_prefix)
    await next_owner(KEY, item(SCREEN, reply_id="accepted-then-killed"))
    await next_owner(KEY, item(TextReply("the next reply"), reply_id="after"))
    await next_owner.close()
    assert len(graph.accepted) == 2
    assert graph.accepted[1].payload["text"]["body"] == "the next reply"


async def test_a_reply_sent_in_full_is_not_sent_again_when_its_removal_failed(
    sender: CloudSender, graph: FakeGraph
) -> None:
    # Meta accepted the reply, then the outbox's removal round trip (which carries the note)
    # failed with Redis; the outbox tries the item again once Redis is back.
    await sender.window.touch([(KEY, time.time())])
    await sender(KEY, item(SCREEN, reply_id="removal-failed"))
    assert await sender(KEY, item(SCREEN, reply_id="removal-failed")) == []
    await sender(KEY, item(TextReply("the next reply"), reply_id="next"))
    assert [a.payload["type"] for a in graph.accepted] == ["interactive", "text"]
