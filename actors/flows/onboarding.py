"""Onboarding an unknown phone: welcome, first name, last name, confirm the name, onboard.

credex-core silently drops every character of a name that is not an ASCII letter, space or
hyphen and then needs 3–50 characters (docs/credex-core-api.md §2.3), so the bot cleans the
name itself and shows exactly what will be registered before registering it.
"""

from __future__ import annotations

import re
from typing import Final

import attrs

from actors import results as rs
from actors import routes
from actors.effects import LoadView, Onboard
from actors.failure import Failure
from actors.flows import dashboard
from actors.flows.dashboard import ShowDashboard
from actors.intents.base import Intent, Typed
from actors.intents.onboarding import BecomeMember, NameAnswer
from actors.outcome import Moment, Transition
from actors.ports.credex import MemberView
from actors.screens import onboarding as screens
from actors.screens.failures import refused
from actors.session import (
    Home,
    OnboardConfirm,
    OnboardFirstName,
    OnboardLastName,
    OnboardWelcome,
    Session,
)
from parser import parse_yes_no

_NOT_KEPT: Final = re.compile(r"[^A-Za-z -]")
OnboardingScreen = OnboardWelcome | OnboardFirstName | OnboardLastName | OnboardConfirm


def clean_name(text: str) -> str:
    """The name as credex-core will store it (its sanitizeName, with spaces tidied)."""
    return " ".join(_NOT_KEPT.sub("", text).split())


def _changed(typed: str, cleaned: str) -> bool:
    return " ".join(typed.split()) != cleaned


def welcome(session: Session) -> Transition:
    return Transition(
        attrs.evolve(session, identity=None, screen=OnboardWelcome()), (screens.welcome(),)
    )


def ask_first(session: Session, previous: OnboardFirstName | None = None) -> Transition:
    previous = previous or OnboardFirstName()
    return Transition(
        attrs.evolve(session, screen=previous), (screens.ask_first_name(previous.first_name),)
    )


def handle(session: Session, screen: OnboardingScreen, intent: Intent) -> Transition:
    answer = parse_yes_no(intent.text) if isinstance(intent, Typed) else None
    match screen:
        case OnboardWelcome():
            if isinstance(intent, BecomeMember) or answer is True:
                return ask_first(session)
            if answer is False:
                return Transition(attrs.evolve(session, screen=Home()), (screens.stopped(),))
            return Transition(session, (screens.welcome_reminder(),))
        case OnboardFirstName() if isinstance(intent, Typed):
            name = clean_name(intent.text)
            if not 3 <= len(name) <= 50:
                return Transition(session, (screens.name_problem("first name", name),))
            nxt = OnboardLastName(name, screen.last_name, _changed(intent.text, name))
            return Transition(
                attrs.evolve(session, screen=nxt),
                (screens.ask_last_name(name, screen.last_name),),
            )
        case OnboardLastName() if isinstance(intent, Typed):
            name = clean_name(intent.text)
            if not 3 <= len(name) <= 50:
                return Transition(session, (screens.name_problem("last name", name),))
            changed = screen.first_changed or _changed(intent.text, name)
            return confirm(session, OnboardConfirm(screen.first_name, name), changed)
        case OnboardConfirm():
            register = intent.register if isinstance(intent, NameAnswer) else answer
            if register is True:
                return Transition(session, effects=(Onboard(screen.first_name, screen.last_name),))
            if register is False:
                return ask_first(session, OnboardFirstName(screen.first_name, screen.last_name))
            return confirm(session, screen, changed=False)
    if isinstance(screen, OnboardFirstName):
        return ask_first(session, screen)
    assert isinstance(screen, OnboardLastName)
    return Transition(session, (screens.ask_last_name(screen.first_name, screen.last_name),))


def confirm(session: Session, screen: OnboardConfirm, changed: bool) -> Transition:
    reply = screens.confirm_name(screen.first_name, screen.last_name, changed)
    return Transition(attrs.evolve(session, screen=screen), (reply,))


def back(session: Session, screen: OnboardingScreen) -> Transition:
    match screen:
        case OnboardFirstName():
            return welcome(session)
        case OnboardLastName():
            return ask_first(session, OnboardFirstName(screen.first_name, screen.last_name))
        case OnboardConfirm():
            last = OnboardLastName(screen.first_name, screen.last_name)
            return Transition(
                attrs.evolve(session, screen=last),
                (screens.ask_last_name(screen.first_name, screen.last_name),),
            )
    return welcome(session)


def stop(session: Session) -> Transition:
    return Transition(attrs.evolve(session, screen=Home()), (screens.stopped(),))


def onboarded(session: Session, view: MemberView, at: Moment) -> Transition:
    return dashboard.render(session, view, at, screens.welcome_aboard(view.member.first_name))


def failed(session: Session, failure: Failure) -> Transition:
    if "already in use" in failure.message:  # registered meanwhile (another device, a retry)
        return Transition(session, effects=(LoadView(ShowDashboard()),))
    screen = session.screen
    if isinstance(screen, OnboardConfirm):
        return confirm(session, screen, changed=False).say(refused(failure))
    return Transition(session, (refused(failure),))


def _unknown_phone(
    session: Session, effect: LoadView, failure: Failure, at: Moment
) -> Transition | None:
    """credex-core does not know this phone: offer to become a member."""
    return welcome(session) if failure.kind == "not_found" else None


ROUTES = (
    # A member who taps "Become a member" or answers a name question is one already.
    routes.intent(BecomeMember, lambda s, i, at: dashboard.show(s)),
    routes.intent(NameAnswer, lambda s, i, at: dashboard.show(s)),
    routes.result(rs.MemberOnboarded, lambda s, r, at: onboarded(s, r.view, at)),
    routes.back(OnboardWelcome, lambda s, screen, at: back(s, screen)),
    routes.back(OnboardFirstName, lambda s, screen, at: back(s, screen)),
    routes.back(OnboardLastName, lambda s, screen, at: back(s, screen)),
    routes.back(OnboardConfirm, lambda s, screen, at: back(s, screen)),
    routes.failed(Onboard, lambda s, e, f, at: failed(s, f)),
    routes.failed(LoadView, _unknown_phone),
    routes.login_failed(BecomeMember, lambda s, i, f: ask_first(attrs.evolve(s, identity=None))),
)
