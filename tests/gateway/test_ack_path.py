"""The webhook's ack path under concurrency: group commit of records and stamps, the
stamps' bare EVALSHA after Redis lost its scripts (a real SCRIPT FLUSH on a Redis of the test's
own), and 503 whenever a write before the ack fails."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from functools import partial

import aiohttp
import anyio
import attrs
import pytest
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from gateway.app import create_app
from gateway.routes.webhook import GroupCommit
from gateway.whatsapp.delivery import DeliveryTracker
from gateway.whatsapp.identity import IdentityMap
from gateway.whatsapp.window import ServiceWindow
from runtime import Runtime, RuntimeConfig
from runtime.contracts import (
    ConversationKey,
    Envelope,
    Recorder,
    StoreUnavailable,
    Turn,
    TurnContext,
)
from tests.gateway.conftest import PNID, make_config
from tests.gateway.conversation import RecordingHandler, Seen
from tests.gateway.webhooks import change_value, delivery, post_webhook, text_message
from tests.private_redis import private_redis

pytestmark = pytest.mark.anyio


class _Flush:
    """A flush that records the batches it was given and can be told to fail or stall."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.fail: Exception | None = None
        self.release = asyncio.Event()
        self.release.set()

    async def __call__(self, batch: list[int]) -> list[int]:
        self.batches.append(batch)
        await self.release.wait()
        if self.fail is not None:
            raise self.fail
        return [n * 10 for n in batch]


async def test_concurrent_submissions_share_one_flush_and_each_gets_its_own_result() -> None:
    flush = _Flush()
    group = GroupCommit(flush)
    flush.release.clear()
    first = asyncio.create_task(group.submit(1))
    await asyncio.sleep(0)  # the first caller is flushing alone
    rest = [asyncio.create_task(group.submit(n)) for n in (2, 3, 4)]
    await asyncio.sleep(0)
    flush.release.set()
    assert await asyncio.gather(first, *rest) == [10, 20, 30, 40]
    assert flush.batches == [[1], [2, 3, 4]]


async def test_a_failed_flush_fails_every_caller_of_that_batch_and_the_next_batch_recovers() -> (
    None
):
    flush = _Flush()
    group = GroupCommit(flush)
    flush.release.clear()
    first = asyncio.create_task(group.submit(1))
    await asyncio.sleep(0)
    waiting = [asyncio.create_task(group.submit(n)) for n in (2, 3)]
    await asyncio.sleep(0)
    flush.fail = ConnectionError("redis down")
    flush.release.set()
    outcomes = await asyncio.gather(first, *waiting, return_exceptions=True)
    assert all(isinstance(o, ConnectionError) for o in outcomes)
    flush.fail = None
    assert await group.submit(5) == 50


async def test_a_cancelled_waiter_neither_blocks_the_queue_nor_is_flushed() -> None:
    flush = _Flush()
    group = GroupCommit(flush)
    flush.release.clear()
    first = asyncio.create_task(group.submit(1))
    await asyncio.sleep(0)
    gone = asyncio.create_task(group.submit(2))
    kept = asyncio.create_task(group.submit(3))
    await asyncio.sleep(0)
    gone.cancel()
    flush.release.set()
    assert await first == 10
    assert await kept == 30
    assert gone.cancelled()
    assert flush.batches == [[1], [3]]
    assert await asyncio.wait_for(group.submit(4), 1) == 40


async def test_a_burst_of_deliveries_is_acknowledged_recorded_and_stamped(
    http: aiohttp.ClientSession,
    gateway_url: str,
    seen: Seen,
    redis_client: aioredis.Redis,
    key_prefix: str,
) -> None:
    at = int(time.time()) - 30
    bodies = [
        delivery(
            text_message(f"wamid.burst{i}", f"26377100{i:04d}", "hi", user_id=f"US.b{i}", at=at)
        )
        for i in range(40)
    ]
    answers = await asyncio.gather(*(post_webhook(http, gateway_url, b) for b in bodies))
    assert [a.status for a in answers] == [200] * 40
    envelopes = await seen.wait_for(40)
    assert {e.message_id for e in envelopes} == {f"wamid.burst{i}" for i in range(40)}
    window = ServiceWindow(redis_client, key_prefix)
    aliases = IdentityMap(redis_client, key_prefix, PNID)
    for i in range(40):
        assert await window.last_inbound(ConversationKey(PNID, f"US.b{i}")) == at
    assert await aliases.resolve([f"26377100{i:04d}" for i in range(40)]) == {
        f"26377100{i:04d}": f"US.b{i}" for i in range(40)
    }


