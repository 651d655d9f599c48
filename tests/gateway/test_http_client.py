"""The lean HTTP/1.1 client against real sockets: a raw server answers exactly the bytes each
test scripts (lengths, chunks, closes, garbage, silence), and aiohttp's server over TLS.

What the failures say is checked as carefully as the answers: `NotSent` only when nothing left,
because the credex transport sends `createCredex` again only then."""

from __future__ import annotations

import asyncio
import datetime as dt
import gzip
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import attrs
import pytest
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from gateway.http_client import (
    AnswerTimeout,
    BadAnswer,
    Disconnected,
    HttpClient,
    NotSent,
    Response,
)

pytestmark = pytest.mark.anyio

OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

# What the raw server does with one request: bytes to write back, or None to close without
# answering; `Silence` to keep the socket open and say nothing.
Silence = object()
Script = Callable[[bytes], "bytes | object | None"]


@attrs.define
class RawServer:
    script: Script
    port: int = 0
    connections: int = 0
    requests: list[bytes] = attrs.field(factory=list)
    close_after_answer: bool = False
    seen: asyncio.Event = attrs.field(factory=asyncio.Event)  # set once a request arrived

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.lower() == b"content-length":
                        length = int(value)
                request = head + await reader.readexactly(length)
                self.requests.append(request)
                self.seen.set()
                answer = self.script(request)
                if answer is Silence:
                    await reader.read()  # until the client gives up and closes
                    return
                if answer is None:
                    return
                assert isinstance(answer, bytes)
                writer.write(answer)
                await writer.drain()
                if self.close_after_answer:
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            writer.close()


Start = Callable[[Script], Awaitable[RawServer]]


@pytest.fixture
async def raw() -> AsyncIterator[Start]:
    servers: list[asyncio.Server] = []

    async def start(script: Script) -> RawServer:
        state = RawServer(script)
        server = await asyncio.start_server(state.serve, "127.0.0.1", 0)
        servers.append(server)
        state.port = server.sockets[0].getsockname()[1]
        return state

    yield start
    for server in servers:
        server.close()


async def _get(client: HttpClient, answer_seconds: float = 5.0) -> Response:
    return await client.request(
        "POST",
        "/v1/login",
        headers={"Content-Type": "application/json"},
        body=b'{"phone":"263770000001"}',
        connect_seconds=2.0,
        answer_seconds=answer_seconds,
    )


async def test_requests_reuse_one_kept_alive_connection(raw: Start) -> None:
    server = await raw(lambda _: OK)
    client = HttpClient(f"http://127.0.0.1:{server.port}")
    answers = [await _get(client) for _ in range(3)]
    await client.close()
    assert [(a.status, a.body) for a in answers] == [(200, b"ok")] * 3
    assert server.connections == 1
    first = server.requests[0]
    assert first.startswith(b"POST /v1/login HTTP/1.1\r\n")
    assert f"Host: 127.0.0.1:{server.port}\r\n".encode() in first
    assert first.endswith(b'\r\n\r\n{"phone":"263770000001"}')
    assert b"Content-Length: 24\r\n" in first


async def test_chunked_close_delimited_and_gzip_answers_are_read_whole(
    raw: Start,
) -> None:
    chunked = (
        b"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
    )
    packed = gzip.compress(b'{"token":"t"}')
    zipped = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(
        packed
    )
    answers = iter([chunked, zipped + packed])
    server = await raw(lambda _: next(answers))
    client = HttpClient(f"http://127.0.0.1:{server.port}")
    first, second = await _get(client), await _get(client)
    assert (first.status, first.body) == (201, b"abcde")
    assert second.body == b'{"token":"t"}'
    assert server.connections == 1  # both kept the connection

    until_close = await raw(lambda _: b"HTTP/1.1 200 OK\r\n\r\nread until the end")
    until_close.close_after_answer = True
    other = HttpClient(f"http://127.0.0.1:{until_close.port}")
    answer = await _get(other)
    again = await _get(other)
    await client.close()
    await other.close()
    assert answer.body == again.body == b"read until the end"
    assert until_close.connections == 2  # an answer ended by a close ends its connection


async def test_header_names_are_lower_cased_and_repeats_joined(
    raw: Start,
) -> None:
    answer = (
        b"HTTP/1.1 200 OK\r\nAuthorization: Bearer new\r\nX-Seen: a\r\nX-Seen: b\r\n"
        b"Content-Length: 0\r\n\r\n"
    )
    server = await raw(lambda _: answer)
    client = HttpClient(f"http://127.0.0.1:{server.port}")
    response = await _get(client)
    await client.close()
    assert response.headers["authorization"] == "Bearer new"
    assert response.headers["x-seen"] == "a, b"
    assert response.body == b""


async def test_an_interim_100_continue_is_skipped(raw: Start) -> None:
    server = await raw(lambda _: b"HTTP/1.1 100 Continue\r\n\r\n" + OK)
    client = HttpClient(f"http://127.0.0.1:{server.port}")
    response = await _get(client)
    await client.close()
    assert (response.status, response.body) == (200, b"ok")


async def test_connection_close_and_a_short_server_keep_alive_mean_a_new_connection(
    raw: Start,
) -> None:
    closing = b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"
    server = await raw(lambda _: closing)
    client = HttpClient(f"http://127.0.0.1:{server.port}")
    await _get(client)
    await _get(client)
    assert server.connections == 2

    # Node's `Keep-Alive: timeout=1`: a second's idle is already too old to trust.
    brief = b"HTTP/1.1 200 OK\r\nKeep-Alive: timeout=1\r\nContent-Length: 2\r\n\r\nok"
    node = await raw(lambda _: brief)
    other = HttpClient(f"http://127.0.0.1:{node.port}")
    await _get(other)
    await _get(other)
    await client.close()
    await other.close()
    assert node.connections == 2


