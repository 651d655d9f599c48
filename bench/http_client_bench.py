"""`vimbiso bench http-client`: CPU per keep-alive POST, aiohttp's client against ours.

A server in another process answers every request at once with the same small JSON (a raw
asyncio protocol, so it costs the client nothing to wait for); this process sends 20,000 POSTs
from 20 tasks through each client in turn, twice, and prints the client's CPU per request
(process time, so the server's work is not counted) and the ratio. `hi` makes three such
requests per message (credex-core's login and dashboard, the Graph send).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import socket
import time
from collections.abc import Awaitable, Callable

import aiohttp

from gateway.http_client import HttpClient

REQUESTS = 20_000
TASKS = 20
ANSWER = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n"
    b"Connection: keep-alive\r\n\r\n"
    b'{"ok":true}'
)
HEADERS = {
    "Content-Type": "application/json",
    "Authorization": "Bearer eyJhbGciOiJIUzI1NiJ9.e30.signature",
    "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
}
BODY = b'{"phone":"263770000001"}'


class _Answering(asyncio.Protocol):
    """Answers each request once its head and Content-Length body are in."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._buffer = b""

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while (end := self._buffer.find(b"\r\n\r\n")) >= 0:
            length = 0
            for line in self._buffer[:end].split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if len(self._buffer) < end + 4 + length:
                return
            self._buffer = self._buffer[end + 4 + length :]
            self._transport.write(ANSWER)


def _serve(listener: socket.socket) -> None:
    async def main() -> None:
        server = await asyncio.get_running_loop().create_server(_Answering, sock=listener)
        await server.serve_forever()

    asyncio.run(main())


async def _measure(one: Callable[[], Awaitable[None]]) -> float:
    for _ in range(500):  # connections open, code warm
        await one()

    async def task() -> None:
        for _ in range(REQUESTS // TASKS):
            await one()

    started = time.process_time()
    await asyncio.gather(*(task() for _ in range(TASKS)))
    return (time.process_time() - started) / REQUESTS * 1e6


async def _aiohttp(url: str) -> float:
    connector = aiohttp.TCPConnector(limit=100, keepalive_timeout=30)
    timeout = aiohttp.ClientTimeout(total=10, connect=2)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one() -> None:
            async with session.post(url, data=BODY, headers=HEADERS, timeout=timeout) as answer:
                await answer.read()

        return await _measure(one)


async def _ours(url: str) -> float:
    client = HttpClient(url)

    async def one() -> None:
        await client.request(
            "POST", "/v1/login", headers=HEADERS, body=BODY, connect_seconds=2, answer_seconds=10
        )

    try:
        return await _measure(one)
    finally:
        await client.close()


def run() -> dict[str, float]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/v1/login"
    server = multiprocessing.get_context("spawn").Process(target=_serve, args=(listener,))
    server.start()
    try:
        rounds = [(asyncio.run(_aiohttp(url)), asyncio.run(_ours(url))) for _ in range(2)]
    finally:
        server.kill()
        server.join()
        listener.close()
    theirs = sorted(a for a, _ in rounds)[0]
    ours = sorted(b for _, b in rounds)[0]
    return {
        "aiohttp_client_cpu_us_per_post": theirs,
        "http_client_cpu_us_per_post": ours,
        "aiohttp_over_ours": theirs / ours,
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:<40} {value:>10,.2f}")
