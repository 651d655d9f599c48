"""`python -m simulator.credex [flags]`: the same as `vimbiso credex-sim [flags]`."""

import sys

from simulator.credex.cli import main

raise SystemExit(main(sys.argv[1:]))
