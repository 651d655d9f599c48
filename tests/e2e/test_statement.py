"""Statements over the whole stack: Tendai's ledger grows to 25 entries (secured and unsecured,
both ways), he taps "📄 Statement (PDF)" on his ledger, and the PDF the fake Cloud API received
(fetched as the chat page does, from /__wa__/media/<id>) holds every entry exactly once and the
right totals. An empty month is said in the chat, with no file."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from decimal import Decimal

import aiohttp
from pypdf import PdfReader

from actors.screens.statement import signed
from gateway.credex import CredexClient
from simulator.demo import Demo
from tests.e2e.conftest import CHIPO, RUDO, TENDAI
from tests.e2e.phone import Phone, said

ADDED = 21  # Tendai's demo ledger holds 4 entries already


async def grow_ledger(credex: CredexClient) -> None:
    """Odd n: Tendai offers n USD secured to Rudo; even n: Chipo offers n USD unsecured to him."""
    views = {phone: await credex.member_view(phone) for phone in (TENDAI, RUDO, CHIPO)}

    handles = {TENDAI: "tendai", RUDO: "rudo", CHIPO: "chipo"}  # their personal accounts

    def personal(phone: str) -> str:
        return next(a.account_id for a in views[phone].accounts if a.handle == handles[phone])

    due = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=14)
    for n in range(1, ADDED + 1):
        issuer, receiver = (TENDAI, RUDO) if n % 2 else (CHIPO, TENDAI)
        created = await credex.create_credex(
            issuer,
            member_id=views[issuer].member.member_id,
            issuer_account_id=personal(issuer),
            receiver_account_id=personal(receiver),
            amount=Decimal(n),
            denomination="USD",
            secured=bool(n % 2),
            due_date=None if n % 2 else due,
        )
        await credex.accept(receiver, created.credex_id, views[receiver].member.member_id)


async def pdf_text(demo: Demo, media_id: str) -> str:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{demo.url}/__wa__/media/{media_id}") as response,
    ):
        assert response.status == 200 and response.content_type == "application/pdf"
        data = await response.read()
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


async def test_a_25_entry_statement_holds_every_entry_once_and_the_right_totals(
    demo: Demo, credex: CredexClient
) -> None:
    await grow_ledger(credex)
    (account,) = (await credex.member_view(TENDAI)).accounts
    ledger = (await credex.ledger(TENDAI, account.account_id, 0, 100)).entries
    assert len(ledger) == 25

    tendai = Phone(demo.whatsapp, TENDAI)
    await tendai.say("hi")
    await tendai.pick("📒 Ledger")
    (document,) = await tendai.pick("📄 Statement (PDF)")
    assert document["type"] == "document"
    today = dt.datetime.now(dt.UTC).date()
    start = today - dt.timedelta(days=29)
    assert document["document"]["filename"] == (
        f"statement_tendai_{start.isoformat()}_to_{today.isoformat()}.pdf"
    )
    assert "25 entries" in said([document])

    text = await pdf_text(demo, document["document"]["id"])
    assert "Account: Tendai Moyo Personal (tendai)" in text and "Entries: 25" in text
    for entry in ledger:
        assert text.count(entry.credex_id[:8]) == 1, entry
    assert text.count("Unsecured") == 1 + ADDED // 2  # the seeded one from Rudo, and Chipo's
    net: dict[str, Decimal] = defaultdict(Decimal)
    for entry in ledger:
        net[entry.amount.denomination] += entry.amount.amount
    assert f"net {signed(net['USD'], 'USD')}" in text
    assert tendai.rejected == []


async def test_an_empty_month_is_said_in_the_chat_without_a_file(demo: Demo) -> None:
    tendai = Phone(demo.whatsapp, TENDAI)
    (reply,) = await tendai.say("statement 2025-01")
    assert reply["type"] == "text"
    assert "No credex in Tendai Moyo Personal's ledger for January 2025" in said([reply])
    assert len(demo.whatsapp.media.uploads) == 0
