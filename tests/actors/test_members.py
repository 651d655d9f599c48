"""Members and notifications as tables of (session, event) -> outcome: who may transact for the
active account, adding by handle with a named confirmation, removing (everyone but the owner),
the limit of 5, tier refusals in plain words, and who receives offer notifications."""

from __future__ import annotations

import attrs
import pytest

from actors.effects import Authorize, LoadView, LookupMember, SetSendOffersTo, Unauthorize
from actors.events import ButtonTapped, ListPicked
from actors.failure import Failure
from actors.flows.members import BeforeAddMember, BeforeMemberAction, ShowMembers
from actors.flows.notifications import BeforeNotify, ShowNotifications
from actors.intents import members as members_ids
from actors.intents import navigation as navigation_ids
from actors.intents import notifications as notifications_ids
from actors.ports.credex import MemberRef
from actors.results import (
    EffectFailed,
    MemberAuthorized,
    MemberFound,
    MemberUnauthorized,
    SendOffersToSet,
    ViewLoaded,
)
from actors.session import AskYesNo, Home, MemberForm, Session
from tests.actors.views import (
    BAKERY,
    CHIPO,
    FARAI_M,
    NYASHA_M,
    PERSONAL,
    RUDO_M,
    TENDAI_M,
    ids_in,
    inbound,
    owner_logged_in,
    owner_view,
    run,
    said,
)

FULL = attrs.evolve(BAKERY, authorized=(CHIPO, TENDAI_M, RUDO_M, FARAI_M, NYASHA_M))
FARAI = MemberRef("mem-farai", "Farai Ncube")
TIER = (
    "You can only authorize someone to transact on behalf of your account when you are on the "
    "Entrepreneur tier or above."
)


def tap(reply_id: str) -> object:
    return inbound(ButtonTapped(reply_id, ""))


def on_bakery(*accounts: object, tier: int = 4) -> Session:
    return owner_logged_in(*accounts, tier=tier, chosen="acc-bakery")  # type: ignore[arg-type]


# ----- the list -----


@pytest.mark.parametrize(
    "event", [inbound(ListPicked(members_ids.MEMBERS, "")), inbound("members")]
)
def test_members_row_or_word_loads_a_fresh_view(event: object) -> None:
    assert run(on_bakery(), event).effects == (LoadView(ShowMembers()),)  # type: ignore[arg-type]


def test_list_names_every_authorized_member_and_lets_all_but_the_owner_be_removed() -> None:
    outcome = run(on_bakery(), ViewLoaded(owner_view(), ShowMembers()))
    assert ids_in(outcome.replies[0]) == [
        members_ids.ADD_MEMBER,
        members_ids.ask_remove_member("acc-bakery", "mem-tendai"),
        members_ids.ask_remove_member("acc-bakery", "mem-rudo"),
        navigation_ids.MENU,
    ]
    assert "*Chipo Dube* (you, the owner)" in said(outcome)


def test_a_full_account_has_no_add_row_and_explains_the_limit() -> None:
    outcome = run(on_bakery(), ViewLoaded(owner_view(PERSONAL, FULL), ShowMembers()))
    rows = ids_in(outcome.replies[0])
    assert members_ids.ADD_MEMBER not in rows
    assert members_ids.ask_remove_member("acc-bakery", "mem-nyasha") in rows  # the last one too
    assert "limit of 5 (you included)" in said(outcome)


@pytest.mark.parametrize("tier", [1, 2, 3])
def test_below_the_entrepreneur_tier_the_reason_is_given_in_plain_words(tier: int) -> None:
    outcome = run(owner_logged_in(tier=tier), ViewLoaded(owner_view(tier=tier), ShowMembers()))
    assert "Entrepreneur tier (tier 4)" in said(outcome) and f"(tier {tier})" in said(outcome)
    assert ids_in(outcome.replies[0]) == [navigation_ids.MENU]


# ----- adding -----


def adding() -> Session:
    outcome = run(
        on_bakery(), tap(members_ids.ADD_MEMBER), ViewLoaded(owner_view(), BeforeAddMember())
    )
    return outcome.session


def test_add_checks_tier_and_limit_then_asks_for_a_handle() -> None:
    asked = run(on_bakery(), tap(members_ids.ADD_MEMBER))
    assert asked.effects == (LoadView(BeforeAddMember()),)
    outcome = run(asked.session, ViewLoaded(owner_view(), BeforeAddMember()))
    assert outcome.session.screen == MemberForm(
        "acc-bakery", "Chipos Bakery", ("mem-chipo", "mem-tendai", "mem-rudo")
    )
    assert "their phone number" in said(outcome)
    full = run(asked.session, ViewLoaded(owner_view(PERSONAL, FULL), BeforeAddMember()))
    assert "already has 5 authorized members" in said(full)
    assert full.session.screen == Home()
    low = run(owner_logged_in(tier=3), ViewLoaded(owner_view(tier=3), BeforeAddMember()))
    assert "Entrepreneur tier" in said(low)


