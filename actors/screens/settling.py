"""What the member hears while a send's outcome is unknown (G5): checking, never guessing."""

from __future__ import annotations

import math

from actors.replies import TextReply
from actors.screens.format import amount, clip
from actors.session import Draft


def _what(draft: Draft) -> str:
    unsettled = [o for o in draft.offers if o.credex_id is None and o.failure is None]
    if len(unsettled) == 1:
        offer = unsettled[0]
        return (
            f"your offer of *{amount(offer.amount, offer.denomination)}* to *{offer.receiver_name}*"
        )
    return f"your {len(unsettled)} offers"


def _wait(seconds: float) -> str:
    whole = max(1, math.ceil(seconds))
    return f"about {whole} seconds" if whole < 120 else f"about {math.ceil(whole / 60)} minutes"


def checking(draft: Draft, seconds: float) -> TextReply:
    """Right after credex-core failed to answer a send in time."""
    return TextReply(
        clip(
            f"⏳ credex-core is slow to answer, so I can't tell yet whether {_what(draft)} went "
            f"through. I'll check in {_wait(seconds)} and tell you. Nothing will be sent twice.",
            4096,
        )
    )


def still_settling(draft: Draft, seconds: float) -> TextReply:
    """Any message (a re-send too) while the outcome is still unknown."""
    return TextReply(
        clip(
            f"⏳ I'm still finding out whether {_what(draft)} went through, so I won't send "
            f"anything new yet. I'll tell you in {_wait(seconds)}; then you can carry on.",
            4096,
        )
    )


def still_checking(seconds: float) -> TextReply:
    """The check itself could not reach credex-core: the bot checks again by itself."""
    return TextReply(
        "⏳ I can't tell yet whether your last offer went through: credex-core is not "
        f"answering. Nothing new will be sent. I'll check again in {_wait(seconds)} and tell you."
    )
