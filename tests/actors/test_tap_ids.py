"""Button and list-row ids: each format is written once (actors/intents/tap.py) and both ways
derive from it; the ids already on members' phones read as they always did."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actors.intents import TAPS, from_id
from actors.intents import accounts as accounts_ids
from actors.intents import ledger as ledger_ids
from actors.intents import members as members_ids
from actors.intents import notifications as notifications_ids
from actors.intents import pending as pending_ids
from actors.intents.accounts import CreateAccount, NewAccount, OpenAccounts, SwitchAccount
from actors.intents.base import Intent, Nav, Retyped, Unsupported
from actors.intents.ledger import OpenLedger, OpenLedgerCredex
from actors.intents.members import AddMember, MemberAction, OpenMembers
from actors.intents.notifications import NotifyAction, OpenNotifications
from actors.intents.offer import DueIn, StartOffer
from actors.intents.onboarding import BecomeMember, NameAnswer
from actors.intents.pending import AcceptAllOffers, Act, OpenOffer, OpenPending
from actors.intents.quick import Quick
from actors.intents.receive import GetPaid
from actors.intents.statement import AskStatement
from actors.intents.submit import Confirm, Discard
from actors.intents.tap import PAGE, Field, Fixed, TapId, Taps
from parser import Navigation

CX = "0b7e6f7a-5c1d-4a8e-9f3b-2d6c8e1a4b90"
ACC = "a1b2c3d4-0000-4000-8000-00000000abcd"
MEM = "m-42"

# Ids exactly as the bot sent them before the formats moved beside their flows.
SENT_BEFORE: list[tuple[str, Intent]] = [
    ("menu", Nav(Navigation.MENU)),
    ("help", Nav(Navigation.HELP)),
    ("nav:cancel", Nav(Navigation.CANCEL)),
    ("onboard:start", BecomeMember()),
    ("onboard:register", NameAnswer(register=True)),
    ("onboard:edit", NameAnswer(register=False)),
    ("offer:secured", StartOffer(secured=True)),
    ("offer:unsecured", StartOffer(secured=False)),
    ("due:7", DueIn(7)),
    ("due:28", DueIn(28)),
    ("confirm:3f9a0c1b2d4e", Confirm("3f9a0c1b2d4e")),
    ("discard:3f9a0c1b2d4e", Discard("3f9a0c1b2d4e")),
    ("offers:in:page:2", OpenPending("in", 2)),
    ("offers:out:page:1", OpenPending("out", 1)),
    ("View Pending", OpenPending("in")),
    (f"offer:in:{CX}", OpenOffer("in", CX)),
    (f"offer:out:{CX}", OpenOffer("out", CX)),
    (f"accept:{CX}", Act("accept", CX)),
    (f"decline:{CX}", Act("decline", CX)),
    (f"cancel:{CX}", Act("ask_cancel", CX)),
    (f"cancelnow:{CX}", Act("cancel", CX)),
    ("offers:in:acceptall", AcceptAllOffers()),
    ("offers:in:acceptall:0123456789ab", AcceptAllOffers("0123456789ab")),
    ("ledger:page:3", OpenLedger(3)),
    ("ledger:page:3:end:40", OpenLedger(3, 40)),
    (f"ledger:credex:{CX}:page:2", OpenLedgerCredex(CX, 2)),
    (f"ledger:credex:{CX}:page:2:end:40", OpenLedgerCredex(CX, 2, 40)),
    ("ledger:statement", AskStatement()),
    ("getpaid", GetPaid()),
    ("accounts", OpenAccounts()),
    ("accounts:page:2", OpenAccounts(2)),
    ("account:new", NewAccount()),
    (f"account:switch:{ACC}", SwitchAccount(ACC)),
    ("account:create:rudo_shop", CreateAccount("rudo_shop")),
    ("members", OpenMembers()),
    ("members:add", AddMember()),
    (f"members:authorize:{ACC}:bob_1", MemberAction("authorize", ACC, "bob_1")),
    (f"members:remove:{ACC}:{MEM}", MemberAction("ask_remove", ACC, MEM)),
    (f"members:removenow:{ACC}:{MEM}", MemberAction("remove", ACC, MEM)),
    ("notifications", OpenNotifications()),
    (f"notify:set:{ACC}:{MEM}", NotifyAction(False, ACC, MEM)),
    (f"notify:setnow:{ACC}:{MEM}", NotifyAction(True, ACC, MEM)),
]


@pytest.mark.parametrize(("reply_id", "intent"), SENT_BEFORE)
def test_an_id_sent_before_still_reads_as_the_same_intent(reply_id: str, intent: Intent) -> None:
    assert from_id(reply_id) == intent


def test_a_quick_button_reads_its_command_as_if_typed() -> None:
    intent = from_id("quick:5=>rudo")
    assert isinstance(intent, Quick) and intent.offers[0].handle == "rudo"


def test_the_encoders_write_the_ids_as_before() -> None:
    assert pending_ids.pending_page("out", 3) == "offers:out:page:3"
    assert pending_ids.accept(CX) == f"accept:{CX}"
    assert pending_ids.ask_cancel(CX) == f"cancel:{CX}"
    assert pending_ids.cancel_now(CX) == f"cancelnow:{CX}"
    assert pending_ids.ACCEPT_ALL == "offers:in:acceptall"
    assert pending_ids.accept_all(("a", "b")) == "offers:in:acceptall:" + (
        pending_ids.listed_digest(("a", "b"))
    )
    assert ledger_ids.ledger_page(1) == "ledger:page:1"
    assert ledger_ids.ledger_page(2, 40) == "ledger:page:2:end:40"
    assert ledger_ids.ledger_credex(CX, 2) == f"ledger:credex:{CX}:page:2"
    assert ledger_ids.ledger_credex(CX, 2, 9) == f"ledger:credex:{CX}:page:2:end:9"
    assert accounts_ids.create_account("rudo_shop") == "account:create:rudo_shop"
    assert members_ids.remove_member(ACC, MEM) == f"members:removenow:{ACC}:{MEM}"
    assert notifications_ids.set_notify(ACC, MEM) == f"notify:setnow:{ACC}:{MEM}"


@pytest.mark.parametrize("tap", TAPS.formats(), ids=repr)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_format_writes_back_exactly_the_id_it_read(
    tap: TapId[..., Intent], data: st.DataObject
) -> None:
    reply_id = data.draw(st.from_regex(tap.pattern, fullmatch=True))
    intent = tap.read(reply_id)
    assert intent is not None
    assert tap(*(getattr(intent, name) for name in tap.names)) == reply_id
    if not isinstance(intent, Retyped):  # a quick button's command is read as typed text
        assert from_id(reply_id) == intent  # no other format or fixed id reads it first


@pytest.mark.parametrize("reply_id", [r for r, _ in SENT_BEFORE if ":" in r])
def test_every_id_sent_before_is_read_by_one_format_only(reply_id: str) -> None:
    readers = [t for t in TAPS.formats() if t.read(reply_id) is not None]
    if reply_id in TAPS.fixed():
        assert readers == []  # a fixed id is never also read by a format
        return
    assert len(readers) == 1, f"{reply_id!r} is read by {readers}"
    intent = readers[0].read(reply_id)
    assert intent is not None and from_id(reply_id) == intent


@pytest.mark.parametrize(
    "reply_id",
    [
        "due:8",
        "offers:in:page:0",
        "offers:up:page:1",
        "accept:",
        "accept:a:b",
        "ledger:page:x",
        "account:create:Rudo",
        "notify:maybe:a:b",
        "offer:sideways",
        "offers:in:page:1\u0660",  # an Arabic-Indic digit: ids carry ASCII digits only
        "menu ",
        "",
    ],
)
def test_a_malformed_id_is_not_understood(reply_id: str) -> None:
    assert from_id(reply_id) == Unsupported("button")


def test_a_format_needs_a_field_and_a_parameter_for_every_placeholder() -> None:
    with pytest.raises(ValueError, match="placeholder"):
        TapId("ledger:page:{page}:{extra}", OpenLedger, page=PAGE, extra=PAGE)
    with pytest.raises(ValueError, match="placeholder"):
        TapId("ledger:page:{page}", OpenLedger)


def test_the_table_refuses_two_meanings_for_one_id() -> None:
    with pytest.raises(ValueError, match="two intents"):
        Taps([Fixed("menu", Nav(Navigation.MENU))], [Fixed("menu", Nav(Navigation.HELP))])
    page = TapId("offers:{direction}:page:{page}", OpenPending, direction=Field("in"), page=PAGE)
    with pytest.raises(ValueError, match="declared twice"):
        Taps([page], [page])
    with pytest.raises(ValueError, match="also reads as"):
        Taps([page], [Fixed("offers:in:page:1", GetPaid())])


def test_an_optional_tail_is_left_out_at_its_default_and_read_when_present() -> None:
    again = TapId(
        "again:{text}[:n:{n}]",
        lambda text, n=1: Retyped(f"{text}{n}"),
        text=Field("[a-z]+"),
        n=PAGE,
    )
    assert again("hi") == "again:hi"
    assert again("hi", 3) == "again:hi:n:3"
    assert again.read("again:hi") == Retyped("hi1")
    assert again.read("again:hi:n:3") == Retyped("hi3")
