"""Properties of any sequence of offers, accepts, declines, cancels and day advances: value is
conserved, and no member ever holds a negative secured balance (the securable check holds)."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.credex.balances import balances
from simulator.credex.dco import advance_day
from simulator.credex.model import Credex, CredexState
from simulator.credex.money import ZERO, convert
from simulator.credex.offers import accept, cancel, create_credex, decline
from tests.simulator.world import dev_ledger, fund, join, terms

PHONES = ("11111111", "22222222", "33333333")
operations = st.lists(
    st.tuples(
        st.sampled_from(("offer", "accept", "decline", "cancel", "day")),
        st.integers(0, 2),
        st.integers(0, 2),
        st.decimals(min_value=Decimal("0.01"), max_value=Decimal(40), places=2),
        st.sampled_from(("USD", "CAD")),
    ),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(operations)
def test_value_is_conserved_and_secured_balances_never_go_negative(
    steps: list[tuple[str, int, int, Decimal, str]],
) -> None:
    ledger = dev_ledger()
    members, accounts = [], []
    for phone, tier in zip(PHONES, (1, 2, 3), strict=True):
        member, account = join(ledger, phone, tier=tier)
        fund(ledger, account, 30)
        fund(ledger, account, 30, "CAD")
        members.append(member)
        accounts.append(account)
    for action, a, b, amount, denom in steps:
        pending = [c for c in ledger.credexes.values() if c.state is CredexState.OFFERS]
        if action == "offer":
            if a != b:
                request = terms(accounts[a], accounts[b], str(amount), denom)
                create_credex(ledger, request, members[a].member_id, True)
        elif action == "day":
            advance_day(ledger)
        elif pending:
            credex: Credex = pending[(a * 3 + b) % len(pending)]
            signer = members[b].member_id
            {"accept": accept, "decline": decline, "cancel": cancel}[action](
                ledger, credex.credex_id, signer
            )
    total = ZERO
    for account in ledger.accounts.values():
        figures = balances(ledger, account)
        total += convert(figures.net_assets, account.default_denom, "CXX")
        if not account.audited:
            assert all(value >= 0 for _, value in figures.secured), (account.handle, figures)
    assert abs(total) < Decimal("1e-20")
