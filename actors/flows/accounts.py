"""Accounts: the member's own accounts, switching the active one, opening a business account.

credex-core lists only the accounts a member owns (docs/credex-core-api.md §8.1), allows more
than one only from tier 3 (§5.6, §8.2), and cleans account names to letters, digits, spaces and
hyphens (its sanitizeAccountName, §2.3): the form cleans the name the same way and shows it.
"""

from __future__ import annotations

import re
from typing import Final

import attrs

from actors import effects as fx
from actors import routes
from actors.effects import CheckAccountHandle, LoadView, OpenAccount, Purpose
from actors.failure import Failure
from actors.flows import dashboard, lists
from actors.intents import accounts as accounts_ids
from actors.intents.accounts import CreateAccount, NewAccount, OpenAccounts, SwitchAccount
from actors.outcome import Moment, Transition
from actors.ports.credex import MemberView
from actors.results import AccountHandleChecked, AccountOpened
from actors.screens import accounts as screens
from actors.screens.failures import refused
from actors.screens.offer import input_problem
from actors.session import AccountForm, Home, Identity, Session
from parser import InputError, parse_handle, parse_yes_no

_NOT_KEPT: Final = re.compile(r"[^A-Za-z0-9 -]")
PAID_TIER: Final = 3


@attrs.frozen
class ShowAccounts(Purpose):
    page: int = 1


@attrs.frozen
class SwitchTo(Purpose):
    """Re-check that the member still owns the account before acting for it."""

    account_id: str


@attrs.frozen
class EnterAccount(Purpose):
    """After createAccount (or its "handle already in use"): find the account by handle."""

    handle: str
    name: str
    after_refusal: bool = False  # credex-core said the handle was in use


def clean_account_name(text: str) -> str:
    """The name as credex-core will store it (sanitizeAccountName), with spaces tidied."""
    return " ".join(_NOT_KEPT.sub("", text).split())


def may_create(tier: int | None) -> bool:
    """Unknown tier (credex-core omits it after a tier change): let credex-core decide."""
    return tier is None or tier >= PAID_TIER


def _identity(session: Session) -> Identity:
    assert session.identity is not None, "account flows run only for a logged-in member"
    return session.identity


def open_list(session: Session, page: int) -> Transition:
    return Transition(session, effects=(LoadView(ShowAccounts(page)),))


def list_loaded(session: Session, view: MemberView, purpose: ShowAccounts) -> Transition:
    session = attrs.evolve(dashboard.identify(session, view), screen=Home())
    can_create = may_create(view.member.tier)
    if len(view.accounts) <= 1 and not can_create:
        return Transition(session, (screens.cannot_create(view.member.tier),))
    active = _identity(session).account_id
    reply = screens.accounts_list(view.accounts, active, purpose.page, can_create)
    page, pages, shown, first = screens.window(view.accounts, purpose.page)
    rows = tuple(accounts_ids.switch_account(a.account_id) for a in shown)
    screen = lists.page_screen(rows, first, page, pages, accounts_ids.accounts_page)
    return Transition(attrs.evolve(session, screen=screen), (reply,))


def switch(session: Session, account_id: str) -> Transition:
    return Transition(session, effects=(LoadView(SwitchTo(account_id)),))


def switch_loaded(session: Session, view: MemberView, purpose: SwitchTo, at: Moment) -> Transition:
    account = dashboard.owned(view, purpose.account_id)
    if account is None:
        return dashboard.render(session, view, at, screens.account_gone())
    session = attrs.evolve(session, chosen_account=account.account_id)
    return dashboard.render(session, view, at, screens.switched(account))


def new(session: Session) -> Transition:
    identity = _identity(session)
    if not may_create(identity.tier):
        home = attrs.evolve(session, screen=Home())
        return Transition(home, (screens.cannot_create(identity.tier),))
    form = AccountForm(default_denom=identity.default_denom)
    return Transition(attrs.evolve(session, screen=form, draft=None), (screens.ask_name(),))


def typed(session: Session, form: AccountForm, text: str) -> Transition:
    if form.step == "name":
        name = clean_account_name(text)
        if not 3 <= len(name) <= 50:
            return Transition(session, (screens.name_problem(name),))
        changed = " ".join(text.split()) != name
        nxt = attrs.evolve(form, step="handle", name=name, name_changed=changed)
        reply = screens.ask_handle(name, changed, form.handle)
        return Transition(attrs.evolve(session, screen=nxt), (reply,))
    if form.step == "handle":
        try:
            handle = parse_handle(text)
        except InputError as error:
            return Transition(session, (input_problem(error.message),))
        nxt = attrs.evolve(form, handle=handle)
        return Transition(attrs.evolve(session, screen=nxt), effects=(CheckAccountHandle(handle),))
    answer = parse_yes_no(text)
    if answer is True:
        return create(session, form.handle)
    if answer is False:
        return dashboard.show(attrs.evolve(session, screen=Home()), notice="cancelled")
    return Transition(session, (screens.confirm_reminder(),))


