"""`/__debug__/` (demo only): live actors, their sessions and the runtime's counters.

Plain HTML that refreshes itself (no scripts, so the strict CSP holds), plus the same data as
JSON at `/__debug__/state.json`. Never mounted by `vimbiso serve`.
"""

from __future__ import annotations

import html
from typing import Any

import orjson
from aiohttp import web

from runtime import Runtime

RUNTIME_KEY = web.AppKey("runtime", Runtime)


async def _state(app: web.Application) -> dict[str, Any]:
    runtime = app[RUNTIME_KEY]
    actors = []
    for actor in runtime.actors():
        raw = await runtime.read_session(actor.key)
        try:
            session: Any = orjson.loads(raw) if raw else None
        except orjson.JSONDecodeError:
            session = "<not JSON>"
        actors.append(
            {"conversation": actor.key.tag, "mailbox": len(actor.mailbox), "session": session}
        )
    return {
        "process": runtime.process_id,
        "stats": runtime.stats(),
        "actors": actors,
        "dead_letters": runtime.recent_dead_letters(),
    }


def _pretty(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_INDENT_2, default=str).decode()


async def _json(request: web.Request) -> web.Response:
    body = orjson.dumps(await _state(request.app), option=orjson.OPT_INDENT_2, default=str)
    return web.Response(body=body, content_type="application/json")


async def _page(request: web.Request) -> web.Response:
    state = await _state(request.app)
    stats = "".join(
        f"<tr><td>{html.escape(str(k))}</td><td>{html.escape(str(v))}</td></tr>"
        for k, v in sorted(state["stats"].items())
    )
    actors = (
        "".join(
            f"<h3>{html.escape(a['conversation'])} · {a['mailbox']} waiting</h3>"
            f"<pre>{html.escape(_pretty(a['session']))}</pre>"
            for a in state["actors"]
        )
        or "<p>No active actors. Send a message from the chat page.</p>"
    )
    dead = (
        "".join(
            f"<li>{html.escape(str(d['conversation']))}: {html.escape(str(d['reason']))}</li>"
            for d in reversed(state["dead_letters"])
        )
        or "<li>none</li>"
    )
    page = (
        "<!doctype html><html><head><meta charset='utf-8'><meta http-equiv='refresh' content='2'>"
        "<title>VimbisoPay debug</title></head><body>"
        f"<h1>Process {html.escape(state['process'])}</h1>"
        f"<table>{stats}</table><h2>Live actors</h2>{actors}"
        f"<h2>Undelivered replies (dead letters)</h2><ul>{dead}</ul>"
        "<p><a href='/__debug__/state.json'>state.json</a> · <a href='/'>chat</a></p>"
        "</body></html>"
    )
    return web.Response(text=page, content_type="text/html")


def add_debug_routes(app: web.Application) -> None:
    app.router.add_get("/__debug__/", _page)
    app.router.add_get("/__debug__/state.json", _json)
