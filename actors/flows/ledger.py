"""The ledger, one page at a time; page numbers travel in button ids, not in the session."""

from __future__ import annotations

from actors.effects import LoadLedger
from actors.failure import Failure
from actors.outcome import Outcome
from actors.ports.credex import LedgerPage
from actors.screens.failures import cannot_load, refused
from actors.screens.ledger import ledger
from actors.session import Session

PAGE_SIZE = 7


def open_page(session: Session, page: int) -> Outcome:
    assert session.identity is not None
    effect = LoadLedger(session.identity.account_id, page, PAGE_SIZE)
    return Outcome(session, effects=(effect,))


def loaded(session: Session, page: int, entries: LedgerPage) -> Outcome:
    return Outcome(session, (ledger(page, entries),))


def failed(session: Session, failure: Failure) -> Outcome:
    if failure.kind == "unavailable":
        return Outcome(session, (cannot_load(),))
    return Outcome(session, (refused(failure),))
