"""Test harness: a simulator on a real loopback port, a hand-driven clock and predictable ids."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import attrs
from aiohttp import web

from simulator.credex.app import STATE, SimConfig, create_app
from simulator.credex.ledger import Ledger


@attrs.define
class ManualClock:
    """A clock that moves only when a test says so."""

    now: dt.datetime = dt.datetime(2021, 1, 2, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


def counting_ids() -> Any:
    """UUID-v4-shaped ids in creation order, so failures print readable ids."""
    counter = itertools.count(1)
    return lambda: f"00000000-0000-4000-8000-{next(counter):012d}"


@attrs.frozen
class Reply:
    status: int
    body: Any
    text: str
    headers: Any


@attrs.define
class Sim:
    base: str
    session: aiohttp.ClientSession
    app: web.Application

    @property
    def ledger(self) -> Ledger:
        return self.app[STATE].ledger

    async def post(
        self, path: str, body: Any = None, token: str | None = None, **headers: str
    ) -> Reply:
        sent = {k.replace("_", "-"): v for k, v in headers.items()}
        if token is not None:
            sent["Authorization"] = f"Bearer {token}"
        async with self.session.post(self.base + path, json=body, headers=sent) as response:
            text = await response.text()
            parsed = None
            if response.content_type == "application/json":
                parsed = await response.json()
            return Reply(response.status, parsed, text, response.headers)

    async def get(self, path: str) -> Reply:
        async with self.session.get(self.base + path) as response:
            text = await response.text()
            parsed = await response.json() if response.content_type == "application/json" else None
            return Reply(response.status, parsed, text, response.headers)

    async def login(self, phone: str) -> str:
        reply = await self.post("/v1/login", {"phone": phone})
        assert reply.status == 200, reply.text
        token: str = reply.body["token"]
        return token

    async def dashboard(self, phone: str) -> dict[str, Any]:
        token = await self.login(phone)
        reply = await self.post("/v1/getMemberDashboardByPhone", {"phone": phone}, token)
        assert reply.status == 200, reply.text
        body: dict[str, Any] = reply.body
        return body


@asynccontextmanager
async def running(config: SimConfig | None = None) -> AsyncIterator[Sim]:
    app = create_app(config or SimConfig(ids=counting_ids()))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        async with aiohttp.ClientSession() as session:
            yield Sim(f"http://127.0.0.1:{port}", session, app)
    finally:
        await runner.cleanup()
