"""The statement's ledger scan against the credex-core simulator over HTTP: credexes accepted on
twelve successive days, a period in the middle, and a cap. The scan must find the period's first
row by searching, return exactly the period's entries in ledger order (none skipped, none
repeated), and say when the period holds more than the cap."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from actors.ledger_scan import PAGE_ROWS, collect
from gateway.credex import CredexClient
from tests.actors.chat import Clock

TENDAI, RUDO = "263771000001", "263771000002"
DAYS = 12


async def one_credex_a_day(credex: CredexClient, clock: Clock, days: int) -> list[str]:
    """Tendai offers n USD secured to Rudo on day n (n = 1..days); Rudo accepts at once."""
    tendai, rudo = await credex.member_view(TENDAI), await credex.member_view(RUDO)
    made = []
    for n in range(1, days + 1):
        clock.advance(86400)
        created = await credex.create_credex(
            TENDAI,
            member_id=tendai.member.member_id,
            issuer_account_id=tendai.accounts[0].account_id,
            receiver_account_id=rudo.accounts[0].account_id,
            amount=Decimal(n) / 10,
            denomination="USD",
            secured=True,
            due_date=None,
        )
        await credex.accept(RUDO, created.credex_id, rudo.member.member_id)
        made.append(created.credex_id)
    return made


@pytest.fixture
async def made(credex: CredexClient, clock: Clock) -> list[str]:
    return await one_credex_a_day(credex, clock, DAYS)


async def account(credex: CredexClient) -> str:
    return (await credex.member_view(TENDAI)).accounts[0].account_id


async def test_a_period_in_the_middle_holds_exactly_its_days(
    credex: CredexClient, clock: Clock, made: list[str]
) -> None:
    first_day = clock.now.date() - dt.timedelta(days=DAYS - 1)  # the day of credex 1
    start, end = first_day + dt.timedelta(days=4), first_day + dt.timedelta(days=8)
    rows = await collect(credex, TENDAI, await account(credex), start, end, cap=100)
    assert [e.credex_id for e in rows.entries] == made[4:9] and not rows.more
    assert [e.day for e in rows.entries] == [start + dt.timedelta(days=i) for i in range(5)]
    assert all(e.secured and e.amount.amount < 0 for e in rows.entries)


async def test_the_whole_ledger_comes_in_order_once_across_several_pages(
    credex: CredexClient, clock: Clock
) -> None:
    made = await one_credex_a_day(credex, clock, PAGE_ROWS + 5)
    acc = await account(credex)
    everything = (await credex.ledger(TENDAI, acc, 0, 200)).entries
    rows = await collect(credex, TENDAI, acc, dt.date(2000, 1, 1), clock.now.date(), cap=100)
    assert [e.credex_id for e in rows.entries] == [e.credex_id for e in everything]
    assert [e.credex_id for e in rows.entries][-len(made) :] == made


async def test_a_period_with_more_than_the_cap_says_so(
    credex: CredexClient, clock: Clock, made: list[str]
) -> None:
    first_day = clock.now.date() - dt.timedelta(days=DAYS - 1)
    rows = await collect(credex, TENDAI, await account(credex), first_day, clock.now.date(), 3)
    assert [e.credex_id for e in rows.entries] == made[:3] and rows.more


async def test_a_period_after_the_last_entry_is_empty(
    credex: CredexClient, clock: Clock, made: list[str]
) -> None:
    later = clock.now.date() + dt.timedelta(days=1)
    rows = await collect(credex, TENDAI, await account(credex), later, later, cap=100)
    assert rows.entries == () and not rows.more