def handle_checked(session: Session, result: AccountHandleChecked) -> Transition:
    form = session.screen
    if not isinstance(form, AccountForm) or form.step != "handle" or form.handle != result.handle:
        return Transition(session)  # the user moved on
    if result.taken_by is not None:
        return Transition(session, (screens.handle_taken(result.handle),))
    form = attrs.evolve(form, step="confirm")
    return Transition(attrs.evolve(session, screen=form), (screens.confirm(form),))


def create(session: Session, handle: str) -> Transition:
    """Only the open confirmation creates an account; an old or repeated tap does not."""
    form = session.screen
    if not isinstance(form, AccountForm) or form.step != "confirm" or form.handle != handle:
        return Transition(session, (screens.confirmation_closed(),))
    effect = OpenAccount(
        owner_id=_identity(session).member_id,
        name=form.name,
        handle=form.handle,
        default_denom=form.default_denom,
    )
    return Transition(session, effects=(effect,))


def opened(session: Session, result: AccountOpened) -> Transition:
    effect = result.effect
    home = attrs.evolve(session, screen=Home(), chosen_account=result.account_id)
    return Transition(home, effects=(LoadView(EnterAccount(effect.handle, effect.name)),))


def failed(
    session: Session, effect: CheckAccountHandle | OpenAccount, failure: Failure
) -> Transition:
    if isinstance(effect, CheckAccountHandle) or failure.kind == "unavailable":
        return Transition(session, (refused(failure),))  # the form stays: the user can try again
    if "already in use" in failure.message.lower():
        # Ours from an earlier attempt whose answer was lost, or someone else's: find out.
        purpose = EnterAccount(effect.handle, effect.name, after_refusal=True)
        return Transition(session, effects=(LoadView(purpose),))
    return dashboard.show(attrs.evolve(session, screen=Home())).say(screens.not_created(failure))


def entered(session: Session, view: MemberView, purpose: EnterAccount, at: Moment) -> Transition:
    account = next((a for a in view.accounts if a.handle == purpose.handle), None)
    if account is not None:
        session = attrs.evolve(session, screen=Home(), chosen_account=account.account_id)
        return dashboard.render(session, view, at, screens.created(account.name, account.handle))
    form = session.screen
    if purpose.after_refusal and isinstance(form, AccountForm):
        form = attrs.evolve(form, step="handle")
        session = attrs.evolve(dashboard.identify(session, view), screen=form)
        return Transition(session, (screens.handle_taken(purpose.handle),))
    return dashboard.render(attrs.evolve(session, chosen_account=None), view, at)


def back(session: Session, form: AccountForm) -> Transition:
    if form.step == "name":
        return open_list(attrs.evolve(session, screen=Home()), 1)
    if form.step == "handle":
        nxt = attrs.evolve(form, step="name")
        return Transition(attrs.evolve(session, screen=nxt), (screens.ask_name(form.name),))
    nxt = attrs.evolve(form, step="handle")
    reply = screens.ask_handle(form.name, form.name_changed, form.handle)
    return Transition(attrs.evolve(session, screen=nxt), (reply,))


ROUTES = (
    routes.back(AccountForm, lambda s, form, at: back(s, form)),
    routes.intent(OpenAccounts, lambda s, i, at: open_list(s, i.page)),
    routes.intent(SwitchAccount, lambda s, i, at: switch(s, i.account_id)),
    routes.intent(NewAccount, lambda s, i, at: new(s)),
    routes.intent(CreateAccount, lambda s, i, at: create(s, i.handle)),
    routes.typed(AccountForm, lambda s, form, text, at: typed(s, form, text)),
    routes.loaded(ShowAccounts, lambda s, v, p, at: list_loaded(s, v, p)),
    routes.loaded(SwitchTo, switch_loaded),
    routes.loaded(EnterAccount, entered),
    routes.result(AccountHandleChecked, lambda s, r, at: handle_checked(s, r)),
    routes.result(AccountOpened, lambda s, r, at: opened(s, r)),
    routes.failed(fx.CheckAccountHandle, lambda s, e, f, at: failed(s, e, f)),
    routes.failed(fx.OpenAccount, lambda s, e, f, at: failed(s, e, f)),
)
