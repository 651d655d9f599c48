"""express-rate-limit as credex-core mounts it (docs/credex-core-api.md §4): a fixed 60-second
window per client IP.

Each request counts once here; HEAD's double mount (about 50 a minute for max 100) is not copied.
"""

from __future__ import annotations

import math

import attrs

WINDOW_SECONDS = 60.0
TOO_MANY = "Too many requests, please try again later"


@attrs.define
class RateLimiter:
    limit: int
    # client key -> (window start, hits in the window)
    windows: dict[str, tuple[float, int]] = attrs.Factory(dict)

    def hit(self, key: str, now: float) -> int | None:
        """Count one request; None when allowed, else the seconds until the window resets."""
        start, hits = self.windows.get(key, (now, 0))
        if now - start >= WINDOW_SECONDS:
            start, hits = now, 0
        hits += 1
        self.windows[key] = (start, hits)
        if hits <= self.limit:
            return None
        return max(1, math.ceil(start + WINDOW_SECONDS - now))
