"""The package import graph: no cycles between modules, and the product never imports the
simulators or the benchmarks (they are a development extra, not part of `vimbiso serve`)."""

from __future__ import annotations

from tests.foundation.import_graph import PRODUCT, build_graph, cycles

# The CLI is the one product module that reaches the simulators and benchmarks: lazily, inside
# the `demo`, `credex-sim` and `bench` commands, which say how to install them when missing.
ENTRY_POINTS = {"gateway.cli"}


def test_the_import_graph_has_no_cycles() -> None:
    assert cycles(build_graph()) == []


def test_the_cycle_finder_sees_a_cycle_through_three_modules() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def test_the_graph_sees_lazy_and_relative_imports() -> None:
    graph = build_graph()
    assert "gateway.serve" in graph["gateway.cli"]  # imported inside a function
    assert "runtime.batcher" in graph["runtime.host"] or "runtime.fleet" in graph["runtime.host"]


def test_product_modules_never_import_the_simulators_or_the_benchmarks() -> None:
    graph = build_graph()
    offenders = {
        module: sorted(t for t in targets if t.split(".")[0] in ("simulator", "bench"))
        for module, targets in graph.items()
        if module.split(".")[0] in PRODUCT and module not in ENTRY_POINTS
    }
    assert {m: t for m, t in offenders.items() if t} == {}


def test_the_runtime_knows_nothing_of_whatsapp_credex_or_the_conversation() -> None:
    graph = build_graph()
    leaks = {
        module: sorted(t for t in targets if t.split(".")[0] in ("actors", "gateway"))
        for module, targets in graph.items()
        if module.split(".")[0] == "runtime"
    }
    assert {m: t for m, t in leaks.items() if t} == {}


def test_the_parser_imports_none_of_the_other_packages() -> None:
    graph = build_graph()
    leaks = {
        module: sorted(t for t in targets if not t.startswith("parser"))
        for module, targets in graph.items()
        if module.split(".")[0] == "parser"
    }
    assert {m: t for m, t in leaks.items() if t} == {}
