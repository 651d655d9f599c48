"""POST /api/token failed-login lockout: per address and per client id, for a short window.

100 wrong attempts from one address never lock credex-core's correct credentials out for the
day; with TRUST_FORWARDED_FOR the address is X-Forwarded-For's, without it that header is ignored.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiohttp
import pytest
import redis.asyncio as aioredis
from aiohttp import web

from gateway.app import create_app
from gateway.routes.login_guard import LOGIN_WINDOW_SECONDS, LoginGuard, LoginLimits
from runtime.contracts import Recorder
from tests.gateway.conftest import make_config
from tests.gateway.test_notify_api import CREDENTIALS

pytestmark = pytest.mark.anyio
Serve = Callable[[web.Application], Awaitable[str]]
WRONG = {"client_id": "credex-core", "client_secret": "guess-guess-guess"}
ATTACKER = {"client_id": "someone", "client_secret": "guess-guess-guess"}


async def _app(
    serve: Serve, redis: aioredis.Redis, recorder: Recorder, prefix: str, **changes: object
) -> str:
    config = make_config(**changes)
    return await serve(create_app(config, redis=redis, recorder=recorder, key_prefix=prefix))


async def _login(
    http: aiohttp.ClientSession, base: str, body: dict[str, str], address: str | None = None
) -> tuple[int, int | None]:
    headers = {"X-Forwarded-For": f"{address}, 10.0.0.1"} if address else {}
    async with http.post(f"{base}/api/token", json=body, headers=headers) as response:
        await response.read()
        retry = response.headers.get("Retry-After")
        return response.status, int(retry) if retry else None


async def test_hundred_wrong_attempts_from_one_address_leave_the_real_client_working(
    http: aiohttp.ClientSession,
    serve: Serve,
    redis_client: aioredis.Redis,
    recorder: Recorder,
    key_prefix: str,
) -> None:
    base = await _app(serve, redis_client, recorder, key_prefix, trust_forwarded_for=True)
    answers = [await _login(http, base, ATTACKER, "203.0.113.7") for _ in range(100)]
    assert [s for s, _ in answers] == [401] * 20 + [429] * 80
    # credex-core, from its own address behind the same load balancer: not affected at all.
    assert (await _login(http, base, CREDENTIALS, "198.51.100.9"))[0] == 200
    # From the attacker's address the lock lasts the window at most, never the rest of the day.
    status, retry_after = await _login(http, base, CREDENTIALS, "203.0.113.7")
    assert status == 429
    assert retry_after is not None and 0 < retry_after <= LOGIN_WINDOW_SECONDS + 1


async def test_wrong_secrets_for_the_client_id_from_many_addresses_lock_it_for_the_window_only(
    http: aiohttp.ClientSession,
    serve: Serve,
    redis_client: aioredis.Redis,
    recorder: Recorder,
    key_prefix: str,
) -> None:
    base = await _app(serve, redis_client, recorder, key_prefix, trust_forwarded_for=True)
    spread = [await _login(http, base, WRONG, f"203.0.113.{n}") for n in range(60)]
    assert [s for s, _ in spread] == [401] * 50 + [429] * 10
    status, retry_after = await _login(http, base, CREDENTIALS, "198.51.100.9")
    assert status == 429
    assert retry_after is not None and retry_after <= LOGIN_WINDOW_SECONDS + 1
    # Another client id is not locked by it.
    other = {"client_id": "admin-portal", "client_secret": "x"}
    assert (await _login(http, base, other, "198.51.100.9"))[0] == 401


async def test_without_trust_forwarded_for_the_header_cannot_spread_an_attack(
    http: aiohttp.ClientSession,
    serve: Serve,
    redis_client: aioredis.Redis,
    recorder: Recorder,
    key_prefix: str,
) -> None:
    base = await _app(serve, redis_client, recorder, key_prefix)
    answers = [await _login(http, base, ATTACKER, f"203.0.113.{n}") for n in range(25)]
    # Every forged address is ignored: all 25 count against the one real peer address.
    assert [s for s, _ in answers] == [401] * 20 + [429] * 5


async def test_a_lock_lifts_when_its_window_ends(
    redis_client: aioredis.Redis, key_prefix: str
) -> None:
    now = [1_800_000_000.0]
    limits = LoginLimits(failures_per_address=3)
    guard = LoginGuard(redis_client, key_prefix, limits, lambda: now[0])
    for _ in range(3):
        await guard.failed("203.0.113.7", "credex-core-typo")
    wait = await guard.locked_for("203.0.113.7", "credex-core")
    assert wait is not None and wait <= LOGIN_WINDOW_SECONDS + 1
    now[0] += wait
    assert await guard.locked_for("203.0.113.7", "credex-core") is None
