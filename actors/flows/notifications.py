"""Notifications: who receives offer notifications for the active account (credex-core's
sendOffersTo), changed to any member authorized for it (docs/credex-core-api.md §8.2, §10.8)."""

from __future__ import annotations

import attrs

from actors import routes
from actors.effects import LoadView, Purpose, SetSendOffersTo
from actors.failure import Failure
from actors.flows import dashboard
from actors.intents import notifications as notifications_ids
from actors.intents.notifications import NotifyAction, OpenNotifications
from actors.outcome import Moment, Transition
from actors.ports.credex import MemberView
from actors.results import SendOffersToSet
from actors.screens import notifications as screens
from actors.session import AskYesNo, Home, Session


@attrs.frozen
class ShowNotifications(Purpose):
    account_id: str | None = None  # None: the active account


@attrs.frozen
class BeforeNotify(Purpose):
    confirmed: bool
    account_id: str
    member_id: str


def open_screen(session: Session, account_id: str | None = None) -> Transition:
    return Transition(session, effects=(LoadView(ShowNotifications(account_id)),))


def loaded(
    session: Session, view: MemberView, purpose: ShowNotifications, at: Moment
) -> Transition:
    session = attrs.evolve(dashboard.identify(session, view), screen=Home())
    if purpose.account_id is not None:
        account = dashboard.owned(view, purpose.account_id)
    else:
        account = dashboard.active_account(view, session.chosen_account)
    if account is None:
        return dashboard.render(session, view, at, screens.not_a_member())
    return Transition(session, (screens.current(account, view.member.member_id),))


def act(session: Session, intent: NotifyAction) -> Transition:
    purpose = BeforeNotify(intent.confirmed, intent.account_id, intent.member_id)
    return Transition(attrs.evolve(session, screen=Home()), effects=(LoadView(purpose),))


def action_loaded(session: Session, view: MemberView, purpose: BeforeNotify) -> Transition:
    """Re-checked against a fresh view: an old tap acts only on a member still authorized."""
    session = attrs.evolve(dashboard.identify(session, view), screen=Home())
    account = dashboard.owned(view, purpose.account_id)
    member = None
    if account is not None:
        member = next((m for m in account.authorized if m.member_id == purpose.member_id), None)
    if account is None or member is None:
        return open_screen(session).say(screens.not_a_member())
    now = account.send_offers_to
    if now is not None and now.member_id == member.member_id:
        return open_screen(session, account.account_id).say(screens.already(member))
    me = view.member.member_id
    if not purpose.confirmed:
        yes = notifications_ids.set_notify(account.account_id, member.member_id)
        question = AskYesNo(yes_id=yes, no_id=notifications_ids.NOTIFICATIONS)
        return Transition(
            attrs.evolve(session, screen=question), (screens.ask(account, member, me),)
        )
    effect = SetSendOffersTo(account.account_id, account.name, member, me)
    return Transition(session, effects=(effect,))


def changed(session: Session, result: SendOffersToSet) -> Transition:
    effect = result.effect
    reply = screens.changed(effect.account_name, effect.member)
    return open_screen(session, effect.account_id).say(reply)


def failed(session: Session, failure: Failure) -> Transition:
    return Transition(attrs.evolve(session, screen=Home()), (screens.refused(failure),))


ROUTES = (
    routes.intent(OpenNotifications, lambda s, i, at: open_screen(s)),
    routes.intent(NotifyAction, lambda s, i, at: act(s, i)),
    routes.loaded(ShowNotifications, loaded),
    routes.loaded(BeforeNotify, lambda s, v, p, at: action_loaded(s, v, p)),
    routes.result(SendOffersToSet, lambda s, r, at: changed(s, r)),
    routes.failed(SetSendOffersTo, lambda s, e, f, at: failed(s, f)),
)
