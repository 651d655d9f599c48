"""`step`: the conversation's pure core. One event in; the new session, replies and effects out.

Events are what the user sent (`actors.events.Inbound`) and what credex-core answered
(`actors.results`). No awaits and no I/O here: the shell (`actors.conversation`) runs the
effects and feeds their results back in, until a step asks for nothing more.
"""

from __future__ import annotations

import datetime as dt

import attrs

from actors import effects as fx
from actors import intents as it
from actors import results as rs
from actors.events import DraftCheck, Inbound, Notification, Reaction
from actors.flows import (
    accounts,
    confirm,
    confirmations,
    dashboard,
    ledger,
    members,
    navigation,
    notifications,
    offer,
    onboarding,
    pending,
    quick,
    receive,
    statement,
    submit,
)
from actors.outcome import Config, Moment, Outcome
from actors.screens import common, failures, hints, lists
from actors.screens import offer as offer_screens
from actors.screens.failures import refused
from actors.session import (
    AccountForm,
    AskYesNo,
    CancelConfirm,
    Home,
    MemberForm,
    OfferForm,
    OnboardConfirm,
    OnboardFirstName,
    OnboardLastName,
    OnboardWelcome,
    PayAmount,
    Session,
)
from parser import Navigation, parse_yes_no

Event = Inbound | rs.Result

_ONBOARDING = (OnboardWelcome, OnboardFirstName, OnboardLastName, OnboardConfirm)


def step(session: Session, event: Event, now: dt.datetime, config: Config | None = None) -> Outcome:
    at = Moment(now, config or Config())
    if isinstance(event, Inbound):
        return _inbound(session, event, at)
    return _result(session, event, at)


def _inbound(session: Session, event: Inbound, at: Moment) -> Outcome:
    content = event.content
    if isinstance(content, Notification):
        return Outcome(session, (common.notification(content),))
    if isinstance(content, DraftCheck):
        return submit.settled_check(session, content.draft_id, at)
    if event.phone is None:
        return Outcome(session, (common.no_phone(),))
    if isinstance(content, Reaction) and not content.emoji:
        return Outcome(session)  # a reaction taken back is not a message: nothing to answer
    answering = _awaiting(session) or not isinstance(session.screen, Home)
    intent = it.classify(
        content, screen=session.screen, today=at.today, answering=answering, phone=event.phone
    )
    if isinstance(intent, it.Nav) and intent.word is Navigation.THANKS:
        return Outcome(session, (common.thanks(),))  # no state change, not even activity
    if isinstance(intent, it.Upset):
        return Outcome(session, (common.sorry(),))
    quiet_since = session.last_active
    session = attrs.evolve(session, phone=event.phone, last_active=at.now.timestamp())
    draft = session.draft
    if draft is not None and draft.state == "submitting":
        return submit.settling(session, quiet_since, at)  # G5: find out before anything else
    if quiet_since is not None and at.now.timestamp() - quiet_since > at.config.session_timeout:
        found = navigation.after_timeout(session, intent)
        if found.instead is not None:
            return found.instead
        if found.note is not None:
            return _closing_others(found.session, intent, at).say(found.note)
        session = found.session
    return _closing_others(session, intent, at)


def _closing_others(session: Session, intent: it.Intent, at: Moment) -> Outcome:
    """Close any confirmation the intent does not answer, say so, then carry on."""
    before = session.screen
    session, note = confirmations.close(session, intent)
    if note is None:
        return dispatch(session, intent, at)
    leaving = isinstance(intent, it.Nav) and intent.word in (Navigation.MENU, Navigation.CANCEL)
    if isinstance(intent, it.Nav) and intent.word is Navigation.BACK:
        leaving = not isinstance(before, OfferForm)  # the form goes back a step instead
    if leaving and session.identity is not None:
        return dashboard.show(session).say(note)
    return dispatch(session, intent, at).say(note)


