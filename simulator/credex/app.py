"""The simulator's public entry point: `create_app(SimConfig(...))` gives an aiohttp application
serving credex-core's /v1 routes and GET /health from a fresh in-memory ledger.
"""

from __future__ import annotations

from aiohttp import web

from simulator.credex import routes_account, routes_admin, routes_credex, routes_member
from simulator.credex.config import SimConfig
from simulator.credex.edge import edge
from simulator.credex.replies import json_reply
from simulator.credex.state import STATE, SimState, build_state
from simulator.credex.tracing import traced

__all__ = ["STATE", "SimConfig", "SimState", "create_app"]


async def health(request: web.Request) -> web.Response:
    return json_reply({"status": "healthy"})


def create_app(config: SimConfig = SimConfig()) -> web.Application:  # noqa: B008
    app = web.Application(middlewares=[traced, edge])
    app[STATE] = build_state(config)
    app.router.add_get("/health", health)
    for module in (routes_member, routes_account, routes_credex, routes_admin):
        app.router.add_routes(module.routes)
    return app
