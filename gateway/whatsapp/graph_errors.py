"""Classify Graph API send failures by error `code` (docs/whatsapp-cloud-api.md §A4: branch on code,
not on HTTP
status or title; `error_subcode` is gone since v16)."""

from __future__ import annotations

from typing import Any

import attrs
import orjson

WINDOW_CLOSED = 131047  # > 24 h since the user's last message: only a template will do
PAIR_LIMIT = 131056  # too fast to this one recipient
NUMBER_LIMIT = 130429  # too fast for the business number: every conversation waits

# code -> seconds to wait when Meta's guidance names one (None: back off with jitter).
RETRYABLE: dict[int, float | None] = {
    NUMBER_LIMIT: 1.0,  # throughput exceeded for the number: short backoff, the bucket slows us
    PAIR_LIMIT: 6.0,  # pair limit: about one message per 6 s to the same user (§A5)
    131000: None,  # something went wrong (HTTP 500): bounded retries
    131016: None,  # service unavailable
    2: None,  # temporary downtime
    131057: 60.0,  # number in maintenance, up to about a minute (§A5)
    4: 300.0,  # app-level Graph call limit: retry after a long delay
    80007: None,  # WABA rate limit: back off
}
# Never retried: each is our bug, a policy/quality block, auth, or an undeliverable recipient.
REJECTED = {131047, 131026, 131048, 131049, 131009, 131008, 100, 190, 0, 368, 131031, 131051,
            131042, 130472, 3, 10}  # fmt: skip


@attrs.frozen
class GraphError:
    code: int | None
    message: str
    details: str

    @property
    def retryable(self) -> bool:
        return self.code in RETRYABLE

    @property
    def retry_after(self) -> float | None:
        return RETRYABLE.get(self.code) if self.code is not None else None

    def reason(self, http_status: int) -> str:
        return f"graph error {self.code} (HTTP {http_status}): {self.message} {self.details}"


def parse_error(body: bytes) -> GraphError:
    try:
        raw: Any = orjson.loads(body)
    except orjson.JSONDecodeError:
        return GraphError(code=None, message=body[:200].decode(errors="replace"), details="")
    error = raw.get("error") if isinstance(raw, dict) else None
    if not isinstance(error, dict):
        return GraphError(code=None, message="no error object", details="")
    code = error.get("code")
    data = error.get("error_data")
    details = data.get("details") if isinstance(data, dict) else None
    return GraphError(
        code=code if isinstance(code, int) and not isinstance(code, bool) else None,
        message=str(error.get("message", "")),
        details=str(details or ""),
    )


def retryable_without_code(http_status: int) -> bool:
    """No usable code: 5xx and 429 are the far side's trouble; other 4xx are ours."""
    return http_status >= 500 or http_status == 429