def dispatch(session: Session, intent: it.Intent, at: Moment) -> Outcome:
    screen = session.screen
    if isinstance(intent, it.Nav):
        return _navigate(session, intent.word, at)
    if isinstance(intent, it.QuickBroken):
        return Outcome(session, (offer_screens.quick_broken(intent.message),))
    if isinstance(screen, _ONBOARDING) and isinstance(
        intent, it.BecomeMember | it.NameAnswer | it.Typed
    ):
        return onboarding.handle(session, screen, intent)
    if session.identity is None:
        return dashboard.login_then(session, intent)
    closed = confirmations.closed_tap(session, intent)
    if closed is not None:
        return Outcome(session, (closed,))
    match intent:
        case it.StartOffer(secured=secured):
            return offer.start(attrs.evolve(session, draft=None), secured)
        case it.Typed(text=text) if isinstance(screen, OfferForm):
            return offer.typed(session, screen, text, at)
        case it.DueIn(days=days) if isinstance(screen, OfferForm) and screen.step == "due":
            return offer.due_chosen(session, screen, days, at)
        case it.Typed(text=text) if isinstance(screen, CancelConfirm):
            answer = parse_yes_no(text)
            if answer is True:
                return pending.act(session, "cancel", screen.credex_id)
            if answer is False:
                return dashboard.show(session)
        case it.Typed(text=text) if isinstance(screen, AccountForm):
            return accounts.typed(session, screen, text)
        case it.Typed(text=text) if isinstance(screen, MemberForm):
            return members.typed(session, screen, text)
        case it.Typed(text=text) if isinstance(screen, AskYesNo):
            return _yes_no(session, screen, text, at)
        case it.Typed(text=text) if isinstance(screen, PayAmount):
            return receive.amount_typed(session, screen, text)
        case it.GetPaid():
            return receive.show_link(session, intent, at)
        case it.PayLink():
            return receive.pay(session, receive.request_of(intent))
        case it.AskStatement():
            return statement.open_statement(session, intent, at)
        case it.Typed(text=text) if isinstance(screen, Home) and it.menu_word(text):
            word = it.menu_word(text)
            assert word is not None
            return dispatch(session, word, at)
        case it.Typed(text=text) if _awaiting(session):
            return offer.answer_confirmation(session, text)
        case it.Quick(offers=offers):
            return quick.start(session, offers, at)
        case it.Confirm(draft_id=draft_id):
            return submit.confirm(session, draft_id)
        case it.Discard(draft_id=draft_id):
            return submit.discard(session, draft_id)
        case it.OpenPending(direction=direction, page=page):
            return pending.open_list(session, direction, page)
        case it.OpenOffer(direction=direction, credex_id=credex_id):
            return pending.open_offer(session, direction, credex_id)
        case it.Act(action=action, credex_id=credex_id):
            return pending.act(session, action, credex_id)
        case it.AcceptAllOffers(listed=listed):
            return pending.accept_all(session, listed)
        case it.OpenLedger() | it.OpenLedgerCredex():
            return ledger.open_intent(session, intent)
        case it.OpenAccounts(page=page):
            return accounts.open_list(session, page)
        case it.SwitchAccount(account_id=account_id):
            return accounts.switch(session, account_id)
        case it.NewAccount():
            return accounts.new(session)
        case it.CreateAccount(handle=handle):
            return accounts.create(session, handle)
        case it.OpenMembers():
            return members.open_list(session)
        case it.AddMember():
            return members.add(session)
        case it.MemberAction():
            return members.act(session, intent)
        case it.OpenNotifications():
            return notifications.open_screen(session)
        case it.NotifyAction():
            return notifications.act(session, intent)
        case it.BecomeMember() | it.NameAnswer():
            return dashboard.show(session)  # already a member
        case it.NotInList():
            return Outcome(session, (lists.not_in_list(intent),))
        case it.Unsupported(kind=kind):
            return dashboard.show(session).say(common.not_understood(kind))
    return Outcome(session, (hints.typo(),))  # a hint, not the whole dashboard again


def _yes_no(session: Session, screen: AskYesNo, text: str, at: Moment) -> Outcome:
    """Typed yes/no on a confirmation counts as tapping its buttons."""
    answer = parse_yes_no(text)
    if answer is None:
        return Outcome(session, (common.tap_a_button(),))
    chosen = screen.yes_id if answer else screen.no_id
    return dispatch(session, it.from_id(chosen), at)  # the question stays the screen it answers


def _awaiting(session: Session) -> bool:
    return session.draft is not None and session.draft.state == "awaiting_confirmation"


def _navigate(session: Session, word: Navigation, at: Moment) -> Outcome:
    if word is Navigation.THANKS:
        return Outcome(session, (common.thanks(),))
    if word is Navigation.HELP:
        return Outcome(session, (common.help_text(),))
    if word is Navigation.GREETING:
        return navigation.fresh_start(session)
    if word is Navigation.BACK:
        return navigation.back(session, at)
    if word is Navigation.CANCEL:
        return navigation.cancel(session)
    return navigation.home(session)


