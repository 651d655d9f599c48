"""Ledger paging (docs/credex-core-api.md §8.2 quirks) and getCredex (§8.3) through the client."""

from __future__ import annotations

from decimal import Decimal

import pytest

from actors.ports.credex import Money, NotFound
from tests.contract.conftest import Person, World
from tests.contract.test_offers import offer
from tests.contract.test_settle import UNKNOWN_CREDEX


async def accepted(world: World, issuer: Person, receiver: Person, amount: str) -> str:
    created = await offer(world, issuer, receiver, amount)
    await world.client.accept(receiver.phone, created.credex_id, receiver.member_id)
    return created.credex_id


async def test_an_empty_ledger_is_an_empty_last_page(world: World) -> None:
    ann = await world.member()
    page = await world.client.ledger(ann.phone, ann.account_id, 0, 5)
    assert page.entries == () and not page.has_more and page.start_row == 0


async def test_ledger_pages_oldest_first_across_pages(world: World) -> None:
    ann = await world.member(funded=Decimal(50), tier=3)
    bob = await world.member(name="Bob")
    ids = [await accepted(world, ann, bob, str(n)) for n in range(1, 6)]
    seen: list[tuple[str, Decimal]] = []
    start, pages = 0, 0
    while True:
        page = await world.client.ledger(bob.phone, bob.account_id, start, 2)
        pages += 1
        seen += [(e.credex_id, e.amount.amount) for e in page.entries]
        assert page.start_row == start and len(page.entries) <= 2
        if not page.has_more:
            break
        start += len(page.entries)
    assert pages == 3
    assert seen == [(i, Decimal(n)) for i, n in zip(ids, range(1, 6), strict=True)]


async def test_ledger_amounts_are_negative_for_the_debtor(world: World) -> None:
    ann = await world.member(funded=Decimal(10))
    bob = await world.member(name="Bob")
    credex_id = await accepted(world, ann, bob, "3")
    page = await world.client.ledger(ann.phone, ann.account_id, 0, 10)
    mine = next(e for e in page.entries if e.credex_id == credex_id)
    assert mine.amount == Money(Decimal("-3.00"), "USD")
    assert mine.counterparty == "Bob Member Personal"


async def test_a_page_past_the_end_is_empty_and_last(world: World) -> None:
    ann = await world.member(funded=Decimal(10))
    bob = await world.member(name="Bob")
    await accepted(world, ann, bob, "1")
    page = await world.client.ledger(bob.phone, bob.account_id, 40, 5)
    assert page.entries == () and not page.has_more


async def test_an_exact_page_is_not_followed_by_more(world: World) -> None:
    ann = await world.member(funded=Decimal(10))
    bob = await world.member(name="Bob")
    for n in ("1", "2"):
        await accepted(world, ann, bob, n)
    page = await world.client.ledger(bob.phone, bob.account_id, 0, 2)
    assert len(page.entries) == 2 and not page.has_more


async def test_get_credex_from_each_side(world: World) -> None:
    ann = await world.member(funded=Decimal(10))
    bob = await world.member(name="Bob")
    credex_id = await accepted(world, ann, bob, "2.50")
    debtor = await world.client.get_credex(ann.phone, credex_id, ann.account_id)
    assert debtor.state == "OWES" and debtor.debit and debtor.secured
    assert debtor.amount == Money(Decimal("-2.50"), "USD")
    assert debtor.outstanding == Money(Decimal("-2.50"), "USD")
    assert debtor.securer_name == "VimbisoPay: Trust"  # the securer travels down the chain
    assert debtor.counterparty == "Bob Member Personal" and debtor.accepted_at is not None
    creditor = await world.client.get_credex(bob.phone, credex_id, bob.account_id)
    assert not creditor.debit and creditor.amount == Money(Decimal("2.50"), "USD")


async def test_get_credex_of_a_pending_unsecured_offer(world: World) -> None:
    ann = await world.member(tier=2)
    bob = await world.member(name="Bob")
    created = await offer(world, ann, bob, "9", secured=False, due=world.due(20))
    detail = await world.client.get_credex(bob.phone, created.credex_id, bob.account_id)
    assert detail.state == "OFFERS" and not detail.secured and detail.securer_name is None
    assert detail.due_date == world.due(20) and detail.accepted_at is None


async def test_get_credex_unknown_is_not_found(world: World) -> None:
    ann = await world.member()
    with pytest.raises(NotFound):
        await world.client.get_credex(ann.phone, UNKNOWN_CREDEX, ann.account_id)
