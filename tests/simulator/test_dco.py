"""forceDCO's day advance: offer expiry after two days, defaults on due credexes
(docs/credex-core-api.md §10.9)."""

import datetime as dt

from simulator.credex.dco import advance_day
from simulator.credex.model import CredexState
from tests.simulator.world import dev_ledger, join, offer, settle


def test_offer_lives_until_the_dco_that_closes_its_second_day() -> None:
    ledger = dev_ledger()
    _, alice = join(ledger, "11111111", tier=3)
    _, bob = join(ledger, "22222222", tier=3)
    due = dt.date(2021, 1, 20)
    credex = offer(ledger, alice, bob, 5, secured=False, due=due)
    advance_day(ledger)  # closes day D
    advance_day(ledger)  # closes D+1
    assert ledger.credexes[credex.credex_id].state is CredexState.OFFERS
    advance_day(ledger)  # closes D+2
    assert ledger.credexes[credex.credex_id].state is CredexState.EXPIRED
    assert ledger.day == dt.date(2021, 1, 5)


def test_credex_defaults_once_its_due_date_has_come() -> None:
    ledger = dev_ledger()
    _, alice = join(ledger, "11111111", tier=3)
    _, bob = join(ledger, "22222222", tier=3)
    assert ledger.day is not None
    due = ledger.day + dt.timedelta(days=7)
    credex = settle(ledger, alice, bob, 5, secured=False, due=due)
    while ledger.day < due:
        advance_day(ledger)
        assert ledger.credexes[credex.credex_id].defaulted == 0
    advance_day(ledger)
    after = ledger.credexes[credex.credex_id]
    assert after.defaulted == 5 and after.state is CredexState.OWES


def test_each_dco_gives_member_a_one_cxx_in_cad_and_returns_one_cxx() -> None:
    ledger = dev_ledger()
    account = ledger.account_with_handle("263778177125")
    assert account is not None
    kinds = [c.credex_type for c in ledger.credexes_touching(account.account_id)]
    assert kinds == ["PURCHASE", "DCO_GIVE", "DCO_RECEIVE"]
    advance_day(ledger)
    assert len(list(ledger.credexes_touching(account.account_id))) == 5
