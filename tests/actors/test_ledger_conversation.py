"""The ledger through the shell against the credex-core simulator (demo seed, real HTTP, real
client): Tendai's history is 300 from the Trust, 40 to Rudo, 15 from Chipo's Bakery and an
unsecured 20 from Rudo. credex-core is asked directly which credexes exist."""

from __future__ import annotations

from decimal import Decimal

from actors.intents import accounts as accounts_ids
from actors.intents import ledger as ledger_taps
from actors.intents import navigation as navigation_ids
from actors.intents import statement as statement_ids
from actors.ports.credex import CredexCore
from actors.replies import ButtonsMessage, ListMessage, Reply
from tests.actors.chat import Chat
from tests.actors.views import ids_in, text_of

TENDAI, RUDO, FARAI, CHIPO = "263771000001", "263771000002", "263771000003", "263771000004"
UNKNOWN = "00000000-0000-4000-8000-000000000000"


def said(replies: list[Reply]) -> str:
    return "\n".join(text_of(r) for r in replies)


def row_titled(reply: Reply, title: str) -> str:
    assert isinstance(reply, ListMessage)
    found = [r.id for s in reply.sections for r in s.rows if title in r.title]
    assert len(found) == 1, f"{title!r} in {text_of(reply)}"
    return found[0]


async def ledger_ids(credex: CredexCore, phone: str) -> list[str]:
    """The credexIDs of the member's (only, personal) account's ledger, oldest first."""
    (account,) = (await credex.member_view(phone)).accounts
    page = await credex.ledger(phone, account.account_id, 0, 50)
    return [e.credex_id for e in page.entries]


async def test_a_ledger_row_shows_its_credex_and_goes_back_to_the_same_page(chat: Chat) -> None:
    await chat.send("hi")
    (page,) = await chat.pick(ledger_taps.ledger_page(1))
    assert isinstance(page, ListMessage) and "📒 *Ledger* (page 1, newest first)" in said([page])
    newest_first = list(reversed(await ledger_ids(chat.credex, TENDAI)))
    assert ids_in(page)[:4] == [ledger_taps.ledger_credex(i, 1, 4) for i in newest_first]
    assert ids_in(page)[4:] == [statement_ids.STATEMENT, navigation_ids.MENU]

    (card,) = await chat.pick(row_titled(page, "40.00 USD"))
    text = said([card])
    assert "🧾 *Credex to Rudo Chikwanha Personal*" in text
    assert "*Amount:* 🔻 40.00 USD, from you" in text and "*State:* Outstanding" in text
    assert "*Outstanding:* 40.00 USD" in text and "secured by VimbisoPay: Trust" in text
    assert "*Accepted:* 10 Mar 2026" in text and "*Due:*" not in text
    assert ids_in(card) == [ledger_taps.ledger_page(1, 4), navigation_ids.MENU]

    (unsecured,) = await chat.pick(row_titled(page, "20.00 USD"))
    assert "*Amount:* 🔺 20.00 USD, to you" in said([unsecured])
    assert "*Security:* unsecured\n*Due:* 28 Mar 2026" in said([unsecured])

    (back,) = await chat.tap(ledger_taps.ledger_page(1, 4))
    assert ids_in(back) == ids_in(page)


async def test_pages_keep_within_ten_rows_and_a_card_returns_to_its_page(chat: Chat) -> None:
    tendai, rudo = await chat.credex.member_view(TENDAI), await chat.credex.member_view(RUDO)
    for n in range(1, 6):
        created = await chat.credex.create_credex(
            TENDAI,
            member_id=tendai.member.member_id,
            issuer_account_id=tendai.accounts[0].account_id,
            receiver_account_id=rudo.accounts[0].account_id,
            amount=Decimal(n),
            denomination="USD",
            secured=True,
            due_date=None,
        )
        await chat.credex.accept(RUDO, created.credex_id, rudo.member.member_id)
    (first,) = await chat.pick(ledger_taps.ledger_page(1))
    assert len(ids_in(first)) == 9
    assert ids_in(first)[6:] == [
        ledger_taps.ledger_page(2, 9),
        statement_ids.STATEMENT,
        navigation_ids.MENU,
    ]
    assert "1. 🔻 *5.00 USD* to Rudo Chikwanha Personal" in said([first])  # the newest
    (second,) = await chat.pick(ledger_taps.ledger_page(2, 9))
    assert ids_in(second)[3:] == [
        ledger_taps.ledger_page(1, 9),
        statement_ids.STATEMENT,
        navigation_ids.MENU,
    ]
    assert "8. 🔻 *40.00 USD* to Rudo Chikwanha Personal" in said([second])
    (card,) = await chat.pick(row_titled(second, "9. 🔺 300.00 USD"))
    assert "*Amount:* 🔺 300.00 USD, to you" in said([card])
    assert ids_in(card) == [ledger_taps.ledger_page(2, 9), navigation_ids.MENU]


async def test_an_old_row_tapped_after_the_session_expired_still_shows_the_credex(
    chat: Chat,
) -> None:
    (page,) = await chat.pick(ledger_taps.ledger_page(1))
    trust_row = row_titled(page, "300.00 USD")
    chat.clock.advance(3600)
    (card,) = await chat.pick(trust_row)
    assert isinstance(card, ButtonsMessage)
    assert "🧾 *Credex from VimbisoPay: Trust*" in said([card])
    assert said([card]).startswith("⌛ Your session timed out")  # said once, in the same message


async def test_someone_elses_credex_or_an_unknown_one_is_not_found_and_the_menu_follows(
    chat: Chat,
) -> None:
    tendais_first = (await ledger_ids(chat.credex, TENDAI))[0]
    farai = chat.as_user(FARAI)
    for credex_id in (tendais_first, UNKNOWN, "not-a-uuid"):
        (menu,) = await farai.pick(ledger_taps.ledger_credex(credex_id, 1))
        note = "🔍 I couldn't find that credex in this account's ledger.\n\n"
        assert said([menu]).startswith(note)
        assert "*💳 Farai" in said([menu]) and "📒 Ledger" in said([menu])


async def test_after_a_timeout_a_business_ledger_row_is_checked_on_the_personal_account(
    chat: Chat,
) -> None:
    chipo = chat.as_user(CHIPO)
    view = await chat.credex.member_view(CHIPO)
    bakery = next(a for a in view.accounts if a.handle == "chipo_bakery")
    await chipo.send("hi")
    await chipo.pick(accounts_ids.switch_account(bakery.account_id))
    (page,) = await chipo.pick(ledger_taps.ledger_page(1))
    to_tendai = row_titled(page, "15.00 USD")
    (card,) = await chipo.pick(to_tendai)
    assert "🧾 *Credex to Tendai Moyo Personal*" in said([card])
    chat.clock.advance(3600)
    (menu,) = await chipo.pick(to_tendai)
    assert "couldn't find that credex in this account's ledger" in said([menu])
    assert "*💳 Chipo Dube Personal*" in said([menu])
