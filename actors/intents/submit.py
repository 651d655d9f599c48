"""An offer's confirmation: send it, or drop it (G5: only a confirm tap moves money)."""

from __future__ import annotations

from typing import ClassVar

import attrs

from actors.intents.base import Intent
from actors.intents.tap import Field, TapId

_DRAFT = Field(r"[0-9a-z]{1,40}")


@attrs.frozen
class Confirm(Intent):
    """Judged by its draft: refused politely when the draft is gone."""

    self_contained: ClassVar[bool] = True
    draft_id: str


@attrs.frozen
class Discard(Intent):
    self_contained: ClassVar[bool] = True
    draft_id: str


confirm = TapId("confirm:{draft_id}", Confirm, draft_id=_DRAFT)
discard = TapId("discard:{draft_id}", Discard, draft_id=_DRAFT)

TAPS = (confirm, discard)
