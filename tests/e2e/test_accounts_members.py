"""Accounts, members and notifications over the whole stack (signed webhooks, runtime on Redis,
credex-core simulator, WhatsApp simulator): Chipo (tier 4) acts for her bakery, lets Tendai
transact for it, routes its offer notifications to him and removes him again; Tendai (tier 3)
opens a business account; Rudo (tier 2) is told why he cannot; a timeout names the discarded
offer and returns Chipo to her personal account. credex-core is asked what really changed."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis

from actors.ports.credex import AccountDashboard
from gateway.credex import CredexClient
from simulator.demo import Demo
from tests.e2e.clock import ShiftedClock, clocked_demo
from tests.e2e.conftest import CHIPO, RUDO, TENDAI, outgoing
from tests.e2e.phone import Phone, buttons, rows, said


async def bakery_of(credex: CredexClient) -> AccountDashboard:
    view = await credex.member_view(CHIPO)
    return next(a for a in view.accounts if a.handle == "chipo_bakery")


async def chipo_on_her_bakery(demo: Demo) -> Phone:
    chipo = Phone(demo.whatsapp, CHIPO, "Chipo")
    (dashboard,) = await chipo.say("hi")
    assert "🗂️ Accounts" in rows(dashboard) and "👥 Members" in rows(dashboard)
    (listed,) = await chipo.pick("Accounts")
    assert "*Chipo Dube Personal* (chipo) ✅ _active_" in said([listed])
    (dashboard,) = await chipo.pick("Chipo's Bakery")
    switched = dashboard  # the note and the screen arrive as one message
    assert "now acting for *Chipo's Bakery*" in said([switched])
    assert "*💳 Chipo's Bakery*" in said([dashboard]) and "135.00 USD" in said([dashboard])
    return chipo


async def test_owner_switches_to_her_business_account_and_offers_from_it(
    demo: Demo, credex: CredexClient
) -> None:
    chipo = await chipo_on_her_bakery(demo)
    (confirm,) = await chipo.say("2=>rudo")
    assert "*From:* Chipo's Bakery (chipo_bakery)" in said([confirm])
    (dashboard,) = await chipo.tap("Sign & send")  # the note is folded into it
    assert "*💳 Chipo's Bakery*" in said([dashboard]) and "133.00 USD" in said([dashboard])
    bakery = await bakery_of(credex)
    assert [o.counterparty for o in bakery.pending_out] == ["Rudo Chikwanha Personal"]
    assert await outgoing(credex, CHIPO) == [o.credex_id for o in bakery.pending_out]
    assert chipo.rejected == []


async def test_tier_3_opens_a_business_account_and_tier_2_is_told_why_not(
    demo: Demo, credex: CredexClient
) -> None:
    tendai = Phone(demo.whatsapp, TENDAI, "Tendai")
    await tendai.say("hi")
    await tendai.pick("Accounts")
    (asked,) = await tendai.pick("New business account")
    assert "What should it be called?" in said([asked])
    (handle_q,) = await tendai.say("Tendai's Tuck-shop")
    assert "*Tendais Tuck-shop*" in said([handle_q]) and "removed the other" in said([handle_q])
    (confirm,) = await tendai.say("tendai_tuck")
    assert list(buttons(confirm)) == ["✅ Create account", "Cancel"]
    (dashboard,) = await tendai.tap("Create account")
    created = dashboard  # the note and the screen arrive as one message
    assert "*Tendais Tuck-shop* is open, with the handle *tendai_tuck*" in said([created])
    assert "*💳 Tendais Tuck-shop*" in said([dashboard])
    view = await credex.member_view(TENDAI)
    assert [(a.handle, a.name) for a in view.accounts] == [
        ("tendai", "Tendai Moyo Personal"),
        ("tendai_tuck", "Tendais Tuck-shop"),
    ]

    rudo = Phone(demo.whatsapp, RUDO, "Rudo")
    (dashboard,) = await rudo.say("hi")
    assert not any("Accounts" in title for title in rows(dashboard))
    (why,) = await rudo.say("accounts")
    assert "Business accounts need a paid tier" in said([why])
    assert "Verified tier (tier 2)" in said([why])
    assert len((await credex.member_view(RUDO)).accounts) == 1
    assert tendai.rejected == [] and rudo.rejected == []


async def authorize_tendai_for_the_bakery(credex: CredexClient) -> None:
    """Setup straight through credex-core, so each test stays within WhatsApp's burst of ten
    messages per user (the sender paces one message per six seconds after that)."""
    view = await credex.member_view(CHIPO)
    bakery = next(a for a in view.accounts if a.handle == "chipo_bakery")
    owner = view.member.member_id
    await credex.authorize(CHIPO, account_id=bakery.account_id, handle=TENDAI, owner_id=owner)


async def test_owner_adds_a_member_by_phone_after_a_confirmation_naming_him(
    demo: Demo, credex: CredexClient
) -> None:
    chipo = await chipo_on_her_bakery(demo)
    (listed,) = await chipo.pick("Members")
    assert "*Chipo Dube* (you, the owner)" in said([listed])
    await chipo.pick("Add a member")
    (confirm,) = await chipo.say(TENDAI)
    assert "Allow *Tendai Moyo* (263771000001) to transact for *Chipo's Bakery*?" in said([confirm])
    bakery = await bakery_of(credex)
    assert [m.first_name for m in bakery.authorized] == ["Chipo"]
    (members,) = await chipo.tap("Allow")
    added = members  # the note and the screen arrive as one message
    assert "*Tendai Moyo* can now transact" in said([added])
    assert "• *Tendai Moyo*" in said([members]) and "❌ Tendai Moyo" in rows(members)
    bakery = await bakery_of(credex)
    assert [m.first_name for m in bakery.authorized] == ["Chipo", "Tendai"]

    tendai = Phone(demo.whatsapp, TENDAI, "Tendai")
    await tendai.say("hi")
    (refused,) = await tendai.say("members")
    assert "Entrepreneur tier (tier 4)" in said([refused])
    assert chipo.rejected == [] and tendai.rejected == []


async def test_owner_removes_a_member_after_a_confirmation(
    demo: Demo, credex: CredexClient
) -> None:
    await authorize_tendai_for_the_bakery(credex)
    chipo = await chipo_on_her_bakery(demo)
    (listed,) = await chipo.pick("Members")
    assert "• *Tendai Moyo*" in said([listed])
    (ask,) = await chipo.pick("Tendai Moyo")
    assert "Remove *Tendai Moyo* from *Chipo's Bakery*?" in said([ask])
    assert len((await bakery_of(credex)).authorized) == 2
    (members,) = await chipo.tap("Yes, remove")
    removed = members  # the note and the screen arrive as one message
    assert "*Tendai Moyo* can no longer transact for *Chipo's Bakery*" in said([removed])
    listing = said([members]).split("👥", 1)[1]  # the list after the folded note
    assert "Tendai" not in listing
    bakery = await bakery_of(credex)
    assert [m.first_name for m in bakery.authorized] == ["Chipo"]
    assert chipo.rejected == []


async def test_owner_sends_offer_notifications_to_an_authorized_member(
    demo: Demo, credex: CredexClient
) -> None:
    await authorize_tendai_for_the_bakery(credex)
    chipo = await chipo_on_her_bakery(demo)
    dashboard = chipo.whatsapp.sent_to(CHIPO)[-1]
    assert "🛎️ Notifications" in rows(dashboard)  # shown: there is someone to choose
    (choices,) = await chipo.pick("Notifications")
    assert "They go to *Chipo Dube* (you)" in said([choices])
    (ask,) = await chipo.pick("Tendai Moyo")
    assert "to *Tendai Moyo* instead of *Chipo Dube* (you)?" in said([ask])
    before = (await bakery_of(credex)).send_offers_to
    assert before is not None and before.first_name == "Chipo"
    (now,) = await chipo.tap("Yes, change")
    changed = now  # the note and the screen arrive as one message
    assert "offer notifications for *Chipo's Bakery* now go to *Tendai Moyo*" in said([changed])
    assert "They go to *Tendai Moyo*" in said([now])
    bakery = await bakery_of(credex)
    assert bakery.send_offers_to is not None
    assert bakery.send_offers_to.first_name == "Tendai"
    assert chipo.rejected == []


TIMEOUT = 300
CLOCK = ShiftedClock()


@pytest.fixture
async def short_demo(
    redis_url: str, key_prefix: str, redis_client: aioredis.Redis
) -> AsyncIterator[Demo]:
    async with clocked_demo(redis_url, key_prefix, CLOCK, TIMEOUT) as running:
        yield running


async def test_timeout_names_the_discarded_offer_and_returns_to_the_personal_account(
    short_demo: Demo,
) -> None:
    chipo = await chipo_on_her_bakery(short_demo)
    (confirm,) = await chipo.say("2=>rudo")
    assert "*From:* Chipo's Bakery" in said([confirm])
    CLOCK.advance(TIMEOUT + 1)  # the user says nothing for a while
    (dashboard,) = await chipo.say("what now?")
    note = dashboard  # the note and the screen arrive as one message
    assert "Your unconfirmed offer of 2.00 USD to Rudo Chikwanha Personal was discarded" in said(
        [note]
    )
    assert "back on your personal account" in said([note])
    assert "*💳 Chipo Dube Personal*" in said([dashboard])
    assert chipo.rejected == []
