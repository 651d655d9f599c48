"""The credex state machine and who may accept, decline and cancel ([INTENDED],
docs/credex-core-api.md §10.5)."""

import datetime as dt

import attrs

from simulator.credex.model import Credex, CredexState, Refusal
from simulator.credex.offers import (
    SIGNER_FORBIDDEN,
    accept,
    accept_bulk,
    cancel,
    create_credex,
    decline,
)
from tests.simulator.world import dev_ledger, fund, join, offer, terms


def _pair():  # type: ignore[no-untyped-def]
    ledger = dev_ledger()
    alice_member, alice = join(ledger, "11111111", tier=3)
    bob_member, bob = join(ledger, "22222222", tier=3)
    fund(ledger, alice, 100)
    return ledger, alice_member, alice, bob_member, bob


def test_create_checks_run_in_credex_core_order() -> None:
    ledger, alice_member, alice, _, _ = _pair()
    signer = alice_member.member_id
    due = "2021-01-20"
    cases = [
        (attrs.evolve(terms(alice, alice, 1, secured=False), due_date=None),
         "dueDate is required for unsecured credex"),
        (attrs.evolve(terms(alice, alice, 1), due_date=due),
         "dueDate is not allowed for secured credex"),
        (terms(alice, alice, 1), "Issuer and receiver cannot be the same account"),
    ]  # fmt: skip
    for request, message in cases:
        assert create_credex(ledger, request, signer, True) == Refusal(400, message)


def test_unknown_receiver_fails_after_the_balance_checks() -> None:
    ledger, alice_member, alice, _, bob = _pair()
    request = attrs.evolve(terms(alice, bob, 1), receiver_id="00000000-0000-4000-8000-999999999999")
    assert create_credex(ledger, request, alice_member.member_id, True) == Refusal(
        400, "Error creating credex: Cannot read properties of undefined (reading 'get')"
    )


def test_signer_not_authorized_for_issuer_is_refused_before_anything_is_created() -> None:
    ledger, _, alice, bob_member, bob = _pair()
    before = len(ledger.credexes)
    result = create_credex(ledger, terms(alice, bob, 1), bob_member.member_id, True)
    assert result == Refusal(403, SIGNER_FORBIDDEN)
    assert len(ledger.credexes) == before


def test_receiver_accepts_and_offer_becomes_owes() -> None:
    ledger, _, alice, bob_member, bob = _pair()
    credex = offer(ledger, alice, bob, 5)
    accepted = accept(ledger, credex.credex_id, bob_member.member_id)
    assert isinstance(accepted, Credex)
    assert accepted.state is CredexState.OWES and accepted.accepted_at is not None


def test_issuer_cannot_accept_its_own_offer() -> None:
    ledger, alice_member, alice, _, bob = _pair()
    credex = offer(ledger, alice, bob, 5)
    assert accept(ledger, credex.credex_id, alice_member.member_id) == Refusal(
        400, "Failed to accept Credex", "Failed to accept credex"
    )


def test_second_accept_says_already_accepted() -> None:
    ledger, _, alice, bob_member, bob = _pair()
    credex = offer(ledger, alice, bob, 5)
    accept(ledger, credex.credex_id, bob_member.member_id)
    refusal = accept(ledger, credex.credex_id, bob_member.member_id)
    assert isinstance(refusal, Refusal)
    assert (refusal.status, refusal.message) == (400, "Credex has already been accepted")


def test_accepting_unknown_or_declined_credex_is_an_internal_error() -> None:
    ledger, _, alice, bob_member, bob = _pair()
    credex = offer(ledger, alice, bob, 5)
    decline(ledger, credex.credex_id, bob_member.member_id)
    for credex_id in (credex.credex_id, "00000000-0000-4000-8000-999999999999"):
        refusal = accept(ledger, credex_id, bob_member.member_id)
        assert isinstance(refusal, Refusal) and refusal.status == 500


def test_only_the_receiving_side_declines() -> None:
    ledger, alice_member, alice, bob_member, bob = _pair()
    credex = offer(ledger, alice, bob, 5)
    assert decline(ledger, credex.credex_id, alice_member.member_id) == Refusal(
        403, SIGNER_FORBIDDEN
    )
    declined = decline(ledger, credex.credex_id, bob_member.member_id)
    assert isinstance(declined, Credex) and declined.state is CredexState.DECLINED
    assert declined.outstanding == 0


def test_only_the_issuing_side_cancels() -> None:
    ledger, alice_member, alice, bob_member, bob = _pair()
    credex = offer(ledger, alice, bob, 5)
    assert cancel(ledger, credex.credex_id, bob_member.member_id) == Refusal(403, SIGNER_FORBIDDEN)
    cancelled = cancel(ledger, credex.credex_id, alice_member.member_id)
    assert isinstance(cancelled, Credex) and cancelled.state is CredexState.CANCELLED


def test_accepted_credex_can_be_neither_declined_nor_cancelled() -> None:
    ledger, alice_member, alice, bob_member, bob = _pair()
    credex = offer(ledger, alice, bob, 5)
    accept(ledger, credex.credex_id, bob_member.member_id)
    not_pending = Refusal(404, "Credex not found or already processed")
    assert decline(ledger, credex.credex_id, bob_member.member_id) == not_pending
    assert cancel(ledger, credex.credex_id, alice_member.member_id) == not_pending


def test_bulk_accept_sorts_each_credex_into_its_outcome() -> None:
    ledger, _, alice, bob_member, bob = _pair()
    fresh = offer(ledger, alice, bob, 1)
    done = offer(ledger, alice, bob, 2)
    accept(ledger, done.credex_id, bob_member.member_id)
    missing = "00000000-0000-4000-8000-999999999999"
    outcome = accept_bulk(ledger, [fresh.credex_id, done.credex_id, missing], bob_member.member_id)
    assert [c.credex_id for c in outcome.accepted] == [fresh.credex_id]
    assert outcome.already_accepted == (done.credex_id,)
    assert outcome.failed == ((missing, "Credex not found"),)


def test_requests_never_become_owes() -> None:
    ledger, alice_member, alice, bob_member, bob = _pair()
    request = attrs.evolve(terms(alice, bob, 1), direction="REQUESTS")
    credex = create_credex(ledger, request, alice_member.member_id, True)
    assert isinstance(credex, Credex) and credex.state is CredexState.REQUESTS
    refusal = accept(ledger, credex.credex_id, bob_member.member_id)
    assert isinstance(refusal, Refusal) and refusal.status == 500
    assert isinstance(decline(ledger, credex.credex_id, bob_member.member_id), Credex)


def test_created_credex_records_the_system_day() -> None:
    ledger, _, alice, _, bob = _pair()
    assert offer(ledger, alice, bob, 1).created_day == dt.date(2021, 1, 2)
