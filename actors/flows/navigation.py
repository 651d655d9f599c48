"""Navigation words and the session timeout: menu, cancel, a fresh start, and what a message
finds after a few quiet minutes. Where *back* goes is a route of the flow that owns the screen."""

from __future__ import annotations

from typing import Literal

import attrs

from actors.effects import LoadView
from actors.flows import dashboard, onboarding
from actors.flows.dashboard import Notice, ShowDashboard
from actors.intents import menu_word
from actors.intents.base import Intent, Nav, Typed
from actors.intents.onboarding import NameAnswer
from actors.outcome import Transition
from actors.replies import Reply
from actors.screens import common
from actors.screens import timeout as timeout_screens
from actors.session import (
    AccountForm,
    AskYesNo,
    Home,
    MemberForm,
    OfferForm,
    OnboardConfirm,
    OnboardFirstName,
    OnboardLastName,
    QuickLookup,
    Session,
)
from parser import Navigation


def _drop_unconfirmed(session: Session) -> tuple[Session, bool]:
    """Forget a form and an unconfirmed draft; True when there was something to forget."""
    draft = session.draft
    dropped = draft is not None and draft.state == "awaiting_confirmation"
    had_form = isinstance(session.screen, OfferForm | QuickLookup)
    session = attrs.evolve(session, screen=Home(), draft=None if dropped else draft)
    return session, dropped or had_form


def fresh_start(session: Session) -> Transition:
    """A greeting: forget everything but what G5 needs, log in again, show the dashboard."""
    fresh = Session(
        phone=session.phone, sent_drafts=session.sent_drafts, last_active=session.last_active
    )
    return dashboard.show(fresh)


def home(session: Session) -> Transition:
    session, dropped = _drop_unconfirmed(session)
    return dashboard.show(session, notice="discarded" if dropped else None)


def cancel(session: Session) -> Transition:
    if session.identity is None:
        return onboarding.stop(session)
    draft = session.draft
    was_open = not isinstance(session.screen, Home) or (
        draft is not None and draft.state == "awaiting_confirmation"
    )
    session, _ = _drop_unconfirmed(session)
    return dashboard.show(session, notice="cancelled" if was_open else "nothing_to_cancel")


@attrs.frozen
class AfterTimeout:
    """What a message finds after the timeout: the reset session, and either the outcome to
    send instead (`instead`) or the one-line `note` to fold into what the intent does."""

    session: Session
    instead: Transition | None = None
    note: Reply | None = None


def after_timeout(session: Session, intent: Intent) -> AfterTimeout:
    """The session went quiet for longer than the timeout. A command (a self-contained tap, a
    quick offer, a menu word like *ledger*) is still carried out, with the timeout said in one
    line; an answer to a forgotten question gets the dashboard with that line instead.

    A member who had switched to another account is back on their personal account: money
    should not move from a business account chosen minutes ago and maybe forgotten.
    """
    draft = session.draft
    unconfirmed = draft if draft is not None and draft.state == "awaiting_confirmation" else None
    other_form = isinstance(session.screen, AccountForm | MemberForm | AskYesNo)
    onboarding_step = isinstance(
        session.screen, OnboardFirstName | OnboardLastName | OnboardConfirm
    )
    reset, dropped = _drop_unconfirmed(session)
    switched = session.chosen_account is not None
    if switched:  # the identity names the chosen account: read the member afresh
        reset = attrs.evolve(reset, chosen_account=None, identity=None)
    form: Literal["offer", "other"] | None = None
    if dropped and unconfirmed is None:
        form = "offer"
    elif other_form:
        form = "other"
    note = common.timed_out(unconfirmed, form=form, back_to_personal=switched)
    if onboarding_step and isinstance(intent, Typed | NameAnswer):
        # A name typed after the timeout would be read as something else: say so, start over.
        return AfterTimeout(
            reset, instead=onboarding.ask_first(reset).say(timeout_screens.onboarding())
        )
    # Intents that say everything they need keep working after a timeout (re-checked by
    # credex-core); a confirmation is judged by its draft, which the timeout discarded.
    if intent.self_contained or (
        isinstance(intent, Nav) and intent.word in (Navigation.GREETING, Navigation.HELP)
    ):
        return AfterTimeout(reset, note=note)
    if isinstance(intent, Typed) and menu_word(intent.text) is not None:
        return AfterTimeout(reset, note=note)
    notice: Notice = "timed_out"
    if dropped:
        notice = "timed_out_discarded"
    elif other_form:
        notice = "timed_out_form"
    purpose = ShowDashboard(notice, dropped=unconfirmed, back_to_personal=switched)
    return AfterTimeout(
        reset, instead=Transition(attrs.evolve(reset, screen=Home()), effects=(LoadView(purpose),))
    )
