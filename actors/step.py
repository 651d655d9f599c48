"""`step`: the conversation's pure core. One event in; the new session, replies and effects out.

Events are what the user sent (`actors.events.Inbound`) and what credex-core answered
(`actors.results`). No awaits and no I/O here: the shell (`actors.conversation`) runs the
effects and feeds their results back in, until a step asks for nothing more. What each intent,
typed answer, loaded view, result and failure means is the business of its flow: the flows'
`ROUTES` (`actors.routes`) are the tables `dispatch` and `_result` look up.
"""

from __future__ import annotations

import datetime as dt

import attrs

from actors import effects as fx
from actors import results as rs
from actors.events import DraftCheck, Inbound, Notification, Reaction
from actors.failure import Failure
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
from actors.intents import classify, from_id, menu_word
from actors.intents.base import Intent, Nav, NotInList, Typed, Unsupported, Upset
from actors.intents.onboarding import BecomeMember, NameAnswer
from actors.intents.quick import QuickBroken
from actors.outcome import Config, Moment, Transition
from actors.ports.credex import MemberView
from actors.routes import Routes
from actors.screens import common, failures, hints, lists
from actors.screens import offer as offer_screens
from actors.screens.failures import refused
from actors.session import (
    AskYesNo,
    Home,
    OfferForm,
    OnboardConfirm,
    OnboardFirstName,
    OnboardLastName,
    OnboardWelcome,
    Session,
)
from parser import Navigation, parse_yes_no

Event = Inbound | rs.Result

_ONBOARDING = (OnboardWelcome, OnboardFirstName, OnboardLastName, OnboardConfirm)
# Where a result or failure several flows share is tried first: the pay link's onboarding
# before onboarding's own answer.
FLOWS = (
    dashboard,
    receive,
    onboarding,
    offer,
    quick,
    confirm,
    submit,
    pending,
    ledger,
    statement,
    accounts,
    members,
    notifications,
)
ROUTES = Routes(flow.ROUTES for flow in FLOWS)


def step(
    session: Session, event: Event, now: dt.datetime, config: Config | None = None
) -> Transition:
    at = Moment(now, config or Config())
    if isinstance(event, Inbound):
        return _inbound(session, event, at)
    return _result(session, event, at)


def _inbound(session: Session, event: Inbound, at: Moment) -> Transition:
    content = event.content
    if isinstance(content, Notification):
        return Transition(session, (common.notification(content),))
    if isinstance(content, DraftCheck):
        return submit.settled_check(session, content.draft_id, at)
    if event.phone is None:
        return Transition(session, (common.no_phone(),))
    if isinstance(content, Reaction) and not content.emoji:
        return Transition(session)  # a reaction taken back is not a message: nothing to answer
    answering = _awaiting(session) or not isinstance(session.screen, Home)
    intent = classify(
        content, screen=session.screen, today=at.today, answering=answering, phone=event.phone
    )
    if isinstance(intent, Nav) and intent.word is Navigation.THANKS:
        return Transition(session, (common.thanks(),))  # no state change, not even activity
    if isinstance(intent, Upset):
        return Transition(session, (common.sorry(),))
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


def _closing_others(session: Session, intent: Intent, at: Moment) -> Transition:
    """Close any confirmation the intent does not answer, say so, then carry on."""
    before = session.screen
    session, note = confirmations.close(session, intent)
    if note is None:
        return dispatch(session, intent, at)
    leaving = isinstance(intent, Nav) and intent.word in (Navigation.MENU, Navigation.CANCEL)
    if isinstance(intent, Nav) and intent.word is Navigation.BACK:
        leaving = not isinstance(before, OfferForm)  # the form goes back a step instead
    if leaving and session.identity is not None:
        return dashboard.show(session).say(note)
    return dispatch(session, intent, at).say(note)


def dispatch(session: Session, intent: Intent, at: Moment) -> Transition:
    """What `intent` does: words that need no login first, then the flow that owns it."""
    screen = session.screen
    if isinstance(intent, Nav):
        return _navigate(session, intent.word, at)
    if isinstance(intent, QuickBroken):
        return Transition(session, (offer_screens.quick_broken(intent.message),))
    if isinstance(screen, _ONBOARDING) and isinstance(intent, BecomeMember | NameAnswer | Typed):
        return onboarding.handle(session, screen, intent)
    if session.identity is None:
        return dashboard.login_then(session, intent)
    closed = confirmations.closed_tap(session, intent)
    if closed is not None:
        return Transition(session, (closed,))
    if isinstance(intent, Typed):
        return _typed(session, intent.text, at)
    if isinstance(intent, NotInList):
        return Transition(session, (lists.not_in_list(intent),))
    if isinstance(intent, Unsupported):
        return dashboard.show(session).say(common.not_understood(intent.kind))
    answer = ROUTES.run("intent", intent, session, intent, at)
    return answer or Transition(session, (hints.typo(),))  # a hint, not the dashboard again


