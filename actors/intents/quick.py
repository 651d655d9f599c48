"""Quick commands (`0.5=>rudo`): typed offers, and a button that sends one again."""

from __future__ import annotations

from typing import ClassVar

import attrs

from actors.intents.base import Intent, Retyped
from actors.intents.tap import Field, TapId
from parser import QuickOffer


@attrs.frozen
class Quick(Intent):
    self_contained: ClassVar[bool] = True
    offers: tuple[QuickOffer, ...]


@attrs.frozen
class QuickBroken(Intent):
    """A quick command that does not parse: `message` says what is wrong in it."""

    self_contained: ClassVar[bool] = True
    message: str


# A button that starts a quick command again (`USD 5.00=>rudo`), through its confirmation:
# the command is read as if typed.
quick = TapId("quick:{text}", Retyped, text=Field(".*"))

TAPS = (quick,)
