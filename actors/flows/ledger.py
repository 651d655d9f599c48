"""The ledger, newest first, one page at a time, and the card of one credex in it.

Page numbers, the ledger's length when opened and credexIDs travel in row and button ids, so a
tap on an old ledger still works after the session expired: getCredex re-checks, for the
member's active account, that the credex is one of its own (docs/credex-core-api.md §8.3).
credex-core pages oldest first; actors.ledger_order turns it around and says what that costs.
The session remembers the page on screen so typed numbers, `next`, `prev` and `back` work.
"""

from __future__ import annotations

import attrs

from actors import routes
from actors.effects import LoadCredex, LoadLedger
from actors.failure import Failure
from actors.flows import dashboard, lists
from actors.intents import ledger as ledger_ids
from actors.intents.ledger import OpenLedger, OpenLedgerCredex
from actors.outcome import Transition
from actors.results import CredexLoaded, LedgerLoaded
from actors.screens import ledger as screens
from actors.screens.failures import cannot_load, refused
from actors.session import Home, Session

PAGE_SIZE = screens.PAGE_SIZE


def open_page(session: Session, page: int, end: int = 0) -> Transition:
    assert session.identity is not None
    effect = LoadLedger(session.identity.account_id, page, PAGE_SIZE, end)
    return Transition(session, effects=(effect,))


def open_credex(session: Session, credex_id: str, page: int, end: int = 0) -> Transition:
    assert session.identity is not None
    effect = LoadCredex(session.identity.account_id, credex_id, page, end)
    return Transition(session, effects=(effect,))


def open_intent(session: Session, intent: OpenLedger | OpenLedgerCredex) -> Transition:
    if isinstance(intent, OpenLedgerCredex):
        return open_credex(session, intent.credex_id, intent.page, intent.end)
    return open_page(session, intent.page, intent.end)


def _page_screen(event: LedgerLoaded) -> Home:
    entries, page, end = event.ledger, event.page, event.end
    shown = entries.entries[:PAGE_SIZE]
    pages = page + 1 if entries.has_more else page
    return lists.page_screen(
        tuple(ledger_ids.ledger_credex(e.credex_id, page, end) for e in shown),
        entries.start_row + 1,
        page,
        pages,
        lambda n: ledger_ids.ledger_page(n, end),
    )


def loaded(session: Session, event: LedgerLoaded | CredexLoaded) -> Transition:
    if isinstance(event, CredexLoaded):
        back = ledger_ids.ledger_page(event.effect.page, event.effect.end)
        card = screens.credex_card(event.credex, event.effect.page, event.effect.end)
        return Transition(attrs.evolve(session, screen=Home(back_id=back)), (card,))
    screen = _page_screen(event) if event.ledger.entries else Home()
    reply = screens.ledger(event.page, event.ledger, event.end)
    return Transition(attrs.evolve(session, screen=screen), (reply,))


def failed(session: Session, effect: LoadLedger | LoadCredex, failure: Failure) -> Transition:
    if failure.kind == "unavailable":
        return Transition(session, (cannot_load(),))
    # getCredex answers 500 (NotFound) for an unknown credex or one the account is no party
    # to, and 400 (Invalid) for an id that is not a UUID: all "not in this ledger" (§8.3).
    if isinstance(effect, LoadCredex) and failure.kind in ("not_found", "invalid"):
        return dashboard.show(session).say(screens.credex_not_found())
    return Transition(session, (refused(failure),))


ROUTES = (
    routes.intent(OpenLedger, lambda s, i, at: open_intent(s, i)),
    routes.intent(OpenLedgerCredex, lambda s, i, at: open_intent(s, i)),
    routes.result(LedgerLoaded, lambda s, r, at: loaded(s, r)),
    routes.result(CredexLoaded, lambda s, r, at: loaded(s, r)),
    routes.failed(LoadLedger, lambda s, e, f, at: failed(s, e, f)),
    routes.failed(LoadCredex, lambda s, e, f, at: failed(s, e, f)),
)
