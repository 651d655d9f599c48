"""The client's time budget (CREDEX_ANSWER_SECONDS): a hanging credex-core costs one budget,
never retries x timeout, and a read refused for a moment is retried inside the budget.
Real HTTP over loopback against a scripted server; the client is never mocked."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from decimal import Decimal

import anyio
import pytest

from gateway.credex import CredexClient, CredexUnavailable
from tests.contract.scripted_server import Reply, ScriptedServer, scripted_server

pytestmark = pytest.mark.anyio

PHONE = "263770000001"


class VirtualTime:
    """An injected clock and sleep: backoffs advance the clock instead of waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.delays: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.delays.append(delay)
        self.now += delay
        await asyncio.sleep(0)


@pytest.fixture
async def server() -> AsyncIterator[ScriptedServer]:
    async with scripted_server() as s:
        yield s


async def test_a_hanging_read_gives_up_within_the_answer_budget_not_after_four_timeouts(
    server: ScriptedServer,
) -> None:
    server.on("getLedger", *[Reply(delay=30.0, body={})] * 4)
    client = CredexClient(server.base_url, total_timeout=10.0, answer_seconds=1.0)
    try:
        with anyio.fail_after(6):  # far below 4 x 10 s; generous for a loaded machine
            with pytest.raises(CredexUnavailable) as err:
                await client.ledger(PHONE, "acct", 0, 5)
        assert not err.value.outcome_unknown  # a read moves nothing
        assert server.count("getLedger") == 1  # no time was left for a second attempt
    finally:
        await client.close()


async def test_reads_are_retried_until_the_budget_not_just_three_times(
    server: ScriptedServer,
) -> None:
    time = VirtualTime()
    server.on("getLedger", *[Reply(503)] * 5, Reply(200, {}))
    client = CredexClient(
        server.base_url, answer_seconds=8.0, clock=time.clock, sleep=time.sleep,
        rng=random.Random(3),
    )  # fmt: skip
    try:
        page = await client.ledger(PHONE, "acct", 0, 5)
    finally:
        await client.close()
    assert page.entries == ()
    assert server.count("getLedger") == 6
    assert sum(time.delays) < 8.0  # every retry fitted in the member's answer bound


async def test_no_retry_is_started_that_could_not_be_answered_within_the_budget(
    server: ScriptedServer,
) -> None:
    time = VirtualTime()
    server.on("getLedger", *[Reply(503, {"message": "busy"})] * 20)
    client = CredexClient(
        server.base_url, answer_seconds=3.0, max_retries=20, clock=time.clock, sleep=time.sleep
    )
    try:
        with pytest.raises(CredexUnavailable) as err:
            await client.ledger(PHONE, "acct", 0, 5)
    finally:
        await client.close()
    assert err.value.status == 503
    assert sum(time.delays) <= 3.0
    assert server.count("getLedger") == len(time.delays) + 1 < 20


async def test_a_retry_after_longer_than_the_budget_is_not_waited_out(
    server: ScriptedServer,
) -> None:
    time = VirtualTime()
    limited = Reply(
        429, text="Too many requests, please try again later", headers={"Retry-After": "60"}
    )
    server.on("getLedger", limited, Reply(200, {}))
    client = CredexClient(server.base_url, clock=time.clock, sleep=time.sleep)
    try:
        with pytest.raises(CredexUnavailable, match="Too many requests"):
            await client.ledger(PHONE, "acct", 0, 5)
    finally:
        await client.close()
    assert time.delays == []  # the member hears "temporarily unavailable" now, not in 60 s


async def test_a_create_that_hangs_is_cut_at_the_budget_and_its_outcome_is_unknown(
    server: ScriptedServer,
) -> None:
    server.on("createCredex", Reply(delay=30.0, body={}))
    client = CredexClient(server.base_url, total_timeout=10.0, answer_seconds=1.0)
    try:
        with anyio.fail_after(6), pytest.raises(CredexUnavailable) as err:
            await client.create_credex(
                PHONE, member_id="m", issuer_account_id="a", receiver_account_id="b",
                amount=Decimal("1"), denomination="USD", secured=True,
                due_date=None,
            )  # fmt: skip
        assert err.value.outcome_unknown
        assert server.count("createCredex") == 1
    finally:
        await client.close()
