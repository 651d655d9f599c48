"""Accept, decline, cancel and bulk accept through the client, and who may do each
(docs/credex-core-api.md §8.3,
§10.5 [INTENDED] signer rules)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from actors.ports.credex import Conflict, Forbidden, Money, NotFound
from tests.contract.conftest import Person, World
from tests.contract.test_offers import offer

UNKNOWN_CREDEX = "00000000-0000-4000-8000-000000000099"


async def pair(world: World, funded: str = "20") -> tuple[Person, Person]:
    return await world.member(funded=Decimal(funded)), await world.member(name="Bob")


async def test_receiver_accepts_and_the_value_moves(world: World) -> None:
    ann, bob = await pair(world)
    created = await offer(world, ann, bob, "4")
    await world.client.accept(bob.phone, created.credex_id, bob.member_id)
    bob_account = (await world.client.member_view(bob.phone)).accounts[0]
    assert bob_account.pending_in == ()
    assert bob_account.balances.secured == (Money(Decimal("4.00"), "USD"),)
    ann_account = (await world.client.member_view(ann.phone)).accounts[0]
    assert ann_account.pending_out == ()
    assert ann_account.balances.secured == (Money(Decimal("16.00"), "USD"),)


async def test_accepting_twice_is_a_conflict(world: World) -> None:
    ann, bob = await pair(world)
    created = await offer(world, ann, bob, "4")
    await world.client.accept(bob.phone, created.credex_id, bob.member_id)
    with pytest.raises(Conflict, match=r"^Credex has already been accepted$"):
        await world.client.accept(bob.phone, created.credex_id, bob.member_id)


async def test_the_issuer_cannot_accept_its_own_offer(world: World) -> None:
    ann, bob = await pair(world)
    created = await offer(world, ann, bob, "4")
    with pytest.raises(Forbidden):
        await world.client.accept(ann.phone, created.credex_id, ann.member_id)


async def test_accepting_an_unknown_credex_is_not_found(world: World) -> None:
    _, bob = await pair(world)
    with pytest.raises(NotFound):
        await world.client.accept(bob.phone, UNKNOWN_CREDEX, bob.member_id)


async def test_acting_as_another_member_is_forbidden(world: World) -> None:
    ann, bob = await pair(world)
    created = await offer(world, ann, bob, "4")
    with pytest.raises(Forbidden):
        await world.client.accept(ann.phone, created.credex_id, bob.member_id)


async def test_receiver_declines_then_it_is_already_processed(world: World) -> None:
    ann, bob = await pair(world)
    created = await offer(world, ann, bob, "4")
    await world.client.decline(bob.phone, created.credex_id, bob.member_id)
    ann_account = (await world.client.member_view(ann.phone)).accounts[0]
    assert ann_account.pending_out == ()
    assert ann_account.balances.secured == (Money(Decimal("20.00"), "USD"),)
    with pytest.raises(Conflict, match="already processed"):
        await world.client.decline(bob.phone, created.credex_id, bob.member_id)


async def test_the_issuer_may_not_decline(world: World) -> None:
    ann, bob = await pair(world)
    created = await offer(world, ann, bob, "4")
    with pytest.raises(Forbidden):
        await world.client.decline(ann.phone, created.credex_id, ann.member_id)


async def test_issuer_cancels_and_the_receiver_may_not(world: World) -> None:
    ann, bob = await pair(world)
    created = await offer(world, ann, bob, "4")
    with pytest.raises(Forbidden):
        await world.client.cancel(bob.phone, created.credex_id, bob.member_id)
    await world.client.cancel(ann.phone, created.credex_id, ann.member_id)
    assert (await world.client.member_view(bob.phone)).accounts[0].pending_in == ()
    with pytest.raises(Conflict, match="already processed"):
        await world.client.cancel(ann.phone, created.credex_id, ann.member_id)


async def test_an_accepted_credex_can_no_longer_be_cancelled(world: World) -> None:
    ann, bob = await pair(world)
    created = await offer(world, ann, bob, "4")
    await world.client.accept(bob.phone, created.credex_id, bob.member_id)
    with pytest.raises(Conflict, match=r"^Credex not found or already processed$"):
        await world.client.cancel(ann.phone, created.credex_id, ann.member_id)


async def test_bulk_accept_reports_mixed_results(world: World) -> None:
    ann, bob = await pair(world)
    first, second, third = [await offer(world, ann, bob, n) for n in ("1", "2", "3")]
    await world.client.accept(bob.phone, third.credex_id, bob.member_id)
    result = await world.client.accept_bulk(
        bob.phone,
        [first.credex_id, second.credex_id, third.credex_id, UNKNOWN_CREDEX],
        bob.member_id,
    )
    assert set(result.accepted) == {first.credex_id, second.credex_id}
    assert result.already_accepted == (third.credex_id,)
    assert [f.credex_id for f in result.failed] == [UNKNOWN_CREDEX]
    assert result.failed[0].error
    bob_account = (await world.client.member_view(bob.phone)).accounts[0]
    assert bob_account.balances.secured == (Money(Decimal("6.00"), "USD"),)


async def test_bulk_accept_with_nothing_accepted_is_a_result_not_an_error(world: World) -> None:
    ann, bob = await pair(world)
    created = await offer(world, ann, bob, "1")
    # ann is the issuer: she may accept none of it
    result = await world.client.accept_bulk(
        ann.phone, [created.credex_id, UNKNOWN_CREDEX], ann.member_id
    )
    assert result.accepted == () and result.already_accepted == ()
    assert {f.credex_id for f in result.failed} == {created.credex_id, UNKNOWN_CREDEX}
