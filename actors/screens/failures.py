"""credex-core's refusals in plain words: what went wrong and what to do instead."""

from __future__ import annotations

from actors.failure import Failure
from actors.replies import TextReply

UNAVAILABLE = (
    "⏳ credex-core is temporarily unavailable. Nothing was sent. Please try again in a minute."
)


def reason(failure: Failure) -> str:
    """One or two sentences; used alone or inside a larger screen."""
    if failure.kind == "unavailable":
        return UNAVAILABLE
    if failure.left_today is not None:
        return (
            f"That is over your daily limit: you can offer *{failure.left_today}* more today. "
            "Limits renew at midnight UTC."
        )
    if failure.securable is not None:
        return (
            f"credex-core lets you secure at most *{failure.securable}* right now: "
            "send a smaller amount."
        )
    if failure.kind == "not_found":
        return f"credex-core could not find that: _{failure.message}_. Check the spelling."
    if failure.about_due_date:
        return f"credex-core refused the due date: _{failure.message}_"
    if failure.kind == "forbidden":
        return f"You are not allowed to do that: _{failure.message}_"
    if failure.kind == "conflict":
        return f"That was already done: _{failure.message}_"
    return f"credex-core said: _{failure.message}_"


def cannot_load() -> TextReply:
    """A read failed; unlike UNAVAILABLE it makes no claim about money (something may have
    just been sent successfully before this read)."""
    return TextReply(
        "⏳ credex-core is temporarily unavailable, so I can't show that right now. "
        "Please try again in a minute."
    )


def refused(failure: Failure) -> TextReply:
    return TextReply(f"😕 {reason(failure)}")
