"""Pending offers: incoming (accept, decline, accept all) and outgoing (cancel, confirmed first).

Every action re-reads the member's view first, so a tap on an old screen acts only on an offer
credex-core still lists as pending, and the reply can name the amount and the counterparty.
"""

from __future__ import annotations

import attrs

from actors import results as rs
from actors import routes
from actors.effects import AcceptAll, ActOnOffer, LoadView, Purpose
from actors.failure import Failure
from actors.flows import dashboard, lists
from actors.flows.dashboard import ShowDashboard
from actors.intents import pending as pending_ids
from actors.intents.pending import AcceptAllOffers, Act, Action, Direction, OpenOffer, OpenPending
from actors.outcome import Moment, Transition
from actors.ports.credex import BulkAcceptResult, MemberView, PendingOffer
from actors.screens import pending as screens
from actors.screens.failures import refused
from actors.session import CancelConfirm, Home, Session
from parser import parse_yes_no


@attrs.frozen
class ShowPending(Purpose):
    direction: Direction
    page: int


@attrs.frozen
class ShowOffer(Purpose):
    direction: Direction
    credex_id: str


@attrs.frozen
class BeforeAction(Purpose):
    """Re-check that the offer is still pending before acting on it (old buttons still work)."""

    action: Action
    credex_id: str


@attrs.frozen
class BeforeAcceptAll(Purpose):
    """LoadView purpose: fresh incoming offers, then accept in one bulk call those of `listed`
    (what the tapped list showed) that are still pending."""

    listed: tuple[str, ...] = ()


def open_list(session: Session, direction: Direction, page: int) -> Transition:
    return Transition(session, effects=(LoadView(ShowPending(direction, page)),))


def open_offer(session: Session, direction: Direction, credex_id: str) -> Transition:
    return Transition(session, effects=(LoadView(ShowOffer(direction, credex_id)),))


def act(session: Session, action: Action, credex_id: str) -> Transition:
    return Transition(session, effects=(LoadView(BeforeAction(action, credex_id)),))


def accept_all(session: Session, listed: str) -> Transition:
    """Only the offers the tapped list counted; a list the session no longer knows (an old
    button, a timeout) accepts nothing and shows the offers as they are now."""
    known = session.listed_in
    if not known or listed != pending_ids.listed_digest(known):
        return open_list(session, "in", 1).say(screens.stale_accept_all())
    return Transition(session, effects=(LoadView(BeforeAcceptAll(known)),))


def _offers(view: MemberView, direction: Direction, chosen: str | None) -> tuple[PendingOffer, ...]:
    account = dashboard.active_account(view, chosen)
    if account is None:
        return ()
    return account.pending_in if direction == "in" else account.pending_out


def _find(
    view: MemberView, direction: Direction, credex_id: str, chosen: str | None
) -> PendingOffer | None:
    """The active account's offer, or one of another owned account: an old tap on an offer
    to a business account still works after the member switched back or timed out."""
    everywhere = [
        *_offers(view, direction, chosen),
        *(o for a in view.accounts for o in (a.pending_in if direction == "in" else a.pending_out)),
    ]
    return next((o for o in everywhere if o.credex_id == credex_id), None)


def _list_screen(direction: Direction, offers: tuple[PendingOffer, ...], page: int) -> Home:
    """What typed numbers and paging words pick on this page (intents.classify)."""
    page, pages, shown, first = screens.window(offers, page)
    return lists.page_screen(
        tuple(pending_ids.pending_offer(direction, o.credex_id) for o in shown),
        first,
        page,
        pages,
        lambda n: pending_ids.pending_page(direction, n),
    )


def list_loaded(session: Session, view: MemberView, purpose: ShowPending) -> Transition:
    session = dashboard.identify(session, view)
    offers = _offers(view, purpose.direction, session.chosen_account)
    screen = _list_screen(purpose.direction, offers, purpose.page) if offers else Home()
    reply = screens.pending_list(purpose.direction, offers, purpose.page)
    session = attrs.evolve(session, screen=screen)
    if purpose.direction == "in":
        session = attrs.evolve(session, listed_in=tuple(o.credex_id for o in offers))
    return Transition(session, (reply,))


def offer_loaded(session: Session, view: MemberView, purpose: ShowOffer, at: Moment) -> Transition:
    found = _find(view, purpose.direction, purpose.credex_id, session.chosen_account)
    if found is None:
        return dashboard.render(session, view, at, screens.offer_gone())
    # `back` returns to the list page the offer was picked from (its first page after a tap on
    # a notification or an old list).
    came_from = session.screen.page_id if isinstance(session.screen, Home) else ""
    back = Home(back_id=came_from or pending_ids.pending_page(purpose.direction, 1))
    session = attrs.evolve(dashboard.identify(session, view), screen=back)
    return Transition(session, (screens.offer_card(purpose.direction, found, back.back_id),))


