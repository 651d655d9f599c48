"""Parse credex-core's JSON bodies into the port's typed values, once, at the edge.

Every quirk of credex-core's response shapes is absorbed here (docs/credex-core-api.md §9, §11):
formatted amount
strings, `{}` where a list is expected, duplicated account ids, `null` remaining limits.
Anything that does not fit raises ResponseShapeError; nothing past this module sees a dict.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from actors.ports.credex import (
    AccountDashboard,
    AccountRef,
    Balances,
    BulkAcceptResult,
    BulkFailure,
    CreatedCredex,
    CredexDetail,
    LedgerEntry,
    MemberDashboard,
    MemberName,
    MemberRef,
    MemberView,
    Money,
    PendingOffer,
)
from gateway.untrusted import shown_name


class ResponseShapeError(ValueError):
    """credex-core answered with a body this adapter cannot read."""


def parse_money(text: object) -> Money:
    """`"1,234.50 USD"` -> Money(Decimal("1234.50"), "USD"); `"-0.00 USD"` keeps its sign (§9.5)."""
    if not isinstance(text, str):
        raise ResponseShapeError(f"amount is not a string: {text!r}")
    number, _, denom = text.strip().rpartition(" ")
    if not number or not denom.isalpha():
        raise ResponseShapeError(f"amount without denomination: {text!r}")
    return Money(parse_decimal(number), denom.upper())


def parse_decimal(text: object) -> Decimal:
    """A formatted number (`"1,234.50"`, `"-0.250"`) or a JSON number, exactly."""
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        raise ResponseShapeError(f"not a number: {text!r}")
    try:
        value = Decimal(str(text).replace(",", "").strip())
    except InvalidOperation as exc:
        raise ResponseShapeError(f"not a number: {text!r}") from exc
    if not value.is_finite():
        raise ResponseShapeError(f"not a finite number: {text!r}")
    return value


def parse_date(value: object) -> dt.date | None:
    """`"YYYY-MM-DD"` (or a longer ISO timestamp) -> date; null and `""` -> None."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ResponseShapeError(f"not a date: {value!r}")
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError as exc:
        raise ResponseShapeError(f"not a date: {value!r}") from exc


def as_list(value: object, field: str) -> list[Any]:
    """credex-core sends `{}` (or null) for an empty list (§9.4, §8.2 getLedger)."""
    if value is None or value == {}:
        return []
    if isinstance(value, list):
        return value
    raise ResponseShapeError(f"{field} is not a list: {value!r}")


def as_dict(value: object, field: str) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    raise ResponseShapeError(f"{field} is not an object: {value!r}")


def text_field(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str):
        raise ResponseShapeError(f"{key} missing or not a string in {sorted(body)}")
    return value


