"""Quick commands as users type them: what is accepted, what is refused, and what we tell them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from parser import InputError, QuickCommandError, QuickOffer, parse_quick_commands


def offer(
    amount: str,
    handle: str = "bob",
    *,
    secured: bool = True,
    denomination: str | None = None,
    due: str | None = None,
) -> QuickOffer:
    due_date = datetime.date.fromisoformat(due) if due else None
    return QuickOffer(Decimal(amount), denomination, handle, secured, due_date)


ACCEPTED = [
    ("0.5=>bob", [offer("0.5")]),
    ("0.5 => Bob", [offer("0.5")]),
    ("  0.5   =>   BOB  ", [offer("0.5")]),
    ("5=>bob", [offer("5")]),
    (".5=>bob", [offer("0.5")]),
    ("1,000.50=>bob", [offer("1000.50")]),
    ("1,000=>bob", [offer("1000")]),
    ("12,345,678.1234=>bob", [offer("12345678.1234")]),
    ("1,000,000,000=>bob", [offer("1000000000")]),
    ("1000000000=>bob", [offer("1000000000")]),
    ("0.0001=>bob", [offer("0.0001")]),
    ("007=>bob", [offer("7")]),
    ("5->bob", [offer("5", secured=False)]),
    ("5 -> bob", [offer("5", secured=False)]),
    ("5->bob=2026-12-01", [offer("5", secured=False, due="2026-12-01")]),
    ("5 -> bob = 2026-12-01", [offer("5", secured=False, due="2026-12-01")]),
    ("5->bob=2028-02-29", [offer("5", secured=False, due="2028-02-29")]),
    ("USD 5=>bob", [offer("5", denomination="USD")]),
    ("usd5=>bob", [offer("5", denomination="USD")]),
    ("5usd=>bob", [offer("5", denomination="USD")]),
    ("5 Usd=>bob", [offer("5", denomination="USD")]),
    ("5 ZWG=>bob", [offer("5", denomination="ZWG")]),
    ("zwg 5.25->bob", [offer("5.25", secured=False, denomination="ZWG")]),
    ("CXX 0.125=>bob", [offer("0.125", denomination="CXX")]),
    ("XAU 0.0005=>bob", [offer("0.0005", denomination="XAU")]),
    ("cad 20=>bob", [offer("20", denomination="CAD")]),
    ("$5=>bob", [offer("5", denomination="USD")]),
    ("$ 5=>bob", [offer("5", denomination="USD")]),
    ("5$=>bob", [offer("5", denomination="USD")]),
    ("$1,000.50=>bob", [offer("1000.50", denomination="USD")]),
    ("5=>@bob", [offer("5")]),
    # As people type arrows: with spaces inside, or as one glyph (secured, see parser/quick.py).
    ("5 = > rudo", [offer("5", "rudo")]),
    ("5 - > rudo", [offer("5", "rudo", secured=False)]),
    ("5→rudo", [offer("5", "rudo")]),
    ("5 → rudo", [offer("5", "rudo")]),
    ("5⇒rudo", [offer("5", "rudo")]),
    ("5➡️rudo", [offer("5", "rudo")]),
    ("5=>rudo 🙏", [offer("5", "rudo")]),
    ("5=>rudo🙏🏾", [offer("5", "rudo")]),
    ("5=>rudo 👍 ", [offer("5", "rudo")]),
    ("5->bob=01/12/2026", [offer("5", secured=False, due="2026-12-01")]),
    ("5->bob=20/12/26", [offer("5", secured=False, due="2026-12-20")]),
    # A member's handle is their phone number (docs/credex-core-api.md §8.1).
    ("5=>263771234567", [offer("5", "263771234567")]),
    ("5=>+263771234567", [offer("5", "263771234567")]),
    ("5=>+263 77 123 4567", [offer("5", "263771234567")]),
    ("5=>263-77-123-4567", [offer("5", "263771234567")]),
    ("5=>(263) 77 123 4567", [offer("5", "263771234567")]),
    ("5=> @Bob_91", [offer("5", "bob_91")]),
    ("5=>abc", [offer("5", "abc")]),
    ("5=>" + "a" * 30, [offer("5", "a" * 30)]),
    ("5=>123", [offer("5", "123")]),
    ("5\u00a0=>\tbob", [offer("5")]),
    ("5=>bob\n10->alice", [offer("5"), offer("10", "alice", secured=False)]),
    ("5=>bob\n\n   \n10->alice\n", [offer("5"), offer("10", "alice", secured=False)]),
    ("5=>bob\r\n6=>bob", [offer("5"), offer("6")]),
    ("\n".join(f"{n}=>bob" for n in range(1, 11)), [offer(str(n)) for n in range(1, 11)]),
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED)
def test_accepted_command_gives_its_offers(text: str, expected: list[QuickOffer]) -> None:
    assert parse_quick_commands(text) == expected


NOT_COMMANDS = [
    "hi",
    "",
    "   ",
    "menu",
    "5 to bob",
    "5 > bob",
    "5 = \n > bob",
    "=\n>",
]


@pytest.mark.parametrize("text", NOT_COMMANDS)
def test_text_without_an_arrow_is_not_a_command(text: str) -> None:
    assert parse_quick_commands(text) is None


REJECTED = [
    # (text, message, column, line)
    ("5=>b", "A handle is 3–30 letters, digits or underscores, like 5=>bob_91", 4, 1),
    ("5=>" + "a" * 31, "A handle is 3–30 letters, digits or underscores, like 5=>bob_91", 4, 1),
    ("5=>", "Add the recipient's handle, like 5=>bob", 4, 1),
    ("5=>@", "Add the recipient's handle, like 5=>bob", 5, 1),
    (
        "5=>bob smith",
        "A handle can't have spaces: use 3–30 letters, digits or underscores, like 5=>bob_91",
        7,
        1,
    ),
    (
        "5=>bob.s",
        "A handle can't have “.”: use 3–30 letters, digits or underscores, like 5=>bob_91",
        7,
        1,
    ),
    ("0,5=>bob", "Use a dot for decimals, like 0.5=>bob", 2, 1),
    ("12,5->alice", "Use a dot for decimals, like 0.5->alice", 3, 1),
    ("0,500=>bob", "Use a dot for decimals, like 0.5=>bob", 2, 1),
    (
        "1,00,000=>bob",
        "Commas separate thousands in groups of three, like 1,000,000=>bob",
        2,
        1,
    ),
    (
        "1.000,50=>bob",
        "Use a dot for decimals and commas only for thousands, like 1,000.50=>bob",
        6,
        1,
    ),
    ("1.2.3=>bob", "Use one dot for decimals, like 1,000.50=>bob", 4, 1),
    ("5.=>bob", "Put digits after the dot, like 5.50=>bob", 2, 1),
    ("0.12345=>bob", "Use at most 4 decimals, like 0.1234=>bob", 7, 1),
    ("0=>bob", "The amount must be more than zero, like 0.5=>bob", 1, 1),
    ("0.0000=>bob", "The amount must be more than zero, like 0.5=>bob", 1, 1),
    ("-5=>bob", "The amount must be more than zero, like 5=>bob", 1, 1),
    ("1000000001=>bob", "The most you can send is 1,000,000,000, like 1,000,000=>bob", 1, 1),
    ("1e9=>bob", "Write the amount in plain digits, like 1000=>bob", 2, 1),
    ("1 000=>bob", "Write the amount without spaces, like 1,000=>bob", 3, 1),
    ("abc=>bob", "The amount must be a number, like 5=>bob", 1, 1),
    (".=>bob", "The amount must be a number, like 5=>bob", 1, 1),
    ("=>bob", "Type the amount, like 5=>bob", 1, 1),
    ("  => bob", "Type the amount, like 5=>bob", 3, 1),
    ("USD=>bob", "Add how much, like USD 5=>bob", 1, 1),
    ("+5=>bob", "“+” can't be in an amount. Send a number, like 5=>bob", 1, 1),
    ("٥=>bob", "“٥” can't be in an amount. Send a number, like 5=>bob", 1, 1),
    (
        "EUR 5=>bob",
        "I don't know the currency EUR. Use CXX, CAD, USD, XAU or ZWG, like USD 5=>bob",
        1,
        1,
    ),
    ("USD 5 ZWG=>bob", "Use one currency, like USD 5=>bob", 7, 1),
    ("$5 usd=>bob", "Use one currency, like USD 5=>bob", 4, 1),
    (
        "5=>bob=2026-12-01",
        "Due dates are only for unsecured offers: use -> instead of =>, like 5->bob=2026-12-01",
        7,
        1,
    ),
    (
        "5=>bob=2026-13-01",
        "Due dates are only for unsecured offers: use -> instead of =>, like 5->bob=2026-12-20",
        7,
        1,
    ),
    (
        "5->bob=2026-13-01",
        "2026-13-01 is not a real date. Write it like 5->bob=2026-12-20",
        8,
        1,
    ),
    (
        "5->bob=2026-02-30",
        "2026-02-30 is not a real date. Write it like 5->bob=2026-12-20",
        8,
        1,
    ),
    ("5->bob=2026-2-3", "Write the date like 5->bob=2026-12-20, 20/12/2026 or 20 Dec", 13, 1),
    ("5->bob=soon", "Write the date like 5->bob=2026-12-20, 20/12/2026 or 20 Dec", 8, 1),
    ("5->bob=20 Dec", "Add the year, like 5->bob=2026-12-20", 8, 1),  # no today given
    ("5->bob=", "Add the date, like 5->bob=2026-12-20", 8, 1),
    (
        "5=>rudo 🙏 please",
        "A handle can't have spaces: use 3–30 letters, digits or underscores, like 5=>bob_91",
        8,
        1,
    ),
    ("1->a->b", "Use one arrow per offer and one offer per line, like 5->bob", 5, 1),
    ("5=>bob=>alice", "Use one arrow per offer and one offer per line, like 5=>bob", 7, 1),
    ("I think a->b is better", "The amount must be a number, like 5->bob", 1, 1),
    ("5=>bob\n0,5->alice", "line 2: Use a dot for decimals, like 0.5->alice", 2, 2),
    (
        "5=>bob\n\n6=>b",
        "line 3: A handle is 3–30 letters, digits or underscores, like 6=>bob_91",
        4,
        3,
    ),
    ("thanks\n5=>bob", "line 1: Put one offer on each line, like 5=>bob", 1, 1),
    ("5=>bob\n  hello", "line 2: Put one offer on each line, like 5=>bob", 3, 2),
    (
        "\n".join(f"{n}=>bob" for n in range(1, 12)),
        "Send at most 10 offers at a time, one per line (you sent 11). "
        "Split them over two messages",
        1,
        11,
    ),
]


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("5->rudo=20 Dec", "2026-12-20"),
        ("5->rudo=Dec 20", "2026-12-20"),
        ("5->rudo=5 Jan", "2027-01-05"),
        ("5 - > rudo = 20/12/2026 🙏", "2026-12-20"),
    ],
)
def test_due_date_without_a_year_is_the_next_such_day(text: str, due: str) -> None:
    today = datetime.date(2026, 12, 1)
    expected = [offer("5", "rudo", secured=False, due=due)]
    assert parse_quick_commands(text, today) == expected


@pytest.mark.parametrize(("text", "message", "column", "line"), REJECTED)
def test_malformed_command_says_what_is_wrong_and_where(
    text: str, message: str, column: int, line: int
) -> None:
    with pytest.raises(QuickCommandError) as caught:
        parse_quick_commands(text)
    assert (caught.value.message, caught.value.column, caught.value.line) == (
        message,
        column,
        line,
    )


def test_table_covers_at_least_sixty_inputs() -> None:
    assert len(ACCEPTED) + len(NOT_COMMANDS) + len(REJECTED) >= 60


def test_quick_command_error_is_an_input_error_that_reads_as_its_message() -> None:
    with pytest.raises(InputError) as caught:
        parse_quick_commands("5=>b")
    assert isinstance(caught.value, QuickCommandError)
    assert str(caught.value) == caught.value.message


def test_first_bad_line_of_a_bulk_offer_is_reported() -> None:
    with pytest.raises(QuickCommandError) as caught:
        parse_quick_commands("5=>b\n6=>c")
    assert caught.value.line == 1
    assert caught.value.message.startswith("line 1: ")


def test_ten_commands_among_blank_lines_are_still_one_bulk_offer() -> None:
    text = "\n\n".join(f"{n}->bob" for n in range(1, 11))
    offers = parse_quick_commands(text)
    assert offers is not None and len(offers) == 10


def test_error_repr_shows_message_column_and_line_for_logs() -> None:
    with pytest.raises(QuickCommandError) as caught:
        parse_quick_commands("5=>bob\n6=>b")
    assert repr(caught.value) == (
        "QuickCommandError('line 2: A handle is 3–30 letters, digits or underscores, "
        "like 6=>bob_91', column=4, line=2)"
    )


def test_input_error_repr_shows_message_and_column() -> None:
    assert repr(InputError("Type the amount, like 5", 3)) == (
        "InputError('Type the amount, like 5', column=3)"
    )
