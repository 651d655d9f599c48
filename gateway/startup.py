"""Startup failures an operator can fix, each as one line naming the setting and the problem.

`vimbiso serve` exits 2 with that line instead of a traceback after "listening": Redis that
cannot be reached (REDIS_URL), an address this machine cannot listen on (HOST), a port already
taken (PORT). The value of REDIS_URL is never shown whole: it may carry a password.
"""

from __future__ import annotations

import errno
import socket
from urllib.parse import urlparse

import anyio
import redis.exceptions

from runtime.client import RedisClient

REDIS_PING_SECONDS = 5.0


class StartupError(Exception):
    """A setting the service cannot start with; the message is one line for the operator."""


def redis_where(url: str) -> str:
    """host:port (or the socket path) of a Redis URL, without user or password."""
    parsed = urlparse(url)
    if parsed.scheme == "unix":
        return parsed.path or "?"
    try:
        port = parsed.port or 6379
    except ValueError:
        port = 6379
    return f"{parsed.hostname or '?'}:{port}"


async def check_redis(client: RedisClient, url: str) -> None:
    try:
        with anyio.fail_after(REDIS_PING_SECONDS):
            await client.ping()
    except TimeoutError:
        raise StartupError(
            f"REDIS_URL: Redis at {redis_where(url)} did not answer within {REDIS_PING_SECONDS:g} s"
        ) from None
    except redis.exceptions.AuthenticationError:
        raise StartupError(f"REDIS_URL: Redis at {redis_where(url)} refused the password") from None
    except (redis.exceptions.RedisError, OSError) as exc:
        raise StartupError(
            f"REDIS_URL: cannot reach Redis at {redis_where(url)} ({_reason(exc)})"
        ) from None


def listen_error(exc: OSError, host: str, port: int) -> StartupError:
    """The setting to blame for a failed bind."""
    if exc.errno == errno.EADDRINUSE:
        return StartupError(f"PORT: {port} is already in use on {host}")
    if exc.errno == errno.EACCES:
        return StartupError(f"PORT: not allowed to listen on {port} (ports below 1024 need root)")
    if isinstance(exc, socket.gaierror) or exc.errno == errno.EADDRNOTAVAIL:
        return StartupError(f"HOST: cannot listen on {host!r} ({_reason(exc)})")
    return StartupError(f"HOST/PORT: cannot listen on {host}:{port} ({_reason(exc)})")


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:200]
