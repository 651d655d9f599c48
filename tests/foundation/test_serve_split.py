"""`vimbiso serve` as deployed: the ingress acknowledges, the workers answer. Members' messages
posted to the ingress come back as replies at a Cloud API (a fake one in this test process),
each member's in the order sent, from the worker processes; the ingress itself sends nothing."""

from __future__ import annotations

import os
import secrets
import signal
import time
from collections.abc import AsyncIterator

import aiohttp
import anyio
import orjson
import pytest
from aiohttp import web

from gateway.whatsapp.signature import sign
from simulator.redis_server import free_port
from simulator.whatsapp.webhook_builder import WebhookBuilder, encode
from tests.foundation.test_serve import _wait_healthy, ingress_and_workers, serving
from tests.gateway.test_settings import VALID

MEMBERS = 6
HOOKS = WebhookBuilder(VALID["WHATSAPP_PHONE_NUMBER_ID"], "15550783881")
WORDS = ("help", "menu", "help")


class _Graph:
    """The Cloud API's send endpoint: keeps every POSTed reply, answers with a wamid."""

    def __init__(self, expected: int) -> None:
        self.replies: list[dict[str, object]] = []
        self.peers: set[int] = set()
        self.expected = expected
        self.all_in = anyio.Event()

    async def messages(self, request: web.Request) -> web.Response:
        self.replies.append(orjson.loads(await request.read()))
        peer = request.transport.get_extra_info("peername") if request.transport else None
        if peer:
            self.peers.add(int(peer[1]))
        if len(self.replies) >= self.expected:
            self.all_in.set()
        wamid = f"wamid.fake.{len(self.replies)}"
        return web.json_response({"messaging_product": "whatsapp", "messages": [{"id": wamid}]})


@pytest.fixture
async def graph() -> AsyncIterator[tuple[_Graph, str]]:
    fake = _Graph(MEMBERS * len(WORDS))
    app = web.Application()
    app.router.add_post("/{pnid}/messages", fake.messages)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = next(a[1] for a in runner.addresses if isinstance(a, tuple))
    try:
        yield fake, f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def _webhook(phone: str, text: str) -> bytes:
    return encode(HOOKS.text(phone, "Member", text))


def _to(reply: dict[str, object]) -> str:
    return str(reply["to"])


async def test_the_ingress_acknowledges_and_the_workers_answer_each_member_in_order(
    redis_url: str, graph: tuple[_Graph, str]
) -> None:
    fake, graph_url = graph
    extra = {"WHATSAPP_API_URL": graph_url, "OTEL_TRACES_EXPORTER": "none"}
    extra |= {"CREDEX_API_URL": f"http://127.0.0.1:{free_port()}/v1"}  # nobody listens there
    with serving(redis_url, 2, extra) as (proc, port):
        await anyio.to_thread.run_sync(
            _wait_healthy, f"http://127.0.0.1:{port}/healthz", time.monotonic() + 30
        )
        ingress, workers = ingress_and_workers(proc.pid, 2)
        await anyio.sleep(2.0)  # both workers beat, and the ingress has read their beats
        async with aiohttp.ClientSession() as http:
            # /readyz names the live workers the ingress hands conversations to (credex-core
            # is not there, so it answers 503 for that).
            async with http.get(f"http://127.0.0.1:{port}/readyz") as answer:
                readiness = await answer.json()
            assert readiness["workers"] == 2 and readiness["down"] == ["credex-core"], readiness
        # Members of this run only: a session left in Redis by an earlier run would add a
        # "your session timed out" to the first answer.
        block = secrets.randbelow(10_000)
        phones = [f"26377{block:04d}{n:03d}" for n in range(MEMBERS)]
        async with aiohttp.ClientSession() as http:
            for word in WORDS:
                for phone in phones:
                    body = _webhook(phone, word)
                    headers = {"X-Hub-Signature-256": sign(body, VALID["WHATSAPP_APP_SECRET"])}
                    async with http.post(
                        f"http://127.0.0.1:{port}/webhook", data=body, headers=headers
                    ) as answer:
                        assert answer.status == 200
                await anyio.sleep(0.3)  # each word's replies before the next word's
        with anyio.fail_after(20):
            await fake.all_in.wait()
        for phone in phones:
            theirs = [reply for reply in fake.replies if _to(reply) == phone]
            assert len(theirs) == len(WORDS), theirs
            # help is a screen of its own; menu needs credex-core, which is not there
            assert [reply["type"] for reply in theirs] == ["interactive", "text", "interactive"]
            assert "unavailable" in str(theirs[1]["text"])
        # The sends came from the workers' connections, none from the ingress's process.
        assert _local_ports(ingress) & fake.peers == set()
        worker_ports: set[int] = set().union(*(_local_ports(pid) for pid in workers))
        assert fake.peers & worker_ports, (fake.peers, worker_ports)  # kept-alive connections
        proc.send_signal(signal.SIGTERM)
        assert await anyio.to_thread.run_sync(lambda: proc.wait(timeout=30)) == 0


def _local_ports(pid: int) -> set[int]:
    """Local TCP ports of a process's sockets (/proc/<pid>/fd -> inode -> /proc/net/tcp)."""
    inodes = set()
    fds = f"/proc/{pid}/fd"
    for fd in os.listdir(fds):
        try:
            target = os.readlink(f"{fds}/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            next(rows)
            for row in rows:
                fields = row.split()
                if fields[9] in inodes:
                    ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports
