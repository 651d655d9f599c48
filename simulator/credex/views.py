"""credex-core's response objects, rendered from the ledger as bare JSON-ready dicts
(docs/credex-core-api.md §8, §9).

Amounts are formatted strings; empty pending lists and an empty ledger are `{}` (§9.4, §8.2).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from simulator.credex.balances import balances
from simulator.credex.ledger import Ledger
from simulator.credex.limits import remaining_usd
from simulator.credex.model import Account, Credex, CredexState, Member
from simulator.credex.money import format_amount, json_number

Json = dict[str, Any]
_LEDGER_STATES = frozenset({CredexState.OWES, CredexState.CLEARED})


def member_dashboard(ledger: Ledger, member: Member, duplicate_account_ids: bool) -> Json:
    remaining = remaining_usd(ledger, member)
    return {
        "memberID": member.member_id,
        "firstname": member.firstname,
        "lastname": member.lastname,
        "memberHandle": member.handle,
        "defaultDenom": member.default_denom,
        "memberTier": member.tier,
        "remainingAvailableUSD": None if remaining is None else json_number(remaining),
        "accountIDS": account_ids(ledger, member, duplicate_account_ids),
    }


def account_ids(ledger: Ledger, member: Member, duplicate: bool) -> list[str]:
    """Owned accounts only; with `duplicate` (§9.1 HEAD quirk) an account that issued n >= 1
    credexes today appears n times."""
    owned = ledger.owned_by.get(member.member_id, [])
    if not duplicate:
        return list(owned)
    ids: list[str] = []
    for account_id in owned:
        issued = sum(
            1
            for c in ledger.credexes_touching(account_id)
            if c.issuer_id == account_id
            and c.created_day == ledger.day
            and c.state in (CredexState.OFFERS, CredexState.OWES)
        )
        ids.extend([account_id] * max(issued, 1))
    return ids


def account_dashboard(ledger: Ledger, account: Account, viewer_id: str | None) -> Json | None:
    """None unless the viewer is AUTHORIZED_FOR the account (§9.2)."""
    if viewer_id not in account.authorized:
        return None
    owned = account.owner_id == viewer_id
    recipient = ledger.members.get(account.send_offers_to) if owned else None
    pending_in: list[Json] = []
    pending_out: list[Json] = []
    for credex in ledger.credexes_touching(account.account_id):
        if credex.state is not CredexState.OFFERS:
            continue
        incoming = credex.receiver_id == account.account_id
        other = credex.issuer_id if incoming else credex.receiver_id
        offer: Json = {
            "credexID": credex.credex_id,
            "formattedInitialAmount": format_amount(
                credex.initial if incoming else -credex.initial, credex.denomination
            ),
            "counterpartyAccountName": ledger.accounts[other].name,
        }
        if credex.due_date is not None:
            offer["dueDate"] = credex.due_date.isoformat()
        if credex.secured:
            offer["secured"] = True
        (pending_in if incoming else pending_out).append(offer)
    return {
        "accountID": account.account_id,
        "accountName": account.name,
        "accountHandle": account.handle,
        "defaultDenom": account.default_denom,
        "isOwnedAccount": owned,
        "sendOffersToFirstname": recipient.firstname if recipient else "",
        "sendOffersToLastname": recipient.lastname if recipient else "",
        "sendOffersToMemberID": recipient.member_id if recipient else "",
        "authFor": [_member_name(ledger.members[m]) for m in account.authorized] if owned else [],
        "balanceData": balance_data(ledger, account),
        "pendingInData": pending_in or {},
        "pendingOutData": pending_out or {},
    }


def balance_data(ledger: Ledger, account: Account) -> Json:
    figures = balances(ledger, account)
    denom = account.default_denom
    return {
        "securedNetBalancesByDenom": [format_amount(v, d) for d, v in figures.secured],
        "unsecuredBalancesInDefaultDenom": {
            "totalPayables": format_amount(figures.payables, denom),
            "totalReceivables": format_amount(figures.receivables, denom),
            "netPayRec": format_amount(figures.net_pay_rec, denom),
        },
        "netCredexAssetsInDefaultDenom": format_amount(figures.net_assets, denom),
    }


def ledger_page(ledger: Ledger, account_id: str, start_row: int, num_rows: int) -> list[Json]:
    """OWES and CLEARED credexes, acceptedAt ascending, signed initial amounts (§8.2)."""
    rows = sorted(
        (c for c in ledger.credexes_touching(account_id) if c.state in _LEDGER_STATES),
        key=lambda c: c.accepted_seq,
    )
    page: list[Json] = []
    for credex in rows[start_row : start_row + num_rows]:
        debit = credex.issuer_id == account_id
        other = credex.receiver_id if debit else credex.issuer_id
        page.append(
            {
                "credexID": credex.credex_id,
                "formattedInitialAmount": format_amount(
                    -credex.initial if debit else credex.initial, credex.denomination
                ),
                "counterpartyAccountName": ledger.accounts[other].name,
            }
        )
    return page


def credex_detail(ledger: Ledger, credex: Credex, account_id: str) -> Json:
    """getCredex from the viewpoint of a party; the debtor sees every amount negated (§8.3)."""
    debit = credex.issuer_id == account_id
    other = credex.receiver_id if debit else credex.issuer_id
    securer = ledger.accounts.get(credex.securer_id) if credex.securer_id else None
    denom = credex.denomination

    def amount(value: Decimal) -> str:
        # Negating a zero gives "-0.00 USD", as JavaScript's -0 does.
        return format_amount(value.copy_negate() if debit else value, denom)

    return {
        "credexData": {
            "credexID": credex.credex_id,
            "transactionType": credex.state.value,
            "debit": debit,
            "counterpartyAccountName": ledger.accounts[other].name,
            "securerID": securer.account_id if securer else None,
            "securerName": securer.name if securer else None,
            "Denomination": denom,
            "acceptedAt": _day(credex.accepted_at),
            "declinedAt": _day(credex.declined_at),
            "cancelledAt": _day(credex.cancelled_at),
            "dueDate": credex.due_date.isoformat() if credex.due_date else None,
            "formattedInitialAmount": amount(credex.initial),
            "formattedOutstandingAmount": amount(credex.outstanding),
            "formattedRedeemedAmount": amount(credex.redeemed),
            "formattedDefaultedAmount": amount(credex.defaulted),
            "formattedWrittenOffAmount": amount(credex.written_off),
        },
        # Credloops (the MTQ, §10.11) are not simulated, so nothing is ever cleared against.
        "clearedAgainstData": [],
    }


def _day(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.date().isoformat()


def _member_name(member: Member) -> Json:
    return {
        "memberID": member.member_id,
        "firstname": member.firstname,
        "lastname": member.lastname,
    }