def _typed(session: Session, text: str, at: Moment) -> Transition:
    """Text is read by the form on screen first, then as a menu word, then as the answer to
    an open confirmation."""
    screen = session.screen
    if isinstance(screen, AskYesNo):
        return _yes_no(session, screen, text, at)
    answer = ROUTES.run("typed", screen, session, screen, text, at)
    if answer is not None:
        return answer
    word = menu_word(text) if isinstance(screen, Home) else None
    if word is not None:
        return dispatch(session, word, at)
    if _awaiting(session):
        return submit.answer_confirmation(session, text)
    return Transition(session, (hints.typo(),))


def _yes_no(session: Session, screen: AskYesNo, text: str, at: Moment) -> Transition:
    """Typed yes/no on a confirmation counts as tapping its buttons."""
    answer = parse_yes_no(text)
    if answer is None:
        return Transition(session, (common.tap_a_button(),))
    chosen = screen.yes_id if answer else screen.no_id
    return dispatch(session, from_id(chosen), at)  # the question stays the screen it answers


def _awaiting(session: Session) -> bool:
    return session.draft is not None and session.draft.state == "awaiting_confirmation"


def _navigate(session: Session, word: Navigation, at: Moment) -> Transition:
    if word is Navigation.THANKS:
        return Transition(session, (common.thanks(),))
    if word is Navigation.HELP:
        return Transition(session, (common.help_text(),))
    if word is Navigation.GREETING:
        return navigation.fresh_start(session)
    if word is Navigation.BACK and isinstance(session.screen, AskYesNo):
        # Back from a question answers it "no": its no-button leads where it came from.
        return dispatch(attrs.evolve(session, screen=Home()), from_id(session.screen.no_id), at)
    if word is Navigation.BACK:
        back = ROUTES.run("back", session.screen, session, session.screen, at)
        return back or dashboard.show(session).say(common.nothing_to_go_back_to())
    if word is Navigation.CANCEL:
        return navigation.cancel(session)
    return navigation.home(session)


def _result(session: Session, event: rs.Result, at: Moment) -> Transition:
    if isinstance(event, rs.ViewLoaded):
        return _loaded(session, event.view, event.purpose, at)
    if isinstance(event, rs.EffectFailed):
        return _failed(session, event.effect, event.failure, at)
    answer = ROUTES.run("result", event, session, event, at)
    if answer is None:
        raise AssertionError(f"unhandled result {event!r}")
    return answer


def _loaded(session: Session, view: MemberView, purpose: fx.Purpose, at: Moment) -> Transition:
    if isinstance(purpose, dashboard.AfterLogin):  # logged in: now carry out what was asked
        session = dashboard.identify(session, view)
        if isinstance(purpose.intent, BecomeMember):
            return dashboard.render(session, view, at)
        return dispatch(session, purpose.intent, at)
    answer = ROUTES.run("loaded", purpose, session, view, purpose, at)
    if answer is None:
        raise AssertionError(f"unhandled purpose {purpose!r}")
    return answer


def _failed(session: Session, effect: fx.Effect, failure: Failure, at: Moment) -> Transition:
    answer = None
    if isinstance(effect, fx.LoadView):
        purpose = effect.purpose
        answer = ROUTES.run("load_failed", purpose, session, purpose, failure, at)
        if (
            answer is None
            and isinstance(purpose, dashboard.AfterLogin)
            and failure.kind == "not_found"
        ):
            intent = purpose.intent
            answer = ROUTES.run("login_failed", intent, session, intent, failure)
    if answer is None:
        answer = ROUTES.run("failed", effect, session, effect, failure, at)
    if answer is not None:
        return answer
    if isinstance(effect, fx.LoadView) and failure.kind == "unavailable":
        return Transition(session, (failures.cannot_load(),))
    return Transition(session, (refused(failure),))
