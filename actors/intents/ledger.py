"""The ledger: pages of settled and pending credexes, newest first, and one credex's card."""

from __future__ import annotations

from typing import ClassVar

import attrs

from actors.intents.base import Intent
from actors.intents.tap import PAGE, UUID, Field, TapId

_END = Field("[1-9][0-9]{0,6}", int)


@attrs.frozen
class OpenLedger(Intent):
    """Ledger page `page`, newest first. `end` is how many entries the ledger held when it was
    opened, so later pages stay put when new credexes arrive (0: count them afresh)."""

    self_contained: ClassVar[bool] = True
    page: int = 1
    end: int = 0


@attrs.frozen
class OpenLedgerCredex(Intent):
    """A ledger row: one credex of the active account, and the page its Back button returns to."""

    self_contained: ClassVar[bool] = True
    credex_id: str
    page: int = 1
    end: int = 0


ledger_page = TapId("ledger:page:{page}[:end:{end}]", OpenLedger, page=PAGE, end=_END)
ledger_credex = TapId(
    "ledger:credex:{credex_id}:page:{page}[:end:{end}]",
    OpenLedgerCredex,
    credex_id=UUID,
    page=PAGE,
    end=_END,
)

TAPS = (ledger_page, ledger_credex)
WORDS = {"ledger": OpenLedger()}  # typed words that open it when no form waits for an answer
