"""`vimbiso bench`: run every benchmark module and print its numbers.

Each benchmark module exposes `run(...) -> dict[str, float]`; this suite runs the ones asked
for (all by default) one after another, so they never compete for the machine's cores.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import sys
from collections.abc import Sequence

BENCHMARKS = {
    "parser": "bench.parser_bench",
    "credex-sim": "bench.credex_sim_bench",
    "runtime": "bench.runtime_bench",
    "gateway": "bench.gateway_bench",
    "http-client": "bench.http_client_bench",
    "faults": "bench.faults",
    "e2e": "bench.e2e",
    "e2e-memory": "bench.e2e_memory",
}


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(prog="vimbiso bench", description=__doc__)
    parser.add_argument(
        "names", nargs="*", metavar="NAME", help=f"default all: {', '.join(BENCHMARKS)}"
    )
    # Flags after the names go to the benchmark (e.g. `vimbiso bench faults --smoke`): to those
    # whose `run` takes `argv` (faults, e2e, e2e-memory); the others take none.
    args, extra = parser.parse_known_args(list(argv))
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    failed = 0
    for name in args.names or list(BENCHMARKS):
        try:
            module = importlib.import_module(BENCHMARKS[name])
        except ModuleNotFoundError as exc:
            print(f"{name}: not available ({exc.name} is missing)", file=sys.stderr)
            failed += 1
            continue
        takes_flags = next(iter(inspect.signature(module.run).parameters), "") == "argv"
        if extra and not takes_flags:
            parser.error(f"{name} takes no flags (given: {' '.join(extra)})")
        print(f"== {name}", flush=True)
        results = module.run(extra) if extra else module.run()
        for key, value in results.items():
            print(f"  {key:<40} {value:>14,.2f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