async def test_an_idle_connection_the_server_closed_is_not_used(
    raw: Start,
) -> None:
    server = await raw(lambda _: OK)
    server.close_after_answer = True  # but the answer says keep-alive
    client = HttpClient(f"http://127.0.0.1:{server.port}")
    await _get(client)
    for _ in range(200):  # until the client has seen the server's close
        if not client._idle:
            break
        await asyncio.sleep(0.005)
    second = await _get(client)
    await client.close()
    assert second.status == 200
    assert server.connections == 2


async def test_a_refused_connection_is_not_sent() -> None:
    with socket_bound() as port:
        client = HttpClient(f"http://127.0.0.1:{port}")
        with pytest.raises(NotSent, match="cannot connect"):
            await _get(client)
        await client.close()


async def test_a_server_that_never_answers_times_out_as_maybe_sent(
    raw: Start,
) -> None:
    answers = iter([Silence, OK])
    server = await raw(lambda _: next(answers))
    client = HttpClient(f"http://127.0.0.1:{server.port}")
    with pytest.raises(AnswerTimeout) as caught:
        await _get(client, answer_seconds=0.2)
    assert not isinstance(caught.value, NotSent)
    assert isinstance(caught.value, TimeoutError)
    after = await _get(client)  # on a new connection: the silent one is never reused
    await client.close()
    assert after.status == 200
    assert server.connections == 2


@pytest.mark.parametrize(
    ("answer", "close_after", "error", "reason"),
    [
        (None, False, Disconnected, "closed before a complete answer"),  # read, then closed
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", True, Disconnected, "closed"),
        (b"SMTP ready\r\n\r\n", False, BadAnswer, "malformed"),
    ],
    ids=["closed-unanswered", "half-an-answer", "not-http"],
)
async def test_a_request_that_reached_the_server_but_got_no_answer_is_not_unsent(
    raw: Start, answer: bytes | None, close_after: bool, error: type[Exception], reason: str
) -> None:
    server = await raw(lambda _: answer)
    server.close_after_answer = close_after
    client = HttpClient(f"http://127.0.0.1:{server.port}")
    with pytest.raises(error, match=reason) as caught:
        await _get(client)
    await client.close()
    assert not isinstance(caught.value, NotSent)
    assert len(server.requests) == 1  # it did reach the server


async def test_a_line_break_in_a_header_is_refused_before_anything_is_sent(
    raw: Start,
) -> None:
    server = await raw(lambda _: OK)
    client = HttpClient(f"http://127.0.0.1:{server.port}")
    with pytest.raises(ValueError, match="line break"):
        await client.request(
            "POST",
            "/v1/login",
            headers={"Authorization": "Bearer x\r\nX-Evil: 1"},
            connect_seconds=1.0,
            answer_seconds=1.0,
        )
    await client.close()
    assert server.requests == []


async def test_the_pool_bound_queues_requests_and_gives_up_as_not_sent(
    raw: Start,
) -> None:
    server = await raw(lambda _: OK)
    client = HttpClient(f"http://127.0.0.1:{server.port}", connections=1)
    answers = await asyncio.gather(*(_get(client) for _ in range(5)))
    assert [a.status for a in answers] == [200] * 5
    assert server.connections == 1  # they took turns on the one connection

    silent = await raw(lambda _: Silence)
    busy = HttpClient(f"http://127.0.0.1:{silent.port}", connections=1)
    hanging = asyncio.ensure_future(_get(busy, answer_seconds=30.0))
    await silent.seen.wait()
    with pytest.raises(NotSent, match="no free connection"):
        await busy.request("POST", "/v1/x", headers={}, connect_seconds=0.1, answer_seconds=1.0)
    hanging.cancel()
    await client.close()
    await busy.close()
    assert len(silent.requests) == 1  # the one that waited for a slot never went out


def _self_signed(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


async def test_https_is_verified_against_the_trusted_certificate(tmp_path: Path) -> None:
    cert, key = _self_signed(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)

    async def login(request: web.Request) -> web.Response:
        return web.json_response({"seen": (await request.read()).decode()})

    app = web.Application()
    app.router.add_post("/v1/login", login)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_tls)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        trusting = ssl.create_default_context(cafile=str(cert))
        client = HttpClient(f"https://localhost:{port}/v1", tls=trusting)
        answer = await _get(client)
        again = await _get(client)
        await client.close()
        assert answer.status == again.status == 200
        assert answer.body == b'{"seen": "{\\"phone\\":\\"263770000001\\"}"}'

        stranger = HttpClient(f"https://localhost:{port}/v1")  # the system's trust store
        with pytest.raises(NotSent, match=r"SSL|certificate"):
            await _get(stranger)
        await stranger.close()
    finally:
        await runner.cleanup()


def test_only_http_and_https_urls_are_accepted() -> None:
    with pytest.raises(ValueError, match="http:// or https://"):
        HttpClient("ftp://example.org")
    with pytest.raises(ValueError, match="http:// or https://"):
        HttpClient("localhost:8080")


class socket_bound:
    """A port that is bound but not listening: connecting to it is refused."""

    def __enter__(self) -> int:
        import socket

        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        port: int = self._socket.getsockname()[1]
        return port

    def __exit__(self, *exc: object) -> None:
        self._socket.close()
