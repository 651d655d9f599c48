"""A lean HTTP/1.1 keep-alive client for the requests on every message's path.

A dashboard (`hi`) costs three requests: credex-core's login and dashboard, then the reply to the
Cloud API. aiohttp's client spends about 100 µs of CPU on each (a task per request for its body,
timer and tracing hooks, multidicts); this client writes the request in one `write`, reads the
answer with llhttp's C parser (httptools), and keeps a pool of connections to one origin.
Plain HTTP or TLS; answers delimited by length, by chunks or by the server closing.

What a failure says matters for money, so the errors say how far the request got:
- `NotSent`: it never left (refused, unresolvable, TLS handshake failed, no connection or pool
  slot within the connect timeout). Safe to send again, even `createCredex`.
- any other `HttpFailure` (`Disconnected`, `AnswerTimeout`, `BadAnswer`): it was written and
  may have been acted on.

An idle connection is reused while it is younger than `keepalive_seconds` and than the server's
own `Keep-Alive: timeout=` less a second (Node closes idle sockets after 5 s), so a request
rarely meets a socket the server is closing.
"""

from __future__ import annotations

import asyncio
import ssl
import zlib
from collections import deque
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

import attrs
import httptools


class HttpFailure(Exception):
    """No complete answer came; unless `NotSent`, the request may have reached the server."""


class NotSent(HttpFailure):
    """The request was never written: nothing reached the server."""


class Disconnected(HttpFailure):
    """The connection closed after the request was written, before a complete answer."""


class AnswerTimeout(HttpFailure, TimeoutError):
    """The request was written but no complete answer came in time."""


class BadAnswer(HttpFailure):
    """The server answered with bytes that are not an HTTP/1.1 response we can read."""


@attrs.frozen
class Response:
    status: int
    headers: Mapping[str, str]  # names lower-cased; repeated headers joined with ", "
    body: bytes


_DECOMPRESS_WBITS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": 0}


class _Connection(asyncio.Protocol):
    """One socket: at most one request in flight, its answer parsed as it arrives."""

    def __init__(self, lost: Callable[[_Connection], None]) -> None:
        self._lost = lost
        self._transport: asyncio.Transport | None = None
        self._parser = httptools.HttpResponseParser(self)
        self._answer: asyncio.Future[Response] | None = None
        self._status = 0
        self._headers: dict[str, str] = {}
        self._body: list[bytes] = []
        self._self_delimited = False  # a length or chunks: the answer ends without a close
        self._keep_alive = False
        self._in_step = True  # False once bytes came that no request asked for
        self.closed = False
        self.idle_until = 0.0
        self.server_idle = float("inf")  # the server's Keep-Alive timeout, if it said one

    @property
    def reusable(self) -> bool:
        return self._keep_alive and self._in_step and not self.closed

    def send(self, data: bytes, answer: asyncio.Future[Response]) -> None:
        assert self._transport is not None
        self._answer = answer
        self._keep_alive = False
        self._transport.write(data)

    def close(self) -> None:
        self.closed = True
        if self._transport is not None:
            self._transport.close()

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        if self._answer is None:
            self._in_step = False  # an answer to nothing: the stream cannot be trusted
            self.close()
            return
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            self._fail(BadAnswer("the server switched protocols"))
        except httptools.HttpParserError as exc:
            self._fail(BadAnswer(f"malformed HTTP answer: {exc}"))

    def eof_received(self) -> bool:
        self.closed = True  # no new request goes on a socket the server has finished with
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._transport is None:
            return
        self._transport = None
        self._lost(self)
        if self._answer is None or self._answer.done():
            return
        if self._status >= 200 and not self._self_delimited:
            self._finish()  # an answer without a length ends where the connection does
        else:
            reason = f": {exc}" if exc else ""
            self._fail(Disconnected(f"connection closed before a complete answer{reason}"))

    # httptools callbacks

    def on_message_begin(self) -> None:
        self._status = 0
        self._headers = {}
        self._body = []

    def on_header(self, name: bytes, value: bytes) -> None:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        seen = self._headers.get(key)
        self._headers[key] = text if seen is None else f"{seen}, {text}"

    def on_headers_complete(self) -> None:
        self._status = self._parser.get_status_code()
        headers = self._headers
        self._self_delimited = "content-length" in headers or "chunked" in headers.get(
            "transfer-encoding", ""
        )
        if "keep-alive" in headers:
            self.server_idle = _server_timeout(headers["keep-alive"])

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        if self._status < 200:
            return  # an interim answer (100 Continue): the real one follows
        self._keep_alive = self._parser.should_keep_alive()
        self._finish()

    def _finish(self) -> None:
        answer, self._answer = self._answer, None
        if answer is None or answer.done():
            return
        body = self._body[0] if len(self._body) == 1 else b"".join(self._body)
        encoding = self._headers.get("content-encoding", "identity").strip().lower()
        if encoding != "identity":
            try:
                body = zlib.decompress(body, _DECOMPRESS_WBITS[encoding])
            except (KeyError, zlib.error) as exc:
                self._keep_alive = False
                answer.set_exception(BadAnswer(f"cannot decode a {encoding!r} body: {exc}"))
                return
        answer.set_result(Response(self._status, self._headers, body))

    def _fail(self, error: HttpFailure) -> None:
        answer, self._answer = self._answer, None
        if answer is not None and not answer.done():
            answer.set_exception(error)
        self.close()


