"""Accounts as tables of (session, event) -> outcome: listing, switching, the active account in
every other flow, the timeout back to the personal account, and opening a business account."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

from actors.effects import CheckAccountHandle, CreateCredex, LoadLedger, LoadView, OpenAccount
from actors.events import ButtonTapped, ListPicked
from actors.failure import Failure
from actors.flows.accounts import EnterAccount, ShowAccounts, SwitchTo, clean_account_name
from actors.flows.dashboard import AfterLogin, ShowDashboard
from actors.flows.pending import ShowPending
from actors.intents import accounts as accounts_ids
from actors.intents import ledger as ledger_ids
from actors.intents import navigation as navigation_ids
from actors.intents import offer as offer_ids
from actors.intents import pending as pending_ids
from actors.intents import submit as submit_ids
from actors.intents.accounts import OpenAccounts
from actors.ports.credex import AccountRef
from actors.results import (
    AccountHandleChecked,
    AccountOpened,
    EffectFailed,
    HandleResolved,
    ViewLoaded,
)
from actors.session import AccountForm, Home, Session
from tests.actors.views import (
    BAKERY,
    NOW,
    PERSONAL,
    account,
    ids_in,
    inbound,
    offer,
    owner_logged_in,
    owner_view,
    run,
    said,
)

LATER = NOW + dt.timedelta(seconds=301)
NEW = account("acc-new", "Chipo Catering", "chipo_catering")
CONFIRMING = AccountForm("confirm", "Chipo Catering", "chipo_catering", "USD")


def tap(reply_id: str) -> object:
    return inbound(ButtonTapped(reply_id, ""))


def on_bakery() -> Session:
    switched = run(owner_logged_in(), ViewLoaded(owner_view(), SwitchTo("acc-bakery")))
    return switched.session


# ----- the list -----


@pytest.mark.parametrize(
    "event",
    [inbound(ListPicked(accounts_ids.ACCOUNTS, "")), inbound("Accounts"), inbound(" account ")],
)
def test_the_accounts_row_or_word_loads_a_fresh_view(event: object) -> None:
    outcome = run(owner_logged_in(), event)  # type: ignore[arg-type]
    assert outcome.effects == (LoadView(ShowAccounts(1)),)


def test_the_word_accounts_in_a_handle_question_is_a_handle_not_the_menu() -> None:
    in_form = run(owner_logged_in(), tap(offer_ids.offer_start(True)), inbound("5"))
    outcome = run(in_form.session, inbound("accounts"))
    assert outcome.effects[0].__class__.__name__ == "ResolveHandle"


def test_list_shows_every_owned_account_marks_the_active_one_and_offers_a_new_one() -> None:
    outcome = run(on_bakery(), ViewLoaded(owner_view(), ShowAccounts(1)))
    assert ids_in(outcome.replies[0]) == [
        accounts_ids.switch_account("acc-chipo"),
        accounts_ids.switch_account("acc-bakery"),
        accounts_ids.NEW_ACCOUNT,
        navigation_ids.MENU,
    ]
    assert "*Chipos Bakery* (chipo_bakery) ✅ _active_" in said(outcome)
    assert "lists only the accounts you own" in said(outcome)


def test_verified_tier_with_one_account_is_told_why_it_cannot_open_another() -> None:
    session = owner_logged_in(PERSONAL, tier=2)
    outcome = run(session, ViewLoaded(owner_view(PERSONAL, tier=2), ShowAccounts(1)))
    assert "need a paid tier" in said(outcome) and "Verified tier (tier 2)" in said(outcome)
    assert ids_in(outcome.replies[0]) == [navigation_ids.MENU]


def test_verified_tier_with_two_accounts_may_switch_but_not_create() -> None:
    outcome = run(owner_logged_in(tier=2), ViewLoaded(owner_view(tier=2), ShowAccounts(1)))
    assert accounts_ids.NEW_ACCOUNT not in ids_in(outcome.replies[0])
    assert accounts_ids.switch_account("acc-bakery") in ids_in(outcome.replies[0])


# ----- switching -----


def test_switch_rechecks_ownership_then_acts_for_the_account() -> None:
    asked = run(
        owner_logged_in(), inbound(ListPicked(accounts_ids.switch_account("acc-bakery"), ""))
    )
    assert asked.effects == (LoadView(SwitchTo("acc-bakery")),)
    outcome = run(asked.session, ViewLoaded(owner_view(), SwitchTo("acc-bakery")))
    assert outcome.session.chosen_account == "acc-bakery"
    assert outcome.session.identity.account_id == "acc-bakery"  # type: ignore[union-attr]
    text = said(outcome)
    assert "now acting for *Chipos Bakery*" in text and "*💳 Chipos Bakery*" in text
    assert "Active account" in text


def test_switching_to_an_account_no_longer_owned_stays_on_the_personal_one() -> None:
    outcome = run(owner_logged_in(), ViewLoaded(owner_view(PERSONAL), SwitchTo("acc-bakery")))
    assert outcome.session.chosen_account is None
    assert "no longer lists that account" in said(outcome) and "Chipo Dube Personal" in said(
        outcome
    )


def test_switching_back_to_the_personal_account_forgets_the_choice() -> None:
    outcome = run(on_bakery(), ViewLoaded(owner_view(), SwitchTo("acc-chipo")))
    assert outcome.session.chosen_account is None
    assert outcome.session.identity.account_id == "acc-chipo"  # type: ignore[union-attr]


def test_the_ledger_pending_offers_and_new_offers_act_for_the_active_account() -> None:
    session = on_bakery()
    assert run(session, tap(ledger_ids.ledger_page(1))).effects == (LoadLedger("acc-bakery", 1, 6),)
    bakery = attrs.evolve(BAKERY, pending_in=(offer("cx-b", "7", "Rudo"),))
    listed = run(session, ViewLoaded(owner_view(PERSONAL, bakery), ShowPending("in", 1)))
    assert ids_in(listed.replies[0])[0] == pending_ids.pending_offer("in", "cx-b")
    confirming = run(
        session, tap(offer_ids.offer_start(True)), inbound("5"), inbound("rudo"),
        HandleResolved("rudo", AccountRef("acc-rudo", "Rudo Chikwanha Personal"), None),
        checked_with=owner_view(PERSONAL, BAKERY),
    )  # fmt: skip
    draft = confirming.session.draft
    assert draft is not None and "*From:* Chipos Bakery (chipo_bakery)" in said(confirming)
    sent = run(confirming.session, tap(submit_ids.confirm(draft.draft_id)))
    (effect,) = sent.effects
    assert isinstance(effect, CreateCredex) and effect.issuer_account_id == "acc-bakery"


def test_the_choice_survives_messages_within_the_session() -> None:
    session = on_bakery()
    outcome = run(session, inbound("menu"), ViewLoaded(owner_view(), ShowDashboard()))
    assert outcome.session.chosen_account == "acc-bakery"
    assert "*💳 Chipos Bakery*" in said(outcome)


def test_after_a_timeout_the_member_is_back_on_the_personal_account_and_told_so() -> None:
    outcome = run(on_bakery(), inbound("blah"), now=LATER)
    assert outcome.session.chosen_account is None and outcome.session.identity is None
    (effect,) = outcome.effects
    assert effect == LoadView(ShowDashboard("timed_out", back_to_personal=True))
    shown = run(outcome.session, ViewLoaded(owner_view(), effect.purpose), now=LATER)
    assert "back on your personal account" in said(shown)
    assert "*💳 Chipo Dube Personal*" in said(shown)


def test_after_a_timeout_an_old_button_logs_in_again_on_the_personal_account() -> None:
    outcome = run(on_bakery(), tap(ledger_ids.ledger_page(1)), now=LATER)
    assert outcome.effects == (LoadView(AfterLogin(ids_intent(ledger_ids.ledger_page(1)))),)
    again = run(
        outcome.session, ViewLoaded(owner_view(), AfterLogin(ids_intent(ledger_ids.ledger_page(1))))
    )
    assert again.effects == (LoadLedger("acc-chipo", 1, 6),)


def ids_intent(reply_id: str) -> object:
    from actors.intents import from_id

    return from_id(reply_id)


def test_a_greeting_starts_on_the_personal_account() -> None:
    outcome = run(on_bakery(), inbound("hi"))
    assert outcome.session.chosen_account is None


# ----- a new business account -----


def test_open_and_verified_tiers_get_the_reason_not_the_form() -> None:
    for tier in (1, 2):
        outcome = run(owner_logged_in(PERSONAL, tier=tier), tap(accounts_ids.NEW_ACCOUNT))
        assert outcome.session.screen == Home() and outcome.effects == ()
        assert "need a paid tier" in said(outcome)


def test_paid_tier_is_asked_for_the_name() -> None:
    outcome = run(owner_logged_in(tier=3), tap(accounts_ids.NEW_ACCOUNT))
    assert outcome.session.screen == AccountForm(default_denom="USD")
    assert "What should it be called?" in said(outcome)


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("Chipo Catering", "Chipo Catering"),
        ("Chipo's  Catering!", "Chipos Catering"),
        ("Bakery 24-7", "Bakery 24-7"),
        ("Café Ndoro", "Caf Ndoro"),
        ("Jo", "Jo"),
        ("x" * 51, "x" * 51),
    ],
)
def test_names_are_cleaned_as_credex_core_cleans_them(typed: str, cleaned: str) -> None:
    assert clean_account_name(typed) == cleaned


@pytest.mark.parametrize(
    ("typed", "ok", "note"),
    [
        ("Chipo Catering", True, False),
        ("Chipo's Catering", True, True),
        ("Jo!", False, False),
        ("!!!", False, False),
        ("y" * 51, False, False),
    ],
)
def test_the_name_step_shows_the_cleaned_name_or_says_why_not(
    typed: str, ok: bool, note: bool
) -> None:
    outcome = run(owner_logged_in(), tap(accounts_ids.NEW_ACCOUNT), inbound(typed))
    screen = outcome.session.screen
    assert isinstance(screen, AccountForm)
    assert (screen.step == "handle") is ok
    if ok:
        assert f"*{clean_account_name(typed)}*" in said(outcome)
        assert ("I removed the other characters" in said(outcome)) is note
    else:
        assert "can't be registered" in said(outcome) and "3–50" in said(outcome)


def test_the_handle_is_read_like_any_handle_and_checked_with_credex_core() -> None:
    asked = run(owner_logged_in(), tap(accounts_ids.NEW_ACCOUNT), inbound("Chipo Catering"))
    bad = run(asked.session, inbound("chipo catering"))
    assert "can't have spaces" in said(bad) and bad.effects == ()
    good = run(asked.session, inbound("@Chipo_Catering"))
    assert good.effects == (CheckAccountHandle("chipo_catering"),)


def test_a_taken_handle_is_refused_and_a_free_one_leads_to_the_confirmation() -> None:
    checking = run(
        owner_logged_in(),
        tap(accounts_ids.NEW_ACCOUNT),
        inbound("Chipo Catering"),
        inbound("chipo_bakery"),
    )
    taken = run(
        checking.session, AccountHandleChecked("chipo_bakery", AccountRef("acc-bakery", "B"))
    )
    assert "already taken" in said(taken)
    assert taken.session.screen.step == "handle"  # type: ignore[union-attr]
    free = run(
        owner_logged_in(), tap(accounts_ids.NEW_ACCOUNT), inbound("Chipo Catering"),
        inbound("chipo_catering"), AccountHandleChecked("chipo_catering", None),
    )  # fmt: skip
    assert free.session.screen == CONFIRMING
    assert ids_in(free.replies[0]) == [
        accounts_ids.create_account("chipo_catering"),
        navigation_ids.CANCEL,
    ]
    assert "*Currency:* USD" in said(free) and "*Type:* Business" in said(free)


def confirming() -> Session:
    return attrs.evolve(owner_logged_in(), screen=CONFIRMING)


@pytest.mark.parametrize(
    "event", [tap(accounts_ids.create_account("chipo_catering")), inbound("yes"), inbound("Yebo")]
)
def test_the_confirmation_creates_the_account(event: object) -> None:
    outcome = run(confirming(), event)  # type: ignore[arg-type]
    assert outcome.effects == (
        OpenAccount("mem-chipo", "Chipo Catering", "chipo_catering", "USD", "BUSINESS"),
    )


def test_an_old_or_repeated_create_tap_creates_nothing() -> None:
    for session in (owner_logged_in(), attrs.evolve(confirming(), screen=Home())):
        outcome = run(session, tap(accounts_ids.create_account("chipo_catering")))
        assert outcome.effects == () and "nothing new was created" in said(outcome)
    other = run(confirming(), tap(accounts_ids.create_account("something_else")))
    assert other.effects == ()


def test_no_cancels_and_other_text_asks_for_a_tap() -> None:
    no = run(confirming(), inbound("no"))
    assert no.effects == (LoadView(ShowDashboard("cancelled")),)
    cancel = run(confirming(), tap(navigation_ids.CANCEL))
    assert cancel.effects == (LoadView(ShowDashboard("cancelled")),)
    other = run(confirming(), inbound("hmm"))
    assert "tap *Create account*" in said(other) and other.effects == ()


def test_created_account_becomes_active_and_its_dashboard_is_shown() -> None:
    effect = OpenAccount("mem-chipo", "Chipo Catering", "chipo_catering", "USD")
    opened = run(confirming(), AccountOpened(effect, "acc-new"))
    assert opened.effects == (LoadView(EnterAccount("chipo_catering", "Chipo Catering")),)
    shown = run(
        opened.session,
        ViewLoaded(owner_view(PERSONAL, BAKERY, NEW), EnterAccount("chipo_catering", "x")),
    )
    assert shown.session.chosen_account == "acc-new"
    assert "*Chipo Catering* is open" in said(shown) and "*💳 Chipo Catering*" in said(shown)


def test_handle_in_use_after_a_lost_answer_is_recognised_as_ours() -> None:
    effect = OpenAccount("mem-chipo", "Chipo Catering", "chipo_catering", "USD")
    in_use = Failure("conflict", "Sorry, that handle is already in use")
    checking = run(confirming(), EffectFailed(effect, in_use))
    purpose = EnterAccount("chipo_catering", "Chipo Catering", after_refusal=True)
    assert checking.effects == (LoadView(purpose),)
    ours = run(checking.session, ViewLoaded(owner_view(PERSONAL, BAKERY, NEW), purpose))
    assert "is open" in said(ours) and ours.session.chosen_account == "acc-new"
    theirs = run(checking.session, ViewLoaded(owner_view(), purpose))
    assert "already taken" in said(theirs)
    assert theirs.session.screen.step == "handle"  # type: ignore[union-attr]


def test_refusals_are_worded_and_unavailability_keeps_the_form() -> None:
    effect = OpenAccount("mem-chipo", "Chipo Catering", "chipo_catering", "USD")
    tier = Failure(
        "forbidden", "You cannot create an account on the Open or Verified membership tiers."
    )
    refused = run(confirming(), EffectFailed(effect, tier))
    assert "a member can own only their personal account" in said(refused)
    assert refused.effects == (LoadView(ShowDashboard()),)
    down = run(confirming(), EffectFailed(effect, Failure("unavailable", "down")))
    assert "temporarily unavailable" in said(down) and down.session.screen == CONFIRMING


def test_back_walks_the_form_keeping_answers() -> None:
    to_handle = run(confirming(), inbound("back"))
    assert to_handle.session.screen.step == "handle"  # type: ignore[union-attr]
    assert "_Last time: chipo_catering_" in said(to_handle)
    to_name = run(to_handle.session, inbound("back"))
    assert "_Last time: Chipo Catering_" in said(to_name)
    out = run(to_name.session, inbound("back"))
    assert out.effects == (LoadView(ShowAccounts(1)),)


def test_a_timeout_mid_form_says_what_was_dropped() -> None:
    outcome = run(confirming(), inbound("blah"), now=LATER)
    assert outcome.effects == (LoadView(ShowDashboard("timed_out_form")),)


def test_the_word_ledger_opens_the_ledger_of_the_active_account() -> None:
    assert run(on_bakery(), inbound("Ledger")).effects == (LoadLedger("acc-bakery", 1, 6),)


def test_list_paging_id_opens_that_page() -> None:
    assert ids_intent(accounts_ids.accounts_page(2)) == OpenAccounts(2)


def test_an_old_accept_tap_for_an_offer_to_another_owned_account_still_works() -> None:
    from actors.effects import ActOnOffer
    from actors.flows.pending import BeforeAction

    bakery = attrs.evolve(BAKERY, pending_in=(offer("cx-b", "7", "Rudo"),))
    purpose = BeforeAction("accept", "cx-b")
    outcome = run(owner_logged_in(), ViewLoaded(owner_view(PERSONAL, bakery), purpose))
    assert outcome.effects == (ActOnOffer("accept", bakery.pending_in[0], "mem-chipo"),)


def test_a_timeout_passes_the_discarded_draft_to_the_note() -> None:
    confirming = run(
        owner_logged_in(), inbound("5=>rudo"),
        HandleResolved("rudo", AccountRef("acc-rudo", "Rudo Chikwanha Personal"), 0),
    )  # fmt: skip
    draft = confirming.session.draft
    assert draft is not None
    outcome = run(confirming.session, inbound("blah"), now=LATER)
    (effect,) = outcome.effects
    assert effect == LoadView(ShowDashboard("timed_out_discarded", dropped=draft))
    shown = run(outcome.session, ViewLoaded(owner_view(), effect.purpose), now=LATER)
    assert "unconfirmed offer of 5.00 USD to Rudo Chikwanha Personal was discarded" in said(shown)