def _result(session: Session, event: rs.Result, at: Moment) -> Outcome:
    match event:
        case rs.ViewLoaded(view=view, purpose=purpose):
            return _view(session, event, at)
        case rs.MemberOnboarded(view=view) if session.pending_pay is not None:
            return receive.after_onboarding(session, view)
        case rs.MemberOnboarded(view=view):
            return onboarding.onboarded(session, view, at)
        case rs.HandleResolved(account=account, line=None):
            return offer.resolved(session, account, at)
        case rs.HandleResolved(account=account, line=int(line)):
            return quick.resolved(session, line, account, at)
        case rs.CredexCreated(draft_id=draft_id, index=index, created=created):
            return submit.created(session, draft_id, index, created)
        case rs.OfferActed(effect=effect):
            return pending.acted(session, effect)
        case rs.BulkAccepted(result=result, offers=offers, arrived_since=since):
            return pending.accepted_all(session, result, offers, since)
        case rs.LedgerLoaded() | rs.CredexLoaded():
            return ledger.loaded(session, event)
        case rs.AccountHandleChecked():
            return accounts.handle_checked(session, event)
        case rs.AccountOpened():
            return accounts.opened(session, event)
        case rs.MemberFound():
            return members.found(session, event)
        case rs.MemberAuthorized():
            return members.authorized(session, event)
        case rs.MemberUnauthorized():
            return members.unauthorized(session, event)
        case rs.SendOffersToSet():
            return notifications.changed(session, event)
        case rs.StatementLoaded():
            return statement.loaded(session, event)
        case rs.EffectFailed():
            return _failed(session, event, at)
    del view, purpose
    raise AssertionError(f"unhandled result {event!r}")


def _view(session: Session, event: rs.ViewLoaded, at: Moment) -> Outcome:
    view, purpose = event.view, event.purpose
    match purpose:
        case fx.ShowDashboard():
            return dashboard.loaded(session, view, purpose, at)
        case fx.AfterLogin(intent=intent):
            session = dashboard.identify(session, view)
            if isinstance(intent, it.BecomeMember):
                return dashboard.render(session, view, at)
            return dispatch(session, intent, at)
        case fx.ShowPending():
            return pending.list_loaded(session, view, purpose)
        case fx.ShowOffer():
            return pending.offer_loaded(session, view, purpose, at)
        case fx.BeforeAction():
            return pending.action_loaded(session, view, purpose, at)
        case fx.BeforeAcceptAll():
            return pending.accept_all_loaded(session, view, purpose, at)
        case fx.BeforeConfirm():
            return confirm.loaded(session, view, purpose, at)
        case fx.VerifyDraft(draft_id=draft_id):
            return submit.verified(session, view, draft_id, at)
        case fx.ShowAccounts():
            return accounts.list_loaded(session, view, purpose)
        case fx.SwitchTo():
            return accounts.switch_loaded(session, view, purpose, at)
        case fx.EnterAccount():
            return accounts.entered(session, view, purpose, at)
        case fx.ShowMembers():
            return members.list_loaded(session, view, purpose, at)
        case fx.BeforeAddMember():
            return members.add_loaded(session, view, at)
        case fx.BeforeMemberAction():
            return members.action_loaded(session, view, purpose, at)
        case fx.ShowNotifications():
            return notifications.loaded(session, view, purpose, at)
        case fx.BeforeNotify():
            return notifications.action_loaded(session, view, purpose)
    raise AssertionError(f"unhandled purpose {purpose!r}")


def _failed(session: Session, event: rs.EffectFailed, at: Moment) -> Outcome:
    effect, failure = event.effect, event.failure
    match effect:
        case fx.LoadView(purpose=fx.VerifyDraft()):
            return submit.verify_failed(session, at)
        case fx.LoadView(purpose=fx.AfterLogin(intent=it.BecomeMember())) if (
            failure.kind == "not_found"
        ):
            return onboarding.ask_first(attrs.evolve(session, identity=None))
        case fx.LoadView(purpose=fx.AfterLogin(intent=it.PayLink() as pay)) if (
            failure.kind == "not_found"
        ):
            return receive.join_first(session, receive.request_of(pay))
        case fx.LoadView() if failure.kind == "not_found":
            return onboarding.welcome(session)  # credex-core does not know this phone
        case fx.Onboard():
            return onboarding.failed(session, failure)
        case fx.ResolveHandle(handle=handle, line=None):
            return offer.not_resolved(session, handle, failure)
        case fx.ResolveHandle(line=int(line)):
            return quick.not_resolved(session, line, failure, at)
        case fx.CreateCredex(draft_id=draft_id, index=index):
            return submit.refused_by_core(session, draft_id, index, failure, at)
        case fx.ActOnOffer():
            return pending.act_failed(session, effect, failure)
        case fx.AcceptAll():
            return pending.accept_all_failed(session, failure)
        case fx.LoadLedger() | fx.LoadCredex():
            return ledger.failed(session, effect, failure)
        case fx.CheckAccountHandle() | fx.OpenAccount():
            return accounts.failed(session, effect, failure)
        case fx.LookupMember(handle=handle):
            return members.lookup_failed(session, handle, failure)
        case fx.Authorize() | fx.Unauthorize():
            return members.failed(session, failure)
        case fx.SetSendOffersTo():
            return notifications.failed(session, failure)
        case fx.LoadStatement():
            return statement.failed(session, failure)
        case fx.LoadView() if failure.kind == "unavailable":
            return Outcome(session, (failures.cannot_load(),))
    return Outcome(session, (refused(failure),))
