"""Lists you can type into, over the whole stack (signed webhooks in, the WhatsApp simulator as
Meta, real Redis, the credex-core simulator over HTTP): the ledger comes newest first, typed
numbers open rows, `next`/`prev` page, `back` returns from a card to its page; offers waiting
on a member's business account show on the dashboard and the Accounts list."""

from __future__ import annotations

from decimal import Decimal

from gateway.credex import CredexClient
from simulator.demo import Demo
from tests.e2e.conftest import CHIPO, RUDO, TENDAI, incoming
from tests.e2e.phone import Phone, body, rows, said


async def pay(credex: CredexClient, payer: str, payee: str, amounts: range) -> None:
    """Secured credexes from `payer` to `payee`, each accepted at once (they join the ledger)."""
    source, target = await credex.member_view(payer), await credex.member_view(payee)
    for amount in amounts:
        created = await credex.create_credex(
            payer,
            member_id=source.member.member_id,
            issuer_account_id=source.accounts[0].account_id,
            receiver_account_id=target.accounts[0].account_id,
            amount=Decimal(amount),
            denomination="USD",
            secured=True,
            due_date=None,
        )
        await credex.accept(payee, created.credex_id, target.member.member_id)


async def test_the_ledger_reads_newest_first_and_types_like_it_taps(
    demo: Demo, credex: CredexClient
) -> None:
    await pay(credex, TENDAI, RUDO, range(1, 9))  # 4 seeded entries + 8: two pages of 6
    (account,) = (await credex.member_view(TENDAI)).accounts
    oldest_first = (await credex.ledger(TENDAI, account.account_id, 0, 50)).entries
    assert len(oldest_first) == 12
    tendai = Phone(demo.whatsapp, TENDAI)
    await tendai.say("hi")

    (first,) = await tendai.say("ledger")
    text = body(first)
    assert "📒 *Ledger* (page 1, newest first)" in text
    assert "1. 🔻 *8.00 USD* to Rudo Chikwanha Personal" in text  # the newest credex
    assert "6. 🔻 *3.00 USD* to Rudo Chikwanha Personal" in text
    newest = [e.credex_id for e in reversed(oldest_first)]
    assert list(rows(first).values())[:6] == [
        f"ledger:credex:{c}:page:1:end:12" for c in newest[:6]
    ]

    (second,) = await tendai.say("next")
    assert "7. 🔻 *2.00 USD* to Rudo Chikwanha Personal" in body(second)
    assert "8. 🔻 *1.00 USD* to Rudo Chikwanha Personal" in body(second)
    assert "12. 🔺 *300.00 USD* from VimbisoPay: Trust" in body(second)  # the oldest
    assert list(rows(second))[-3:] == ["⬅️ Previous", "📄 Statement (PDF)", "🏡 Menu"]

    (card,) = await tendai.say("#12")
    assert "🧾 *Credex from VimbisoPay: Trust*" in said([card])
    (back,) = await tendai.say("back")
    assert rows(back) == rows(second)

    (missing,) = await tendai.say("3")
    assert "This page shows 7 to 12" in said([missing])
    (again,) = await tendai.say("prev")
    assert rows(again) == rows(first)
    assert tendai.rejected == []


async def test_incoming_offers_are_picked_by_number_and_back_returns_to_the_page(
    demo: Demo, credex: CredexClient
) -> None:
    chipo = await credex.member_view(CHIPO)
    tendai_view = await credex.member_view(TENDAI)
    for amount in range(1, 8):
        await credex.create_credex(
            CHIPO,
            member_id=chipo.member.member_id,
            issuer_account_id=next(a for a in chipo.accounts if a.handle == "chipo").account_id,
            receiver_account_id=tendai_view.accounts[0].account_id,
            amount=Decimal(amount),
            denomination="USD",
            secured=True,
            due_date=None,
        )
    waiting = len(await incoming(credex, TENDAI))
    assert waiting > 6  # more than one page
    tendai = Phone(demo.whatsapp, TENDAI)
    await tendai.say("hi")
    (page_one,) = await tendai.pick(f"📥 Incoming offers ({waiting})")
    (page_two,) = await tendai.say("more")
    assert f"(page 2 of {(waiting + 5) // 6})" in body(page_two)
    assert "⬅️ Previous" in rows(page_two) and "🏡 Menu" in rows(page_two)

    (card,) = await tendai.say("7")
    chosen = next(t for t, i in rows(page_two).items() if t.startswith("7. "))
    assert chosen.split(" ", 1)[1] in said([card])  # the amount of row 7
    (back,) = await tendai.say("back")
    assert rows(back) == rows(page_two)
    (first_again,) = await tendai.say("prev")
    assert rows(first_again) == rows(page_one)
    assert tendai.rejected == []


async def test_an_offer_to_a_business_account_shows_on_the_dashboard_and_accounts_list(
    demo: Demo, credex: CredexClient
) -> None:
    chipo_view = await credex.member_view(CHIPO)
    bakery = next(a for a in chipo_view.accounts if a.handle == "chipo_bakery")
    tendai_view = await credex.member_view(TENDAI)
    await credex.create_credex(
        TENDAI,
        member_id=tendai_view.member.member_id,
        issuer_account_id=tendai_view.accounts[0].account_id,
        receiver_account_id=bakery.account_id,
        amount=Decimal(3),
        denomination="USD",
        secured=True,
        due_date=None,
    )
    after = await credex.member_view(CHIPO)
    count = len(next(a for a in after.accounts if a.account_id == bakery.account_id).pending_in)
    expected = f"{bakery.name}: {count} incoming offer{'' if count == 1 else 's'}"
    chipo = Phone(demo.whatsapp, CHIPO)
    (dashboard,) = await chipo.say("hi")
    assert expected in body(dashboard)
    (accounts,) = await chipo.say("accounts")
    assert expected in body(accounts)
    number = next(
        line.split(".", 1)[0] for line in body(accounts).splitlines() if f"*{bakery.name}*" in line
    )
    switched = await chipo.say(number)
    assert f"acting for *{bakery.name}*" in said(switched)
    assert chipo.rejected == []
