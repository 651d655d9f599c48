"""Runtime test fixtures: a config with small times so failures show within seconds."""

from __future__ import annotations

import pytest

from runtime.config import RuntimeConfig


@pytest.fixture
def config(key_prefix: str) -> RuntimeConfig:
    return RuntimeConfig(
        key_prefix=key_prefix,
        actor_idle_seconds=0.3,
        lease_ttl=1.0,
        sweep_interval=0.2,
        rate_limit_per_minute=100_000,
        shutdown_deadline=3.0,
        outbox_base_backoff=0.02,
        outbox_max_backoff=0.2,
    )
