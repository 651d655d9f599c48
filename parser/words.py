"""Navigation and yes/no words, case- and space-insensitive, emoji with any skin tone.

Politeness around a word does not change it: `menu please`, `thank you so much`, `ok thanks`.
Reactions are read by feeling, so an angry one is not thanked.
"""

from __future__ import annotations

import enum
import re
from typing import Final, Literal


class Navigation(enum.Enum):
    """What a navigation word asks the conversation to do."""

    MENU = "menu"
    CANCEL = "cancel"
    BACK = "back"
    GREETING = "greeting"
    THANKS = "thanks"
    HELP = "help"
    NEXT = "next"
    PREVIOUS = "previous"


_WORDS: Final[dict[str, Navigation]] = {
    **dict.fromkeys(
        ("menu", "memu", "home", "balance", "balances", "bal", "dashboard"), Navigation.MENU
    ),
    **dict.fromkeys(("x", "c", "cancel"), Navigation.CANCEL),
    "back": Navigation.BACK,
    **dict.fromkeys(
        (
            "hi", "hello", "hey", "hie", "hy",  # English, and how Zimbabweans type it
            "mhoro", "makadii",  # Shona
            "sawubona", "salibonani",  # Zulu, Ndebele
            "jambo", "habari",  # Swahili
            "goodmorning", "goodafternoon", "goodevening", "goodday", "morning", "howzit",
            "mangwanani", "masikati", "manheru", "ndeipi", "wadii",  # Shona, and its slang
            "livukile", "litshonile",  # Ndebele: good morning, good afternoon
        ),
        Navigation.GREETING,
    ),
    **dict.fromkeys(
        ("thanks", "thankyou", "thanx", "thx", "ok", "okthanks", "alright", "cool",
         "noted", "tatenda", "siyabonga", "ngiyabonga"),
        Navigation.THANKS,
    ),
    "help": Navigation.HELP,
    **dict.fromkeys(("next", "more"), Navigation.NEXT),
    **dict.fromkeys(("prev", "previous"), Navigation.PREVIOUS),
}  # fmt: skip
# Yes words that, with no question open, just acknowledge ("ok" always thanks, as before).
_ACKS: Final = frozenset({"okay", "okey", "okie", "k", "kk"})
# Words that only make a request polite or a thank-you warmer: dropped before the lookup.
_POLITE: Final = re.compile(r"(?:please|pls|plz|so|very|much|alot|lot|a|again)+$")
_THANKS_EMOJI: Final = "👍🙏❤"

_YES: Final = frozenset(
    {"yes", "y", "yeah", "yep", "yup", "sure", "ok", "okay", "hongu", "yebo", "👍", "✅"}
)
_NO: Final = frozenset({"no", "n", "nope", "nah", "kwete", "aiwa", "hatshi", "👎", "❌"})

# Space, variation selectors (❤ vs ❤️) and skin tones (👍🏿) do not change what a word means.
_NOISE: Final = re.compile(r"[\s\ufe0e\ufe0f\U0001f3fb-\U0001f3ff]+")


def _normalise(text: str) -> str:
    return _NOISE.sub("", text).casefold()


def _words(text: str) -> str:
    """The text without polite words at its end (`menu please`, `thank you so much`)."""
    words = text.casefold().split()
    while len(words) > 1 and _POLITE.fullmatch(words[-1].strip(".!?,")):
        words.pop()
    return " ".join(words)


def parse_navigation(text: str, answering: bool = False) -> Navigation | None:
    """The navigation word `text` is (`Menu`, ` x `, `thank you!`, `🙏🏾`), or None.

    `answering`: a yes/no question is open, so `okay` is left to answer it."""
    base = _NOISE.sub(" ", text).rstrip()
    had_emoji = False
    while base and base[-1] in _THANKS_EMOJI:  # "👍👍", "thanks 🙏", "thank you so much 🙏"
        base, had_emoji = base[:-1].rstrip(), True
    word = _normalise(_words(base))
    core = word.rstrip(".!?,")
    if not core:
        if had_emoji:
            return Navigation.THANKS
        return Navigation.HELP if "?" in word else None
    found = _WORDS.get(core)
    if found is None and core in _ACKS and not answering:
        found = Navigation.THANKS
    if had_emoji:
        return Navigation.THANKS if found is Navigation.THANKS else None
    return found


def parse_yes_no(text: str) -> bool | None:
    """True for a yes word (`yes`, `Y`, `ok`, `👍`), False for a no word, None for anything else."""
    word = _normalise(text).rstrip(".!")
    if word in _YES:
        return True
    if word in _NO:
        return False
    return None


Feeling = Literal["glad", "upset", "other"]
_GLAD: Final = frozenset("👍🙏❤😊😀😃😄😁🥰😍🎉👏🔥✅💯🤝🙌💪😇🤗💚💙💛🧡💜")
_UPSET: Final = frozenset("👎😡😠🤬😤💢😞😢😭😒🙄😕☹🙁❌😩😫💔🤦😟😖😣")


def reaction_feeling(emoji: str) -> Feeling:
    """How a reaction feels: thanks are for glad ones, never for an angry or sad face."""
    core = _NOISE.sub("", emoji)
    if core[:1] in _UPSET:
        return "upset"
    if core[:1] in _GLAD:
        return "glad"
    return "other"


_ROW: Final = re.compile(r"(?:#|no\.?|number)?\s*([0-9]{1,3})[.)]?", re.IGNORECASE)


def parse_row_number(text: str) -> int | None:
    """The list row a message picks by its number (`3`, `#3`, `3.`, `no 3`), or None."""
    match = _ROW.fullmatch(text.strip())
    return int(match[1]) if match else None
