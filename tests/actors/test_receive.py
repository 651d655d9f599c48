"""Pay links as a table of (session, event) -> outcome: the member's link and QR code, the
customer's prefilled text turned into a secured offer awaiting confirmation, the amount question,
and a newcomer's request kept through onboarding."""

from __future__ import annotations

from decimal import Decimal

import attrs

from actors import snapshot
from actors.effects import LoadView, Onboard, ResolveHandle
from actors.events import ButtonTapped
from actors.failure import Failure
from actors.flows.dashboard import AfterLogin
from actors.intents import onboarding as onboarding_ids
from actors.intents import receive as receive_ids
from actors.intents.receive import PayLink
from actors.outcome import Config, Transition
from actors.ports.credex import AccountRef
from actors.replies import QrImageReply, TextReply
from actors.results import EffectFailed, HandleResolved, MemberOnboarded, ViewLoaded
from actors.session import OfferForm, OnboardConfirm, OnboardWelcome, PayAmount, PayRequest, Session
from actors.step import Event
from parser.payments import Pay
from tests.actors import views
from tests.actors.views import NOW, PHONE, inbound, logged_in, said, view

NUMBER = "15550783881"
BAKERY = AccountRef("acc-bakery", "Chipo's Bakery")


def run(session: Session, *events: Event, number: str | None = NUMBER) -> Transition:
    """The shared table runner (a confirmation first passes the fresh-view check) with the bot's
    display number configured."""
    return views.run(session, *events, config=Config(display_number=number))


def only_image(outcome: Transition) -> QrImageReply:
    (reply,) = outcome.replies
    assert isinstance(reply, QrImageReply)
    return reply


def test_receive_with_an_amount_links_to_a_prefilled_offer_to_the_active_account() -> None:
    image = only_image(run(logged_in(), inbound("receive 5")))
    link = f"https://wa.me/{NUMBER}?text=pay%205.00%20USD%20to%20%40tendai"
    assert image.link == link and link in image.caption
    assert "*5.00 USD*" in image.caption and "Tendai Moyo Personal" in image.caption


def test_receive_without_an_amount_lets_the_customer_type_it() -> None:
    image = only_image(run(logged_in(), inbound(ButtonTapped(receive_ids.GET_PAID, "📲 Get paid"))))
    assert image.link == f"https://wa.me/{NUMBER}?text=pay%20%40tendai"
    assert "the amount they type" in image.caption


def test_receive_names_the_denomination_when_given() -> None:
    image = only_image(run(logged_in(), inbound("receive 2.5 cad")))
    assert image.link.endswith("text=pay%202.50%20CAD%20to%20%40tendai")


def test_a_bad_amount_says_what_to_send_instead() -> None:
    outcome = run(logged_in(), inbound("receive five"))
    assert said(outcome).startswith("✋") and "*receive 5*" in said(outcome)


def test_an_amount_finer_than_the_denomination_allows_is_refused() -> None:
    outcome = run(logged_in(), inbound("receive 5.123 usd"))
    assert "USD amounts have at most 2 decimals, like 5.00" in said(outcome)


def test_without_a_known_bot_number_the_member_is_told_plainly() -> None:
    outcome = run(logged_in(), inbound("receive"), number=None)
    (reply,) = outcome.replies
    assert isinstance(reply, TextReply) and "Pay links aren't ready yet" in reply.body


def test_the_prefilled_text_starts_a_secured_offer_that_waits_for_confirmation() -> None:
    outcome = run(logged_in(), inbound("pay 5.00 USD to @chipo_bakery"))
    assert outcome.effects == (ResolveHandle("chipo_bakery"),)
    form = outcome.session.screen
    assert isinstance(form, OfferForm) and form.secured and form.step == "handle"
    confirmed = run(outcome.session, HandleResolved("chipo_bakery", BAKERY, None))
    assert "*Amount:* 5.00 USD" in said(confirmed) and "*Type:* Secured" in said(confirmed)
    assert "*To:* Chipo's Bakery (chipo_bakery)" in said(confirmed)
    assert confirmed.effects == ()  # nothing is signed without the confirm tap
    assert confirmed.session.draft is not None
    assert confirmed.session.draft.state == "awaiting_confirmation"


