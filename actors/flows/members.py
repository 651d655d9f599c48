"""Members: who may transact for the active account; authorizing one by handle, removing one.

credex-core allows this only to an owner on tier 4 or above, and at most 5 authorized members
per account including the owner (docs/credex-core-api.md §8.2, §10.8). Every member except the
owner can be removed (the old bot could never remove the last one, docs/reference-bot.md §1.11).
"""

from __future__ import annotations

from typing import Final

import attrs

from actors import routes
from actors.effects import Authorize, LoadView, LookupMember, Purpose, Unauthorize
from actors.failure import Failure
from actors.flows import dashboard
from actors.intents import members as members_ids
from actors.intents.members import AddMember, MemberAction, OpenMembers
from actors.outcome import Moment, Transition
from actors.ports.credex import AccountDashboard, MemberView
from actors.results import MemberAuthorized, MemberFound, MemberUnauthorized
from actors.screens import members as screens
from actors.screens.offer import input_problem
from actors.session import AskYesNo, Home, Identity, MemberForm, Session
from parser import InputError, parse_handle

ENTREPRENEUR_TIER: Final = 4


@attrs.frozen
class ShowMembers(Purpose):
    account_id: str | None = None  # None: the active account


@attrs.frozen
class BeforeAddMember(Purpose):
    """LoadView purpose: fresh authorized members, then ask for the handle to add (limit 5)."""


@attrs.frozen
class BeforeMemberAction(Purpose):
    """Re-check the account and the member before asking to remove, or removing."""

    confirmed: bool
    account_id: str
    member_id: str


def may_manage(tier: int | None) -> bool:
    """Unknown tier (credex-core omits it after a tier change): let credex-core decide."""
    return tier is None or tier >= ENTREPRENEUR_TIER


def _identity(session: Session) -> Identity:
    assert session.identity is not None, "member flows run only for a logged-in member"
    return session.identity


def open_list(session: Session, account_id: str | None = None) -> Transition:
    return Transition(session, effects=(LoadView(ShowMembers(account_id)),))


def _account(session: Session, view: MemberView, account_id: str | None) -> AccountDashboard | None:
    if account_id is not None:
        return dashboard.owned(view, account_id)
    return dashboard.active_account(view, session.chosen_account)


def list_loaded(session: Session, view: MemberView, purpose: ShowMembers, at: Moment) -> Transition:
    session = attrs.evolve(dashboard.identify(session, view), screen=Home())
    if not may_manage(view.member.tier):
        return Transition(session, (screens.tier_too_low(view.member.tier),))
    account = _account(session, view, purpose.account_id)
    if account is None:
        return dashboard.render(session, view, at, screens.member_gone())
    return Transition(session, (screens.members_list(account, view.member.member_id),))


def add(session: Session) -> Transition:
    return Transition(session, effects=(LoadView(BeforeAddMember()),))


def add_loaded(session: Session, view: MemberView, at: Moment) -> Transition:
    session = attrs.evolve(dashboard.identify(session, view), screen=Home())
    if not may_manage(view.member.tier):
        return Transition(session, (screens.tier_too_low(view.member.tier),))
    account = dashboard.active_account(view, session.chosen_account)
    if account is None:
        return dashboard.render(session, view, at)
    if len(account.authorized) >= screens.MAX_AUTHORIZED:
        return Transition(session, (screens.limit_reached(account.name),))
    already = tuple(m.member_id for m in account.authorized)
    form = MemberForm(account.account_id, account.name, already)
    return Transition(attrs.evolve(session, screen=form), (screens.ask_handle(account.name),))


def typed(session: Session, form: MemberForm, text: str) -> Transition:
    try:
        handle = parse_handle(text)
    except InputError as error:
        return Transition(session, (input_problem(error.message),))
    if handle == _identity(session).member_handle:
        return Transition(session, (screens.is_you(),))
    nxt = attrs.evolve(form, handle=handle)
    return Transition(attrs.evolve(session, screen=nxt), effects=(LookupMember(handle),))


