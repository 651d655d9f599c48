"""Accounts, members and notifications through the shell against the credex-core simulator (demo
seed, real HTTP, real client): Chipo (tier 4) owns chipo and chipo_bakery, Tendai is tier 3,
Rudo tier 2, Farai tier 1. Each test is a short conversation; credex-core is asked directly what
really changed."""

from __future__ import annotations

from actors.intents import accounts as accounts_ids
from actors.intents import ledger as ledger_ids
from actors.intents import members as members_ids
from actors.intents import navigation as navigation_ids
from actors.intents import notifications as notifications_ids
from actors.intents import pending as pending_ids
from actors.intents import submit as submit_ids
from actors.ports.credex import AccountDashboard, CredexCore
from actors.replies import Reply
from tests.actors.chat import Chat
from tests.actors.views import ids_in, text_of

TENDAI, RUDO, FARAI, CHIPO = "263771000001", "263771000002", "263771000003", "263771000004"
SEED_A = "263778177125"  # a seeded staff member (tier 5), to fill the fifth place


def said(replies: list[Reply]) -> str:
    return "\n".join(text_of(r) for r in replies)


def row(replies: list[Reply], prefix: str) -> str:
    found = [i for r in replies for i in ids_in(r) if i.startswith(prefix)]
    assert found, f"no row starting {prefix!r} in {said(replies)}"
    return found[0]


async def bakery(credex: CredexCore) -> AccountDashboard:
    view = await credex.member_view(CHIPO)
    return next(a for a in view.accounts if a.handle == "chipo_bakery")


async def on_bakery(chat: Chat) -> Chat:
    chipo = chat.as_user(CHIPO)
    first = await chipo.send("hi")
    assert "🗂️ Accounts" in said(first) and "👥 Members" in said(first)
    listed = await chipo.pick(accounts_ids.ACCOUNTS)
    switched = await chipo.pick(
        row(listed, "account:switch:" + (await bakery(chat.credex)).account_id)
    )
    assert "now acting for *Chipo's Bakery*" in said(switched)
    return chipo


async def test_switching_to_the_business_account_makes_every_flow_act_for_it(chat: Chat) -> None:
    chipo = await on_bakery(chat)
    dashboard = said(await chipo.send("menu"))
    assert "*💳 Chipo's Bakery*" in dashboard and "135.00 USD" in dashboard
    ledger = said(await chipo.pick(ledger_ids.ledger_page(1)))
    assert "150.00 USD* from VimbisoPay: Trust" in ledger and "15.00 USD* to Tendai" in ledger
    confirm = await chipo.send("2=>rudo")
    assert "*From:* Chipo's Bakery (chipo_bakery)" in said(confirm)
    await chipo.tap(submit_ids.confirm(chipo.session.draft.draft_id))  # type: ignore[union-attr]
    incoming = said(await chat.as_user(RUDO).pick(pending_ids.pending_page("in", 1)))
    assert "2.00 USD* from Chipo's Bakery (secured)" in incoming
    assert [o.counterparty for o in (await bakery(chat.credex)).pending_out] == [
        "Rudo Chikwanha Personal"
    ]


async def test_after_the_timeout_the_member_is_back_on_the_personal_account(chat: Chat) -> None:
    chipo = await on_bakery(chat)
    chat.clock.advance(301)
    (dashboard,) = await chipo.send("what now")  # the note folded into the dashboard
    assert "back on your personal account" in said([dashboard])
    assert "*💳 Chipo Dube Personal*" in said([dashboard])


async def test_timeout_note_names_the_discarded_offer(chat: Chat) -> None:
    tendai = chat.as_user(TENDAI)
    await tendai.send("5=>rudo")
    chat.clock.advance(301)
    (note,) = await tendai.send("what now")
    assert "Your unconfirmed offer of 5.00 USD to Rudo Chikwanha Personal was discarded" in said(
        [note]
    )


async def test_tier_3_opens_a_business_account_with_a_cleaned_name(chat: Chat) -> None:
    tendai = chat.as_user(TENDAI)
    await tendai.send("hi")
    listed = await tendai.pick(accounts_ids.ACCOUNTS)
    assert ids_in(listed[0]) == [
        row(listed, "account:switch:"),
        accounts_ids.NEW_ACCOUNT,
        navigation_ids.MENU,
    ]
    await tendai.pick(accounts_ids.NEW_ACCOUNT)
    asked = said(await tendai.send("Tendai's Tuck-shop!"))
    assert "*Tendais Tuck-shop*" in asked and "I removed the other characters" in asked
    taken = said(await tendai.send("chipo_bakery"))
    assert "*chipo_bakery* is already taken" in taken
    confirm = await tendai.send("Tendai_Tuck")
    assert ids_in(confirm[0]) == [accounts_ids.create_account("tendai_tuck"), navigation_ids.CANCEL]
    created = said(await tendai.tap(accounts_ids.create_account("tendai_tuck")))
    assert "*Tendais Tuck-shop* is open, with the handle *tendai_tuck*" in created
    assert "*💳 Tendais Tuck-shop*" in created and "Active account (2 you own)" in created
    again = said(await tendai.tap(accounts_ids.create_account("tendai_tuck")))
    assert "nothing new was created" in again
    view = await chat.credex.member_view(TENDAI)
    assert [a.handle for a in view.accounts] == ["tendai", "tendai_tuck"]


