"""Getting paid: a member's pay link and QR code, and a customer arriving through one.

The link opens WhatsApp with `pay 5.00 USD to @handle` typed in. Sent, it becomes an ordinary
secured offer form, filled in and resolved, ending at the usual confirmation: a pay link can
never sign anything by itself (G5). A newcomer is onboarded first; the request waits in the
session (`pending_pay`) and the confirmation follows the welcome.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from actors import results as rs
from actors import routes
from actors.effects import ResolveHandle
from actors.flows import dashboard, onboarding
from actors.intents.receive import GetPaid, PayLink
from actors.outcome import Moment, Transition
from actors.ports.credex import MemberView
from actors.screens import onboarding as onboarding_screens
from actors.screens import receive as screens
from actors.screens.offer import own_account
from actors.screens.onboarding import welcome as welcome_screen
from actors.session import Home, Identity, OfferForm, PayAmount, PayRequest, Session
from parser import InputError, parse_amount


def _identity(session: Session) -> Identity:
    assert session.identity is not None, "pay flows run only for a logged-in member"
    return session.identity


def show_link(session: Session, intent: GetPaid, at: Moment) -> Transition:
    identity = _identity(session)
    words = intent.words
    denom = (words.denomination or identity.default_denom) if words.amount else None
    problem = words.problem
    if problem is None and words.amount is not None and denom is not None:
        whole = Decimal(1).scaleb(-screens.places(denom))
        problem = (
            None if words.amount == words.amount.quantize(whole) else screens.too_precise(denom)
        )
    if problem is not None:
        return Transition(session, (screens.receive_problem(problem, identity.default_denom),))
    number = at.config.display_number
    if not number:
        return Transition(session, (screens.no_display_number(),))
    text = screens.pay_text(identity.account_handle, words.amount, denom)
    link = screens.pay_link(number, text)
    return Transition(session, (screens.pay_link_card(identity, link, words.amount, denom),))


def request_of(intent: PayLink) -> PayRequest:
    pay = intent.pay
    return PayRequest(pay.handle, pay.amount, pay.denomination)


def pay(session: Session, request: PayRequest) -> Transition:
    """Start the secured offer the pay link asks for; the confirmation follows the lookup."""
    identity = _identity(session)
    session = attrs.evolve(session, draft=None, pending_pay=None)
    if request.handle == identity.account_handle:
        return Transition(attrs.evolve(session, screen=Home()), (own_account(),))
    if request.amount is None:
        ask = PayAmount(request.handle)
        return Transition(
            attrs.evolve(session, screen=ask), (screens.ask_pay_amount(request.handle),)
        )
    form = OfferForm(
        secured=True,
        step="handle",
        amount=request.amount,
        denomination=request.denomination or identity.default_denom,
        handle=request.handle,
    )
    return Transition(attrs.evolve(session, screen=form), effects=(ResolveHandle(request.handle),))


def amount_typed(session: Session, screen: PayAmount, text: str) -> Transition:
    try:
        value = parse_amount(text)
    except InputError as error:
        return Transition(session, (screens.pay_amount_problem(error.message),))
    return pay(session, PayRequest(screen.handle, value.amount, value.denomination))


def join_first(session: Session, request: PayRequest) -> Transition:
    """Not a member yet: keep the request, and onboard first."""
    welcome = onboarding.welcome(attrs.evolve(session, pending_pay=request))
    return attrs.evolve(welcome, replies=(screens.join_first(request.handle, welcome_screen()),))


def after_onboarding(session: Session, view: MemberView) -> Transition:
    """Welcome aboard, then straight on to the payment the newcomer came for."""
    request = session.pending_pay
    assert request is not None
    session = dashboard.identify(session, view)
    welcome = onboarding_screens.welcome_aboard(view.member.first_name)
    return pay(session, request).say(welcome)


def _onboarded(session: Session, result: rs.MemberOnboarded, at: Moment) -> Transition | None:
    """A member who joined to pay someone goes on to pay (onboarding's own answer otherwise)."""
    if session.pending_pay is None:
        return None
    return after_onboarding(session, result.view)


ROUTES = (
    routes.intent(GetPaid, show_link),
    routes.intent(PayLink, lambda s, i, at: pay(s, request_of(i))),
    routes.typed(PayAmount, lambda s, screen, text, at: amount_typed(s, screen, text)),
    routes.result(rs.MemberOnboarded, _onboarded),
    routes.login_failed(PayLink, lambda s, i, f: join_first(s, request_of(i))),
)