def action_loaded(
    session: Session, view: MemberView, purpose: BeforeAction, at: Moment
) -> Transition:
    direction: Direction = "out" if purpose.action in ("cancel", "ask_cancel") else "in"
    found = _find(view, direction, purpose.credex_id, session.chosen_account)
    if found is None:
        return dashboard.render(session, view, at, screens.offer_gone())
    session = dashboard.identify(session, view)
    assert session.identity is not None
    if purpose.action == "ask_cancel":
        confirm = CancelConfirm(purpose.credex_id)
        return Transition(attrs.evolve(session, screen=confirm), (screens.ask_cancel(found),))
    effect = ActOnOffer(purpose.action, found, session.identity.member_id)
    return Transition(attrs.evolve(session, screen=Home()), effects=(effect,))


def acted(session: Session, effect: ActOnOffer) -> Transition:
    reply = screens.acted(effect.action, effect.offer)
    return dashboard.show(session).say(reply)


def act_failed(session: Session, effect: ActOnOffer, failure: Failure) -> Transition:
    reply = screens.action_failed(effect.action, effect.offer, failure)
    if failure.kind == "unavailable":
        return Transition(attrs.evolve(session, screen=Home()), (reply,))
    return dashboard.show(session).say(reply)


def accept_all_loaded(
    session: Session, view: MemberView, purpose: BeforeAcceptAll, at: Moment
) -> Transition:
    pending = _offers(view, "in", session.chosen_account)
    offers = tuple(o for o in pending if o.credex_id in purpose.listed)
    since = tuple(o for o in pending if o.credex_id not in purpose.listed)
    session = attrs.evolve(session, listed_in=())  # one Accept-all per list shown
    if not offers:
        notes = (screens.nothing_to_accept(), *((screens.arrived_since(since),) if since else ()))
        return dashboard.render(session, view, at, *notes)
    session = attrs.evolve(dashboard.identify(session, view), screen=Home())
    assert session.identity is not None
    effect = AcceptAll(offers, session.identity.member_id, arrived_since=since)
    return Transition(session, effects=(effect,))


def accepted_all(
    session: Session,
    result: BulkAcceptResult,
    offers: tuple[PendingOffer, ...],
    since: tuple[PendingOffer, ...] = (),
) -> Transition:
    notes = [screens.accept_all_summary(result, offers)]
    if since:
        notes.append(screens.arrived_since(since))
    return dashboard.show(session).say(*notes)


def accept_all_failed(session: Session, failure: Failure) -> Transition:
    if failure.kind == "unavailable":
        return Transition(session, (refused(failure),))
    return Transition(session, effects=(LoadView(ShowDashboard()),)).say(refused(failure))


def _cancel_typed(
    session: Session, screen: CancelConfirm, text: str, at: Moment
) -> Transition | None:
    """Typed yes/no on the question to cancel an outgoing offer."""
    answer = parse_yes_no(text)
    if answer is True:
        return act(session, "cancel", screen.credex_id)
    if answer is False:
        return dashboard.show(session)
    return None


ROUTES = (
    routes.back(CancelConfirm, lambda s, screen, at: dashboard.show(s)),
    routes.intent(OpenPending, lambda s, i, at: open_list(s, i.direction, i.page)),
    routes.intent(OpenOffer, lambda s, i, at: open_offer(s, i.direction, i.credex_id)),
    routes.intent(Act, lambda s, i, at: act(s, i.action, i.credex_id)),
    routes.intent(AcceptAllOffers, lambda s, i, at: accept_all(s, i.listed)),
    routes.typed(CancelConfirm, _cancel_typed),
    routes.loaded(ShowPending, lambda s, v, p, at: list_loaded(s, v, p)),
    routes.loaded(ShowOffer, offer_loaded),
    routes.loaded(BeforeAction, action_loaded),
    routes.loaded(BeforeAcceptAll, accept_all_loaded),
    routes.result(rs.OfferActed, lambda s, r, at: acted(s, r.effect)),
    routes.result(
        rs.BulkAccepted, lambda s, r, at: accepted_all(s, r.result, r.offers, r.arrived_since)
    ),
    routes.failed(ActOnOffer, lambda s, e, f, at: act_failed(s, e, f)),
    routes.failed(AcceptAll, lambda s, e, f, at: accept_all_failed(s, f)),
)
