"""The failed-login lockout of POST /api/token: per client address and per client id, for a
short window (LOGIN_WINDOW_SECONDS), never for a day.

A daily per-IP counter let 100 wrong attempts lock credex-core's correct credentials out for
the rest of the UTC day, and behind a load balancer every caller shares one address. Here a
failure counts against the address it came from (X-Forwarded-For's with TRUST_FORWARDED_FOR)
and against the client id it named; either lock lifts when its window ends.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import attrs

from gateway.routes.keys import RouteKeys
from runtime.client import RedisClient

LOGIN_WINDOW_SECONDS = 900


@attrs.frozen
class LoginLimits:
    failures_per_address: int = 20
    failures_per_client: int = 50  # from all addresses together: an attack spread over many
    window_seconds: int = LOGIN_WINDOW_SECONDS


class LoginGuard:
    def __init__(
        self,
        redis: RedisClient,
        key_prefix: str,
        limits: LoginLimits | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._redis = redis
        self._names = RouteKeys(key_prefix)  # both counters of a check share one slot (MGET)
        self._limits = limits or LoginLimits()
        self._clock = clock

    def _keys(self, address: str, client_id: str) -> tuple[str, str, float]:
        now = self._clock()
        window = self._limits.window_seconds
        slot = int(now // window)
        left = (slot + 1) * window - now
        by_address = self._names.failures_by_address(address, slot)
        by_client = self._names.failures_by_client(client_id, slot)
        return by_address, by_client, left

    async def locked_for(self, address: str, client_id: str) -> int | None:
        """Seconds until this address or client id may try again; None when not locked."""
        by_address, by_client, left = self._keys(address, client_id)
        counts = await self._redis.mget([by_address, by_client])
        address_failures, client_failures = (int(c or 0) for c in counts)
        limits = self._limits
        if (
            address_failures >= limits.failures_per_address
            or client_failures >= limits.failures_per_client
        ):
            return int(left) + 1
        return None

    async def failed(self, address: str, client_id: str) -> None:
        by_address, by_client, _ = self._keys(address, client_id)
        ttl = self._limits.window_seconds + 60
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.incr(by_address)
            pipe.expire(by_address, ttl)
            pipe.incr(by_client)
            pipe.expire(by_client, ttl)
            await pipe.execute()
