"""`vimbiso credex-sim`: serve the simulator until SIGINT or SIGTERM.

Prints exactly one line, `credex-sim listening on http://HOST:PORT/v1 ...`, once it accepts
connections, so scripts and tests can wait for it (with --port 0 the line names the real port).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import signal
import sys

from aiohttp import web

from runtime.telemetry import setup_telemetry
from simulator.credex.app import create_app
from simulator.credex.config import SimConfig


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="vimbiso credex-sim", description="An in-memory credex-core simulator."
    )
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--auth", choices=("enforced", "lax"), default="enforced")
    parser.add_argument("--seed", choices=("dev", "demo", "none"), default="dev")
    parser.add_argument("--day", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD")
    parser.add_argument("--rate-limit", type=int, default=None, help="requests per minute")
    parser.add_argument("--client-api-key", default=None)
    return parser.parse_args(argv)


def config_from(args: argparse.Namespace) -> SimConfig:
    return SimConfig(
        auth=args.auth,
        seed=args.seed,
        day=args.day,
        rate_limit_per_minute=args.rate_limit,
        client_api_key=args.client_api_key,
    )


async def serve(config: SimConfig, host: str, port: int) -> None:
    runner = web.AppRunner(create_app(config), handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound = runner.addresses[0][1] if runner.addresses else port
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        print(
            f"credex-sim listening on http://{host}:{bound}/v1 "
            f"(auth {config.auth}, seed {config.seed})",
            flush=True,
        )
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    # Its own service name, so a trace viewer shows the bot's calls and credex-core's side
    # (spans exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set).
    setup_telemetry("credex-core-sim")
    try:
        asyncio.run(serve(config_from(args), args.host, args.port))
    except OSError as failure:
        print(f"credex-sim: cannot listen on {args.host}:{args.port}: {failure}", file=sys.stderr)
        return 1
    return 0