async def test_stamps_and_statuses_survive_redis_losing_its_scripts(
    http: aiohttp.ClientSession, serve: object, recorder: Recorder, key_prefix: str
) -> None:
    # The gateway's scripts are loaded by the first delivery; SCRIPT FLUSH then makes Redis
    # forget them, as a restart does. The next bare EVALSHA answers NOSCRIPT: the gateway must
    # reload and replay, not answer 503 (which would make Meta redeliver forever).
    async with private_redis() as own:
        app = create_app(make_config(), redis=own, recorder=recorder, key_prefix=key_prefix)
        base = await serve(app)  # type: ignore[operator]
        at = int(time.time()) - 5
        window = ServiceWindow(own, key_prefix)
        tracker = DeliveryTracker(own, key_prefix)
        for n in (1, 2):
            user = f"US.ns{n}"
            body = delivery(text_message(f"wamid.ns{n}", f"26377111000{n}", "hi", user, at=at))
            assert (await post_webhook(http, base, body)).status == 200
            assert await window.last_inbound(ConversationKey(PNID, user)) == at
            status = {"id": f"wamid.out{n}", "status": "read", "timestamp": "1700000000"}
            status["recipient_id"] = "263770000001"
            answer = await post_webhook(http, base, delivery(change_value(statuses=[status])))
            assert answer.status == 200
            assert await tracker.state(f"wamid.out{n}") == "read"
            assert await own.script_exists(window.script.sha) == [True]
            await own.script_flush()


async def test_shared_pipelines_survive_redis_losing_its_scripts(
    http: aiohttp.ClientSession, serve: object, key_prefix: str
) -> None:
    # As served: the stamps and alias lookups ride the runtime's urgent lane, whose batcher
    # does not know the window script; after SCRIPT FLUSH it must still be reloaded.
    async with private_redis() as own, anyio.create_task_group() as group:
        seen = Seen()
        runtime = Runtime(own, RuntimeConfig(key_prefix=key_prefix), RecordingHandler(seen))
        await group.start(runtime.run)
        app = create_app(
            make_config(),
            redis=own,
            recorder=runtime,
            key_prefix=key_prefix,
            pipelines=partial(runtime.store.batcher.call, urgent=True),
        )
        base = await serve(app)  # type: ignore[operator]
        at = int(time.time()) - 5
        window = ServiceWindow(own, key_prefix)
        aliases = IdentityMap(own, key_prefix, PNID)
        for n in (1, 2):
            user = f"US.sp{n}"
            phone = f"26377122000{n}"
            body = delivery(text_message(f"wamid.sp{n}", phone, "hi", user, at=at))
            assert (await post_webhook(http, base, body)).status == 200
            assert await window.last_inbound(ConversationKey(PNID, user)) == at
            # A phone-only message of the same member joins the conversation of its user id.
            only_phone = delivery(text_message(f"wamid.sp{n}.phone", phone, "hi", at=at))
            assert (await post_webhook(http, base, only_phone)).status == 200
            assert await aliases.resolve([phone]) == {phone: user}
            await own.script_flush()
        keys = {e.message_id: e.key for e in await seen.wait_for(4)}
        assert keys["wamid.sp2.phone"] == keys["wamid.sp2"] == ConversationKey(PNID, "US.sp2")
        await runtime.stop()
        group.cancel_scope.cancel()


class _Refusing:
    """A recorder whose store is down."""

    def __init__(self) -> None:
        self.calls = 0

    async def record(self, envelopes: Sequence[Envelope]) -> list[bool]:
        self.calls += 1
        raise StoreUnavailable("down")


async def test_a_failed_record_is_not_acknowledged_even_when_the_stamps_succeed(
    http: aiohttp.ClientSession, serve: object, redis_client: aioredis.Redis, key_prefix: str
) -> None:
    refusing = _Refusing()
    app = create_app(make_config(), redis=redis_client, recorder=refusing, key_prefix=key_prefix)
    base = await serve(app)  # type: ignore[operator]
    body = delivery(text_message("wamid.refused", "263771110001", "hi", user_id="US.r"))
    assert (await post_webhook(http, base, body)).status == 503
    assert refusing.calls == 1


