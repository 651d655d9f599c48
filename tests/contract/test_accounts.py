"""Accounts, authorizations (tier >= 4, at most 5), sendOffersTo, and tier daily limits before
and after a day advance (docs/credex-core-api.md §5.6, §8.1, §8.2, §10.3, §10.8, §10.9)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from actors.ports.credex import Conflict, Forbidden, Invalid, LimitExceeded
from tests.contract.conftest import Admin, World
from tests.contract.test_offers import offer


async def test_owner_on_tier_four_authorizes_up_to_five_members(world: World) -> None:
    owner = await world.member(tier=4)
    others = [await world.member(name=f"M{chr(97 + i)}ry") for i in range(5)]
    for other in others[:4]:
        ref = await world.client.authorize(
            owner.phone, account_id=owner.account_id, handle=other.phone, owner_id=owner.member_id
        )
        assert ref.member_id == other.member_id
    account = (await world.client.member_view(owner.phone)).accounts[0]
    assert {m.member_id for m in account.authorized} == {
        owner.member_id,
        *(o.member_id for o in others[:4]),
    }
    # re-authorizing is a no-op, not a sixth seat
    await world.client.authorize(
        owner.phone, account_id=owner.account_id, handle=others[0].phone, owner_id=owner.member_id
    )
    with pytest.raises(LimitExceeded, match=r"^Limit of 5 authorized accounts reached"):
        await world.client.authorize(
            owner.phone,
            account_id=owner.account_id,
            handle=others[4].phone,
            owner_id=owner.member_id,
        )


async def test_authorizing_below_the_entrepreneur_tier_is_forbidden(world: World) -> None:
    owner = await world.member(tier=3)
    other = await world.member(name="Rudo")
    with pytest.raises(Forbidden, match="Entrepreneur tier"):
        await world.client.authorize(
            owner.phone, account_id=owner.account_id, handle=other.phone, owner_id=owner.member_id
        )


async def test_an_authorized_member_accepts_for_the_account(world: World) -> None:
    owner = await world.member(tier=4)
    helper = await world.member(name="Helper")
    payer = await world.member(funded=Decimal(5), name="Payer")
    await world.client.authorize(
        owner.phone, account_id=owner.account_id, handle=helper.phone, owner_id=owner.member_id
    )
    created = await offer(world, payer, owner, "2")
    await world.client.accept(helper.phone, created.credex_id, helper.member_id)
    detail = await world.client.get_credex(owner.phone, created.credex_id, owner.account_id)
    assert detail.state == "OWES"


async def test_unauthorized_after_unauthorize_may_no_longer_accept(world: World) -> None:
    owner = await world.member(tier=4)
    helper = await world.member(name="Helper")
    payer = await world.member(funded=Decimal(5), name="Payer")
    await world.client.authorize(
        owner.phone, account_id=owner.account_id, handle=helper.phone, owner_id=owner.member_id
    )
    await world.client.unauthorize(
        owner.phone,
        account_id=owner.account_id,
        member_id=helper.member_id,
        owner_id=owner.member_id,
    )
    account = (await world.client.member_view(owner.phone)).accounts[0]
    assert [m.member_id for m in account.authorized] == [owner.member_id]
    created = await offer(world, payer, owner, "2")
    with pytest.raises(Forbidden):
        await world.client.accept(helper.phone, created.credex_id, helper.member_id)


async def test_send_offers_to_moves_to_an_authorized_member_only(world: World) -> None:
    owner = await world.member(tier=4)
    helper = await world.member(name="Helper")
    stranger = await world.member(name="Stranger")
    with pytest.raises(Invalid, match="Failed to update offer recipient"):
        await world.client.update_send_offers_to(
            owner.phone,
            account_id=owner.account_id,
            member_id=stranger.member_id,
            owner_id=owner.member_id,
        )
    await world.client.authorize(
        owner.phone, account_id=owner.account_id, handle=helper.phone, owner_id=owner.member_id
    )
    await world.client.update_send_offers_to(
        owner.phone,
        account_id=owner.account_id,
        member_id=helper.member_id,
        owner_id=owner.member_id,
    )
    account = (await world.client.member_view(owner.phone)).accounts[0]
    assert account.send_offers_to is not None
    assert account.send_offers_to.member_id == helper.member_id
    assert account.send_offers_to.first_name == "Helper"


async def test_paid_tier_creates_a_second_account_the_open_tier_cannot(world: World) -> None:
    open_tier = await world.member()
    with pytest.raises(Forbidden, match="Open or Verified"):
        await world.client.create_account(
            open_tier.phone,
            owner_id=open_tier.member_id,
            name="Side Shop",
            handle="side_shop_1",
            default_denom="USD",
            account_type="PERSONAL_CONSUMPTION",
        )
    paid = await world.member(tier=3)
    account_id = await world.client.create_account(
        paid.phone,
        owner_id=paid.member_id,
        name="Side Shop",
        handle="Side_Shop_2",
        default_denom="USD",
        account_type="BUSINESS",
    )
    view = await world.client.member_view(paid.phone)
    assert account_id in view.member.account_ids
    assert next(a for a in view.accounts if a.account_id == account_id).handle == "side_shop_2"
    with pytest.raises(Conflict, match="handle is already in use"):
        await world.client.create_account(
            paid.phone,
            owner_id=paid.member_id,
            name="Other Shop",
            handle="side_shop_2",
            default_denom="USD",
            account_type="PERSONAL_CONSUMPTION",
        )


async def test_tier_one_daily_limit_counts_todays_offers_and_renews_next_day(
    world: World, admin: Admin
) -> None:
    ann = await world.member(funded=Decimal(30))
    bob = await world.member(name="Bob")
    await offer(world, ann, bob, "6")
    member = (await world.client.member_view(ann.phone)).member
    assert member.remaining_usd == Decimal(4)
    with pytest.raises(
        LimitExceeded,
        match=r"^You are only able to issue 4\.00 USD until tomorrow\. Limits renew at midnight",
    ):
        await offer(world, ann, bob, "5")
    await admin.force_dco()
    assert (await world.client.member_view(ann.phone)).member.remaining_usd == Decimal(10)
    await offer(world, ann, bob, "5")


async def test_tier_two_allows_a_hundred_a_day_and_unsecured(world: World) -> None:
    ann = await world.member(tier=2)
    bob = await world.member(name="Bob")
    await offer(world, ann, bob, "60", secured=False, due=world.due())
    assert (await world.client.member_view(ann.phone)).member.remaining_usd == Decimal(40)
    with pytest.raises(LimitExceeded, match=r"40\.00 USD"):
        await offer(world, ann, bob, "41", secured=False, due=world.due())
