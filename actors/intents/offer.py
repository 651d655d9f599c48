"""The menu's offer form: start a secured or unsecured offer, pick a due date."""

from __future__ import annotations

from typing import ClassVar

import attrs

from actors.intents.base import Intent
from actors.intents.tap import Field, TapId, word


@attrs.frozen
class StartOffer(Intent):
    self_contained: ClassVar[bool] = True
    secured: bool


@attrs.frozen
class DueIn(Intent):
    """A due-date button of the form's last question (valid only while it is asked)."""

    days: int


offer_start = TapId("offer:{secured}", StartOffer, secured=word(secured=True, unsecured=False))
due_in = TapId("due:{days}", DueIn, days=Field("7|14|28", int))

TAPS = (offer_start, due_in)
