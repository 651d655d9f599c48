"""Quick commands (`5=>bob`, several lines for a bulk offer): look up every handle, then show one
confirmation. Nothing is sent unless every line can be; otherwise each problem is named."""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from actors import effects as fx
from actors import results as rs
from actors import routes
from actors.effects import ResolveHandle
from actors.failure import Failure
from actors.flows import confirm, limits
from actors.intents.quick import Quick
from actors.outcome import DEFAULT_DUE_DAYS, Moment, Transition
from actors.ports.credex import AccountRef
from actors.screens import limits as limit_screens
from actors.screens import offer as screens
from actors.screens.failures import refused
from actors.session import Draft, DraftOffer, Home, QuickLine, QuickLookup, Session
from parser import QuickOffer


def start(session: Session, offers: tuple[QuickOffer, ...], at: Moment) -> Transition:
    identity = session.identity
    assert identity is not None, "quick commands run only for a logged-in member"
    for offer in offers:
        denom = offer.denomination or identity.default_denom
        if limits.too_precise(offer.amount, denom):
            return Transition(session, (limit_screens.too_precise(offer.amount, denom),))
    lines = []
    for offer in offers:
        due = None
        if not offer.secured:
            due = offer.due_date or at.today + dt.timedelta(days=DEFAULT_DUE_DAYS)
        line = QuickLine(
            amount=offer.amount,
            denomination=offer.denomination or identity.default_denom,
            handle=offer.handle,
            secured=offer.secured,
            due_date=due,
        )
        if offer.handle == identity.account_handle:
            line = attrs.evolve(line, problem="own_account")
        elif not offer.secured and identity.tier == 1:
            # credex-core refuses unsecured credex on the open tier (docs/credex-core-api.md §10.3):
            # say so now,
            # not after the member has signed.
            line = attrs.evolve(line, problem="unsecured_tier")
        elif due is not None and not at.due_ok(due):
            line = attrs.evolve(line, problem="due_window")
        lines.append(line)
    # A new command replaces whatever form or unconfirmed draft was open.
    session = attrs.evolve(session, draft=None)
    return _next(session, tuple(lines), at)


def _next(session: Session, lines: tuple[QuickLine, ...], at: Moment) -> Transition:
    for index, line in enumerate(lines):
        if line.receiver_id is None and line.problem is None:
            known = next((o for o in lines if o.handle == line.handle and o.receiver_id), None)
            if known is not None:  # the same recipient twice: one lookup is enough
                lines = _with(
                    lines, index, receiver_id=known.receiver_id, receiver_name=known.receiver_name
                )
                return _next(session, lines, at)
            return Transition(
                attrs.evolve(session, screen=QuickLookup(lines)),
                effects=(ResolveHandle(line.handle, line=index),),
            )
    session = attrs.evolve(session, screen=Home())
    if any(line.problem for line in lines):
        return Transition(session, (screens.quick_rejected(lines, at.earliest_due, at.latest_due),))
    offers = tuple(
        DraftOffer(
            amount=line.amount,
            denomination=line.denomination,
            handle=line.handle,
            receiver_id=line.receiver_id or "",
            receiver_name=line.receiver_name or line.handle,
            secured=line.secured,
            due_date=line.due_date,
        )
        for line in lines
    )
    return confirm.check(session, Draft(at.fresh_id(session.phone, offers), offers))


def _with(lines: tuple[QuickLine, ...], index: int, **changes: Any) -> tuple[QuickLine, ...]:
    return (*lines[:index], attrs.evolve(lines[index], **changes), *lines[index + 1 :])


def resolved(session: Session, line: int, account: AccountRef, at: Moment) -> Transition:
    screen = session.screen
    if not isinstance(screen, QuickLookup) or line >= len(screen.lines):
        return Transition(session)
    assert session.identity is not None
    if account.account_id == session.identity.account_id:
        lines = _with(screen.lines, line, problem="own_account")
    else:
        lines = _with(
            screen.lines, line, receiver_id=account.account_id, receiver_name=account.name
        )
    return _next(session, lines, at)


def not_resolved(session: Session, line: int, failure: Failure, at: Moment) -> Transition:
    screen = session.screen
    if not isinstance(screen, QuickLookup) or line >= len(screen.lines):
        return Transition(session)
    if failure.kind in ("not_found", "invalid"):
        return _next(session, _with(screen.lines, line, problem="unknown_handle"), at)
    return Transition(attrs.evolve(session, screen=Home()), (refused(failure),))


def _resolved(session: Session, result: rs.HandleResolved, at: Moment) -> Transition | None:
    line = result.line
    return None if line is None else resolved(session, line, result.account, at)


def _not_resolved(
    session: Session, effect: fx.ResolveHandle, failure: Failure, at: Moment
) -> Transition | None:
    line = effect.line
    return None if line is None else not_resolved(session, line, failure, at)


ROUTES = (
    routes.intent(Quick, lambda s, i, at: start(s, i.offers, at)),
    routes.result(rs.HandleResolved, _resolved),
    routes.failed(fx.ResolveHandle, _not_resolved),
)