async def test_a_failed_stamp_withholds_the_ack_of_a_recorded_message(
    http: aiohttp.ClientSession, serve: object, recorder: Recorder, key_prefix: str, seen: Seen
) -> None:
    dead = aioredis.Redis(host="127.0.0.1", port=1, retry=Retry(NoBackoff(), 0))
    app = create_app(make_config(), redis=dead, recorder=recorder, key_prefix=key_prefix)
    base = await serve(app)  # type: ignore[operator]
    body = delivery(text_message("wamid.nostamp", "263771110002", "hi", user_id="US.s"))
    # Recorded, but the window stamp could not be written: Meta must redeliver (dedup drops it).
    assert (await post_webhook(http, base, body)).status == 503
    assert [e.message_id for e in await seen.wait_for(1)] == ["wamid.nostamp"]
    await dead.aclose()


async def test_concurrent_status_deliveries_are_all_applied_in_their_own_order(
    http: aiohttp.ClientSession, gateway_url: str, redis_client: aioredis.Redis, key_prefix: str
) -> None:
    def statuses(wamid: str, *states: str) -> dict[str, object]:
        items = [
            {"id": wamid, "status": s, "timestamp": "1700000000", "recipient_id": "263770000001"}
            for s in states
        ]
        return delivery(change_value(statuses=items))

    bodies = [statuses(f"wamid.st{i}", "sent", "read", "delivered") for i in range(30)]
    answers = await asyncio.gather(*(post_webhook(http, gateway_url, b) for b in bodies))
    assert [a.status for a in answers] == [200] * 30
    tracker = DeliveryTracker(redis_client, key_prefix)
    # Within each delivery, the late `delivered` never moved `read` back.
    assert [await tracker.state(f"wamid.st{i}") for i in range(30)] == ["read"] * 30


@attrs.define
class _Hanging:
    """A conversation whose every turn hangs until released: processing that never ends."""

    started: list[str] = attrs.field(factory=list)
    entered: anyio.Event = attrs.field(factory=anyio.Event)
    release: anyio.Event = attrs.field(factory=anyio.Event)

    async def handle(self, ctx: TurnContext, session: bytes | None, envelope: Envelope) -> Turn:
        self.started.append(envelope.message_id)
        self.entered.set()
        await self.release.wait()
        return Turn(session=b"{}", replies=[])

    def on_error(
        self, key: ConversationKey, envelope: Envelope, error: BaseException
    ) -> Sequence[bytes]:
        return ()

    def on_overload(self, key: ConversationKey, envelope: Envelope) -> Sequence[bytes]:
        return ()


async def test_g1_the_webhook_answers_200_while_the_conversation_hangs(
    http: aiohttp.ClientSession, serve: object, redis_client: aioredis.Redis, key_prefix: str
) -> None:
    hanging = _Hanging()
    runtime = Runtime(redis_client, RuntimeConfig(key_prefix=key_prefix), hanging)
    app = create_app(make_config(), redis=redis_client, recorder=runtime, key_prefix=key_prefix)
    base = await serve(app)  # type: ignore[operator]
    async with anyio.create_task_group() as group:
        group.start_soon(runtime.run)
        try:
            first = delivery(text_message("wamid.hang1", "263771120001", "hi", user_id="US.h"))
            with anyio.fail_after(5):  # the turn never ends: an ack after it would never come
                assert (await post_webhook(http, base, first)).status == 200
                await hanging.entered.wait()
            # The same conversation (queued behind the hung turn) and another one: both are
            # acknowledged on recording, while the first turn is still running.
            second = delivery(text_message("wamid.hang2", "263771120001", "2", user_id="US.h"))
            other = delivery(text_message("wamid.hang3", "263771120002", "hi", user_id="US.o"))
            with anyio.fail_after(5):
                assert (await post_webhook(http, base, second)).status == 200
                assert (await post_webhook(http, base, other)).status == 200
            assert "wamid.hang2" not in hanging.started  # in order: it waits for the hung turn
            hanging.release.set()
            with anyio.fail_after(10):  # recorded, so processed once the conversation moves on
                while "wamid.hang2" not in hanging.started:  # noqa: ASYNC110
                    await anyio.sleep(0.01)
        finally:
            hanging.release.set()
            await runtime.stop()
            group.cancel_scope.cancel()
