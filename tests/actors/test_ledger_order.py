"""The ledger newest first over credex-core's oldest-first getLedger: every length gives the
right rows in the right order, and the getLedger calls it costs are counted on the simulator's
side of real HTTP (what actors.ledger_order promises)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal

import attrs
import pytest
from aiohttp import web

from actors.ledger_order import newest_page
from gateway.credex import CredexClient
from simulator.credex.app import STATE, SimConfig, create_app
from simulator.credex.dco import book
from tests.actors.chat import Clock
from tests.actors.conftest import clock as clock

TENDAI, RUDO = "263771000001", "263771000002"
SEEDED = 4  # Tendai's demo ledger: 300 from the Trust, 40 to Rudo, 15 from the Bakery, 20 from Rudo


@attrs.define
class Sim:
    client: CredexClient
    app: web.Application
    account_id: str
    ledger_calls: int = 0

    async def add(self, count: int) -> None:
        """`count` more accepted credexes from Rudo to Tendai: 1.00, 2.00, ... USD."""
        ledger = self.app[STATE].ledger
        tendai = ledger.accounts[self.account_id]
        rudo = ledger.accounts[(await self.client.member_view(RUDO)).accounts[0].account_id]
        for n in range(1, count + 1):
            book(ledger, rudo, tendai, "USD", Decimal(n), "PURCHASE", None)


@pytest.fixture
async def sim(clock: Clock) -> AsyncIterator[Sim]:
    app = create_app(SimConfig(seed="demo", clock=clock))
    holder: list[Sim] = []

    @web.middleware
    async def count(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if request.path.endswith("/getLedger"):
            holder[0].ledger_calls += 1
        return await handler(request)

    app.middlewares.append(count)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    client = CredexClient(f"http://127.0.0.1:{port}/v1", max_retries=0, backoff_base=0.0)
    try:
        account_id = (await client.member_view(TENDAI)).accounts[0].account_id
        holder.append(Sim(client, app, account_id))
        yield holder[0]
    finally:
        await client.close()
        await runner.cleanup()


async def oldest_first(sim: Sim) -> list[str]:
    page = await sim.client.ledger(TENDAI, sim.account_id, 0, 100_000)
    return [e.credex_id for e in page.entries]


@pytest.mark.parametrize(
    ("added", "calls"),
    [(0, 1), (3, 1), (96, 1), (97, 5), (146, 4), (246, 2), (996, 7)],
)
async def test_page_one_is_the_newest_entries_at_the_promised_cost(
    sim: Sim, added: int, calls: int
) -> None:
    await sim.add(added)
    everything = await oldest_first(sim)
    sim.ledger_calls = 0
    page, end = await newest_page(sim.client, TENDAI, sim.account_id, 1, 7, 0)
    assert end == SEEDED + added
    assert [e.credex_id for e in page.entries] == everything[::-1][:7]
    assert page.start_row == 0 and page.has_more is (end > 7)
    assert sim.ledger_calls == calls


async def test_a_later_page_with_its_anchor_reads_exactly_its_rows_in_one_call(sim: Sim) -> None:
    await sim.add(16)  # 20 entries: pages of 7, 7 and 6
    everything = await oldest_first(sim)
    newest = everything[::-1]
    for number, rows in ((2, newest[7:14]), (3, newest[14:])):
        sim.ledger_calls = 0
        page, end = await newest_page(sim.client, TENDAI, sim.account_id, number, 7, 20)
        assert (end, [e.credex_id for e in page.entries]) == (20, rows)
        assert page.start_row == (number - 1) * 7 and page.has_more is (number == 2)
        assert sim.ledger_calls == 1


async def test_pages_stay_put_when_a_credex_is_accepted_after_the_ledger_was_opened(
    sim: Sim,
) -> None:
    await sim.add(10)  # 14 entries
    newest = (await oldest_first(sim))[::-1]
    await sim.add(1)  # a new credex arrives while the member reads page 2
    page, _ = await newest_page(sim.client, TENDAI, sim.account_id, 2, 7, 14)
    assert [e.credex_id for e in page.entries] == newest[7:14]
    fresh, end = await newest_page(sim.client, TENDAI, sim.account_id, 1, 7, 0)
    assert end == 15 and fresh.entries[0].amount.amount == Decimal(1)  # counted afresh


async def test_a_page_past_the_end_is_empty(sim: Sim) -> None:
    page, end = await newest_page(sim.client, TENDAI, sim.account_id, 2, 7, 0)
    assert (page.entries, page.has_more, end) == ((), False, SEEDED)
