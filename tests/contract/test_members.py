"""Onboarding, login, dashboards and handle lookups through the client (docs/credex-core-api.md §3,
§8.1, §9)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from actors.ports.credex import Conflict, Invalid, Money, NotFound
from gateway.credex import CredexClient
from tests.contract.conftest import MEMBER_A, MEMBER_C, World, new_phone


async def test_onboarding_makes_a_tier_one_member_with_one_personal_account(
    client: CredexClient,
) -> None:
    phone = new_phone()
    onboarded = await client.onboard(phone, "Tendai", "Moyo", "USD")
    member = onboarded.view.member
    assert member.member_id == onboarded.member_id
    assert (member.first_name, member.last_name, member.handle) == ("Tendai", "Moyo", phone)
    assert member.tier == 1 and member.remaining_usd == Decimal(10)
    assert member.account_ids == (onboarded.default_account_id,)
    (account,) = onboarded.view.accounts
    assert account.name == "Tendai Moyo Personal" and account.handle == phone
    assert account.is_owned and account.default_denom == "USD"
    assert account.balances.secured == ()
    assert account.balances.net_assets == Money(Decimal(0), "USD")
    assert account.pending_in == () and account.pending_out == ()
    assert account.send_offers_to is not None
    assert account.send_offers_to.member_id == onboarded.member_id


async def test_onboarding_a_phone_twice_is_a_conflict(client: CredexClient) -> None:
    phone = new_phone()
    await client.onboard(phone, "Tendai", "Moyo", "USD")
    with pytest.raises(Conflict, match="Phone number already in use"):
        await client.onboard(phone, "Rudo", "Moyo", "USD")


async def test_onboarding_with_a_too_short_name_is_invalid(client: CredexClient) -> None:
    with pytest.raises(Invalid, match="Invalid name"):
        await client.onboard(new_phone(), "Al", "Moyo", "USD")


async def test_unknown_phone_is_not_found(client: CredexClient) -> None:
    with pytest.raises(NotFound, match="Member not found"):
        await client.member_view(new_phone())


async def test_known_seeded_member_sees_all_owned_accounts_without_limit(
    client: CredexClient,
) -> None:
    view = await client.member_view(MEMBER_A)
    assert view.member.tier == 5 and view.member.remaining_usd is None
    handles = {a.handle for a in view.accounts}
    assert {MEMBER_A, "greatsun_trust", "greatsun_ops"} <= handles
    assert len(view.accounts) == len(view.member.account_ids)
    # the seeded 365 CAD from greatsun_trust, less the first DCO give (§10.9, §10.10)
    personal = next(a for a in view.accounts if a.handle == MEMBER_A)
    assert any(
        m.denomination == "CAD" and 360 <= m.amount <= 365 for m in personal.balances.secured
    )


async def test_account_handle_lookup_lower_cases_and_finds_the_account(
    client: CredexClient,
) -> None:
    ref = await client.account_by_handle(MEMBER_C, "VimbisoPay_Trust")
    assert ref.name == "VimbisoPay: Trust"


async def test_unknown_account_handle_is_not_found(client: CredexClient) -> None:
    with pytest.raises(NotFound, match="Account not found"):
        await client.account_by_handle(MEMBER_C, "no_such_handle")


async def test_member_handle_lookup_returns_id_and_name(world: World) -> None:
    person = await world.member(name="Rudo")
    ref = await world.client.member_by_handle(MEMBER_C, person.phone)
    assert ref.member_id == person.member_id and ref.name == "Rudo Member"


async def test_unknown_member_handle_is_not_found(client: CredexClient) -> None:
    with pytest.raises(NotFound, match="Member not found"):
        await client.member_by_handle(MEMBER_C, "999999999")


async def test_malformed_handle_is_invalid(client: CredexClient) -> None:
    with pytest.raises(Invalid, match="handle"):
        await client.member_by_handle(MEMBER_C, "ab")


async def test_health_is_up(client: CredexClient) -> None:
    assert await client.health()
