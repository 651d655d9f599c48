"""Navigation and yes/no words, case- and space-insensitive, emoji with any skin tone."""

from __future__ import annotations

import enum
import re
from typing import Final


class Navigation(enum.Enum):
    """What a navigation word asks the conversation to do."""

    MENU = "menu"
    CANCEL = "cancel"
    BACK = "back"
    GREETING = "greeting"
    THANKS = "thanks"
    HELP = "help"


_WORDS: Final[dict[str, Navigation]] = {
    **dict.fromkeys(("menu", "memu", "home"), Navigation.MENU),
    **dict.fromkeys(("x", "c", "cancel"), Navigation.CANCEL),
    "back": Navigation.BACK,
    **dict.fromkeys(
        (
            "hi", "hello", "hey", "hie", "hy",  # English, and how Zimbabweans type it
            "mhoro", "makadii",  # Shona
            "sawubona", "salibonani",  # Zulu, Ndebele
            "jambo", "habari",  # Swahili
        ),
        Navigation.GREETING,
    ),
    **dict.fromkeys(("thanks", "thankyou", "ok"), Navigation.THANKS),
    "help": Navigation.HELP,
}  # fmt: skip
_THANKS_EMOJI: Final = "👍🙏❤"

_YES: Final = frozenset(
    {"yes", "y", "yeah", "yep", "yup", "sure", "ok", "okay", "hongu", "yebo", "👍", "✅"}
)
_NO: Final = frozenset({"no", "n", "nope", "nah", "kwete", "aiwa", "hatshi", "👎", "❌"})

# Space, variation selectors (❤ vs ❤️) and skin tones (👍🏿) do not change what a word means.
_NOISE: Final = re.compile(r"[\s\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]+")


def _normalise(text: str) -> str:
    return _NOISE.sub("", text).casefold()


def parse_navigation(text: str) -> Navigation | None:
    """The navigation word `text` is (`Menu`, ` x `, `thank you!`, `🙏🏾`), or None."""
    word = _normalise(text)
    core = word.rstrip(".!?")
    if not core:
        return Navigation.HELP if "?" in word else None
    emoji_free = core.rstrip(_THANKS_EMOJI)
    if emoji_free != core and (not emoji_free or _WORDS.get(emoji_free) is Navigation.THANKS):
        return Navigation.THANKS  # "👍👍", "thanks 🙏"
    return _WORDS.get(core)


def parse_yes_no(text: str) -> bool | None:
    """True for a yes word (`yes`, `Y`, `ok`, `👍`), False for a no word, None for anything else."""
    word = _normalise(text).rstrip(".!")
    if word in _YES:
        return True
    if word in _NO:
        return False
    return None