@pytest.mark.parametrize(
    ("typed", "effect", "words"),
    [
        ("263771000003", LookupMember("263771000003"), ""),
        (" @263771000003 ", LookupMember("263771000003"), ""),
        ("chipo", None, "That's you"),
        ("26377 1000003", LookupMember("263771000003"), ""),  # a phone number, as people group it
        ("+263 77 100 0003", LookupMember("263771000003"), ""),
        ("chipo dube", None, "can't have spaces"),
    ],
)
def test_the_handle_is_read_then_looked_up(typed: str, effect: object, words: str) -> None:
    outcome = run(adding(), inbound(typed))
    assert outcome.effects == ((effect,) if effect else ())
    assert words in said(outcome)


def test_the_confirmation_names_the_member_and_carries_account_and_handle() -> None:
    looking = run(adding(), inbound("263771000003"))
    outcome = run(looking.session, MemberFound("263771000003", FARAI))
    yes = members_ids.authorize_member("acc-bakery", "263771000003")
    assert outcome.session.screen == AskYesNo(yes, members_ids.MEMBERS)
    assert ids_in(outcome.replies[0]) == [yes, members_ids.MEMBERS]
    assert "Allow *Farai Ncube* (263771000003) to transact for *Chipos Bakery*?" in said(outcome)


def test_someone_already_authorized_is_told_so() -> None:
    looking = run(adding(), inbound("263771000001"))
    outcome = run(looking.session, MemberFound("263771000001", MemberRef("mem-tendai", "T M")))
    assert "can already transact" in said(outcome) and outcome.effects == ()


def test_an_unknown_handle_says_to_check_the_phone_number() -> None:
    looking = run(adding(), inbound("263779999999"))
    missing = Failure("not_found", "Member not found")
    outcome = run(looking.session, EffectFailed(LookupMember("263779999999"), missing))
    assert "no member with the handle *263779999999*" in said(outcome)
    assert isinstance(outcome.session.screen, MemberForm)  # they can send another


@pytest.mark.parametrize(
    ("answer", "effect"),
    [
        ("yes", Authorize("acc-bakery", "263771000003", "mem-chipo")),
        ("no", LoadView(ShowMembers())),
    ],
)
def test_typed_yes_or_no_on_the_confirmation_counts_as_a_tap(answer: str, effect: object) -> None:
    confirming = run(adding(), inbound("263771000003"), MemberFound("263771000003", FARAI))
    assert run(confirming.session, inbound(answer)).effects == (effect,)


def test_other_text_on_the_confirmation_asks_for_a_tap() -> None:
    confirming = run(adding(), inbound("263771000003"), MemberFound("263771000003", FARAI))
    outcome = run(confirming.session, inbound("maybe"))
    assert "tap one of the buttons" in said(outcome) and outcome.effects == ()


def test_authorized_member_is_named_and_the_new_list_shown() -> None:
    tapped = run(on_bakery(), tap(members_ids.authorize_member("acc-bakery", "263771000003")))
    effect = Authorize("acc-bakery", "263771000003", "mem-chipo")
    assert tapped.effects == (effect,)
    done = run(tapped.session, MemberAuthorized(effect, FARAI))
    assert "*Farai Ncube* can now transact" in said(done)
    assert done.effects == (LoadView(ShowMembers("acc-bakery")),)


@pytest.mark.parametrize(
    ("message", "words"),
    [
        (TIER, "Entrepreneur tier (tier 4)"),
        ("Limit of 5 authorized accounts reached. Remove one.", "at most 5 authorized members"),
        ("Accounts not found", "could not find that member"),
        ("Something odd", "Nothing was changed"),
    ],
)
def test_credex_core_refusals_of_authorize_are_plain_words(message: str, words: str) -> None:
    effect = Authorize("acc-bakery", "263771000003", "mem-chipo")
    outcome = run(on_bakery(), EffectFailed(effect, Failure("invalid", message)))
    assert words in said(outcome)


# ----- removing -----


@pytest.mark.parametrize("member", ["mem-tendai", "mem-nyasha"])
def test_remove_asks_first_then_removes_any_member_even_the_last(member: str) -> None:
    view = owner_view(PERSONAL, FULL)
    asked = run(on_bakery(), tap(members_ids.ask_remove_member("acc-bakery", member)))
    assert asked.effects == (LoadView(BeforeMemberAction(False, "acc-bakery", member)),)
    question = run(asked.session, ViewLoaded(view, BeforeMemberAction(False, "acc-bakery", member)))
    yes = members_ids.remove_member("acc-bakery", member)
    assert question.session.screen == AskYesNo(yes, members_ids.MEMBERS)
    assert ids_in(question.replies[0]) == [yes, members_ids.MEMBERS]
    done = run(question.session, ViewLoaded(view, BeforeMemberAction(True, "acc-bakery", member)))
    (effect,) = done.effects
    assert isinstance(effect, Unauthorize) and effect.member.member_id == member
    assert effect.owner_id == "mem-chipo" and effect.account_id == "acc-bakery"


def test_the_owner_cannot_be_removed() -> None:
    purpose = BeforeMemberAction(True, "acc-bakery", "mem-chipo")
    outcome = run(on_bakery(), ViewLoaded(owner_view(), purpose))
    assert "always keep access" in said(outcome)
    assert outcome.effects == (LoadView(ShowMembers("acc-bakery")),)


