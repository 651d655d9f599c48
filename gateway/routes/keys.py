"""Redis key names of the HTTP routes' limits (/api/* daily counts, the failed-login lockout),
under the service's key prefix. Pinned by tests/foundation/test_redis_keys.py: the strings are
deployed data.
"""

from __future__ import annotations

import attrs

from runtime.telemetry import hashed


@attrs.frozen
class RouteKeys:
    prefix: str

    def api_requests(self, subject: str, day: int) -> str:
        """Requests of one subject (`ip:<address>` or `client:<id>`) on one UTC day. Untagged:
        its INCR and EXPIRE touch this key only, so counters spread over the cluster."""
        return f"{self.prefix}ratelimit:{subject}:{day}"

    def failures_by_address(self, address: str, slot: int) -> str:
        """Failed logins from one address in one lockout window."""
        return self._failures("ip", address, slot)

    def failures_by_client(self, client_id: str, slot: int) -> str:
        """Failed logins naming one client id in one lockout window."""
        return self._failures("client", client_id, slot)

    def _failures(self, kind: str, who: str, slot: int) -> str:
        # One hash tag for all failure counters: each check reads two of them in one MGET, which
        # a Redis Cluster allows only within one slot (login failures are few: one slot copes).
        # Hashed: the keys hold no address, and an attacker's long client ids stay short.
        return f"{self.prefix}{{login-failures}}:{kind}:{hashed(who)}:{slot}"
