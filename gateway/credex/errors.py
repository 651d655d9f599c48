"""Map credex-core's failure answers onto the port's error hierarchy, keeping its own message.

credex-core's error bodies are not uniform (docs/credex-core-api.md §2.4): `{"error"}`,
`{"message"}`, the generic
`{"status","statusCode","message"}` and plain text for 429. Its status codes are not reliable
either (§11: "Member not found" is a 400 on login, an unknown credex is a 500 on accept), so
the message decides first and the status only when the message says nothing specific.
"""

from __future__ import annotations

from actors.ports.credex import (
    Conflict,
    CredexError,
    Forbidden,
    Invalid,
    LimitExceeded,
    NotFound,
    Unavailable,
)

# The port's Unavailable carries `outcome_unknown` (G5); the old name stays for callers.
CredexUnavailable = Unavailable


# Fragments of credex-core's own messages, in the order they are tested (§8.1, §8.2, §8.3).
_LIMIT = (
    "you are only able to issue",  # tier daily limit (§10.3)
    "maximum securable",  # securable balance (§10.2)
    "not permitted on open tier",  # unsecured on tier 1 (§5.6)
    "limit of 5 authorized",  # authorizeForAccount (§8.2)
)
_CONFLICT = ("already accepted", "already been accepted", "already processed", "already in use")
_FORBIDDEN = (
    "you can only authorize",  # tier < 4 (§8.2)
    "you cannot create an account on the open or verified",  # tier <= 2 (§8.2)
    "insufficient privileges",
    "not authorized",
    "failed to accept credex",  # signer not authorized for the receiving account (§8.3)
)
_NOT_FOUND = ("not found", "no results found")


def classify(operation: str, status: int, message: str) -> CredexError:
    """The typed error for one final (non-retried) failure answer."""
    text = message.lower()
    if status == 429:
        return CredexUnavailable(message, status)
    for fragments, kind in (
        (_LIMIT, LimitExceeded),
        (_CONFLICT, Conflict),
        (_FORBIDDEN, Forbidden),
        (_NOT_FOUND, NotFound),
    ):
        if any(f in text for f in fragments):
            return kind(message, status)
    if status in (401, 403):
        return Forbidden(message, status)
    if status == 404:
        return NotFound(message, status)
    if status == 409:
        return Conflict(message, status)
    if status == 500 and operation in ("getCredex", "acceptCredex"):
        # An unknown credex, one no longer pending, or an account that is no party to it,
        # is a 500 here (§8.3, §11 quirks 11 and 13): the credex cannot be found in that role.
        return NotFound(message, status)
    if 400 <= status < 500:
        return Invalid(message, status)
    return CredexUnavailable(message, status, outcome_unknown=operation == "createCredex")


def message_of(body: object, raw: str) -> str:
    """Read an error's text from `error`, then `message`, then the raw body (§2.4)."""
    if isinstance(body, dict):
        for key in ("error", "message"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
    return raw.strip() or "credex-core gave no reason"
