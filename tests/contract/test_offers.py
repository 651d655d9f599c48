"""createCredex through the client: secured and unsecured offers and every rejection, in
credex-core's processing order (docs/credex-core-api.md §8.3), with credex-core's own message."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from actors.ports.credex import CreatedCredex, Forbidden, Invalid, LimitExceeded, Money
from tests.contract.conftest import SEED_DAY, Person, World

pytestmark = pytest.mark.anyio


async def offer(
    world: World,
    issuer: Person,
    receiver: Person,
    amount: str,
    *,
    secured: bool = True,
    due: dt.date | None = None,
    denom: str = "USD",
) -> CreatedCredex:
    return await world.client.create_credex(
        issuer.phone,
        member_id=issuer.member_id,
        issuer_account_id=issuer.account_id,
        receiver_account_id=receiver.account_id,
        amount=Decimal(amount),
        denomination=denom,
        secured=secured,
        due_date=due,
    )


async def test_secured_offer_moves_the_secured_balance_at_once(world: World) -> None:
    ann = await world.member(funded=Decimal(8))
    bob = await world.member(name="Bob")
    created = await offer(world, ann, bob, "5.25")
    assert created.amount == Money(Decimal("5.25"), "USD") and created.secured
    assert created.counterparty == "Bob Member Personal" and created.due_date is None
    assert created.dashboard is not None
    assert created.dashboard.balances.secured == (Money(Decimal("2.75"), "USD"),)
    (out,) = created.dashboard.pending_out
    assert out.credex_id == created.credex_id and out.amount.amount == Decimal("-5.25")
    incoming = (await world.client.member_view(bob.phone)).accounts[0].pending_in
    assert [(o.credex_id, o.amount.amount, o.secured) for o in incoming] == [
        (created.credex_id, Decimal("5.25"), True)
    ]


async def test_exactly_the_securable_amount_is_allowed(world: World) -> None:
    ann = await world.member(funded=Decimal(7))
    bob = await world.member(name="Bob")
    created = await offer(world, ann, bob, "7.00")
    assert created.dashboard is not None and created.dashboard.balances.secured == ()


async def test_more_than_the_securable_balance_is_a_limit(world: World) -> None:
    ann = await world.member(funded=Decimal(6))
    bob = await world.member(name="Bob")
    with pytest.raises(LimitExceeded) as err:
        await offer(world, ann, bob, "7")
    assert err.value.message == (
        "Error: Your secured credex for 7.00 USD cannot be issued because your maximum "
        "securable USD balance is 6.00 USD"
    )


async def test_secured_balance_does_not_cross_denominations(world: World) -> None:
    ann = await world.member(funded=Decimal(6), tier=2)
    bob = await world.member(name="Bob")
    with pytest.raises(LimitExceeded, match=r"maximum securable CAD balance is 0\.00 CAD"):
        await offer(world, ann, bob, "1", denom="CAD")


async def test_unsecured_offer_on_tier_two_carries_its_due_date(world: World) -> None:
    ann = await world.member(tier=2)
    bob = await world.member(name="Bob")
    created = await offer(world, ann, bob, "20", secured=False, due=world.due(14))
    assert not created.secured and created.due_date == SEED_DAY + dt.timedelta(days=14)
    incoming = (await world.client.member_view(bob.phone)).accounts[0].pending_in
    assert incoming[0].due_date == world.due(14) and not incoming[0].secured


async def test_unsecured_on_the_open_tier_is_refused(world: World) -> None:
    ann = await world.member(funded=Decimal(5))
    bob = await world.member(name="Bob")
    with pytest.raises(LimitExceeded, match=r"^Unsecured credex not permitted on open tier$"):
        await offer(world, ann, bob, "1", secured=False, due=world.due())


# Each row breaks exactly the rules from its step on; the earliest step's message wins (§8.3).
@pytest.mark.parametrize(
    ("case", "error", "message"),
    [
        ("schema", Invalid, "Invalid amount: must be a positive finite number"),
        ("unsecured_without_due", Invalid, "dueDate is required for unsecured credex"),
        ("secured_with_due", Invalid, "dueDate is not allowed for secured credex"),
        ("same_account", Invalid, "Issuer and receiver cannot be the same account"),
        (
            "tier_limit",
            LimitExceeded,
            "You are only able to issue 10.00 USD until tomorrow. Limits renew at midnight UTC.",
        ),
        (
            "due_window",
            Invalid,
            "Due date must be permitted date, in format YYYY-MM-DD. First permitted due date "
            "is 1 week from today. Last permitted due date is 5 weeks from today.",
        ),
        (
            "securable",
            LimitExceeded,
            "Error: Your secured credex for 3.00 USD cannot be issued because your maximum "
            "securable USD balance is 2.00 USD",
        ),
    ],
)
async def test_create_credex_rejections_in_processing_order(
    world: World, case: str, error: type[Exception], message: str
) -> None:
    ann = await world.member(funded=Decimal(2))
    bob = await world.member(name="Bob")
    tier2 = await world.member(tier=2, funded=Decimal(2), name="Tia")
    over_limit = "11"  # above the tier-1 daily 10 USD and above the 2 USD securable
    calls = {
        "schema": (ann, ann, "-1", False, world.due(3)),
        "unsecured_without_due": (ann, ann, over_limit, False, None),
        "secured_with_due": (ann, ann, over_limit, True, world.due(3)),
        "same_account": (ann, ann, over_limit, True, None),
        "tier_limit": (ann, bob, over_limit, True, None),
        "due_window": (tier2, bob, "3", False, world.due(3)),
        "securable": (tier2, bob, "3", True, None),
    }
    issuer, receiver, amount, secured, due = calls[case]
    with pytest.raises(error) as err:
        await offer(world, issuer, receiver, amount, secured=secured, due=due)
    assert type(err.value) is error and err.value.message == message  # type: ignore[attr-defined]


@pytest.mark.parametrize("days", [7, 34])
async def test_due_date_window_edges_are_allowed(world: World, days: int) -> None:
    ann = await world.member(tier=2)
    bob = await world.member(name="Bob")
    created = await offer(world, ann, bob, "1", secured=False, due=world.due(days))
    assert created.due_date == world.due(days)


@pytest.mark.parametrize("days", [6, 35])
async def test_due_date_outside_the_window_is_invalid(world: World, days: int) -> None:
    ann = await world.member(tier=2)
    bob = await world.member(name="Bob")
    with pytest.raises(Invalid, match=r"^Due date must be permitted date"):
        await offer(world, ann, bob, "1", secured=False, due=world.due(days))


async def test_offering_from_an_account_the_member_may_not_use_is_forbidden_and_creates_nothing(
    world: World,
) -> None:
    ann = await world.member(funded=Decimal(5))
    bob = await world.member(name="Bob")
    mallory = await world.member(name="Mallory")
    with pytest.raises(Forbidden):
        await world.client.create_credex(
            mallory.phone,
            member_id=mallory.member_id,
            issuer_account_id=ann.account_id,
            receiver_account_id=bob.account_id,
            amount=Decimal(1),
            denomination="USD",
            secured=True,
            due_date=None,
        )
    assert (await world.client.member_view(ann.phone)).accounts[0].pending_out == ()
    assert (await world.client.member_view(bob.phone)).accounts[0].pending_in == ()
