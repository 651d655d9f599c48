"""Members and accounts: onboarding, extra accounts, authorizations, sendOffersTo
(docs/credex-core-api.md §3.3, §8.2).

unauthorizeForAccount, updateSendOffersTo, BUSINESS accounts and updateAccount follow the
[INTENDED] behaviour (§11 quirks 4 and 16), with HEAD's messages and statuses.
"""

from __future__ import annotations

import attrs

from simulator.credex.ledger import Ledger
from simulator.credex.model import Account, Member, Refusal
from simulator.credex.money import DENOMINATIONS

MAX_AUTHORIZED = 5
UNKNOWN_OWNER = "Cannot read properties of undefined (reading 'get')"
TIER_TOO_LOW_TO_AUTHORIZE = (
    "You can only authorize someone to transact on behalf of your account when you are on the "
    "Entrepreneur tier or above."
)
AUTHORIZED_LIMIT = (
    "Limit of 5 authorized accounts reached. Remove an authorized account if you want to add "
    "another."
)
UNAUTHORIZE_FAILED = "Failed to unauthorize member for the account"
SEND_OFFERS_TO_FAILED = "Failed to update offer recipient for account"


def onboard(
    ledger: Ledger,
    firstname: str,
    lastname: str,
    phone: str,
    default_denom: str,
    *,
    tier: int = 1,
    account_handle: str | None = None,
) -> tuple[Member, Account] | Refusal:
    """A tier-1 member whose handle is the phone, with a personal account of that handle."""
    if ledger.day is None:
        return Refusal(400, "could not onboard member")
    if phone in ledger.member_by_phone:
        return Refusal(400, "Phone number already in use")
    if phone in ledger.member_by_handle:
        return Refusal(400, "Member handle already in use")
    if default_denom not in DENOMINATIONS:
        return Refusal(400, "defaultDenom not in denoms")
    member = Member(
        member_id=ledger.new_id(),
        firstname=firstname,
        lastname=lastname,
        handle=phone,
        phone=phone,
        default_denom=default_denom,
        tier=tier,
    )
    ledger.add_member(member)
    handle = account_handle or phone
    if handle in ledger.account_by_handle:
        # credex-core has created the member by then and keeps it (§8.1).
        return Refusal(400, "Failed to create default account for new member")
    account = open_account(
        ledger,
        member,
        "PERSONAL_CONSUMPTION",
        f"{firstname} {lastname} Personal",
        handle,
        default_denom,
    )
    return member, account


def open_account(
    ledger: Ledger, owner: Member, account_type: str, name: str, handle: str, denom: str
) -> Account:
    """The owner OWNS it, is AUTHORIZED_FOR it and is its SEND_OFFERS_TO member."""
    account = Account(
        account_id=ledger.new_id(),
        account_type=account_type,
        name=name,
        handle=handle,
        default_denom=denom,
        owner_id=owner.member_id,
        authorized=(owner.member_id,),
        send_offers_to=owner.member_id,
    )
    ledger.add_account(account)
    return account


def create_account(
    ledger: Ledger, owner_id: str, account_type: str, name: str, handle: str, denom: str
) -> Account | Refusal:
    owner = ledger.members.get(owner_id)
    if owner is None:
        return Refusal(400, f"Error: {UNKNOWN_OWNER}")
    if owner.tier <= 2 and ledger.owned_by.get(owner_id):
        return Refusal(
            400, "You cannot create an account on the Open or Verified membership tiers."
        )
    if handle in ledger.account_by_handle:
        return Refusal(400, "Sorry, that handle is already in use")
    return open_account(ledger, owner, account_type, name, handle, denom)


def authorize(
    ledger: Ledger, account_id: str, handle: str, owner_id: str
) -> tuple[Account, Member] | Refusal:
    owner = ledger.members.get(owner_id)
    if owner is None:
        return Refusal(500, UNKNOWN_OWNER)
    if owner.tier < 4:
        return Refusal(403, TIER_TOO_LOW_TO_AUTHORIZE)
    account = ledger.accounts.get(account_id)
    target = ledger.member_with_handle(handle)
    if account is None or account.owner_id != owner_id or target is None:
        return Refusal(404, "Accounts not found")
    if target.member_id in account.authorized:
        return account, target
    if len(account.authorized) >= MAX_AUTHORIZED:
        return Refusal(400, AUTHORIZED_LIMIT)
    account = attrs.evolve(account, authorized=(*account.authorized, target.member_id))
    ledger.replace_account(account)
    return account, target


def unauthorize(
    ledger: Ledger, member_id: str, account_id: str, owner_id: str
) -> Account | Refusal:
    account = ledger.accounts.get(account_id)
    if (
        account is None
        or account.owner_id != owner_id
        or member_id not in account.authorized
        # The owner's own AUTHORIZED_FOR link is part of owning the account.
        or member_id == owner_id
    ):
        return Refusal(400, UNAUTHORIZE_FAILED)
    send_to = account.owner_id if account.send_offers_to == member_id else account.send_offers_to
    account = attrs.evolve(
        account,
        authorized=tuple(m for m in account.authorized if m != member_id),
        send_offers_to=send_to,
    )
    ledger.replace_account(account)
    return account


def update_send_offers_to(
    ledger: Ledger, member_id: str, account_id: str, owner_id: str
) -> Account | Refusal:
    account = ledger.accounts.get(account_id)
    if account is None or account.owner_id != owner_id or member_id not in account.authorized:
        return Refusal(400, SEND_OFFERS_TO_FAILED)
    account = attrs.evolve(account, send_offers_to=member_id)
    ledger.replace_account(account)
    return account


def update_account(
    ledger: Ledger,
    owner_id: str | None,
    account_id: str | None,
    name: str | None,
    handle: str | None,
    denom: str | None,
) -> Account | Refusal:
    """Omitted name or handle are kept ([INTENDED]; HEAD nulls them)."""
    not_found = Refusal(404, "Account not found or no update performed")
    account = ledger.accounts.get(account_id or "")
    if denom not in DENOMINATIONS or account is None or account.owner_id != owner_id:
        return not_found
    if handle and handle != account.handle and handle in ledger.account_by_handle:
        return not_found
    account = attrs.evolve(
        account, name=name or account.name, handle=handle or account.handle, default_denom=denom
    )
    ledger.replace_account(account)
    return account
