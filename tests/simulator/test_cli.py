"""`vimbiso credex-sim` as a real process: one ready line with the URL, clean exit on SIGTERM."""

import asyncio
import signal
import sys

import aiohttp


async def test_cli_serves_until_sigterm_and_exits_zero() -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulator.credex",
        "--port",
        "0",
        "--seed",
        "demo",
        "--rate-limit",
        "1000",
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=20)).decode()
        assert line.startswith("credex-sim listening on http://127.0.0.1:")
        url = line.split()[3]
        assert url.endswith("/v1")
        async with (
            aiohttp.ClientSession() as session,
            session.post(url + "/login", json={"phone": "263771000001"}) as reply,
        ):
            assert reply.status == 200
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), timeout=20) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def test_cli_refuses_an_unknown_auth_mode() -> None:
    from simulator.credex.cli import parse_args

    try:
        parse_args(["--auth", "sometimes"])
    except SystemExit as exit_:
        assert exit_.code == 2
    else:
        raise AssertionError("an unknown --auth must be refused")
