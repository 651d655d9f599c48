"""credex-core errors become typed failures carrying the numbers users need."""

from __future__ import annotations

from actors.failure import from_error
from actors.ports import credex as port


def test_limit_message_yields_what_is_left_today() -> None:
    msg = "You are only able to issue 3.50 USD until tomorrow. Limits renew at midnight UTC."
    failure = from_error(port.LimitExceeded(msg, 400))
    assert (failure.kind, failure.left_today, failure.securable) == ("limit", "3.50 USD", None)


def test_securable_message_yields_the_securable_amount() -> None:
    msg = (
        "Error: Your secured credex for 7.00 USD cannot be issued because your maximum "
        "securable USD balance is 6.00 USD"
    )
    assert from_error(port.LimitExceeded(msg)).securable == "6.00 USD"


def test_create_that_may_have_reached_credex_core_is_marked_unknown() -> None:
    maybe = port.Unavailable("timeout", outcome_unknown=True)
    assert from_error(maybe, money_call=True).outcome_unknown
    surely_not = port.Unavailable("connection refused", outcome_unknown=False)
    assert not from_error(surely_not, money_call=True).outcome_unknown
    assert not from_error(maybe, money_call=False).outcome_unknown


def test_due_date_refusal_is_recognised() -> None:
    msg = "Due date must be permitted date, in format YYYY-MM-DD."
    assert from_error(port.Invalid(msg)).about_due_date
    assert not from_error(port.Invalid("Invalid amount")).about_due_date
