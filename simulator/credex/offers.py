"""Creating, accepting, declining and cancelling credexes: the state machine of
docs/credex-core-api.md §6 and §10.5.

Each operation either changes the ledger and returns the credex, or returns a `Refusal`
carrying credex-core's status and message (§8.3) and changes nothing.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from simulator.credex.balances import securable
from simulator.credex.ledger import Ledger
from simulator.credex.limits import (
    DUE_DATE_REFUSED,
    NO_ACCOUNT,
    authorize_spend,
    due_date_allowed,
    parse_due_date,
)
from simulator.credex.model import PENDING, Credex, CredexState, Refusal
from simulator.credex.money import ZERO, format_amount

# Not in the HEAD snapshot (it checks no signer there); the [INTENDED] checks need a text.
SIGNER_FORBIDDEN = "Signer is not authorized for this account"
NOT_PENDING = "Credex not found or already processed"
ALREADY_ACCEPTED = "Credex has already been accepted"
INTERNAL = "Internal server error"


@attrs.frozen
class OfferTerms:
    """A createCredex request after validation; `issuer_id` is the requester for REQUESTS."""

    issuer_id: str
    receiver_id: str
    denomination: str
    amount: Decimal
    credex_type: str | None
    direction: str
    secured: bool
    due_date: str | None  # an empty string counts as absent


def create_credex(
    ledger: Ledger, terms: OfferTerms, signer_id: str | None, check_signer: bool
) -> Credex | Refusal:
    """Steps 3-9 of §8.3 in their order; `check_signer` adds the [INTENDED] 403 before creating."""
    due_text = terms.due_date or None
    if not terms.secured and due_text is None:
        return Refusal(400, "dueDate is required for unsecured credex")
    if terms.secured and due_text is not None:
        return Refusal(400, "dueDate is not allowed for secured credex")
    if terms.issuer_id == terms.receiver_id:
        return Refusal(400, "Issuer and receiver cannot be the same account")
    if check_signer and not ledger.is_authorized(signer_id, terms.issuer_id):
        return Refusal(403, SIGNER_FORBIDDEN)
    issuer = ledger.accounts.get(terms.issuer_id)
    if issuer is None:
        return Refusal(400, NO_ACCOUNT)
    decision = authorize_spend(ledger, issuer, terms.amount, terms.denomination, terms.secured)
    if not decision.authorized:
        return Refusal(400, decision.message)
    assert ledger.day is not None
    due_date = None
    if due_text is not None:
        due_date = parse_due_date(due_text)
        if due_date is None or not due_date_allowed(due_date, ledger.day):
            return Refusal(400, DUE_DATE_REFUSED)
    securer_id = None
    if terms.secured:
        available = securable(ledger, issuer, terms.denomination)
        if not available.allows(terms.amount):
            assert available.amount is not None
            return Refusal(
                400,
                f"Error: Your secured credex for {format_amount(terms.amount, terms.denomination)}"
                f" cannot be issued because your maximum securable {terms.denomination} balance"
                f" is {format_amount(available.amount, terms.denomination)}",
            )
        securer_id = available.securer_id
    if terms.receiver_id not in ledger.accounts:
        return Refusal(
            400, "Error creating credex: Cannot read properties of undefined (reading 'get')"
        )
    credex = Credex(
        credex_id=ledger.new_id(),
        issuer_id=terms.issuer_id,
        receiver_id=terms.receiver_id,
        denomination=terms.denomination,
        initial=terms.amount,
        outstanding=terms.amount,
        credex_type=terms.credex_type,
        direction=terms.direction,
        state=CredexState(terms.direction),
        securer_id=securer_id,
        due_date=due_date,
        created_day=ledger.day,
        created_at=ledger.clock(),
    )
    ledger.add_credex(credex)
    return credex


def accept(ledger: Ledger, credex_id: str | None, signer_id: str | None) -> Credex | Refusal:
    """OFFERS becomes OWES when a member authorized for the receiving account signs (§10.5)."""
    credex = ledger.credexes.get(credex_id or "")
    if credex is None:
        return Refusal(500, INTERNAL, "Credex not found")
    if credex.state is CredexState.OWES:
        # Bulk accept files a credex under alreadyAccepted when its error says "already accepted".
        return Refusal(400, ALREADY_ACCEPTED, "Credex already accepted")
    if credex.state is not CredexState.OFFERS:
        return Refusal(500, INTERNAL, "Credex in invalid state")
    if not ledger.is_authorized(signer_id, credex.receiver_id):
        return Refusal(400, "Failed to accept Credex", "Failed to accept credex")
    accepted = attrs.evolve(
        credex,
        state=CredexState.OWES,
        accepted_at=ledger.clock(),
        accepted_seq=ledger.next_accept_seq(),
    )
    ledger.replace_credex(accepted)
    return accepted


def decline(ledger: Ledger, credex_id: str | None, signer_id: str | None) -> Credex | Refusal:
    """[INTENDED]: only a member authorized for the receiving account declines."""
    credex = ledger.credexes.get(credex_id or "")
    if credex is None or credex.state not in PENDING:
        return Refusal(404, NOT_PENDING)
    if not ledger.is_authorized(signer_id, credex.receiver_id):
        return Refusal(403, SIGNER_FORBIDDEN)
    declined = attrs.evolve(
        credex, state=CredexState.DECLINED, outstanding=ZERO, declined_at=ledger.clock()
    )
    ledger.replace_credex(declined)
    return declined


def cancel(ledger: Ledger, credex_id: str | None, signer_id: str | None) -> Credex | Refusal:
    """[INTENDED]: only a member authorized for the issuing account cancels."""
    credex = ledger.credexes.get(credex_id or "")
    if credex is None or credex.state not in PENDING:
        return Refusal(404, NOT_PENDING)
    if not ledger.is_authorized(signer_id, credex.issuer_id):
        return Refusal(403, SIGNER_FORBIDDEN)
    cancelled = attrs.evolve(
        credex, state=CredexState.CANCELLED, outstanding=ZERO, cancelled_at=ledger.clock()
    )
    ledger.replace_credex(cancelled)
    return cancelled


@attrs.frozen
class BulkOutcome:
    accepted: tuple[Credex, ...]
    already_accepted: tuple[str, ...]
    failed: tuple[tuple[str, str], ...]  # (credexID, reason)


def accept_bulk(ledger: Ledger, credex_ids: list[str], signer_id: str | None) -> BulkOutcome:
    accepted: list[Credex] = []
    already: list[str] = []
    failed: list[tuple[str, str]] = []
    for credex_id in credex_ids:
        result = accept(ledger, credex_id, signer_id)
        if isinstance(result, Credex):
            accepted.append(result)
        elif "already accepted" in result.detail:
            already.append(credex_id)
        else:
            failed.append((credex_id, result.detail))
    return BulkOutcome(tuple(accepted), tuple(already), tuple(failed))
