"""Logging in and the dashboard: who the member is, and what they see after every action."""

from __future__ import annotations

from typing import Literal

import attrs

from actors import routes
from actors.effects import LoadView, Purpose
from actors.intents.base import Intent
from actors.outcome import Moment, Transition
from actors.ports.credex import AccountDashboard, MemberView
from actors.replies import Reply
from actors.screens import common
from actors.screens.dashboard import dashboard
from actors.session import Draft, Home, Identity, Session

Notice = Literal[
    "cancelled",
    "not_understood",
    "timed_out",
    "timed_out_discarded",
    "timed_out_form",
    "discarded",
    "nothing_to_cancel",
]


@attrs.frozen
class ShowDashboard(Purpose):
    notice: Notice | None = None
    dropped: Draft | None = None  # the unconfirmed draft a timeout discarded, to name it
    back_to_personal: bool = False  # a timeout returned the member to their personal account


@attrs.frozen
class AfterLogin(Purpose):
    """Nobody is logged in yet (new session): load the member, then carry on with `intent`."""

    intent: Intent


def _notice(purpose: ShowDashboard) -> Reply | None:
    if purpose.notice in ("timed_out", "timed_out_discarded", "timed_out_form"):
        form: Literal["offer", "other"] | None = None
        if purpose.notice != "timed_out":
            form = "offer" if purpose.notice == "timed_out_discarded" else "other"
        return common.timed_out(
            purpose.dropped, form=form, back_to_personal=purpose.back_to_personal
        )
    if purpose.notice == "cancelled":
        return common.cancelled()
    if purpose.notice == "not_understood":
        return common.not_understood("text")
    if purpose.notice == "discarded":
        return common.discarded_unsent()
    if purpose.notice == "nothing_to_cancel":
        return common.nothing_to_cancel()
    return None


def personal_account(view: MemberView) -> AccountDashboard | None:
    """The member's personal account (handle = member handle), else the first one listed."""
    for account in view.accounts:
        if account.handle == view.member.handle:
            return account
    return view.accounts[0] if view.accounts else None


def active_account(view: MemberView, chosen: str | None = None) -> AccountDashboard | None:
    """The account the member switched to, while credex-core still lists it as theirs;
    otherwise their personal account."""
    for account in view.accounts:
        if chosen is not None and account.account_id == chosen:
            return account
    return personal_account(view)


def owned(view: MemberView, account_id: str) -> AccountDashboard | None:
    return next((a for a in view.accounts if a.account_id == account_id), None)


def identify(session: Session, view: MemberView) -> Session:
    member = view.member
    account = active_account(view, session.chosen_account)
    personal = personal_account(view)
    chosen = None if account is None or account is personal else account.account_id
    identity = Identity(
        member_id=member.member_id,
        first_name=member.first_name,
        member_handle=member.handle,
        tier=member.tier,
        account_id=account.account_id if account else "",
        account_name=account.name if account else f"{member.first_name} {member.last_name}",
        account_handle=account.handle if account else member.handle,
        default_denom=account.default_denom if account else member.default_denom,
    )
    return attrs.evolve(session, identity=identity, chosen_account=chosen)


def show(session: Session, notice: Notice | None = None) -> Transition:
    """Fetch a fresh view, then render the dashboard (balances change behind our back)."""
    home = attrs.evolve(session, screen=Home())
    return Transition(home, effects=(LoadView(ShowDashboard(notice)),))


def login_then(session: Session, intent: Intent) -> Transition:
    return Transition(session, effects=(LoadView(AfterLogin(intent)),))


def render(session: Session, view: MemberView, at: Moment, *before: Reply) -> Transition:
    """The dashboard from a view already in hand, after any replies in `before`."""
    session = attrs.evolve(identify(session, view), screen=Home())
    account = active_account(view, session.chosen_account)
    if account is None:  # a member whose account credex-core did not list: say what we can
        return Transition(session, (*before, common.not_understood("text")))
    agents = at.config.cash_in_agents
    return Transition(session, (*before, dashboard(view, account, at.local, agents)))


def loaded(session: Session, view: MemberView, purpose: ShowDashboard, at: Moment) -> Transition:
    notice = _notice(purpose)
    return render(session, view, at, *((notice,) if notice else ()))


ROUTES = (routes.loaded(ShowDashboard, loaded),)
