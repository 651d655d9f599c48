"""Member tokens across credex-core's 5-minute idle window, and 429 pacing (docs/credex-core-api.md
§3.1, §4), with the
simulator's injected clock (these need the in-process simulator)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal

import pytest

from gateway.credex import CredexClient, CredexUnavailable
from tests.contract.conftest import API_KEY, MEMBER_A, MEMBER_B, MEMBER_C, FakeClock, Target

pytestmark = [pytest.mark.anyio, pytest.mark.sim_clock]


class ClockSleep:
    """The client's backoff sleeps move the simulator's clock instead of the test's time."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        self.clock.advance(delay)
        await asyncio.sleep(0)


@pytest.fixture
def clock(target: Target) -> FakeClock:
    assert target.clock is not None
    return target.clock


@pytest.fixture
async def paced(target: Target, clock: FakeClock) -> AsyncIterator[tuple[CredexClient, ClockSleep]]:
    sleep = ClockSleep(clock)
    # A budget longer than the limiter's 60 s window: here the wait itself is under test.
    c = CredexClient(
        target.base_url, client_api_key=API_KEY, sleep=sleep, max_retries=3, answer_seconds=120
    )
    yield c, sleep
    await c.close()


async def test_the_refreshed_token_keeps_a_busy_member_logged_in(
    client: CredexClient, target: Target, clock: FakeClock
) -> None:
    await client.member_view(MEMBER_B)
    for _ in range(4):
        clock.advance(240)  # each call is within 5 minutes of the previous one, not of login
        await client.member_view(MEMBER_B)
    assert target.count("/v1/login") == 1


async def test_an_idle_expired_token_is_replaced_by_one_new_login(
    client: CredexClient, target: Target, clock: FakeClock
) -> None:
    await client.member_view(MEMBER_B)
    clock.advance(301)
    view = await client.member_view(MEMBER_B)
    assert view.member.handle == MEMBER_B
    assert target.count("/v1/login") == 2
    assert target.count("/v1/getMemberDashboardByPhone") == 3  # one 401, then the retry


async def test_tokens_are_kept_per_member(client: CredexClient, target: Target) -> None:
    for phone in (MEMBER_A, MEMBER_B, MEMBER_C, MEMBER_A, MEMBER_B, MEMBER_C):
        view = await client.member_view(phone)
        assert view.member.handle == phone
    assert target.count("/v1/login") == 3


@pytest.mark.rate_limit(5)
async def test_rate_limited_calls_wait_out_the_window_and_succeed(
    paced: tuple[CredexClient, ClockSleep], target: Target
) -> None:
    client, sleep = paced
    for _ in range(8):
        await client.member_view(MEMBER_B)
    assert sleep.delays, "the limiter never pushed back"
    # credex-core's Retry-After was honoured: the first wait reaches the window's end
    assert sleep.delays[0] >= 59
    assert target.count("/v1/getMemberDashboardByPhone") > 8


@pytest.mark.rate_limit(2)
async def test_create_credex_is_not_retried_on_429(
    paced: tuple[CredexClient, ClockSleep], target: Target
) -> None:
    client, sleep = paced
    view = await client.member_view(MEMBER_B)  # login + dashboard: the window is spent
    with pytest.raises(CredexUnavailable, match="Too many requests") as err:
        await client.create_credex(
            MEMBER_B,
            member_id=view.member.member_id,
            issuer_account_id=view.member.account_ids[0],
            receiver_account_id=view.member.account_ids[0],
            amount=Decimal(1),
            denomination="USD",
            secured=True,
            due_date=None,
        )
    assert not err.value.outcome_unknown  # a 429 is answered before any route runs (§4)
    assert target.count("/v1/createCredex") == 1 and sleep.delays == []