def found(session: Session, result: MemberFound) -> Transition:
    form = session.screen
    if not isinstance(form, MemberForm) or form.handle != result.handle:
        return Transition(session)  # the user moved on
    name = result.member.name
    if result.member.member_id in form.authorized:
        return Transition(session, (screens.already(name, form.account_name),))
    yes = members_ids.authorize_member(form.account_id, result.handle)
    question = AskYesNo(yes_id=yes, no_id=members_ids.MEMBERS)
    reply = screens.confirm_authorize(form.account_id, form.account_name, result.handle, name)
    return Transition(attrs.evolve(session, screen=question), (reply,))


def act(session: Session, intent: MemberAction) -> Transition:
    session = attrs.evolve(session, screen=Home())
    if intent.action == "authorize":
        # credex-core checks ownership, tier and the limit itself; authorizing twice is a no-op.
        effect = Authorize(intent.account_id, intent.who, _identity(session).member_id)
        return Transition(session, effects=(effect,))
    purpose = BeforeMemberAction(intent.action == "remove", intent.account_id, intent.who)
    return Transition(session, effects=(LoadView(purpose),))


def action_loaded(
    session: Session, view: MemberView, purpose: BeforeMemberAction, at: Moment
) -> Transition:
    session = attrs.evolve(dashboard.identify(session, view), screen=Home())
    account = dashboard.owned(view, purpose.account_id)
    member = None
    if account is not None:
        member = next((m for m in account.authorized if m.member_id == purpose.member_id), None)
    if account is None or member is None:
        return open_list(session).say(screens.member_gone())
    if member.member_id == view.member.member_id:
        return open_list(session, account.account_id).say(screens.owner_stays(account.name))
    if not purpose.confirmed:
        yes = members_ids.remove_member(account.account_id, member.member_id)
        question = AskYesNo(yes_id=yes, no_id=members_ids.MEMBERS)
        return Transition(
            attrs.evolve(session, screen=question), (screens.ask_remove(account, member),)
        )
    owner = view.member.member_id
    effect = Unauthorize(account.account_id, account.name, member, owner)
    return Transition(session, effects=(effect,))


def authorized(session: Session, result: MemberAuthorized) -> Transition:
    reply = screens.authorized(result.member.name)
    return open_list(session, result.effect.account_id).say(reply)


def unauthorized(session: Session, result: MemberUnauthorized) -> Transition:
    effect = result.effect
    reply = screens.removed(screens.full_name(effect.member), effect.account_name)
    return open_list(session, effect.account_id).say(reply)


def lookup_failed(session: Session, handle: str, failure: Failure) -> Transition:
    if failure.kind in ("not_found", "invalid"):
        return Transition(session, (screens.unknown(handle),))
    return Transition(session, (screens.refused(failure, _tier(session)),))


def failed(session: Session, failure: Failure) -> Transition:
    return Transition(
        attrs.evolve(session, screen=Home()), (screens.refused(failure, _tier(session)),)
    )


def _tier(session: Session) -> int | None:
    return session.identity.tier if session.identity else None


ROUTES = (
    routes.back(MemberForm, lambda s, form, at: open_list(attrs.evolve(s, screen=Home()))),
    routes.intent(OpenMembers, lambda s, i, at: open_list(s)),
    routes.intent(AddMember, lambda s, i, at: add(s)),
    routes.intent(MemberAction, lambda s, i, at: act(s, i)),
    routes.typed(MemberForm, lambda s, form, text, at: typed(s, form, text)),
    routes.loaded(ShowMembers, list_loaded),
    routes.loaded(BeforeAddMember, lambda s, v, p, at: add_loaded(s, v, at)),
    routes.loaded(BeforeMemberAction, action_loaded),
    routes.result(MemberFound, lambda s, r, at: found(s, r)),
    routes.result(MemberAuthorized, lambda s, r, at: authorized(s, r)),
    routes.result(MemberUnauthorized, lambda s, r, at: unauthorized(s, r)),
    routes.failed(LookupMember, lambda s, e, f, at: lookup_failed(s, e.handle, f)),
    routes.failed(Authorize, lambda s, e, f, at: failed(s, f)),
    routes.failed(Unauthorize, lambda s, e, f, at: failed(s, f)),
)
