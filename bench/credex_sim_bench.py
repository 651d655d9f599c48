"""How many getMemberDashboardByPhone requests per second the credex-core simulator serves.

The simulator runs as its own process (`python -m simulator.credex --seed demo`, enforced auth,
so every request verifies and re-signs a JWT) in its own process, i.e. on one core; the load
comes from this process over real HTTP on loopback, through keep-alive connections. Run:
`.venv/bin/python -m bench.credex_sim_bench [seconds]`.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

import aiohttp
import orjson

from simulator.credex.seed import DEMO_TENDAI

CONCURRENCY = 8


async def _start_server() -> tuple[asyncio.subprocess.Process, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulator.credex",
        "--port",
        "0",
        "--seed",
        "demo",
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    line = (await asyncio.wait_for(process.stdout.readline(), timeout=30)).decode()
    if not line.startswith("credex-sim listening on "):
        process.kill()
        raise RuntimeError(f"simulator did not start: {line!r}")
    return process, line.split()[3]


async def _login(url: str) -> str:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url + "/login", json={"phone": DEMO_TENDAI.phone}) as reply,
    ):
        token: str = (await reply.json())["token"]
        return token


async def _load(url: str, token: str, seconds: float) -> dict[str, float]:
    """Keep-alive connections each sending one request at a time. The client is a few lines
    of raw HTTP/1.1 over asyncio streams rather than aiohttp's, so that on a 2-core machine the
    load generator costs less CPU than the server it measures."""
    address = url.removeprefix("http://").split("/", 1)[0]
    host, port = address.rsplit(":", 1)
    body = orjson.dumps({"phone": DEMO_TENDAI.phone})
    request = (
        f"POST /v1/getMemberDashboardByPhone HTTP/1.1\r\nHost: {address}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal failures
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                await reader.readexactly(length)
                if not head.startswith(b"HTTP/1.1 200"):
                    failures += 1
                latencies.append(time.perf_counter() - started)
        finally:
            writer.close()
            await writer.wait_closed()

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "requests": float(len(latencies)),
        "failures": float(failures),
        "seconds": elapsed,
        "requests_per_second": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _run(seconds: float) -> dict[str, float]:
    process, url = await _start_server()
    try:
        token = await _login(url)
        await _load(url, token, min(0.5, seconds))  # warm up connections and code paths
        cpu_before = _cpu_seconds(process.pid)
        result = await _load(url, token, seconds)
        cpu = _cpu_seconds(process.pid) - cpu_before
        # What one fully busy server core would serve: requests per CPU-second of the server.
        result["server_cpu_seconds"] = cpu
        result["server_requests_per_cpu_second"] = result["requests"] / cpu if cpu else 0.0
        return result
    finally:
        process.terminate()
        await process.wait()


def run(seconds: float = 3.0) -> dict[str, float]:
    """Dashboard throughput and latency of the simulator over loopback for `seconds`."""
    return asyncio.run(_run(seconds))


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    result = run(seconds)
    print(
        f"credex-sim getMemberDashboardByPhone: {result['requests_per_second']:.0f} requests/s "
        f"({result['requests']:.0f} in {result['seconds']:.1f} s, {result['failures']:.0f} failed; "
        f"p50 {result['p50_ms']:.2f} ms, p99 {result['p99_ms']:.2f} ms; "
        f"server: 1 process, client: {CONCURRENCY} connections)"
    )
    print(
        f"server CPU {result['server_cpu_seconds']:.2f} s: "
        f"{result['server_requests_per_cpu_second']:.0f} requests per server CPU-second"
    )


if __name__ == "__main__":
    main()