def optional_text(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    return value if isinstance(value, str) and value else None


def name_field(body: dict[str, Any], key: str) -> str:
    """A person's name, "" when absent; shown to members, so made safe (gateway/untrusted.py)."""
    value = body.get(key)
    return shown_name(value) if isinstance(value, str) else ""


def optional_name(body: dict[str, Any], key: str) -> str | None:
    value = optional_text(body, key)
    return (shown_name(value) or None) if value is not None else None


def unique(ids: Iterable[str]) -> tuple[str, ...]:
    """De-duplicate, first occurrence kept: accountIDS repeats per credex issued today (§9.1)."""
    return tuple(dict.fromkeys(ids))


def parse_pending(item: object) -> PendingOffer:
    body = as_dict(item, "pending offer")
    return PendingOffer(
        credex_id=text_field(body, "credexID"),
        amount=parse_money(body.get("formattedInitialAmount")),
        counterparty=shown_name(text_field(body, "counterpartyAccountName")),
        # `secured` and `dueDate` are present only when true / set (§9.4).
        secured=body.get("secured") is True,
        due_date=parse_date(body.get("dueDate")),
    )


def parse_balances(value: object) -> Balances:
    body = as_dict(value, "balanceData")
    unsecured = as_dict(body.get("unsecuredBalancesInDefaultDenom"), "unsecuredBalances")
    return Balances(
        secured=tuple(
            parse_money(m) for m in as_list(body.get("securedNetBalancesByDenom"), "secured")
        ),
        payables=parse_money(unsecured.get("totalPayables")),
        receivables=parse_money(unsecured.get("totalReceivables")),
        net_pay_rec=parse_money(unsecured.get("netPayRec")),
        net_assets=parse_money(body.get("netCredexAssetsInDefaultDenom")),
    )


def parse_member_name(value: object) -> MemberName:
    body = as_dict(value, "authFor entry")
    return MemberName(
        member_id=text_field(body, "memberID"),
        first_name=name_field(body, "firstname"),
        last_name=name_field(body, "lastname"),
    )


def parse_account_dashboard(value: object) -> AccountDashboard:
    body = as_dict(value, "account dashboard")
    # For accounts the viewer does not own, sendOffersTo* are empty strings (§9.2).
    send_to_id = optional_text(body, "sendOffersToMemberID")
    send_to = (
        MemberName(
            member_id=send_to_id,
            first_name=name_field(body, "sendOffersToFirstname"),
            last_name=name_field(body, "sendOffersToLastname"),
        )
        if send_to_id
        else None
    )
    return AccountDashboard(
        account_id=text_field(body, "accountID"),
        name=shown_name(text_field(body, "accountName")),
        handle=text_field(body, "accountHandle"),
        default_denom=text_field(body, "defaultDenom"),
        is_owned=body.get("isOwnedAccount") is True,
        balances=parse_balances(body.get("balanceData")),
        pending_in=tuple(parse_pending(p) for p in as_list(body.get("pendingInData"), "pendingIn")),
        pending_out=tuple(
            parse_pending(p) for p in as_list(body.get("pendingOutData"), "pendingOut")
        ),
        authorized=tuple(parse_member_name(m) for m in as_list(body.get("authFor"), "authFor")),
        send_offers_to=send_to,
    )


def parse_member_dashboard(value: object) -> MemberDashboard:
    body = as_dict(value, "memberDashboard")
    tier = body.get("memberTier")
    remaining = body.get("remainingAvailableUSD")
    return MemberDashboard(
        member_id=text_field(body, "memberID"),
        first_name=name_field(body, "firstname"),
        last_name=name_field(body, "lastname"),
        handle=text_field(body, "memberHandle"),
        default_denom=text_field(body, "defaultDenom"),
        # memberTier disappears after an admin tier change (§8.5 quirk).
        tier=int(tier) if isinstance(tier, int | float) and not isinstance(tier, bool) else None,
        # Infinity (tier >= 3) serializes as null (§9.1).
        remaining_usd=None if remaining is None else parse_decimal(remaining),
        account_ids=unique(as_list(body.get("accountIDS"), "accountIDS")),
    )


def parse_member_view(value: object) -> MemberView:
    """getMemberDashboardByPhone: dashboards repeat with accountIDS and may be null (§8.1)."""
    body = as_dict(value, "member dashboard response")
    member = parse_member_dashboard(body.get("memberDashboard"))
    seen: dict[str, AccountDashboard] = {}
    for raw in as_list(body.get("accountDashboards"), "accountDashboards"):
        if raw is None:
            continue
        dashboard = parse_account_dashboard(raw)
        seen.setdefault(dashboard.account_id, dashboard)
    ordered = [seen[a] for a in member.account_ids if a in seen]
    ordered += [d for a, d in seen.items() if a not in member.account_ids]
    return MemberView(member=member, accounts=tuple(ordered))


def parse_created_credex(value: object, denomination: str) -> CreatedCredex:
    """createCredex: its formattedInitialAmount alone carries no denomination suffix (§8.3)."""
    body = as_dict(value, "createCredex response")
    data = as_dict(body.get("createCredexData"), "createCredexData")
    credex = as_dict(data.get("credex"), "credex")
    dashboard = body.get("dashboardData")
    return CreatedCredex(
        credex_id=text_field(credex, "credexID"),
        amount=Money(parse_decimal(credex.get("formattedInitialAmount")), denomination),
        counterparty=shown_name(text_field(credex, "counterpartyAccountName")),
        secured=credex.get("secured") is True,
        due_date=parse_date(credex.get("dueDate")),
        dashboard=None if not dashboard else parse_account_dashboard(dashboard),
    )


def parse_bulk(value: object) -> BulkAcceptResult:
    """acceptCredexBulk: a summary on 200, `details` when nothing was processed (§8.3).

    A failure whose reason says the credex was already accepted is filed under
    already_accepted, whatever list credex-core put it in: its own test for that case looks
    for "already accepted" while its accept error says "already been accepted".
    """
    body = as_dict(value, "acceptCredexBulk response")
    if "summary" in body:
        summary = as_dict(body.get("summary"), "summary")
        accepted = tuple(str(i) for i in as_list(summary.get("accepted"), "accepted"))
        already = [str(i) for i in as_list(summary.get("alreadyAccepted"), "alreadyAccepted")]
        failures = _failures(summary.get("failed"))
    else:
        accepted, already, failures = (), [], _failures(body.get("details"))
    already += [f.credex_id for f in failures if _already_accepted(f.error)]
    return BulkAcceptResult(
        accepted=accepted,
        already_accepted=tuple(dict.fromkeys(already)),
        failed=tuple(f for f in failures if not _already_accepted(f.error)),
    )


def _already_accepted(reason: str) -> bool:
    text = reason.lower()
    return "already accepted" in text or "already been accepted" in text


def _failures(value: object) -> tuple[BulkFailure, ...]:
    out = []
    for item in as_list(value, "failed"):
        body = as_dict(item, "failure")
        out.append(BulkFailure(text_field(body, "credexID"), str(body.get("error") or "")))
    return tuple(out)


def parse_ledger(value: object) -> list[LedgerEntry]:
    """getLedger: a bare array, or `{}` when empty (§8.2)."""
    entries = []
    for item in as_list(value, "ledger"):
        body = as_dict(item, "ledger entry")
        entries.append(
            LedgerEntry(
                credex_id=text_field(body, "credexID"),
                amount=parse_money(body.get("formattedInitialAmount")),
                counterparty=shown_name(text_field(body, "counterpartyAccountName")),
            )
        )
    return entries


def parse_credex_detail(value: object) -> CredexDetail:
    body = as_dict(value, "getCredex response")
    data = as_dict(body.get("credexData"), "credexData")
    return CredexDetail(
        credex_id=text_field(data, "credexID"),
        state=text_field(data, "transactionType"),
        debit=data.get("debit") is True,
        counterparty=shown_name(text_field(data, "counterpartyAccountName")),
        amount=parse_money(data.get("formattedInitialAmount")),
        outstanding=parse_money(data.get("formattedOutstandingAmount")),
        secured=bool(data.get("securerID")),
        securer_name=optional_name(data, "securerName"),
        due_date=parse_date(data.get("dueDate")),
        accepted_at=parse_date(data.get("acceptedAt")),
    )


def parse_account_ref(value: object) -> AccountRef:
    data = as_dict(as_dict(value, "getAccountByHandle").get("accountData"), "accountData")
    return AccountRef(text_field(data, "accountID"), shown_name(text_field(data, "accountName")))


def parse_member_ref(value: object) -> MemberRef:
    data = as_dict(as_dict(value, "getMemberByHandle").get("memberData"), "memberData")
    return MemberRef(text_field(data, "memberID"), shown_name(text_field(data, "memberName")))
