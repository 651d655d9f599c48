"""Per-member JWTs: in memory a bounded least-recently-used cache keyed by phone, at rest only
sealed in the member's session (`SealedTokens`), so any process can pick up a conversation
without logging the member in again.

credex-core refreshes a token on every authenticated answer (docs/credex-core-api.md §3.1
step 6); keeping the newest one keeps the 5-minute idle window moving. Tokens never leave these
objects except into an Authorization header or sealed: no repr, no logging.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

from runtime.cipher import FieldCipher

log = logging.getLogger("gateway.credex.tokens")


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


class SealedTokens:
    """`actors.ports.tokens.MemberTokens`: between the session (sealed under
    STATE_ENCRYPTION_KEY, bound to the member's phone) and the client's cache (in memory)."""

    def __init__(self, cipher: FieldCipher, cache: TokenCache) -> None:
        self._cipher = cipher
        self._cache = cache

    def __repr__(self) -> str:
        return f"SealedTokens(key id {self._cipher.key_id}, {self._cache!r})"

    def restore(self, sealed: str | None, phone: str) -> None:
        if sealed is None:
            return
        try:
            token = self._cipher.open(sealed, context=phone.encode()).decode()
        except (ValueError, UnicodeDecodeError) as exc:
            # A key rotated out, or a damaged value: the member is simply logged in again.
            log.warning("sealed credex-core token not usable", extra={"reason": str(exc)})
            return
        # The session is newer than this process's memory when another process had the turn.
        self._cache.put(phone, token)

    def seal(self, phone: str) -> str | None:
        token = self._cache.get(phone)
        return None if token is None else self._cipher.seal(token.encode(), context=phone.encode())
