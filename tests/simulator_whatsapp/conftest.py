"""Fixtures for the WhatsApp simulator tests: real HTTP on loopback, and a tiny bot to talk to.

The tiny bot is deliberately not our gateway: it checks the signature the way Meta documents it,
replies through the fake Graph API, and records everything, so these tests pin the simulator's
behaviour on its own.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import segno
from aiohttp import web

from simulator.whatsapp import WhatsAppSimulator

# The golden webhook inputs, in the repository (tests/fixtures/whatsapp-webhooks/README.md).
FIXTURES = Path(__file__).parents[1] / "fixtures" / "whatsapp-webhooks"

SECRET = "test-app-secret"
TOKEN = "test-access-token"
PNID = "106540352242922"
TENDAI = "263771000001"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text())


@asynccontextmanager
async def served(app: web.Application) -> AsyncIterator[str]:
    """Serve `app` on 127.0.0.1 with a free port; yield its base URL."""
    runner = web.AppRunner(app, shutdown_timeout=2.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


def _tiny_png() -> bytes:
    out = io.BytesIO()
    segno.make("https://wa.me/15550001234?text=pay%20%40shop").save(out, kind="png", scale=4)
    return out.getvalue()


TINY_PNG = _tiny_png()
TINY_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def verify(secret: str, body: bytes, header: str | None) -> bool:
    """The signature-vector method: sha256= + hex HMAC-SHA256 over the exact bytes."""
    if header is None or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


class TinyBot:
    """Answers "hi" with buttons, "list" with a list, "template" with a template, a tap with
    text naming the tapped id, anything else with an echo; marks every message read first."""

    def __init__(self, secret: str = SECRET, token: str = TOKEN) -> None:
        self.secret = secret
        self.token = token
        self.graph_url = ""  # set once the simulator is served
        self.bodies: list[bytes] = []
        self.messages: list[dict[str, Any]] = []
        self.statuses: list[dict[str, Any]] = []
        self.sent_wamids: list[str] = []
        self.graph_errors: list[dict[str, Any]] = []
        self.app = web.Application()
        self.app.router.add_post("/webhook", self.webhook)
        self.app.cleanup_ctx.append(self._client)
        self._http: aiohttp.ClientSession | None = None

    async def _client(self, _app: web.Application) -> AsyncIterator[None]:
        self._http = aiohttp.ClientSession()
        yield
        await self._http.close()

    async def webhook(self, request: web.Request) -> web.Response:
        body = await request.read()
        if "X-Hub-Signature-256" not in request.headers:
            return web.Response(status=401)
        if not verify(self.secret, body, request.headers["X-Hub-Signature-256"]):
            return web.Response(status=403, text="bad signature")
        self.bodies.append(body)
        delivery = json.loads(body)
        for entry in delivery["entry"]:
            for change in entry["changes"]:
                value = change["value"]
                self.statuses.extend(value.get("statuses", []))
                pnid = value["metadata"]["phone_number_id"]
                for message in value.get("messages", []):
                    self.messages.append(message)
                    await self.reply(pnid, message)
        return web.Response(text="ok")

    async def graph(self, pnid: str, payload: dict[str, Any]) -> dict[str, Any]:
        assert self._http is not None
        headers = {"Authorization": f"Bearer {self.token}"}
        url = f"{self.graph_url}/{pnid}/messages"
        async with self._http.post(url, json=payload, headers=headers) as resp:
            answer: dict[str, Any] = await resp.json()
        if "error" in answer:
            self.graph_errors.append(answer)
        elif "messages" in answer:
            self.sent_wamids.append(answer["messages"][0]["id"])
        return answer

    async def upload(self, pnid: str, data: bytes, mime: str, filename: str) -> str:
        """`POST /{pnid}/media` as multipart, the way the Cloud API documents it."""
        assert self._http is not None
        form = aiohttp.FormData()
        form.add_field("messaging_product", "whatsapp")
        form.add_field("type", mime)
        form.add_field("file", data, filename=filename, content_type=mime)
        headers = {"Authorization": f"Bearer {self.token}"}
        async with self._http.post(
            f"{self.graph_url}/{pnid}/media", data=form, headers=headers
        ) as resp:
            return str((await resp.json())["id"])

    async def reply(self, pnid: str, message: dict[str, Any]) -> None:
        read = {"messaging_product": "whatsapp", "status": "read", "message_id": message["id"],
                "typing_indicator": {"type": "text"}}  # fmt: skip
        await self.graph(pnid, read)
        base = {"messaging_product": "whatsapp", "recipient_type": "individual",
                "to": message["from"]}  # fmt: skip
        if message["type"] == "text" and message["text"]["body"].strip().lower() == "media":
            # "media": a QR code image and a PDF document, both uploaded first, sent by id.
            png = await self.upload(pnid, TINY_PNG, "image/png", "code.png")
            pdf = await self.upload(pnid, TINY_PDF, "application/pdf", "statement.pdf")
            image = {"id": png, "caption": "*Scan* to pay"}
            await self.graph(pnid, {**base, "type": "image", "image": image})
            document = {"id": pdf, "caption": "Your statement", "filename": "statement.pdf"}
            await self.graph(pnid, {**base, "type": "document", "document": document})
            return
        await self.graph(pnid, {**base, **self.answer(message)})

    def answer(self, message: dict[str, Any]) -> dict[str, Any]:
        kind = message["type"]
        text = message["text"]["body"].strip().lower() if kind == "text" else ""
        if text == "hi":
            buttons = [{"type": "reply", "reply": {"id": i, "title": t}}
                       for i, t in (("pay:1", "Pay"), ("menu", "Menu"))]  # fmt: skip
            inter = {"type": "button", "header": {"type": "text", "text": "VimbisoPay"},
                     "body": {"text": "*Welcome* _back_ <b>x</b> ~old~ `code`"},
                     "footer": {"text": "demo"}, "action": {"buttons": buttons}}  # fmt: skip
            return {"type": "interactive", "interactive": inter}
        if text == "list":
            rows = [{"id": "row:1", "title": "Balance", "description": "See balances"},
                    {"id": "row:2", "title": "Ledger", "description": "Recent credex"}]  # fmt: skip
            action = {"button": "Options", "sections": [{"title": "Menu", "rows": rows}]}
            inter = {"type": "list", "body": {"text": "Pick one"}, "action": action}
            return {"type": "interactive", "interactive": inter}
        if text == "template":
            params = [{"type": "text", "text": "$5.00"}, {"type": "text", "text": "Rudo"}]
            template = {"name": "incoming_notification", "language": {"code": "en_US"},
                        "components": [{"type": "body", "parameters": params}]}  # fmt: skip
            return {"type": "template", "template": template}
        if text == "broken":  # Meta refuses a button message without buttons
            inter = {"type": "button", "body": {"text": "no buttons"}, "action": {"buttons": []}}
            return {"type": "interactive", "interactive": inter}
        if kind == "interactive":
            reply = (
                message["interactive"].get("button_reply") or message["interactive"]["list_reply"]
            )
            return {"type": "text", "text": {"body": f"tapped {reply['id']}"}}
        return {"type": "text", "text": {"body": f"echo: {text or kind}"}}


@pytest.fixture
async def bot() -> AsyncIterator[tuple[TinyBot, str]]:
    tiny = TinyBot()
    async with served(tiny.app) as url:
        yield tiny, url


@pytest.fixture
async def sim(bot: tuple[TinyBot, str]) -> AsyncIterator[WhatsAppSimulator]:
    """A served simulator wired to the tiny bot (and the bot to it)."""
    tiny, bot_url = bot
    simulator = WhatsAppSimulator(
        webhook_url=f"{bot_url}/webhook", app_secret=SECRET, access_token=TOKEN
    )
    app = web.Application()
    simulator.add_routes(app)
    async with served(app) as url:
        simulator.set_base_url(url)
        tiny.graph_url = simulator.graph_api_url
        yield simulator


@pytest.fixture
async def sim_url(sim: WhatsAppSimulator) -> str:
    return sim.graph_api_url.removesuffix("/__wa__/v23.0")


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
