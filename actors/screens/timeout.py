"""What a message finds after the session timeout, beyond the one-line note of `common`."""

from __future__ import annotations

from actors.replies import TextReply


def onboarding() -> TextReply:
    return TextReply(
        "⌛ Your session timed out after a few quiet minutes, so I didn't keep your registration "
        "answers. Let's start again from your first name."
    )
