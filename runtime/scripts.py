"""The runtime's Lua scripts (runtime/lua/*.lua), registered once per Redis client."""

from __future__ import annotations

from importlib import resources

import attrs
from redis.commands.core import AsyncScript

from runtime.client import RedisClient


def _source(name: str) -> str:
    return resources.files("runtime").joinpath("lua", f"{name}.lua").read_text(encoding="utf-8")


@attrs.frozen
class Scripts:
    record: AsyncScript
    claim: AsyncScript
    renew: AsyncScript
    release: AsyncScript
    commit: AsyncScript
    fetch: AsyncScript
    start: AsyncScript
    outbox_pop: AsyncScript

    @classmethod
    def register(cls, redis: RedisClient) -> Scripts:
        return cls(**{f.name: redis.register_script(_source(f.name)) for f in attrs.fields(cls)})


async def load_scripts(redis: RedisClient, scripts: Scripts) -> None:
    """Make sure EVALSHA finds every script (pipelines call EVALSHA directly)."""
    for field in attrs.fields(Scripts):
        script: AsyncScript = getattr(scripts, field.name)
        await redis.script_load(script.script)
