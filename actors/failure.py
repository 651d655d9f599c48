"""credex-core refusals as typed values the flows can reason about and the screens can word.

The shell turns every `CredexError` raised by an effect into a `Failure` here, once; credex-core's
own sentences are read for the numbers users need (how much is left today, how much can be
secured) so screens can say them plainly (docs/credex-core-api.md §8.3, §10.2, §10.3).
"""

from __future__ import annotations

import re
from typing import Final, Literal

import attrs

from actors.ports import credex as port

FailureKind = Literal[
    "not_found", "invalid", "forbidden", "limit", "conflict", "unavailable", "other"
]

_KINDS: Final[tuple[tuple[type[port.CredexError], FailureKind], ...]] = (
    (port.NotFound, "not_found"),
    (port.Invalid, "invalid"),
    (port.Forbidden, "forbidden"),
    (port.LimitExceeded, "limit"),
    (port.Conflict, "conflict"),
    (port.Unavailable, "unavailable"),
)

# "You are only able to issue 0.00 USD until tomorrow. Limits renew at midnight UTC." (§10.3)
_LEFT_TODAY: Final = re.compile(r"only able to issue (-?[\d,.]+ ?[A-Z]{3})")
# "... your maximum securable USD balance is 6.00 USD" (§10.2)
_SECURABLE: Final = re.compile(r"securable [A-Z]{3} balance is (-?[\d,.]+ ?[A-Z]{3})")
_DUE_DATE: Final = re.compile(r"due date", re.IGNORECASE)
_ALREADY_ACCEPTED: Final = re.compile(r"already accepted", re.IGNORECASE)


@attrs.frozen
class Failure:
    kind: FailureKind
    message: str
    outcome_unknown: bool = False  # the request may have reached credex-core (create only)
    left_today: str | None = None
    securable: str | None = None

    @property
    def about_due_date(self) -> bool:
        return self.kind == "invalid" and bool(_DUE_DATE.search(self.message))

    @property
    def already_accepted(self) -> bool:
        return bool(_ALREADY_ACCEPTED.search(self.message))


def from_error(error: port.CredexError, *, money_call: bool = False) -> Failure:
    """`money_call`: the error came from create_credex, where the adapter marks an outcome it
    cannot know (sent, then no answer); the flow then checks instead of guessing."""
    kind: FailureKind = next((k for cls, k in _KINDS if isinstance(error, cls)), "other")
    unknown = False
    if money_call and isinstance(error, port.Unavailable):
        unknown = error.outcome_unknown
    elif money_call and kind == "other":
        unknown = True  # an error we cannot classify: the credex may exist, so check
    left = _LEFT_TODAY.search(error.message)
    securable = _SECURABLE.search(error.message)
    return Failure(
        kind=kind,
        message=error.message,
        outcome_unknown=unknown,
        left_today=left.group(1) if left else None,
        securable=securable.group(1) if securable else None,
    )
