"""Balance arithmetic (docs/credex-core-api.md §10.4) and the securable balance with its
largest-securer rule (§10.2)."""

import datetime as dt
from decimal import Decimal

from simulator.credex.balances import balances, securable
from simulator.credex.dco import advance_day
from simulator.credex.model import Credex, Refusal
from simulator.credex.offers import cancel, create_credex, decline
from simulator.credex.seed import initialize
from tests.simulator.world import dev_ledger, fund, join, offer, settle, terms, trust


def test_secured_balance_is_accepted_incoming_minus_outgoing_per_denomination() -> None:
    ledger = dev_ledger()
    _, alice = join(ledger, "11111111", tier=3)
    _, bob = join(ledger, "22222222", tier=3)
    fund(ledger, alice, 20)
    fund(ledger, alice, 5, "CAD")
    settle(ledger, alice, bob, "7.25")
    figures = balances(ledger, ledger.accounts[alice.account_id])
    assert figures.secured == (("USD", Decimal("12.75")), ("CAD", Decimal(5)))
    assert balances(ledger, ledger.accounts[bob.account_id]).secured == (("USD", Decimal("7.25")),)


def test_pending_outgoing_secured_offer_reduces_secured_balance_but_not_net_assets() -> None:
    ledger = dev_ledger()
    _, alice = join(ledger, "11111111", tier=3)
    _, bob = join(ledger, "22222222", tier=3)
    fund(ledger, alice, 10)
    offer(ledger, alice, bob, 4)
    figures = balances(ledger, alice)
    assert figures.secured == (("USD", Decimal(6)),)
    assert figures.net_assets == Decimal(10)
    # Not accepted yet: nothing reaches the receiver.
    assert balances(ledger, bob).secured == ()


def test_declined_and_cancelled_offers_stop_reducing_the_balance() -> None:
    ledger = dev_ledger()
    alice_member, alice = join(ledger, "11111111", tier=3)
    bob_member, bob = join(ledger, "22222222", tier=3)
    fund(ledger, alice, 10)
    first = offer(ledger, alice, bob, 4)
    second = offer(ledger, alice, bob, 3)
    assert isinstance(decline(ledger, first.credex_id, bob_member.member_id), Credex)
    assert isinstance(cancel(ledger, second.credex_id, alice_member.member_id), Credex)
    assert balances(ledger, alice).secured == (("USD", Decimal(10)),)


def test_unsecured_payables_receivables_and_net_in_default_denomination() -> None:
    ledger = dev_ledger()
    _, alice = join(ledger, "11111111", tier=3)
    _, bob = join(ledger, "22222222", tier=3, denom="CAD")
    assert ledger.day is not None
    due = ledger.day + dt.timedelta(days=10)
    settle(ledger, alice, bob, 10, secured=False, due=due)
    settle(ledger, bob, alice, "2.70", "CAD", secured=False, due=due)
    mine = balances(ledger, alice)
    assert (mine.payables, mine.receivables, mine.net_pay_rec) == (
        Decimal(10),
        Decimal(2),
        Decimal(-8),
    )
    theirs = balances(ledger, bob)
    assert theirs.receivables == Decimal("13.5")  # 10 USD at 1.35 CAD per USD
    assert theirs.net_assets == Decimal("10.8")


def test_securing_exactly_the_securable_amount_is_allowed() -> None:
    ledger = dev_ledger()
    _, alice = join(ledger, "11111111", tier=3)
    _, bob = join(ledger, "22222222", tier=3)
    fund(ledger, alice, 7)
    assert securable(ledger, alice, "USD").amount == Decimal(7)
    result = create_credex(ledger, terms(alice, bob, 7), alice.owner_id, True)
    assert isinstance(result, Credex)


