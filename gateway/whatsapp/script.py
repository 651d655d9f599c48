"""Lua scripts queued in pipelines as bare EVALSHA.

redis-py's Script object, used inside a pipeline, sends SCRIPT EXISTS before every execute():
one more round trip on the webhook's ack path. Here the script is loaded once, queued by sha,
and reloaded once when Redis answers NOSCRIPT (it restarted or flushed its scripts). Every
caller's writes are idempotent, so replaying the pipeline after a reload is safe.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from redis.exceptions import NoScriptError

from runtime.client import RedisClient, RedisPipeline


class PipelineScript:
    def __init__(self, redis: RedisClient, source: str) -> None:
        self._redis = redis
        self.source = source
        self.sha = hashlib.sha1(source.encode()).hexdigest()
        self._loaded = False

    async def ensure_loaded(self, reload: bool = False) -> None:
        if reload or not self._loaded:
            await self._redis.script_load(self.source)
            self._loaded = True

    def queue(self, pipe: RedisPipeline, keys: Sequence[str], args: Sequence[Any]) -> None:
        # execute_command: a cluster pipeline refuses `evalsha()` but routes EVALSHA by its keys.
        pipe.execute_command("EVALSHA", self.sha, len(keys), *keys, *args)

    async def execute(self, fill: Callable[[RedisPipeline], None]) -> list[Any]:
        """Run one pipeline that `fill` builds (it may queue this script and other commands)."""
        await self.ensure_loaded()
        try:
            return await self._run(fill)
        except NoScriptError:
            await self.ensure_loaded(reload=True)
            return await self._run(fill)

    async def _run(self, fill: Callable[[RedisPipeline], None]) -> list[Any]:
        async with self._redis.pipeline(transaction=False) as pipe:
            fill(pipe)
            return list(await pipe.execute())