def test_a_link_without_an_amount_asks_for_it_then_looks_up_the_account() -> None:
    asked = run(logged_in(), inbound("pay @chipo_bakery"))
    assert asked.session.screen == PayAmount("chipo_bakery") and "How much?" in said(asked)
    wrong = run(asked.session, inbound("lots"))
    assert said(wrong).startswith("✋") and wrong.session.screen == PayAmount("chipo_bakery")
    answered = run(asked.session, inbound("USD 7"))
    assert answered.effects == (ResolveHandle("chipo_bakery"),)
    assert answered.session.screen.amount == Decimal("7")  # type: ignore[union-attr]


def test_paying_ones_own_account_is_refused() -> None:
    outcome = run(logged_in(), inbound("pay 5 USD to @tendai"))
    assert "your own account" in said(outcome) and outcome.effects == ()


def test_pay_now_on_a_confirmation_is_not_a_pay_link() -> None:
    outcome = run(logged_in(), inbound("pay now"))
    assert not any(isinstance(e, ResolveHandle) for e in outcome.effects)


def test_a_stranger_is_onboarded_first_and_then_sees_the_confirmation() -> None:
    stranger = Session(phone=PHONE)
    intent = PayLink(Pay("chipo_bakery", Decimal("5.00"), "USD"))
    first = run(stranger, inbound("pay 5.00 USD to @chipo_bakery"))
    assert first.effects == (LoadView(AfterLogin(intent)),)
    unknown = Failure("not_found", "Member not found")
    welcomed = run(first.session, EffectFailed(LoadView(AfterLogin(intent)), unknown))
    assert isinstance(welcomed.session.screen, OnboardWelcome)
    assert "You're paying *chipo_bakery*" in said(welcomed)
    assert welcomed.session.pending_pay == PayRequest("chipo_bakery", Decimal("5.00"), "USD")
    # The request survives the snapshot written between messages.
    stored = snapshot.decode(snapshot.encode(welcomed.session))
    assert stored is not None and stored.pending_pay == welcomed.session.pending_pay

    asked = run(stored, inbound(ButtonTapped(onboarding_ids.BECOME_MEMBER, "")), inbound("Nyasha"))
    named = run(asked.session, inbound("Banda"))
    assert isinstance(named.session.screen, OnboardConfirm)
    registering = run(named.session, inbound(ButtonTapped(onboarding_ids.NAME_OK, "")))
    assert registering.effects == (Onboard("Nyasha", "Banda"),)
    aboard = run(registering.session, MemberOnboarded(view(first_name="Nyasha")))
    assert "Welcome to credex, Nyasha" in said(aboard)
    assert aboard.effects == (ResolveHandle("chipo_bakery"),)
    assert aboard.session.pending_pay is None
    confirmed = run(aboard.session, HandleResolved("chipo_bakery", BAKERY, None))
    assert "*To:* Chipo's Bakery (chipo_bakery)" in said(confirmed)


def test_a_member_sending_a_link_while_logged_out_goes_straight_to_the_offer() -> None:
    session = attrs.evolve(logged_in(), identity=None)
    intent = PayLink(Pay("chipo_bakery", Decimal("5"), None))
    outcome = run(session, inbound("pay 5 to @chipo_bakery"))
    assert outcome.effects == (LoadView(AfterLogin(intent)),)
    again = run(outcome.session, ViewLoaded(view(), AfterLogin(intent)))
    assert again.effects == (ResolveHandle("chipo_bakery"),)
    assert again.session.screen.denomination == "USD"  # type: ignore[union-attr]


def test_a_pay_link_sent_long_after_the_last_message_goes_straight_to_the_offer() -> None:
    quiet = attrs.evolve(logged_in(), last_active=NOW.timestamp() - 86000)
    outcome = run(quiet, inbound("pay 5.00 USD to @chipo_bakery"))
    # Carried out at once; the one-line timeout note rides along in the same message.
    assert outcome.effects == (ResolveHandle("chipo_bakery"),)
    assert isinstance(outcome.session.screen, OfferForm)
