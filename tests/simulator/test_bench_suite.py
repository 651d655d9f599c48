"""`vimbiso bench`: flags after a benchmark's name reach it, or are refused by name."""

from __future__ import annotations

import pytest

from bench import e2e, e2e_memory, faults, suite


def test_flags_reach_the_benchmarks_that_take_them() -> None:
    for module in (e2e, e2e_memory, faults):
        assert next(iter(module.run.__annotations__)) == "argv", module.__name__
    args = e2e_memory._parser().parse_args(["--members", "100000", "--rate", "300"])
    assert (args.members, args.rate) == (100_000, 300)


def test_flags_for_a_benchmark_that_takes_none_are_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as stopped:
        suite.main(["parser", "--seconds", "1"])
    assert stopped.value.code == 2
    assert "parser takes no flags (given: --seconds 1)" in capsys.readouterr().err