def test_securable_sums_in_cxx_doubles_so_five_plus_two_usd_cannot_secure_seven() -> None:
    """credex-core stores amounts in CXX as doubles and divides the sum by the rate (§10.1):
    (5 x 1.35 + 2 x 1.35) / 1.35 is 6.999999999999999, so 7.00 is refused while its message
    shows 7.00 as the maximum; 6.99 is accepted."""
    ledger = dev_ledger()
    _, alice = join(ledger, "11111111", tier=3)
    _, bob = join(ledger, "22222222", tier=3)
    fund(ledger, alice, 5)
    fund(ledger, alice, 2)
    assert balances(ledger, alice).secured == (("USD", Decimal(7)),)  # shown exactly
    assert securable(ledger, alice, "USD").amount == Decimal("6.999999999999999")
    refused = create_credex(ledger, terms(alice, bob, 7), alice.owner_id, True)
    assert isinstance(refused, Refusal)
    assert refused.message.endswith("maximum securable USD balance is 7.00 USD")
    assert isinstance(
        create_credex(ledger, terms(alice, bob, "6.99"), alice.owner_id, True), Credex
    )


def test_securing_a_cent_more_than_the_securable_amount_is_refused_with_both_amounts() -> None:
    ledger = dev_ledger()
    _, alice = join(ledger, "11111111", tier=3)
    _, bob = join(ledger, "22222222", tier=3)
    fund(ledger, alice, 7)
    result = create_credex(ledger, terms(alice, bob, "7.01"), alice.owner_id, True)
    assert result == Refusal(
        400,
        "Error: Your secured credex for 7.01 USD cannot be issued because your maximum "
        "securable USD balance is 7.00 USD",
    )


def test_secured_balance_in_one_denomination_cannot_back_another() -> None:
    ledger = dev_ledger()
    _, alice = join(ledger, "11111111", tier=3)
    fund(ledger, alice, 100)
    assert securable(ledger, alice, "CAD").amount == Decimal(0)


def test_largest_securer_backs_the_new_credex() -> None:
    ledger = dev_ledger()
    _, alice = join(ledger, "11111111", tier=3)
    _, bob = join(ledger, "22222222", tier=3)
    _, carol = join(ledger, "33333333", tier=3)
    greatsun = ledger.account_with_handle("greatsun_trust")
    assert greatsun is not None
    fund(ledger, alice, 3)  # secured by vimbisopay_trust
    settle(ledger, greatsun, alice, 8, "USD")  # secured by greatsun_trust
    available = securable(ledger, alice, "USD")
    assert (available.amount, available.securer_id) == (Decimal(8), greatsun.account_id)
    # Only the largest group counts, not the 11 USD total.
    refused = create_credex(ledger, terms(alice, bob, 9), alice.owner_id, True)
    assert isinstance(refused, Refusal)
    sent = offer(ledger, alice, carol, 8)
    assert sent.securer_id == greatsun.account_id


def test_audited_trust_is_unlimited_and_secures_itself() -> None:
    ledger = dev_ledger()
    _, alice = join(ledger, "11111111")
    vimbisopay = trust(ledger)
    available = securable(ledger, vimbisopay, "XAU")
    assert (available.amount, available.securer_id) == (None, vimbisopay.account_id)
    assert offer(ledger, vimbisopay, alice, 1_000_000).securer_id == vimbisopay.account_id


def test_pending_incoming_secured_offer_does_not_raise_what_may_be_secured() -> None:
    ledger = dev_ledger()
    _, alice = join(ledger, "11111111", tier=3)
    offer(ledger, trust(ledger), alice, 50)
    assert securable(ledger, alice, "USD").amount == Decimal(0)


def test_expired_secured_offer_stops_reducing_the_secured_balance() -> None:
    ledger = dev_ledger()
    _, alice = join(ledger, "11111111", tier=3)
    _, bob = join(ledger, "22222222", tier=3)
    fund(ledger, alice, 10)
    offer(ledger, alice, bob, 4)
    for _ in range(3):
        advance_day(ledger)
    assert balances(ledger, alice).secured == (("USD", Decimal(10)),)


def test_seeded_member_a_holds_the_365_cad_from_greatsun_less_each_dco_give() -> None:
    ledger = dev_ledger()
    account = ledger.account_with_handle("263778177125")
    assert account is not None
    assert balances(ledger, account).secured == (("CAD", Decimal(364)), ("CXX", Decimal(1)))
    initialize(ledger, ledger.day)  # type: ignore[arg-type]
    account = ledger.account_with_handle("263778177125")
    assert account is not None
    assert balances(ledger, account).secured == (("CAD", Decimal(365)),)
