"""Confirmations are open only while they are the screen the user is on (extends G5).

Any input other than an answer to the open confirmation closes it: an unconfirmed offer draft
(single or bulk), a question to cancel an outgoing offer, a question to remove a member. The
reply then says in one line what was dropped, and a later tap on the closed confirmation's
buttons finds nothing open and says so.
"""

from __future__ import annotations

import attrs

from actors.intents import from_id, menu_word
from actors.intents import members as members_ids
from actors.intents.base import Intent, Nav, Typed
from actors.intents.members import MemberAction
from actors.intents.pending import Act
from actors.intents.submit import Confirm, Discard
from actors.replies import Reply
from actors.screens import confirmations as screens
from actors.session import AskYesNo, CancelConfirm, Home, OfferForm, Session
from parser import Navigation


def _awaiting(session: Session) -> bool:
    return session.draft is not None and session.draft.state == "awaiting_confirmation"


def _removes_member(question: AskYesNo) -> bool:
    yes = from_id(question.yes_id)
    return isinstance(yes, MemberAction) and yes.action == "remove"


def answers_open(session: Session, intent: Intent) -> bool:
    """True when `intent` answers the confirmation on screen (or no confirmation is open)."""
    screen = session.screen
    draft = session.draft
    if _awaiting(session):
        assert draft is not None
        if isinstance(intent, Confirm | Discard):
            return intent.draft_id == draft.draft_id
        # Typed words answer it (yes/no sign or drop it; anything else asks for a tap),
        # unless they name a menu screen: that is leaving it.
        return isinstance(intent, Typed) and menu_word(intent.text) is None
    if isinstance(screen, CancelConfirm):
        if isinstance(intent, Act) and intent.action == "cancel":
            return intent.credex_id == screen.credex_id
        return isinstance(intent, Typed) and menu_word(intent.text) is None
    if isinstance(screen, AskYesNo) and _removes_member(screen):
        if intent in (from_id(screen.yes_id), from_id(screen.no_id)):
            return True
        return isinstance(intent, Typed) and menu_word(intent.text) is None
    return True


def close(session: Session, intent: Intent) -> tuple[Session, Reply | None]:
    """Close whatever confirmation `intent` does not answer; the note says what was dropped.

    The menu form keeps its answers when *back* leaves its confirmation, so the form stays.
    """
    if answers_open(session, intent):
        return session, None
    screen, draft = session.screen, session.draft
    back = isinstance(intent, Nav) and intent.word is Navigation.BACK
    keep_form = back and isinstance(screen, OfferForm)
    after = screen if keep_form else Home()
    if _awaiting(session):
        assert draft is not None
        return attrs.evolve(session, draft=None, screen=after), screens.offer_not_sent(draft)
    if isinstance(screen, CancelConfirm):
        return attrs.evolve(session, screen=Home()), screens.cancel_dropped()
    return attrs.evolve(session, screen=Home()), screens.removal_dropped()


def closed_tap(session: Session, intent: Intent) -> Reply | None:
    """A tap on a cancel or remove-member confirmation that is not the open one."""
    screen = session.screen
    if isinstance(intent, Act) and intent.action == "cancel":
        open_now = isinstance(screen, CancelConfirm) and screen.credex_id == intent.credex_id
        return None if open_now else screens.closed(cancelled=True)
    if isinstance(intent, MemberAction) and intent.action == "remove":
        yes = members_ids.remove_member(intent.account_id, intent.who)
        open_now = isinstance(screen, AskYesNo) and screen.yes_id == yes
        return None if open_now else screens.closed(cancelled=False)
    return None
