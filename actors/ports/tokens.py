"""The port through which the shell keeps a member's credex-core token in the session, sealed.

The functional core never sees a token; the shell restores the sealed one before a turn and
seals the newest one after it (actors/conversation.py).
"""

from __future__ import annotations

from typing import Protocol


class MemberTokens(Protocol):
    def restore(self, sealed: str | None, phone: str) -> None:
        """Make the token sealed in the session the one calls for `phone` use."""
        ...

    def seal(self, phone: str) -> str | None:
        """The newest token for `phone`, sealed for the session; None when there is none."""
        ...