@pytest.mark.parametrize(
    "purpose",
    [
        BeforeMemberAction(True, "acc-bakery", "mem-farai"),  # not authorized (any more)
        BeforeMemberAction(True, "acc-gone", "mem-tendai"),  # not an account they own
    ],
)
def test_an_old_remove_tap_for_someone_already_gone_changes_nothing(
    purpose: BeforeMemberAction,
) -> None:
    outcome = run(on_bakery(), ViewLoaded(owner_view(), purpose))
    assert "nothing to remove" in said(outcome)
    assert not any(isinstance(e, Unauthorize) for e in outcome.effects)


def test_removed_member_is_named_and_the_new_list_shown() -> None:
    effect = Unauthorize("acc-bakery", "Chipos Bakery", RUDO_M, "mem-chipo")
    done = run(on_bakery(), MemberUnauthorized(effect))
    assert "*Rudo Chikwanha* can no longer transact for *Chipos Bakery*" in said(done)
    assert done.effects == (LoadView(ShowMembers("acc-bakery")),)
    failed = run(
        on_bakery(),
        EffectFailed(effect, Failure("invalid", "Failed to unauthorize member for the account")),
    )
    assert "nothing to remove" in said(failed)


def test_back_from_the_handle_question_returns_to_the_list() -> None:
    assert run(adding(), inbound("back")).effects == (LoadView(ShowMembers()),)


# ----- notifications -----


@pytest.mark.parametrize(
    "event", [inbound(ListPicked(notifications_ids.NOTIFICATIONS, "")), inbound("Notifications")]
)
def test_notifications_row_or_word_loads_a_fresh_view(event: object) -> None:
    outcome = run(on_bakery(), event)  # type: ignore[arg-type]
    assert outcome.effects == (LoadView(ShowNotifications()),)


def test_notifications_say_who_receives_them_and_offer_every_other_authorized_member() -> None:
    outcome = run(on_bakery(), ViewLoaded(owner_view(), ShowNotifications()))
    assert "They go to *Chipo Dube* (you)" in said(outcome)
    assert ids_in(outcome.replies[0]) == [
        notifications_ids.ask_notify("acc-bakery", "mem-tendai"),
        notifications_ids.ask_notify("acc-bakery", "mem-rudo"),
        navigation_ids.MENU,
    ]


def test_with_only_the_owner_authorized_there_is_nobody_else_to_choose() -> None:
    outcome = run(owner_logged_in(), ViewLoaded(owner_view(), ShowNotifications()))
    assert "that's only you" in said(outcome) and ids_in(outcome.replies[0]) == [
        navigation_ids.MENU
    ]


def test_changing_the_recipient_asks_then_changes_then_shows_the_new_state() -> None:
    asked = run(on_bakery(), tap(notifications_ids.ask_notify("acc-bakery", "mem-tendai")))
    purpose = BeforeNotify(False, "acc-bakery", "mem-tendai")
    assert asked.effects == (LoadView(purpose),)
    question = run(asked.session, ViewLoaded(owner_view(), purpose))
    yes = notifications_ids.set_notify("acc-bakery", "mem-tendai")
    assert question.session.screen == AskYesNo(yes, notifications_ids.NOTIFICATIONS)
    assert "to *Tendai Moyo* instead of *Chipo Dube* (you)?" in said(question)
    typed_yes = run(question.session, inbound("yes"))
    assert typed_yes.effects == (LoadView(BeforeNotify(True, "acc-bakery", "mem-tendai")),)
    confirmed = run(
        typed_yes.session, ViewLoaded(owner_view(), BeforeNotify(True, "acc-bakery", "mem-tendai"))
    )
    effect = SetSendOffersTo("acc-bakery", "Chipos Bakery", TENDAI_M, "mem-chipo")
    assert confirmed.effects == (effect,)
    done = run(confirmed.session, SendOffersToSet(effect))
    assert "now go to *Tendai Moyo*" in said(done)
    assert done.effects == (LoadView(ShowNotifications("acc-bakery")),)


def test_an_unauthorized_or_current_recipient_is_not_asked_about() -> None:
    stranger = run(on_bakery(), ViewLoaded(owner_view(), BeforeNotify(True, "acc-bakery", "x")))
    assert "only authorized members can receive" in said(stranger)
    assert not any(isinstance(e, SetSendOffersTo) for e in stranger.effects)
    current = run(
        on_bakery(), ViewLoaded(owner_view(), BeforeNotify(False, "acc-bakery", "mem-chipo"))
    )
    assert "already go to *Chipo Dube*" in said(current)


def test_a_refused_change_says_why_in_plain_words() -> None:
    effect = SetSendOffersTo("acc-bakery", "Chipos Bakery", TENDAI_M, "mem-chipo")
    refused = Failure("invalid", "Failed to update offer recipient for account")
    outcome = run(on_bakery(), EffectFailed(effect, refused))
    assert "must be authorized for the account" in said(outcome)
