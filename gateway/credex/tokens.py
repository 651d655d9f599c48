"""Per-member JWTs, newest first, in a bounded least-recently-used cache keyed by phone.

credex-core refreshes a token on every authenticated answer (docs/credex-core-api.md §3.1 step 6);
keeping the newest
one keeps the 5-minute idle window moving. Tokens never leave this object except into an
Authorization header: no repr, no logging.
"""

from __future__ import annotations

from collections import OrderedDict


class TokenCache:
    def __init__(self, capacity: int = 10_000) -> None:
        self._capacity = capacity
        self._tokens: OrderedDict[str, str] = OrderedDict()

    def __repr__(self) -> str:
        return f"TokenCache({len(self._tokens)}/{self._capacity} members)"

    def __len__(self) -> int:
        return len(self._tokens)

    def get(self, phone: str) -> str | None:
        token = self._tokens.get(phone)
        if token is not None:
            self._tokens.move_to_end(phone)
        return token

    def put(self, phone: str, token: str) -> None:
        self._tokens[phone] = token
        self._tokens.move_to_end(phone)
        while len(self._tokens) > self._capacity:
            self._tokens.popitem(last=False)

    def drop(self, phone: str, token: str | None = None) -> None:
        """Forget a member's token (only if it is still `token`, when given)."""
        if token is None or self._tokens.get(phone) == token:
            self._tokens.pop(phone, None)
