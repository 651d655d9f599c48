"""The per-member turn rate (G6): how many messages one conversation may have processed per
minute. Messages over it are not dropped: they wait their turn, in order. Only a message that
would wait longer than a bound is skipped, and the member is told which ones to resend (G7).

A token bucket: `rate_limit_per_minute` turns at once, refilled at that rate per minute, so a
burst is answered at once and a sustained flood at the limit. Pure; the clock is injected.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class TurnRate:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._capacity = float(max(1, per_minute))
        self._per_second = self._capacity / 60.0
        self._clock = clock
        self._tokens = self._capacity
        self._at = clock()

    def wait(self) -> float:
        """Seconds until a turn is available (0.0: one is available now)."""
        self._refill()
        return 0.0 if self._tokens >= 1 else (1 - self._tokens) / self._per_second

    def take(self) -> None:
        """Use one turn; call after `wait()` returned 0.0."""
        self._refill()
        self._tokens -= 1

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self._capacity, self._tokens + (now - self._at) * self._per_second)
        self._at = now
