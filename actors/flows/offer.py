"""The menu offer form: amount, recipient handle, due date (unsecured), then the confirmation.

Every answer stays in the form, so *back* returns to the previous question without losing
anything, and a credex-core refusal of the due date sends the user back to that question.
"""

from __future__ import annotations

import datetime as dt

import attrs

from actors import effects as fx
from actors import results as rs
from actors import routes
from actors.effects import ResolveHandle
from actors.failure import Failure
from actors.flows import confirm, dashboard, limits, submit
from actors.intents.offer import DueIn, StartOffer
from actors.outcome import Moment, Transition
from actors.ports.credex import AccountRef
from actors.screens import limits as limit_screens
from actors.screens import offer as screens
from actors.screens.failures import refused
from actors.session import Draft, DraftOffer, Identity, OfferForm, Session
from parser import InputError, parse_amount, parse_date, parse_handle


def _identity(session: Session) -> Identity:
    assert session.identity is not None, "offer flows run only for a logged-in member"
    return session.identity


def start(session: Session, secured: bool) -> Transition:
    return ask(session, OfferForm(secured=secured))


def ask(session: Session, form: OfferForm, at: Moment | None = None) -> Transition:
    """Show the question for the form's current step."""
    session = attrs.evolve(session, screen=form)
    identity = _identity(session)
    if form.step == "amount":
        previous = (
            (form.amount, form.denomination or identity.default_denom) if form.amount else None
        )
        return Transition(
            session, (screens.ask_amount(form.secured, identity.default_denom, previous),)
        )
    if form.step == "handle":
        return Transition(session, (screens.ask_handle(form.handle),))
    assert at is not None, "the due-date question names dates"
    return Transition(session, (screens.ask_due(at.earliest_due, at.latest_due),))


def typed(session: Session, form: OfferForm, text: str, at: Moment) -> Transition:
    try:
        if form.step == "amount":
            value = parse_amount(text)
            denom = value.denomination or _identity(session).default_denom
            if limits.too_precise(value.amount, denom):
                return Transition(session, (limit_screens.too_precise(value.amount, denom),))
            nxt = attrs.evolve(form, amount=value.amount, denomination=denom, step="handle")
            return ask(session, nxt, at)
        if form.step == "handle":
            handle = parse_handle(text, session.phone)
            if handle == _identity(session).account_handle:
                return Transition(session, (screens.own_account(),))
            nxt = attrs.evolve(form, handle=handle, receiver_id=None, receiver_name=None)
            return Transition(attrs.evolve(session, screen=nxt), effects=(ResolveHandle(handle),))
        if form.step == "due":
            return _due(session, form, parse_date(text, at.today), at)
    except InputError as error:
        return Transition(session, (screens.input_problem(error.message),))
    return submit.answer_confirmation(session, text)


def due_chosen(session: Session, form: OfferForm, days: int, at: Moment) -> Transition:
    return _due(session, form, at.today + dt.timedelta(days=days), at)


def _due(session: Session, form: OfferForm, due: dt.date, at: Moment) -> Transition:
    if not at.due_ok(due):
        return Transition(session, (screens.due_out_of_range(at.earliest_due, at.latest_due),))
    return _confirm(session, attrs.evolve(form, due_date=due), at)


def resolved(session: Session, account: AccountRef, at: Moment) -> Transition:
    form = session.screen
    if not isinstance(form, OfferForm) or form.step != "handle":
        return Transition(session)  # the user moved on; the lookup no longer matters
    if account.account_id == _identity(session).account_id:
        return Transition(session, (screens.own_account(),))
    form = attrs.evolve(form, receiver_id=account.account_id, receiver_name=account.name)
    if form.secured:
        return _confirm(session, form, at)
    return ask(session, attrs.evolve(form, step="due"), at)


def not_resolved(session: Session, handle: str, failure: Failure) -> Transition:
    if failure.kind in ("not_found", "invalid"):
        return Transition(session, (screens.unknown_handle(handle),))
    return Transition(session, (refused(failure),))


def _confirm(session: Session, form: OfferForm, at: Moment) -> Transition:
    assert form.amount is not None and form.denomination is not None
    assert form.handle is not None and form.receiver_id is not None
    offer = DraftOffer(
        amount=form.amount,
        denomination=form.denomination,
        handle=form.handle,
        receiver_id=form.receiver_id,
        receiver_name=form.receiver_name or form.handle,
        secured=form.secured,
        due_date=None if form.secured else form.due_date,
    )
    draft = Draft(at.fresh_id(session.phone, offer), (offer,), from_form=form)
    return confirm.check(attrs.evolve(session, screen=form, draft=None), draft)


def back(session: Session, form: OfferForm, at: Moment) -> Transition:
    if form.step == "amount":
        return dashboard.show(session)
    if form.step == "handle":
        return ask(session, attrs.evolve(form, step="amount"), at)
    if form.step == "due":
        return ask(session, attrs.evolve(form, step="handle"), at)
    session = attrs.evolve(session, draft=None)  # the unconfirmed draft goes; its answers stay
    return ask(session, attrs.evolve(form, step="handle" if form.secured else "due"), at)


def _due_tapped(session: Session, intent: DueIn, at: Moment) -> Transition | None:
    form = session.screen
    if isinstance(form, OfferForm) and form.step == "due":
        return due_chosen(session, form, intent.days, at)
    return None  # a due-date button of a question no longer asked


def _resolved(session: Session, result: rs.HandleResolved, at: Moment) -> Transition | None:
    return resolved(session, result.account, at) if result.line is None else None


def _not_resolved(
    session: Session, effect: fx.ResolveHandle, failure: Failure, at: Moment
) -> Transition | None:
    return not_resolved(session, effect.handle, failure) if effect.line is None else None


ROUTES = (
    routes.back(OfferForm, back),
    routes.intent(StartOffer, lambda s, i, at: start(attrs.evolve(s, draft=None), i.secured)),
    routes.intent(DueIn, _due_tapped),
    routes.typed(OfferForm, typed),
    routes.result(rs.HandleResolved, _resolved),
    routes.failed(fx.ResolveHandle, _not_resolved),
)
