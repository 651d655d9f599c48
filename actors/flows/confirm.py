"""Showing an offer's confirmation, only once it passed the checks of `actors.flows.limits`
against a fresh view; otherwise the member is told what can be sent instead."""

from __future__ import annotations

import attrs

from actors import routes
from actors.effects import LoadView, Purpose
from actors.flows import dashboard, limits
from actors.outcome import Moment, Transition
from actors.ports.credex import MemberView
from actors.screens import limits as screens
from actors.screens import offer as offer_screens
from actors.session import Draft, Home, OfferForm, Session


@attrs.frozen
class BeforeConfirm(Purpose):
    """LoadView purpose: check the draft against fresh balances and limits, then show its
    confirmation (recording the outgoing offers already pending, for crash reconciliation)."""

    draft: Draft


def check(session: Session, draft: Draft) -> Transition:
    """The draft is not in the session until it passed: no yes can sign it before."""
    return Transition(session, effects=(LoadView(BeforeConfirm(draft)),))


def loaded(session: Session, view: MemberView, purpose: BeforeConfirm, at: Moment) -> Transition:
    session = dashboard.identify(session, view)
    account = dashboard.active_account(view, session.chosen_account)
    draft = purpose.draft
    form = session.screen if isinstance(session.screen, OfferForm) else None
    if account is None:
        return dashboard.render(session, view, at)
    shorts = limits.shortfalls(view, account, draft)
    if shorts:
        when = screens.renewal(at.local_midnight, at.config.timezone)
        reply = screens.refused(
            draft,
            shorts,
            tier=view.member.tier,
            when=when,
            agents=at.config.cash_in_agents,
            in_form=form is not None,
        )
        # The menu form asks for the amount again; a quick command has nothing to keep.
        screen = attrs.evolve(form, step="amount") if form is not None else Home()
        return Transition(attrs.evolve(session, screen=screen), (reply,))
    draft = attrs.evolve(draft, pending_before=tuple(p.credex_id for p in account.pending_out))
    screen = attrs.evolve(form, step="confirm") if form is not None else Home()
    session = attrs.evolve(session, screen=screen, draft=draft)
    assert session.identity is not None
    return Transition(session, (offer_screens.confirm(session.identity, draft),))


ROUTES = (routes.loaded(BeforeConfirm, loaded),)
