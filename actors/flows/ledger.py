"""The ledger, one page at a time, and the card of one credex in it.

Page numbers and credexIDs travel in row and button ids, not in the session, so a tap on an old
ledger still works after the session expired: getCredex re-checks, for the member's active
account, that the credex is one of its own (docs/credex-core-api.md §8.3).
"""

from __future__ import annotations

from actors.effects import LoadCredex, LoadLedger
from actors.failure import Failure
from actors.flows import dashboard
from actors.intents import OpenLedger, OpenLedgerCredex
from actors.outcome import Outcome
from actors.results import CredexLoaded, LedgerLoaded
from actors.screens import ledger as screens
from actors.screens.failures import cannot_load, refused
from actors.session import Session

PAGE_SIZE = screens.PAGE_SIZE


def open_page(session: Session, page: int) -> Outcome:
    assert session.identity is not None
    effect = LoadLedger(session.identity.account_id, page, PAGE_SIZE)
    return Outcome(session, effects=(effect,))


def open_credex(session: Session, credex_id: str, page: int) -> Outcome:
    assert session.identity is not None
    effect = LoadCredex(session.identity.account_id, credex_id, page)
    return Outcome(session, effects=(effect,))


def open_intent(session: Session, intent: OpenLedger | OpenLedgerCredex) -> Outcome:
    if isinstance(intent, OpenLedgerCredex):
        return open_credex(session, intent.credex_id, intent.page)
    return open_page(session, intent.page)


def loaded(session: Session, event: LedgerLoaded | CredexLoaded) -> Outcome:
    if isinstance(event, CredexLoaded):
        return Outcome(session, (screens.credex_card(event.credex, event.effect.page),))
    return Outcome(session, (screens.ledger(event.page, event.ledger),))


def failed(session: Session, effect: LoadLedger | LoadCredex, failure: Failure) -> Outcome:
    if failure.kind == "unavailable":
        return Outcome(session, (cannot_load(),))
    # getCredex answers 500 (NotFound) for an unknown credex or one the account is no party
    # to, and 400 (Invalid) for an id that is not a UUID: all "not in this ledger" (§8.3).
    if isinstance(effect, LoadCredex) and failure.kind in ("not_found", "invalid"):
        return dashboard.show(session).say(screens.credex_not_found())
    return Outcome(session, (refused(failure),))
