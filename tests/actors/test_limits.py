"""Checks before a signature: amounts credex-core cannot show, more than is held or securable,
more than the tier allows today, unsecured on the open tier. "Sign & send" is never offered
for those; the refusal says what can be sent now and offers it as a button."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from actors.effects import CreateCredex, LoadView, ResolveHandle
from actors.events import ButtonTapped
from actors.failure import Failure
from actors.flows.confirm import BeforeConfirm
from actors.intents import offer as offer_ids
from actors.intents import quick as quick_ids
from actors.outcome import Config
from actors.ports.credex import AccountRef, Money
from actors.results import EffectFailed, HandleResolved, ViewLoaded
from actors.session import OfferForm
from actors.step import step
from tests.actors.views import NOW, ids_in, inbound, logged_in, offer, run, said, view

RUDO = AccountRef("acc-rudo", "Rudo")


def tap(reply_id: str) -> object:
    return inbound(ButtonTapped(reply_id, ""))


@pytest.mark.parametrize(
    ("typed", "smallest"),
    [("0.001=>rudo", "0.01 USD"), ("0.005=>rudo", "0.01 USD"), ("7.555=>rudo", "0.01 USD"),
     ("CXX 0.0005=>rudo", "0.001 CXX")],
)  # fmt: skip
def test_amounts_finer_than_the_denomination_shows_are_refused_never_rounded(
    typed: str, smallest: str
) -> None:
    outcome = run(logged_in(), inbound(typed))
    assert outcome.effects == () and outcome.session.draft is None
    assert f"the smallest amount is *{smallest}*" in said(outcome) and "won't round" in said(
        outcome
    )


@pytest.mark.parametrize(
    "typed", ["5.50=>rudo", "5.500=>rudo", "CXX 0.125=>rudo", "XAU 1.2345=>rudo"]
)
def test_amounts_within_the_precision_go_ahead(typed: str) -> None:
    assert run(logged_in(), inbound(typed)).effects == (ResolveHandle("rudo", line=0),)


def test_the_menu_form_refuses_a_too_precise_amount_and_asks_again() -> None:
    outcome = run(logged_in(), tap(offer_ids.offer_start(True)), inbound("0.001"))  # type: ignore[arg-type]
    assert outcome.session.screen == OfferForm(secured=True)
    assert "won't round" in said(outcome)


def checked(text: str, **kw: object) -> tuple[object, object]:
    """The quick command up to its check, then the check against `view(**kw)`."""
    looked = run(logged_in(), inbound(text), HandleResolved("rudo", RUDO, 0), checked_with=None)
    (effect,) = looked.effects
    assert isinstance(effect, LoadView) and isinstance(effect.purpose, BeforeConfirm)
    assert looked.session.draft is None  # nothing a "yes" could sign before the check
    outcome = run(looked.session, ViewLoaded(view(**kw), effect.purpose), checked_with=None)  # type: ignore[arg-type]
    return outcome, effect.purpose


def test_more_than_the_secured_balance_never_reaches_sign_and_send() -> None:
    outcome, _ = checked("300=>rudo", secured=(Money(Decimal("250"), "USD"),))
    text = said(outcome)  # type: ignore[arg-type]
    assert "Sign & send" not in text and outcome.session.draft is None  # type: ignore[attr-defined]
    assert "You can send up to *250.00 USD* secured right now" in text
    assert quick_ids.quick("USD 250.00=>rudo") in ids_in(outcome.replies[0])  # type: ignore[attr-defined]


def test_the_offered_button_starts_that_amount_through_its_own_confirmation() -> None:
    outcome = run(logged_in(), tap(quick_ids.quick("USD 250.00=>rudo")))  # type: ignore[arg-type]
    assert outcome.effects == (ResolveHandle("rudo", line=0),)


def test_more_than_the_tier_allows_today_names_what_is_left_and_when_in_local_time() -> None:
    outcome, _ = checked("85=>rudo", tier=2, remaining="82")
    text = said(outcome)  # type: ignore[arg-type]
    assert "Your tier 2 daily limit leaves *82.00 USD* today" in text
    assert "renews at midnight UTC (02:00 in Harare)" in text
    assert "You can send up to *82.00 USD* secured right now" in text


def test_tier_one_holding_five_can_send_five_not_six() -> None:
    outcome, _ = checked("6=>rudo", tier=1, remaining="10", secured=(Money(Decimal("5"), "USD"),))
    text = said(outcome)  # type: ignore[arg-type]
    assert "You can secure *5.00 USD*, less than 6.00 USD" in text
    assert "unsecured offer" not in text  # the open tier may not send unsecured


def test_a_denomination_not_held_says_how_to_get_value_with_the_configured_agents() -> None:
    looked = run(
        logged_in(), inbound("5 CAD=>rudo"), HandleResolved("rudo", RUDO, 0), checked_with=None
    )
    (effect,) = looked.effects
    config = Config(cash_in_agents=("Mbare agent, 0771 234 567",))
    outcome = step(looked.session, ViewLoaded(view(), effect.purpose), NOW, config)  # type: ignore[attr-defined]
    text = said(outcome)
    assert "You hold no secured CAD right now" in text
    assert "ask a member who holds some to send you a secured offer" in text
    assert "• Mbare agent, 0771 234 567" in text and "Sign & send" not in text


def test_without_agents_configured_the_advice_names_none() -> None:
    outcome, _ = checked("5 CAD=>rudo")
    assert "agent" not in said(outcome)  # type: ignore[arg-type]


def test_a_daily_limit_used_up_says_when_it_renews_and_offers_no_amount() -> None:
    outcome, _ = checked("1=>rudo", tier=1, remaining="0")
    text = said(outcome)  # type: ignore[arg-type]
    assert "leaves *0.00 USD* today" in text and "You can send again after midnight UTC" in text
    assert not any(i.startswith("quick:") for i in ids_in(outcome.replies[0]))  # type: ignore[attr-defined]


def test_a_bulk_over_the_balance_in_total_is_refused_before_sign_and_send() -> None:
    lines = "60=>rudo\n50=>rudo"
    looked = run(logged_in(), inbound(lines), HandleResolved("rudo", RUDO, 0), checked_with=None)
    (effect,) = looked.effects
    outcome = run(looked.session, ViewLoaded(view(), effect.purpose), checked_with=None)  # type: ignore[attr-defined]
    assert "Send all" not in said(
        outcome
    ) and "You can secure *100.00 USD*, less than 110.00 USD" in said(outcome)


def test_an_offer_within_every_limit_gets_its_confirmation_and_records_pending_ids() -> None:
    mine = (offer("cx-old", "-3", "Rudo"),)
    outcome, _ = checked("3=>rudo", pending_out=mine)
    draft = outcome.session.draft  # type: ignore[attr-defined]
    assert draft is not None and draft.pending_before == ("cx-old",)
    assert "Sign & send" in said(outcome)  # type: ignore[arg-type]


# ----- credex-core is the final judge -----


def test_credex_cores_rounding_edge_offers_the_largest_amount_it_accepts() -> None:
    confirming = run(logged_in(), inbound("7=>rudo"), HandleResolved("rudo", RUDO, 0))
    sent = run(confirming.session, inbound("yes"))
    (effect,) = sent.effects
    assert isinstance(effect, CreateCredex)
    message = (
        "Error: Your secured credex for 7.00 USD cannot be issued because your maximum "
        "securable USD balance is 7.00 USD"
    )
    failure = Failure("limit", message, securable="7.00 USD")
    outcome = run(sent.session, EffectFailed(effect, failure))
    assert "the most it accepts right now is *6.99 USD*" in said(outcome)
    assert any(quick_ids.quick("USD 6.99=>rudo") in ids_in(r) for r in outcome.replies)


def test_a_plain_securable_refusal_offers_what_credex_core_named() -> None:
    confirming = run(logged_in(), inbound("7=>rudo"), HandleResolved("rudo", RUDO, 0))
    sent = run(confirming.session, inbound("yes"))
    (effect,) = sent.effects
    failure = Failure("limit", "… maximum securable USD balance is 6.00 USD", securable="6.00 USD")
    outcome = run(sent.session, EffectFailed(effect, failure))  # type: ignore[arg-type]
    assert any(quick_ids.quick("USD 6.00=>rudo") in ids_in(r) for r in outcome.replies)
    assert "unsecured" not in said(outcome)


def test_renewal_time_follows_bot_timezone() -> None:
    from actors.outcome import Moment
    from actors.screens.limits import renewal

    at = Moment(dt.datetime(2026, 3, 10, 23, 30, tzinfo=dt.UTC), Config(timezone="America/Toronto"))
    assert renewal(at.local_midnight, "America/Toronto") == "midnight UTC (20:00 in Toronto)"


@pytest.mark.parametrize(
    ("held", "left", "line"),
    [("5", "10", "*Can send now:* 5.00 USD secured _(your secured balance)_"),
     ("250", "82", "*Can send now:* 82.00 USD secured _(tier limit)_"),
     ("250", "-3", "*Can send now:* 0.00 USD secured _(tier limit)_")],
)  # fmt: skip
def test_the_dashboard_says_what_can_be_sent_now_and_what_caps_it(
    held: str, left: str, line: str
) -> None:
    from actors.flows.dashboard import ShowDashboard

    shown = run(
        logged_in(),
        ViewLoaded(
            view(tier=1, remaining=left, secured=(Money(Decimal(held), "USD"),)), ShowDashboard()
        ),
    )
    assert line in said(shown)


def test_paid_tiers_have_no_can_send_now_line() -> None:
    assert "Can send now" not in said(logged_in_dashboard())


def logged_in_dashboard():  # type: ignore[no-untyped-def]
    from actors.flows.dashboard import ShowDashboard

    return run(logged_in(), ViewLoaded(view(), ShowDashboard()))


@pytest.mark.parametrize(
    ("command", "secured", "due"),
    [("USD 250.00=>rudo", True, None), ("USD 5.00->rudo=2026-03-31", False, dt.date(2026, 3, 31))],
)
def test_the_offered_amount_button_reads_back_as_that_quick_offer(
    command: str, secured: bool, due: dt.date | None
) -> None:
    from actors.intents import from_id
    from actors.intents.quick import Quick

    intent = from_id(quick_ids.quick(command))
    assert isinstance(intent, Quick)
    (parsed,) = intent.offers
    assert (parsed.handle, parsed.secured, parsed.due_date) == ("rudo", secured, due)
    assert parsed.denomination == "USD" and parsed.amount in (Decimal("250.00"), Decimal("5.00"))


def test_the_menu_form_over_the_balance_asks_for_another_amount() -> None:
    events = [tap(offer_ids.offer_start(True)), inbound("300"), inbound("rudo")]
    poor = view(secured=(Money(Decimal("250"), "USD"),))
    outcome = run(logged_in(), *events, HandleResolved("rudo", RUDO, None), checked_with=poor)  # type: ignore[arg-type]
    assert outcome.session.screen == OfferForm(
        secured=True, amount=Decimal(300), denomination="USD", handle="rudo",
        receiver_id="acc-rudo", receiver_name="Rudo",
    )  # fmt: skip
    assert "Or type another amount" in said(outcome) and outcome.session.draft is None
    again = run(outcome.session, inbound("250"), checked_with=None)
    assert again.session.screen.step == "handle"  # type: ignore[union-attr]
