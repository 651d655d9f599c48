"""Pure tests of gateway/credex/parse.py: credex-core's response quirks become typed values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from actors.ports.credex import BulkFailure, Money
from gateway.credex import parse

DASHBOARD = {
    "accountID": "a1",
    "accountName": "Ann Bee Personal",
    "accountHandle": "263770000001",
    "defaultDenom": "USD",
    "isOwnedAccount": True,
    "sendOffersToFirstname": "Ann",
    "sendOffersToLastname": "Bee",
    "sendOffersToMemberID": "m1",
    "authFor": [{"memberID": "m1", "firstname": "Ann", "lastname": "Bee"}],
    "balanceData": {
        "securedNetBalancesByDenom": ["1,234.50 USD", "3.000 CXX"],
        "unsecuredBalancesInDefaultDenom": {
            "totalPayables": "0.00 USD",
            "totalReceivables": "2.00 USD",
            "netPayRec": "2.00 USD",
        },
        "netCredexAssetsInDefaultDenom": "-0.00 USD",
    },
    "pendingInData": [
        {
            "credexID": "c1",
            "formattedInitialAmount": "11.00 USD",
            "counterpartyAccountName": "VimbisoPay: Trust",
            "secured": True,
        }
    ],
    "pendingOutData": {},
}


def test_formatted_amount_with_grouping_becomes_exact_decimal() -> None:
    assert parse.parse_money("1,234.50 USD") == Money(Decimal("1234.50"), "USD")


def test_negative_zero_keeps_its_sign_and_equals_zero() -> None:
    money = parse.parse_money("-0.00 USD")
    assert money.amount == 0 and money.amount.is_signed() and money.denomination == "USD"


def test_precision_is_kept_per_denomination() -> None:
    assert parse.parse_money("0.0004 XAU").amount == Decimal("0.0004")
    assert parse.parse_money("-3.125 CXX") == Money(Decimal("-3.125"), "CXX")


@pytest.mark.parametrize("bad", ["10.00", "USD", "", "abc USD", None, 10, "NaN USD"])
def test_malformed_amounts_are_refused(bad: object) -> None:
    with pytest.raises(parse.ResponseShapeError):
        parse.parse_money(bad)


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False))
def test_any_formatted_amount_round_trips(value: Decimal) -> None:
    text = f"{value:,.2f} ZWG"
    assert parse.parse_money(text) == Money(value, "ZWG")


def test_empty_object_stands_for_an_empty_list() -> None:
    dashboard = parse.parse_account_dashboard(DASHBOARD)
    assert dashboard.pending_out == ()
    assert parse.parse_ledger({}) == []


def test_account_dashboard_is_parsed_field_by_field() -> None:
    d = parse.parse_account_dashboard(DASHBOARD)
    assert d.balances.secured == (
        Money(Decimal("1234.50"), "USD"),
        Money(Decimal("3.000"), "CXX"),
    )
    assert d.balances.net_pay_rec == Money(Decimal("2.00"), "USD")
    assert d.pending_in[0].secured and d.pending_in[0].due_date is None
    assert d.send_offers_to is not None and d.send_offers_to.member_id == "m1"
    assert d.authorized[0].first_name == "Ann"


def test_not_owned_account_has_no_send_offers_to() -> None:
    raw = dict(DASHBOARD, sendOffersToMemberID="", sendOffersToFirstname="", authFor=[])
    d = parse.parse_account_dashboard(raw)
    assert d.send_offers_to is None and d.authorized == ()


def test_unsecured_pending_offer_carries_its_due_date() -> None:
    raw = {
        "credexID": "c2",
        "formattedInitialAmount": "-5.00 USD",
        "counterpartyAccountName": "X",
        "dueDate": "2021-01-20",
    }
    offer = parse.parse_pending(raw)
    assert not offer.secured and offer.due_date == dt.date(2021, 1, 20)
    assert offer.amount.amount == Decimal("-5.00")


def _member(account_ids: list[str], tier: object = 1, remaining: object = 10) -> dict[str, object]:
    body: dict[str, object] = {
        "memberID": "m1",
        "firstname": "Ann",
        "lastname": "Bee",
        "memberHandle": "263770000001",
        "defaultDenom": "USD",
        "remainingAvailableUSD": remaining,
        "accountIDS": account_ids,
    }
    if tier is not None:
        body["memberTier"] = tier
    return body


def test_duplicated_account_ids_are_collapsed_in_order() -> None:
    other = dict(DASHBOARD, accountID="a0")
    view = parse.parse_member_view(
        {
            "memberDashboard": _member(["a1", "a0", "a1", "a1"]),
            "accountDashboards": [DASHBOARD, other, DASHBOARD, DASHBOARD],
        }
    )
    assert view.member.account_ids == ("a1", "a0")
    assert [a.account_id for a in view.accounts] == ["a1", "a0"]


def test_null_account_dashboards_are_dropped() -> None:
    view = parse.parse_member_view(
        {"memberDashboard": _member(["a1"]), "accountDashboards": [None, DASHBOARD]}
    )
    assert [a.account_id for a in view.accounts] == ["a1"]


def test_null_remaining_limit_means_no_limit() -> None:
    member = parse.parse_member_dashboard(_member(["a1"], tier=3, remaining=None))
    assert member.remaining_usd is None and member.tier == 3


def test_missing_tier_after_admin_change_is_none() -> None:
    member = parse.parse_member_dashboard(_member(["a1"], tier=None, remaining=7.5))
    assert member.tier is None and member.remaining_usd == Decimal("7.5")


def test_created_credex_amount_has_no_suffix_and_takes_the_request_denomination() -> None:
    created = parse.parse_created_credex(
        {
            "createCredexData": {
                "credex": {
                    "credexID": "c9",
                    "formattedInitialAmount": "1,010.00",
                    "counterpartyAccountName": "Bob Personal",
                    "secured": True,
                    "dueDate": "",
                },
                "message": "Credex created: c9",
            },
            "dashboardData": DASHBOARD,
        },
        "USD",
    )
    assert created.amount == Money(Decimal("1010.00"), "USD")
    assert created.due_date is None and created.secured
    assert created.dashboard is not None and created.dashboard.account_id == "a1"


def test_bulk_summary_and_nothing_processed_details() -> None:
    summary = parse.parse_bulk(
        {
            "summary": {
                "accepted": ["c1"],
                "alreadyAccepted": ["c2"],
                "failed": [{"credexID": "c3", "error": "Credex not found"}],
            }
        }
    )
    assert summary.accepted == ("c1",) and summary.already_accepted == ("c2",)
    assert summary.failed == (BulkFailure("c3", "Credex not found"),)
    none = parse.parse_bulk(
        {
            "error": "No credex were processed successfully",
            "details": [{"credexID": "c4", "error": "Failed to accept credex"}],
        }
    )
    assert none.accepted == () and none.failed == (BulkFailure("c4", "Failed to accept credex"),)


def test_credex_detail_signed_amounts_and_dates() -> None:
    detail = parse.parse_credex_detail(
        {
            "credexData": {
                "credexID": "c1",
                "transactionType": "OWES",
                "debit": True,
                "counterpartyAccountName": "Bob Personal",
                "securerID": None,
                "securerName": None,
                "Denomination": "USD",
                "acceptedAt": "2021-01-02",
                "dueDate": "2021-01-20",
                "formattedInitialAmount": "-10.00 USD",
                "formattedOutstandingAmount": "-0.00 USD",
            },
            "clearedAgainstData": [],
        }
    )
    assert detail.debit and not detail.secured and detail.securer_name is None
    assert detail.amount == Money(Decimal("-10.00"), "USD")
    assert detail.accepted_at == dt.date(2021, 1, 2)


def test_ledger_entries_keep_sign_and_order() -> None:
    entries = parse.parse_ledger(
        [
            {
                "credexID": "c1",
                "formattedInitialAmount": "-10.00 USD",
                "counterpartyAccountName": "B",
            },
            {
                "credexID": "c2",
                "formattedInitialAmount": "4.00 USD",
                "counterpartyAccountName": "C",
            },
        ]
    )
    assert [(e.credex_id, e.amount.amount) for e in entries] == [
        ("c1", Decimal("-10.00")),
        ("c2", Decimal("4.00")),
    ]


def test_a_list_where_an_object_belongs_is_refused() -> None:
    with pytest.raises(parse.ResponseShapeError):
        parse.parse_member_view([])


def test_bulk_failure_saying_already_accepted_counts_as_already_accepted() -> None:
    result = parse.parse_bulk(
        {
            "error": "No credex were processed successfully",
            "details": [
                {"credexID": "c1", "error": "Credex has already been accepted"},
                {"credexID": "c2", "error": "Credex in invalid state"},
            ],
        }
    )
    assert result.already_accepted == ("c1",)
    assert result.failed == (BulkFailure("c2", "Credex in invalid state"),)
