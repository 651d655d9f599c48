"""The contract suite's target: credex-core at CREDEX_API_URL, else the simulator in-process.

The in-process simulator is a fresh app per test (seed "dev", enforced auth, an injected clock)
served over real HTTP on 127.0.0.1; an external target is reset with clearDevDBs + forceDCO
before each test, which leaves the same seeded ledger on day 2021-01-02 (docs/credex-core-api.md
§10.10).
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import AsyncIterator
from decimal import Decimal

import aiohttp
import attrs
import pytest
from aiohttp import web
from aiohttp.typedefs import Handler

from gateway.credex import CredexClient

API_KEY = os.environ.get("CREDEX_CLIENT_API_KEY", "contract-key")
SEED_DAY = dt.date(2021, 1, 2)
MEMBER_A = "263778177125"
MEMBER_B = "263787379972"
MEMBER_C = "263788435091"  # owns the audited vimbisopay_trust
_phones = itertools.count(1)


class FakeClock:
    """The simulator's wall clock, moved by tests (token idle time, rate-limit windows)."""

    def __init__(self) -> None:
        self.now = dt.datetime(2021, 1, 2, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@attrs.define
class Target:
    base_url: str
    clock: FakeClock | None  # None when the target is external
    seen: list[str] = attrs.field(factory=list)  # paths the local simulator was asked

    def count(self, path: str) -> int:
        return sum(1 for p in self.seen if p == path)


class Admin:
    """Test-only calls to credex-core's dev and admin routes (§8.5, §8.6); never in the client."""

    def __init__(self, base_url: str, session: aiohttp.ClientSession) -> None:
        self.base_url = base_url
        self.session = session

    async def post(self, path: str, body: object, token: str | None = None) -> object:
        headers = {"x-client-api-key": API_KEY}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        async with self.session.post(f"{self.base_url}/{path}", json=body, headers=headers) as r:
            payload = await r.json(content_type=None)
            assert r.status == 200, (path, r.status, payload)
            return payload

    async def reset(self) -> None:
        await self.post("devadmin/clearDevDBs", {})
        await self.post("devadmin/forceDCO", {})

    async def force_dco(self) -> None:
        await self.post("devadmin/forceDCO", {})

    async def gimme_secured(self, handle: str, amount: Decimal, denom: str = "USD") -> None:
        await self.post(
            "devadmin/gimmeSecured",
            {"accountHandle": handle, "denom": denom, "amount": float(amount)},
        )

    async def set_tier(self, member_id: str, tier: int) -> None:
        login = await self.post("login", {"phone": MEMBER_C})
        assert isinstance(login, dict)
        await self.post(
            "admin/updateMemberTier", {"memberID": member_id, "tier": tier}, login["token"]
        )


@attrs.frozen
class Person:
    phone: str
    member_id: str
    account_id: str


def new_phone() -> str:
    return f"2637{os.getpid() % 1000:03d}{next(_phones):05d}"


async def _serve_simulator(
    clock: FakeClock, seen: list[str], rate_limit: int | None
) -> tuple[web.AppRunner, str]:
    from simulator.credex.app import SimConfig, create_app

    app = create_app(
        SimConfig(
            auth="enforced",
            seed="dev",
            jwt_secret="contract-secret",
            client_api_key=API_KEY,
            rate_limit_per_minute=rate_limit,
            clock=clock,
        )
    )

    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        seen.append(request.path)
        return await handler(request)

    app.middlewares.insert(0, record)  # outermost: sees even what the edge refuses
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}/v1"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "rate_limit(n): the simulator refuses past n a minute")
    config.addinivalue_line("markers", "sim_clock: the test moves the simulator's clock")


@pytest.fixture
async def target(request: pytest.FixtureRequest) -> AsyncIterator[Target]:
    marker = request.node.get_closest_marker("rate_limit")
    rate_limit = marker.args[0] if marker else None
    external = os.environ.get("CREDEX_API_URL")
    if external:
        if rate_limit is not None or request.node.get_closest_marker("sim_clock"):
            pytest.skip("needs the in-process simulator's clock or rate limit")
        async with aiohttp.ClientSession() as session:
            await Admin(external.rstrip("/"), session).reset()
        yield Target(external.rstrip("/"), None)
        return
    clock = FakeClock()
    seen: list[str] = []
    runner, url = await _serve_simulator(clock, seen, rate_limit)
    try:
        yield Target(url, clock, seen)
    finally:
        await runner.cleanup()


@pytest.fixture
async def admin(target: Target) -> AsyncIterator[Admin]:
    async with aiohttp.ClientSession() as session:
        yield Admin(target.base_url, session)


@pytest.fixture
async def client(target: Target) -> AsyncIterator[CredexClient]:
    c = CredexClient(target.base_url, client_api_key=API_KEY)
    yield c
    await c.close()


@pytest.fixture
def world(client: CredexClient, admin: Admin) -> World:
    return World(client, admin)


class World:
    """Members made for one test: onboarded over the client, tiered and funded over admin."""

    def __init__(self, client: CredexClient, admin: Admin) -> None:
        self.client = client
        self.admin = admin

    async def member(
        self, *, tier: int = 1, funded: Decimal | None = None, denom: str = "USD", name: str = "Ann"
    ) -> Person:
        phone = new_phone()
        onboarded = await self.client.onboard(phone, name, "Member", denom)
        person = Person(phone, onboarded.member_id, onboarded.default_account_id)
        if tier != 1:
            await self.admin.set_tier(person.member_id, tier)
        if funded is not None:
            await self.fund(person, funded, denom)
        return person

    async def fund(self, person: Person, amount: Decimal, denom: str = "USD") -> None:
        """A secured balance from the audited vimbisopay_trust, accepted (§8.6 gimmeSecured)."""
        await self.admin.gimme_secured(person.phone, amount, denom)
        view = await self.client.member_view(person.phone)
        offer = next(o for o in view.accounts[0].pending_in if o.secured)
        await self.client.accept(person.phone, offer.credex_id, person.member_id)

    async def seeded(self, phone: str) -> Person:
        view = await self.client.member_view(phone)
        personal = next(a for a in view.accounts if a.handle == phone)  # handle = phone (§3.3)
        return Person(phone, view.member.member_id, personal.account_id)

    def due(self, days: int = 14) -> dt.date:
        return SEED_DAY + dt.timedelta(days=days)