def _server_timeout(keep_alive: str) -> float:
    for part in keep_alive.split(","):
        name, _, value = part.strip().partition("=")
        if name.strip().lower() == "timeout":
            try:
                return max(0.0, float(value) - 1.0)
            except ValueError:
                break
    return float("inf")


def _expire(answer: asyncio.Future[Response], seconds: float) -> None:
    if not answer.done():
        answer.set_exception(AnswerTimeout(f"no complete answer within {seconds:g}s"))


class HttpClient:
    """Requests to one origin (`http://host:port` or `https://host`) over pooled connections.

    The URL's path is ignored: each request names its whole target (`/v1/login`)."""

    def __init__(
        self,
        url: str,
        *,
        connections: int = 100,
        keepalive_seconds: float = 30.0,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http:// or https:// URL: {url!r}")
        secure = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port or (443 if secure else 80)
        self._tls = (tls or ssl.create_default_context()) if secure else None
        name = f"[{self._host}]" if ":" in self._host else self._host
        self._authority = (
            name if parts.port in (None, 443 if secure else 80) else f"{name}:{parts.port}"
        )
        self._limit = connections
        self._keepalive = keepalive_seconds
        self._open = 0  # connections open or being opened
        self._idle: list[_Connection] = []  # most recently used last
        self._waiting: deque[asyncio.Future[None]] = deque()
        self._closed = False

    async def request(
        self,
        method: str,
        target: str,
        *,
        headers: Mapping[str, str],
        body: bytes = b"",
        connect_seconds: float,
        answer_seconds: float,
        total_seconds: float | None = None,
    ) -> Response:
        """Send one request and read its whole answer: at most `connect_seconds` waiting for a
        connection, then `answer_seconds` for the answer, and `total_seconds` in all if given."""
        if method == "HEAD":
            raise ValueError("HEAD is not supported: its answer has no body to delimit")
        loop = asyncio.get_running_loop()
        started = loop.time()
        total = total_seconds if total_seconds is not None else connect_seconds + answer_seconds
        head = f"{method} {target} HTTP/1.1\r\nHost: {self._authority}\r\n"
        head += f"Content-Length: {len(body)}\r\n"
        for name, value in headers.items():
            if "\n" in value or "\r" in value:
                raise ValueError(f"header {name!r} holds a line break")
            head += f"{name}: {value}\r\n"
        data = (head + "\r\n").encode("latin-1") + body
        connection = await self._acquire(loop, min(connect_seconds, total))
        answer: asyncio.Future[Response] = loop.create_future()
        connection.send(data, answer)
        deadline = min(loop.time() + answer_seconds, started + total)
        timer = loop.call_at(deadline, _expire, answer, deadline - started)
        try:
            response = await answer
        except BaseException:
            connection.close()  # half an exchange on it: never reuse
            raise
        finally:
            timer.cancel()
        self._release(connection, loop)
        return response

    async def close(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)

    async def _acquire(self, loop: asyncio.AbstractEventLoop, wait: float) -> _Connection:
        deadline = loop.time() + wait
        while True:
            if self._closed:
                raise NotSent("the HTTP client is closed")
            now = loop.time()
            if self._idle and self._idle[0].idle_until <= now:
                self._idle.pop(0).close()  # the oldest idle one has outlived its keep-alive
            while self._idle:
                connection = self._idle.pop()
                if not connection.closed and connection.idle_until > now:
                    return connection
                connection.close()
            if self._open < self._limit:
                return await self._connect(loop, max(0.0, deadline - now))
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiting.append(waiter)
            try:
                await asyncio.wait_for(waiter, max(0.0, deadline - now))
            except TimeoutError as exc:
                raise NotSent(f"no free connection within {wait:g}s") from exc
            finally:
                if not waiter.done():
                    waiter.cancel()
                if waiter in self._waiting:
                    self._waiting.remove(waiter)

    async def _connect(self, loop: asyncio.AbstractEventLoop, wait: float) -> _Connection:
        self._open += 1
        try:
            async with asyncio.timeout(wait):
                _, connection = await loop.create_connection(
                    lambda: _Connection(self._lost),
                    self._host,
                    self._port,
                    ssl=self._tls,
                    server_hostname=self._host if self._tls is not None else None,
                )
        except OSError as exc:  # refused, unresolvable, TLS refused, timed out (TimeoutError)
            self._open -= 1
            self._wake()
            what = "timed out" if isinstance(exc, TimeoutError) else f"{type(exc).__name__}: {exc}"
            raise NotSent(f"cannot connect to {self._authority}: {what}") from exc
        except BaseException:
            self._open -= 1
            self._wake()
            raise
        return connection

    def _release(self, connection: _Connection, loop: asyncio.AbstractEventLoop) -> None:
        if not connection.reusable or self._closed:
            connection.close()  # its loss frees the slot
            return
        connection.idle_until = loop.time() + min(self._keepalive, connection.server_idle)
        self._idle.append(connection)
        self._wake()

    def _lost(self, connection: _Connection) -> None:
        self._open -= 1
        if connection in self._idle:
            self._idle.remove(connection)
        self._wake()

    def _wake(self) -> None:
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
