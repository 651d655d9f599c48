"""The PDF statement: `statement [period]` typed, or the ledger's "Statement (PDF)" row."""

from __future__ import annotations

from typing import ClassVar

import attrs

import parser.payments as payments
from actors.intents.base import Intent
from actors.intents.tap import Fixed


@attrs.frozen
class AskStatement(Intent):
    self_contained: ClassVar[bool] = True
    period: payments.StatementPeriod = attrs.field(factory=payments.StatementPeriod)


STATEMENT = "ledger:statement"  # the ledger's PDF statement of the last 30 days

TAPS = (Fixed(STATEMENT, AskStatement()),)
