"""Logging in and the dashboard: who the member is, and what they see after every action."""

from __future__ import annotations

import attrs

from actors.effects import AfterLogin, LoadView, Notice, ShowDashboard
from actors.intents import Intent
from actors.outcome import Moment, Outcome
from actors.ports.credex import AccountDashboard, MemberView
from actors.replies import Reply
from actors.screens import common
from actors.screens.dashboard import dashboard
from actors.session import Home, Identity, Session

_NOTICES = {
    "cancelled": common.cancelled,
    "not_understood": lambda: common.not_understood("text"),
    "timed_out": lambda: common.timed_out(discarded=False),
    "timed_out_discarded": lambda: common.timed_out(discarded=True),
    "discarded": common.discarded_unsent,
}


def active_account(view: MemberView) -> AccountDashboard | None:
    """The member's personal account (handle = member handle), else the first one listed."""
    for account in view.accounts:
        if account.handle == view.member.handle:
            return account
    return view.accounts[0] if view.accounts else None


def identify(session: Session, view: MemberView) -> Session:
    member = view.member
    account = active_account(view)
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
    return attrs.evolve(session, identity=identity)


def show(session: Session, notice: Notice | None = None) -> Outcome:
    """Fetch a fresh view, then render the dashboard (balances change behind our back)."""
    home = attrs.evolve(session, screen=Home())
    return Outcome(home, effects=(LoadView(ShowDashboard(notice)),))


def login_then(session: Session, intent: Intent) -> Outcome:
    return Outcome(session, effects=(LoadView(AfterLogin(intent)),))


def render(session: Session, view: MemberView, at: Moment, *before: Reply) -> Outcome:
    """The dashboard from a view already in hand, after any replies in `before`."""
    session = attrs.evolve(identify(session, view), screen=Home())
    account = active_account(view)
    if account is None:  # a member whose account credex-core did not list: say what we can
        return Outcome(session, (*before, common.not_understood("text")))
    return Outcome(session, (*before, dashboard(view, account, at.local)))


def loaded(session: Session, view: MemberView, purpose: ShowDashboard, at: Moment) -> Outcome:
    before = (_NOTICES[purpose.notice](),) if purpose.notice else ()
    return render(session, view, at, *before)
