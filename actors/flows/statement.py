"""Statements: the active account's ledger for a period, sent as a PDF document.

The step only decides the period and asks for the entries (`LoadStatement`); the words of the
document come from `actors.screens.statement`, and the gateway renders and uploads the PDF
when it sends the reply, so the step stays pure and the outbox stays small.
"""

from __future__ import annotations

import datetime as dt

from actors import routes
from actors.effects import LoadStatement
from actors.failure import Failure
from actors.intents.statement import AskStatement
from actors.outcome import Moment, Transition
from actors.results import StatementLoaded
from actors.screens import statement as screens
from actors.screens.failures import cannot_load, refused
from actors.session import Session
from parser.payments import StatementPeriod

DEFAULT_DAYS = 30


def period(words: StatementPeriod, today: dt.date) -> tuple[dt.date, dt.date, bool] | None:
    """(first day, last day, is a calendar month); None when the month has not started yet.

    A month named without a year is the latest one that has started: in December 2026,
    "november" is November 2026 and "december" this month so far.
    """
    if words.month is None:
        return today - dt.timedelta(days=DEFAULT_DAYS - 1), today, False
    year = words.year
    if year is None:
        year = today.year if words.month <= today.month else today.year - 1
    start = dt.date(year, words.month, 1)
    if start > today:
        return None
    following = dt.date(year + (words.month == 12), words.month % 12 + 1, 1)
    return start, following - dt.timedelta(days=1), True


def open_statement(session: Session, intent: AskStatement, at: Moment) -> Transition:
    assert session.identity is not None
    if intent.period.problem:
        return Transition(session, (screens.period_problem(at.today),))
    chosen = period(intent.period, at.today)
    if chosen is None:
        return Transition(session, (screens.future_period(),))
    start, end, month = chosen
    effect = LoadStatement(session.identity.account_id, start, end, month)
    return Transition(session, effects=(effect,))


def loaded(session: Session, event: StatementLoaded) -> Transition:
    identity = session.identity
    assert identity is not None
    effect, rows = event.effect, event.rows
    if not rows.entries:
        return Transition(
            session, (screens.empty(identity, effect.start, effect.end, effect.month),)
        )
    document = screens.statement(
        identity, effect.start, effect.end, effect.month, rows.entries, rows.more
    )
    return Transition(session, (document,))


def failed(session: Session, failure: Failure) -> Transition:
    if failure.kind == "unavailable":
        return Transition(session, (cannot_load(),))
    return Transition(session, (refused(failure),))


ROUTES = (
    routes.intent(AskStatement, open_statement),
    routes.result(StatementLoaded, lambda s, r, at: loaded(s, r)),
    routes.failed(LoadStatement, lambda s, e, f, at: failed(s, f)),
)
