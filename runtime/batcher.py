"""Coalesces the Redis calls of many actors into pipelines. Thousands of actors each doing one
round trip per step would spend their time in per-call client overhead; here whatever calls are
waiting go out together in one pipeline, on a few connections ("lanes") at once.

Urgent calls (recording a webhook's messages: the ack waits for them, G1) go first: every lane
takes them before the actors' calls, and one extra lane serves nothing else, so a record never
queues behind the actors' pipelines that are already in flight."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import anyio
import attrs
from opentelemetry import context as otel_context
from redis.asyncio import Redis
from redis.asyncio.connection import AbstractConnection

from runtime import telemetry
from runtime.client import RedisClient, own_connection, run_commands, run_on
from runtime.contracts import Command
from runtime.scripts import LuaScript, reloading

_MAX_COMMANDS = 128  # per pipeline: large enough to amortise, small enough to stay fair

# A lane's own connection on the lean path, and the deadline of each of its pipelines.
_LaneConnection = tuple[AbstractConnection, float | None]


def _future() -> asyncio.Future[list[Any]]:
    return asyncio.get_running_loop().create_future()


@attrs.define(eq=False)
class _Call:
    commands: Sequence[Command]
    # The caller's trace context: the pipeline's Redis span joins the first caller's trace
    # instead of starting a trace of its own on the lane's task.
    context: otel_context.Context = attrs.field(factory=otel_context.get_current)
    # The replies, or the pipeline's error. An asyncio future rather than an anyio Event: the
    # batcher is asyncio's anyway (redis.asyncio), and an anyio Event looks up the running
    # backend each time one is made, thousands of times a second here. A caller cancelled
    # while waiting cancels it, and nothing is set on it after that (`_settle`).
    done: asyncio.Future[list[Any]] = attrs.field(factory=_future)


def _settle(call: _Call, results: list[Any] | BaseException) -> None:
    if call.done.done():
        return  # its caller was cancelled: nobody waits for it
    if isinstance(results, list):
        call.done.set_result(results)
    elif isinstance(results, Exception):
        call.done.set_exception(results)
    else:
        call.done.cancel()  # the lanes were cancelled: so is the wait


class Batcher:
    def __init__(self, redis: RedisClient, scripts: Iterable[LuaScript], lanes: int) -> None:
        self._redis = redis
        self._scripts = tuple(scripts)  # loaded again when a call meets NOSCRIPT
        self._lanes = lanes
        self._queue: deque[_Call] = deque()
        self._urgent: deque[_Call] = deque()
        # asyncio's Events, for the reason _Call's future is asyncio's.
        self._wake: asyncio.Event | None = None
        self._urgent_wake: asyncio.Event | None = None
        self._running = False
        # One server and nothing traced: the lean path. Otherwise redis-py's pipeline, which
        # routes by slot on a cluster and which the standard instrumentation wraps in a span.
        traced = telemetry.libraries_instrumented()
        self._lean: Redis | None = redis if isinstance(redis, Redis) and not traced else None

    async def call(self, *commands: Command, urgent: bool = False) -> list[Any]:
        """Run the commands back to back (in one pipeline, not a transaction); their replies in
        order. Errors are raised, except that a missing script is loaded and the call retried
        (`runtime.scripts.reloading`). `urgent` calls go out before all others."""
        results = await reloading(
            self._redis, self._scripts, lambda: self._submit(commands, urgent)
        )
        for result in results:
            if isinstance(result, Exception):
                raise result
        return results

    async def _submit(self, commands: Sequence[Command], urgent: bool) -> list[Any]:
        if not self._running:
            return await self._execute(commands)
        call = _Call(commands)
        if urgent:
            self._urgent.append(call)
            if self._urgent_wake is not None:
                self._urgent_wake.set()
        else:
            self._queue.append(call)
        if self._wake is not None:
            self._wake.set()
        return await call.done

    async def _execute(
        self, commands: Sequence[Command], connection: _LaneConnection | None = None
    ) -> list[Any]:
        if self._lean is not None:
            if connection is not None:
                own, deadline = connection
                return await run_on(self._lean, own, commands, deadline)
            return await run_commands(self._lean, commands)
        async with self._redis.pipeline(transaction=False) as pipe:
            for command in commands:
                pipe.execute_command(*command)
            results: list[Any] = await pipe.execute(raise_on_error=False)
        return results

    async def run(self) -> None:
        """Serve calls until cancelled; calls made while not running go out on their own."""
        self._running = True
        try:
            async with anyio.create_task_group() as lanes:
                for _ in range(self._lanes):
                    lanes.start_soon(self._lane)
                lanes.start_soon(self._lane, True)
        finally:
            self._running = False
            for call in (*self._urgent, *self._queue):
                _settle(call, anyio.get_cancelled_exc_class()())
            self._urgent.clear()
            self._queue.clear()

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[_LaneConnection | None]:
        """A lane's own connection on the lean path (None otherwise: the client's pool)."""
        if self._lean is None:
            yield None
            return
        connection, timeout = own_connection(self._lean)
        try:
            yield connection, timeout
        finally:
            with anyio.CancelScope(shield=True):
                await connection.disconnect(nowait=True)

    async def _lane(self, urgent_only: bool = False) -> None:
        """Send what waits, urgent calls first; the urgent lane takes nothing else."""
        queues = (self._urgent,) if urgent_only else (self._urgent, self._queue)
        async with self._connection() as connection:
            while True:
                if any(queues):
                    await self._send(self._take(*queues), connection)
                elif urgent_only:
                    if self._urgent_wake is None or self._urgent_wake.is_set():
                        self._urgent_wake = asyncio.Event()
                    await self._urgent_wake.wait()
                else:
                    # All idle lanes share one event; a set one is spent, so the first lane to
                    # find the queue empty again arms a fresh one for everybody.
                    if self._wake is None or self._wake.is_set():
                        self._wake = asyncio.Event()
                    await self._wake.wait()

    @staticmethod
    def _take(*queues: deque[_Call]) -> list[_Call]:
        """Calls from the first queues first, up to about _MAX_COMMANDS commands."""
        batch: list[_Call] = []
        size = 0
        for queue in queues:
            while queue and size < _MAX_COMMANDS:
                call = queue.popleft()
                batch.append(call)
                size += len(call.commands)
        return batch

    async def _send(self, batch: list[_Call], connection: _LaneConnection | None) -> None:
        token = otel_context.attach(batch[0].context)
        try:
            results = await self._execute([c for call in batch for c in call.commands], connection)
        except BaseException as error:
            for call in batch:
                _settle(call, error)
            if not isinstance(error, Exception):
                raise
            return
        finally:
            otel_context.detach(token)
        at = 0
        for call in batch:
            _settle(call, results[at : at + len(call.commands)])
            at += len(call.commands)
