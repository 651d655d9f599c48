"""How fast the quick-command grammar reads a realistic mix of messages.

Run: `.venv/bin/python -m bench.parser_bench`. Reports parses per second and µs per command
for single offers, bulk offers of ten, ordinary text (not a command) and malformed commands.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from parser import QuickCommandError, parse_quick_commands

SINGLES = (
    "0.5=>bob",
    "USD 25 -> alice_91",
    "1,000.50=>@Tendai",
    "$12->chipo=2026-12-20",
    "5.25 zwg => farai",
)
BULK = "\n".join(f"{n}.5 USD=>member_{n}" for n in range(1, 11))
NON_COMMANDS = ("hi", "menu", "thank you", "how do I send money to my sister?", "👍")
ERRORS = ("5=>b", "0,5=>bob", "5=>bob=2026-12-01", "5->bob=2026-13-01", "1e9->bob")
# Most traffic is taps and words; quick commands are a minority, bulk offers rarer still.
MIX = (*NON_COMMANDS, *NON_COMMANDS, *SINGLES, *ERRORS, BULK)


def _parse(text: str) -> int:
    """Parse one message; the number of commands it held (an error counts as one)."""
    try:
        offers = parse_quick_commands(text)
    except QuickCommandError:
        return 1
    return len(offers) if offers is not None else 1


def _measure(messages: Sequence[str], seconds: float) -> tuple[float, float]:
    """(messages per second, µs per command) over `seconds` of repeated parsing."""
    parse: Callable[[str], int] = _parse
    done_messages = done_commands = 0
    start = time.perf_counter()
    deadline = start + seconds
    while time.perf_counter() < deadline:
        for text in messages:
            done_commands += parse(text)
        done_messages += len(messages)
    elapsed = time.perf_counter() - start
    return done_messages / elapsed, elapsed / done_commands * 1e6


def run(seconds: float = 2.0) -> dict[str, float]:
    """Measure each kind of message for a share of `seconds`; returns the numbers by name."""
    share = seconds / 5
    results: dict[str, float] = {}
    for name, messages in (
        ("single", SINGLES),
        ("bulk10", (BULK,)),
        ("non_command", NON_COMMANDS),
        ("error", ERRORS),
        ("mix", MIX),
    ):
        per_second, per_command = _measure(messages, share)
        results[f"{name}_parses_per_second"] = per_second
        results[f"{name}_us_per_command"] = per_command
    return results


def main() -> None:
    results = run()
    print(f"{'messages':<12} {'parses/s':>12} {'µs/command':>12}")
    for name in ("single", "bulk10", "non_command", "error", "mix"):
        print(
            f"{name:<12} {results[f'{name}_parses_per_second']:>12,.0f}"
            f" {results[f'{name}_us_per_command']:>12.1f}"
        )


if __name__ == "__main__":
    main()
