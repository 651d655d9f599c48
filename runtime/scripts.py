"""The one Lua loader: every script of the service lives in a `lua/` folder beside the module
that calls it (runtime/lua/, gateway/whatsapp/lua/), is called by sha (EVALSHA), and is loaded
again once when Redis answers NOSCRIPT.

Why by sha: redis-py's Script object, queued in a pipeline, sends SCRIPT EXISTS before every
execute(), one more round trip on the webhook's ack path. A restarted or flushed Redis forgets
its scripts; EVALSHA of an unknown script runs nothing, so loading them and running the same
commands once more is safe (`reloading`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from importlib import resources
from typing import Any

import attrs
from redis.exceptions import NoScriptError

from runtime.client import RedisClient, RedisPipeline


@attrs.frozen
class LuaScript:
    """One script: its source and sha. `name` is the file it came from (for errors and logs)."""

    name: str
    source: str
    sha: str

    @classmethod
    def read(cls, package: str, *names: str) -> LuaScript:
        """The script made of `package`'s lua/<name>.lua files, in order: a later file may call
        functions an earlier one defines (Lua has no import inside Redis)."""
        folder = resources.files(package).joinpath("lua")
        source = "\n".join(
            folder.joinpath(f"{name}.lua").read_text(encoding="utf-8") for name in names
        )
        return cls(names[-1], source, hashlib.sha1(source.encode()).hexdigest())

    def command(self, keys: Sequence[str], args: Sequence[Any]) -> tuple[Any, ...]:
        """The EVALSHA command, for the batcher or a pipeline. Routed by its keys on a cluster
        (a cluster pipeline refuses `evalsha()`, but routes a raw EVALSHA)."""
        return ("EVALSHA", self.sha, len(keys), *keys, *args)

    def queue(self, pipe: RedisPipeline, keys: Sequence[str], args: Sequence[Any]) -> None:
        pipe.execute_command(*self.command(keys, args))


async def load_scripts(redis: RedisClient, scripts: Iterable[LuaScript]) -> None:
    """Make sure EVALSHA finds every script (on a cluster, SCRIPT LOAD goes to every master)."""
    for script in scripts:
        await redis.script_load(script.source)


async def reloading(
    redis: RedisClient,
    scripts: Iterable[LuaScript],
    attempt: Callable[[], Awaitable[list[Any]]],
) -> list[Any]:
    """Run `attempt` (a pipeline's replies); when Redis answered NOSCRIPT, whether raised or as
    one of the replies, load `scripts` and run it once more."""
    try:
        results = await attempt()
    except NoScriptError:
        pass
    else:
        if not any(isinstance(result, NoScriptError) for result in results):
            return results
    await load_scripts(redis, scripts)
    return await attempt()


async def run_pipeline(
    redis: RedisClient,
    scripts: Iterable[LuaScript],
    fill: Callable[[RedisPipeline], None],
) -> list[Any]:
    """One pipeline that `fill` builds (it may queue `scripts` and other commands), surviving
    NOSCRIPT. Every caller's writes are idempotent, so a replay after a reload is safe."""

    async def attempt() -> list[Any]:
        async with redis.pipeline(transaction=False) as pipe:
            fill(pipe)
            return list(await pipe.execute())

    return await reloading(redis, scripts, attempt)


async def evalsha(
    redis: RedisClient, script: LuaScript, keys: Sequence[str], args: Sequence[Any]
) -> Any:
    """One script call on its own, surviving NOSCRIPT."""

    async def attempt() -> list[Any]:
        return [await redis.execute_command(*script.command(keys, args))]

    (result,) = await reloading(redis, [script], attempt)
    return result


@attrs.frozen
class Scripts:
    """The runtime's scripts (runtime/lua/*.lua)."""

    record: LuaScript
    claim: LuaScript
    renew: LuaScript
    release: LuaScript
    commit: LuaScript
    fetch: LuaScript
    start: LuaScript
    outbox_pop: LuaScript

    @classmethod
    def read(cls) -> Scripts:
        return cls(**{f.name: LuaScript.read("runtime", f.name) for f in attrs.fields(cls)})

    def __iter__(self) -> Iterator[LuaScript]:
        return (getattr(self, f.name) for f in attrs.fields(Scripts))
