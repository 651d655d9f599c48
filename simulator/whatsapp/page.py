"""The chat page and the JSON routes it (or a test) uses: send as a user, read the conversation.

Routes: `GET /` (the page), `GET /__wa__/static/*` (its JS and CSS), `GET /__wa__/config`,
`POST /__wa__/send`, `GET /__wa__/messages` (the bot's payloads), `GET /__wa__/transcript`
(both sides plus ticks, long-polled with `wait`), `POST /__wa__/seen` (delivered/read statuses).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

import orjson
from aiohttp import web

from simulator.whatsapp import transcript
from simulator.whatsapp.webhook_builder import KINDS, WebhookBuilder, normalize_phone

STATIC = Path(__file__).parent / "static"

# The seeded demo members (their credex-core accounts exist in `vimbiso demo`) and a phone that
# has no account yet, for trying onboarding.
DEMO_MEMBERS: tuple[tuple[str, str], ...] = (
    ("263771000001", "Tendai Moyo"),
    ("263771000002", "Rudo Chikwanha"),
    ("263771000003", "Farai Ncube"),
    ("263771000004", "Chipo Dube"),
)
NEW_USER: tuple[str, str] = ("263779990001", "New User")

# The page keeps working under the gateway's policy; we send the same one so that a standalone
# simulator (and the browser test) proves there is no inline script or handler.
CSP = "default-src 'self'"
# Served from code, not a file: package data holds only *.html, *.js and *.css.
FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<circle cx="16" cy="16" r="15" fill="#008069"/>'
    '<text x="16" y="22" font-size="17" text-anchor="middle" fill="#fff" '
    'font-family="sans-serif">V</text></svg>'
)
MAX_WAIT = 25.0


class Chat(Protocol):
    """What the page needs from the simulator that serves it (`app.WhatsAppSimulator`)."""

    builder: WebhookBuilder
    log: transcript.Transcript

    def name_of(self, phone: str) -> str | None: ...

    async def deliver_text(self, phone: str, text: str, *, name: str) -> tuple[str, int | None]: ...

    async def deliver_button(
        self, phone: str, button_id: str, title: str, *, name: str, context_id: str | None = None
    ) -> tuple[str, int | None]: ...

    async def deliver_row(
        self, phone: str, row_id: str, title: str, *, name: str, context_id: str | None = None
    ) -> tuple[str, int | None]: ...

    async def deliver_kind(
        self, phone: str, kind: str, *, name: str, context_id: str | None = None
    ) -> tuple[str, int | None]: ...

    async def mark_displayed(self, phone: str) -> int | None: ...


def add_routes(app: web.Application, sim: Chat) -> None:
    routes = _Routes(sim)
    app.router.add_get("/", routes.index)
    app.router.add_get("/__wa__/config", routes.config)
    app.router.add_post("/__wa__/send", routes.send)
    app.router.add_get("/__wa__/messages", routes.messages)
    app.router.add_get("/__wa__/transcript", routes.transcript)
    app.router.add_post("/__wa__/seen", routes.seen)
    app.router.add_get("/__wa__/static/{name}", routes.static)
    app.router.add_get("/__wa__/favicon.svg", routes.favicon)


def _json(value: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(value), status=status, content_type="application/json")


def _bad(message: str) -> web.Response:
    return _json({"error": message}, status=400)


def _phone_param(request: web.Request) -> str:
    try:
        return normalize_phone(request.query.get("phone", ""))
    except ValueError as exc:
        raise web.HTTPBadRequest(
            text=orjson.dumps({"error": str(exc)}).decode(), content_type="application/json"
        ) from None


def _int_param(request: web.Request, name: str, default: int) -> int:
    try:
        return int(request.query.get(name, default))
    except ValueError:
        raise web.HTTPBadRequest(text=f"{name} must be an integer") from None


class _Routes:
    def __init__(self, sim: Chat) -> None:
        self._sim = sim

    async def index(self, _request: web.Request) -> web.Response:
        html = (STATIC / "index.html").read_bytes()
        return web.Response(
            body=html,
            content_type="text/html",
            charset="utf-8",
            headers={"Content-Security-Policy": CSP, "Cache-Control": "no-store"},
        )

    async def static(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        types = {".js": "text/javascript", ".css": "text/css"}
        path = STATIC / name
        # Only our own flat files: no traversal, no directories, no other suffixes.
        if "/" in name or name.startswith(".") or path.suffix not in types or not path.is_file():
            raise web.HTTPNotFound()
        return web.Response(
            body=path.read_bytes(),
            content_type=types[path.suffix],
            charset="utf-8",
            headers={"Content-Security-Policy": CSP, "Cache-Control": "no-store"},
        )

    async def favicon(self, _request: web.Request) -> web.Response:
        return web.Response(text=FAVICON, content_type="image/svg+xml")

    async def config(self, _request: web.Request) -> web.Response:
        members = [{"phone": p, "name": n} for p, n in DEMO_MEMBERS]
        return _json(
            {
                "phone_number_id": self._sim.builder.phone_number_id,
                "display_phone_number": self._sim.builder.display_phone_number,
                "members": members,
                "new_user": {"phone": NEW_USER[0], "name": NEW_USER[1]},
                "kinds": list(KINDS),
            }
        )

    async def send(self, request: web.Request) -> web.Response:
        try:
            body = orjson.loads(await request.read())
        except orjson.JSONDecodeError:
            return _bad("the body must be JSON")
        if not isinstance(body, dict):
            return _bad("the body must be a JSON object")
        try:
            phone = normalize_phone(str(body.get("phone", "")))
        except ValueError as exc:
            return _bad(str(exc))
        name = str(body.get("name") or self._sim.name_of(phone) or "Demo User").strip()[:60]
        context = body.get("context_id") if isinstance(body.get("context_id"), str) else None
        sim = self._sim
        if isinstance(body.get("text"), str) and body["text"].strip():
            sending = sim.deliver_text(phone, body["text"], name=name)
        elif isinstance(body.get("button_id"), str):
            title = str(body.get("button_title") or body["button_id"])
            sending = sim.deliver_button(phone, body["button_id"], title, name=name,
                                         context_id=context)  # fmt: skip
        elif isinstance(body.get("list_id"), str):
            title = str(body.get("list_title") or body["list_id"])
            sending = sim.deliver_row(phone, body["list_id"], title, name=name, context_id=context)
        elif body.get("kind") in KINDS:
            sending = sim.deliver_kind(phone, str(body["kind"]), name=name, context_id=context)
        else:
            return _bad(
                "send one of: text, button_id (+button_title), list_id (+list_title), "
                f"kind ({', '.join(KINDS)})"
            )
        wamid, status = await sending
        return _json({"wamid": wamid, "status": status}, status=200 if status else 502)

    async def messages(self, request: web.Request) -> web.Response:
        phone = _phone_param(request)
        after = _int_param(request, "after", 0)
        entries = self._sim.log.entries(phone, after, kinds=[transcript.BOT])
        return _json(
            [{"seq": e.seq, "wamid": e.wamid, "payload": e.payload,
              "received_at": e.received_at} for e in entries]
        )  # fmt: skip

    async def transcript(self, request: web.Request) -> web.Response:
        """Entries after `after`; with `wait` (seconds) an empty answer waits for the next one."""
        phone = _phone_param(request)
        after = _int_param(request, "after", 0)
        try:
            wait = min(max(float(request.query.get("wait", 0)), 0.0), MAX_WAIT)
        except ValueError:
            return _bad("wait must be a number")
        log = self._sim.log
        if wait:
            await log.wait_for(lambda: bool(log.entries(phone, after)), wait)
        return _json({"entries": [e.to_json() for e in log.entries(phone, after)],
                      "name": self._sim.name_of(phone)})  # fmt: skip

    async def seen(self, request: web.Request) -> web.Response:
        try:
            body = orjson.loads(await request.read())
            phone = normalize_phone(str(body.get("phone", "")))
        except (orjson.JSONDecodeError, AttributeError, ValueError) as exc:
            return _bad(f"send {{'phone': ...}}: {exc}")
        status = await self._sim.mark_displayed(phone)
        return _json({"status": status})
