"""bench/e2e.py's summary of repeated runs: medians, and ratios paired repeat by repeat."""

from __future__ import annotations

import pytest

from bench.e2e import _parser, summarise, table


def test_a_ratio_pairs_each_repeat_with_the_minimal_run_beside_it() -> None:
    runs = {
        # The machine slowed down for the second repeat: both sides of that ratio slowed.
        "minimal.help.throughput_msgs_per_s": [1000.0, 500.0, 1100.0],
        "serve-1.help.throughput_msgs_per_s": [520.0, 240.0, 500.0],
    }
    results = summarise(runs, ["help"], ["minimal", "serve-1"])
    assert results["minimal.help.throughput_msgs_per_s"] == 1000.0  # the median run
    assert results["serve-1.help.throughput_msgs_per_s"] == 500.0
    assert results["serve-1.help.fraction_of_minimal"] == pytest.approx(0.48)
    assert results["serve-1.help.fraction_lowest"] == pytest.approx(500 / 1100)
    assert results["serve-1.help.fraction_highest"] == pytest.approx(0.52)
    # Not the ratio of the medians (500 / 1000), which pairs runs from different minutes.


def test_the_table_shows_the_spread_of_repeated_ratios() -> None:
    acks = [f"ack_at_{p}pct_{q}_ms" for p in (25, 50, 75) for q in ("p50", "p99", "p999")]
    names = ["throughput_msgs_per_s", "cpu_ms_per_msg", "redis_commands_per_msg",
             "redis_reads_per_msg", "replies_per_turn", *acks]  # fmt: skip
    runs = {f"{kind}.hi.{name}": [1.0, 1.0] for kind in ("minimal", "serve-1") for name in names}
    runs["serve-1.hi.throughput_msgs_per_s"] = [0.3, 0.4]
    results = summarise(runs, ["hi"], ["minimal", "serve-1"]) | {"repeats": 2.0}
    assert "| serve-1 | hi | 0 | 0.35× (0.30–0.40) |" in table(
        results, ["hi"], ["minimal", "serve-1"]
    )


def test_the_suite_passes_its_flags_through() -> None:
    args = _parser().parse_args(["--messages", "300", "--repeat", "3", "--workloads", "hi"])
    assert (args.messages, args.repeat, args.workloads) == (300, 3, ["hi"])