async def test_verified_tier_is_told_why_it_cannot_open_an_account(chat: Chat) -> None:
    rudo = chat.as_user(RUDO)
    dashboard = await rudo.send("hi")
    assert "Accounts" not in said(dashboard)
    for reply in (await rudo.send("accounts"), await rudo.tap(accounts_ids.NEW_ACCOUNT)):
        assert "Business accounts need a paid tier" in said(reply)
        assert "Verified tier (tier 2)" in said(reply)
    assert len((await chat.credex.member_view(RUDO)).accounts) == 1


async def test_owner_adds_a_member_routes_notifications_to_them_then_removes_them(
    chat: Chat,
) -> None:
    chipo = await on_bakery(chat)
    listed = await chipo.pick(members_ids.MEMBERS)
    assert "*Chipo Dube* (you, the owner)" in said(listed)
    await chipo.pick(members_ids.ADD_MEMBER)
    confirm = await chipo.send(TENDAI)
    assert "Allow *Tendai Moyo* (263771000001) to transact for *Chipo's Bakery*?" in said(confirm)
    assert [m.first_name for m in (await bakery(chat.credex)).authorized] == ["Chipo"]
    added = await chipo.tap(ids_in(confirm[0])[0])
    assert "*Tendai Moyo* can now transact" in said(added) and "• *Tendai Moyo*" in said(added)
    assert [m.first_name for m in (await bakery(chat.credex)).authorized] == ["Chipo", "Tendai"]

    choices = await chipo.pick(notifications_ids.NOTIFICATIONS)
    assert "They go to *Chipo Dube* (you)" in said(choices)
    asked = await chipo.pick(row(choices, "notify:set:"))
    changed = await chipo.send("yes")
    assert "now go to *Tendai Moyo*" in said(changed) and "They go to *Tendai Moyo*" in said(
        changed
    )
    assert (await bakery(chat.credex)).send_offers_to.first_name == "Tendai"  # type: ignore[union-attr]
    assert asked

    members = await chipo.pick(members_ids.MEMBERS)
    ask = await chipo.pick(row(members, "members:remove:"))
    assert "Remove *Tendai Moyo* from *Chipo's Bakery*?" in said(ask)
    removed = await chipo.tap(row(ask, "members:removenow:"))
    assert "*Tendai Moyo* can no longer transact for *Chipo's Bakery*" in said(removed)
    after = await bakery(chat.credex)
    assert [m.first_name for m in after.authorized] == ["Chipo"]
    assert after.send_offers_to.first_name == "Chipo"  # type: ignore[union-attr]


async def test_the_limit_of_five_is_explained_and_the_last_member_is_removable(chat: Chat) -> None:
    chipo = await on_bakery(chat)
    for handle in (TENDAI, RUDO, FARAI, SEED_A):
        await chipo.pick(members_ids.ADD_MEMBER)
        confirm = await chipo.send(handle)
        await chipo.tap(ids_in(confirm[-1])[0])
    assert len((await bakery(chat.credex)).authorized) == 5
    full = await chipo.pick(members_ids.MEMBERS)
    assert "limit of 5 (you included)" in said(full) and members_ids.ADD_MEMBER not in ids_in(
        full[0]
    )
    refused = await chipo.tap(members_ids.ADD_MEMBER)  # an old button
    assert "already has 5 authorized members" in said(refused)
    last = [i for i in ids_in(full[0]) if i.startswith("members:remove:")][-1]
    await chipo.pick(last)
    removed = await chipo.send("yes")
    assert "can no longer transact" in said(removed)
    assert len((await bakery(chat.credex)).authorized) == 4


async def test_below_tier_4_members_are_refused_with_credex_cores_reason(chat: Chat) -> None:
    tendai = chat.as_user(TENDAI)
    dashboard = await tendai.send("hi")
    assert "Members" not in said(dashboard)
    refused = said(await tendai.send("members"))
    assert "Entrepreneur tier (tier 4)" in refused and "Hustler tier (tier 3)" in refused
    account_id = (await chat.credex.member_view(TENDAI)).accounts[0].account_id
    # A crafted or stale button goes to credex-core, whose refusal is worded the same way.
    crafted = said(await tendai.tap(members_ids.authorize_member(account_id, RUDO)))
    assert "Entrepreneur tier (tier 4)" in crafted
    assert len((await chat.credex.member_view(TENDAI)).accounts[0].authorized) == 1
