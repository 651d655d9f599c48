"""The WhatsApp stand-in: a fake Graph API plus a chat page, for `vimbiso demo` and e2e tests.

Users (the page, or a test through `send_text` / `tap_button` / `pick_row`) send messages that
become real-shaped, signed webhook deliveries to the bot; the bot answers through the fake Graph
API, and every accepted payload is captured per recipient (`sent_to`, `wait_for_messages`).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp import web

from simulator.whatsapp import page, transcript
from simulator.whatsapp.graph_api import GraphApi
from simulator.whatsapp.media import MediaStore
from simulator.whatsapp.webhook_builder import (
    StatusItem,
    WebhookBuilder,
    encode,
    normalize_phone,
    sign,
    user_id_for,
)

GRAPH_VERSION = "v23.0"
DEFAULT_NAME = "Demo User"
WINDOW_SECONDS = 24 * 3600  # the customer-service window a user message opens


class WebhookRejected(RuntimeError):
    """The bot answered a webhook delivery with something other than 200 (or not at all)."""

    def __init__(self, wamid: str, status: int | None, detail: str = "") -> None:
        super().__init__(f"webhook for {wamid} answered {status}: {detail}".rstrip(": "))
        self.wamid = wamid
        self.status = status


class WhatsAppSimulator:
    def __init__(
        self,
        *,
        webhook_url: str,
        app_secret: str,
        phone_number_id: str = "106540352242922",
        display_phone_number: str = "15550001234",
        access_token: str = "demo-access-token",
        validate: Callable[[dict[str, Any]], list[str]] | None = None,
        enforce_window: bool = False,
    ) -> None:
        """`enforce_window`: refuse free-form messages (not templates) to a user who has not
        written in the last 24 hours, with Graph error 131047, as the Cloud API does."""
        self.webhook_url = webhook_url
        self._secret = app_secret
        self.builder = WebhookBuilder(phone_number_id, display_phone_number)
        self.log = transcript.Transcript()
        self._names: dict[str, str] = {}
        self._users: dict[str, str] = {}  # business-scoped user id -> phone
        self._inbound: dict[str, tuple[str, bytes]] = {}  # wamid -> (phone, exact body sent)
        self._base_url: str | None = None
        self._client: aiohttp.ClientSession | None = None
        self.media = MediaStore(phone_number_id, access_token)
        self.graph = GraphApi(
            log=self.log,
            phone_number_id=phone_number_id,
            access_token=access_token,
            validate=validate,
            resolve_user=self._users.get,
            owner_of=lambda wamid: self._inbound.get(wamid, (None, b""))[0],
            window_open=self._window_open if enforce_window else None,
            media=self.media.get,
        )

    # -- wiring ---------------------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/__wa__/{version}/{phone_number_id}/messages", self.graph.messages)
        app.router.add_post("/__wa__/{version}/{phone_number_id}/media", self.media.upload)
        app.router.add_get("/__wa__/media/{media_id}", self.media.download)
        page.add_routes(app, self)
        app.on_shutdown.append(self._on_shutdown)
        app.on_cleanup.append(self._on_cleanup)

    def set_base_url(self, url: str) -> None:
        """Where the app serving these routes listens, e.g. `http://127.0.0.1:8000`."""
        self._base_url = url.rstrip("/")

    @property
    def graph_api_url(self) -> str:
        """The bot's `WHATSAPP_API_URL` (it posts to `{this}/{phone_number_id}/messages`)."""
        if self._base_url is None:
            raise RuntimeError("call set_base_url(url) once the app is served")
        return f"{self._base_url}/__wa__/{GRAPH_VERSION}"

    @property
    def phone_number_id(self) -> str:
        return self.builder.phone_number_id

    async def close(self) -> None:
        self.log.close()
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def _on_shutdown(self, _app: web.Application) -> None:
        self.log.close()  # answer pending long-polls now, not at their timeout

    async def _on_cleanup(self, _app: web.Application) -> None:
        await self.close()

    # -- what the bot sent ----------------------------------------------------------------------

    def sent_to(self, phone: str) -> list[dict[str, Any]]:
        """Outbound payloads Meta accepted for `phone`, in order."""
        return [e.payload for e in self.log.entries(_phone(phone), kinds=[transcript.BOT])]

    def rejected_to(self, phone: str) -> list[dict[str, Any]]:
        """Payloads refused with a 400, each `{"payload", "problems"}` (should stay empty)."""
        return [e.payload for e in self.log.entries(_phone(phone), kinds=[transcript.REJECTED])]

    async def wait_for_messages(
        self,
        phone: str,
        count: int,
        timeout: float = 10.0,  # noqa: ASYNC109 - the lead's public signature
    ) -> list[dict[str, Any]]:
        """Wait until at least `count` payloads were accepted for `phone`; return them all."""
        digits = _phone(phone)
        ready = await self.log.wait_for(lambda: len(self.sent_to(digits)) >= count, timeout)
        sent = self.sent_to(digits)
        if not ready:
            raise TimeoutError(
                f"expected {count} messages to {digits} within {timeout}s, got {len(sent)}: "
                f"{sent!r}; rejected: {self.rejected_to(digits)!r}"
            )
        return sent

    # -- what the user does ---------------------------------------------------------------------

    async def send_text(self, phone: str, text: str, *, name: str = DEFAULT_NAME) -> str:
        return await self._checked(self.deliver_text(phone, text, name=name))

    async def tap_button(
        self, phone: str, button_id: str, title: str, *, name: str = DEFAULT_NAME
    ) -> str:
        return await self._checked(self.deliver_button(phone, button_id, title, name=name))

    async def pick_row(
        self, phone: str, row_id: str, title: str, *, name: str = DEFAULT_NAME
    ) -> str:
        return await self._checked(self.deliver_row(phone, row_id, title, name=name))

    async def send_kind(self, phone: str, kind: str, *, name: str = DEFAULT_NAME) -> str:
        """Media, location, contacts, reaction or unsupported (webhook_builder.KINDS)."""
        return await self._checked(self.deliver_kind(phone, kind, name=name))

    async def deliver_text(self, phone: str, text: str, *, name: str) -> tuple[str, int | None]:
        digits = self._remember(phone, name)
        return await self.deliver(digits, self.builder.text(digits, name, text))

    async def deliver_button(
        self, phone: str, button_id: str, title: str, *, name: str, context_id: str | None = None
    ) -> tuple[str, int | None]:
        digits = self._remember(phone, name)
        context = context_id or self._offered_in(digits, "button", button_id)
        body = self.builder.button_reply(digits, name, button_id, title, context_id=context)
        return await self.deliver(digits, body)

    async def deliver_row(
        self, phone: str, row_id: str, title: str, *, name: str, context_id: str | None = None
    ) -> tuple[str, int | None]:
        digits = self._remember(phone, name)
        context = context_id or self._offered_in(digits, "list", row_id)
        body = self.builder.list_reply(
            digits, name, row_id, title, self._row_description(digits, row_id), context_id=context
        )
        return await self.deliver(digits, body)

    async def deliver_kind(
        self, phone: str, kind: str, *, name: str, context_id: str | None = None
    ) -> tuple[str, int | None]:
        digits = self._remember(phone, name)
        if kind == "reaction" and context_id is None:
            last = self.log.find(digits, lambda e: e.kind == transcript.BOT)
            context_id = last.wamid if last else None
        return await self.deliver(
            digits, self.builder.kind(digits, name, kind, context_id=context_id)
        )

    async def deliver(self, phone: str, delivery: dict[str, Any]) -> tuple[str, int | None]:
        """Record the user's message, post the signed delivery; (wamid, webhook HTTP status)."""
        message = delivery["entry"][0]["changes"][0]["value"]["messages"][0]
        wamid: str = message["id"]
        body = encode(delivery)
        self._inbound[wamid] = (phone, body)
        contact = delivery["entry"][0]["changes"][0]["value"]["contacts"][0]
        self.log.append(phone, transcript.USER, wamid, {**message, "_name": contact["profile"]})
        status, detail = await self.post_webhook(body)
        self.log.append(phone, transcript.DELIVERY, wamid, {"status": status, "detail": detail})
        return wamid, status

    async def redeliver(self, wamid: str) -> int | None:
        """Post the exact bytes of an earlier delivery again, as Meta does on retries."""
        _phone_of, body = self._inbound[wamid]
        status, _ = await self.post_webhook(body)
        return status

    async def mark_displayed(self, phone: str) -> int | None:
        """Tell the bot its messages to `phone` were delivered and read (one batched delivery).

        Returns the webhook's HTTP status, or None when there was nothing new to report.
        """
        digits = _phone(phone)
        told = {e.wamid for e in self.log.entries(digits, kinds=[transcript.STATUS])}
        fresh = [e for e in self.log.entries(digits, kinds=[transcript.BOT]) if e.wamid not in told]
        if not fresh:
            return None
        now = time.time()
        items = [
            StatusItem(
                e.wamid, status, digits, now, opaque=e.payload.get("biz_opaque_callback_data")
            )
            for status in ("delivered", "read")
            for e in fresh
        ]
        for e in fresh:
            self.log.append(digits, transcript.STATUS, e.wamid, {"status": "read"})
        name = self._names.get(digits, DEFAULT_NAME)
        status, _ = await self.post_webhook(encode(self.builder.statuses(digits, name, items)))
        return status

    async def post_webhook(self, body: bytes) -> tuple[int | None, str]:
        """POST signed bytes to the bot; (HTTP status or None if unreachable, short detail)."""
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": sign(body, self._secret),
            "User-Agent": "facebookexternalua",
        }
        try:
            async with self._session().post(self.webhook_url, data=body, headers=headers) as resp:
                text = await resp.text()
                return resp.status, text[:200]
        except (aiohttp.ClientError, TimeoutError) as exc:
            return None, f"{type(exc).__name__}: {exc}"

    # -- internals ------------------------------------------------------------------------------

    def name_of(self, phone: str) -> str | None:
        return self._names.get(phone)

    def _window_open(self, phone: str) -> bool:
        last = self.log.find(phone, lambda e: e.kind == transcript.USER)
        return last is not None and time.time() - last.received_at < WINDOW_SECONDS

    def _session(self) -> aiohttp.ClientSession:
        if self._client is None or self._client.closed:
            self._client = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))
        return self._client

    def _remember(self, phone: str, name: str) -> str:
        digits = _phone(phone)
        self._names[digits] = name
        self._users[user_id_for(digits)] = digits
        return digits

    async def _checked(self, sending: Awaitable[tuple[str, int | None]]) -> str:
        wamid, status = await sending
        if status != 200:
            delivery = self.log.find(
                self._inbound[wamid][0],
                lambda e: e.kind == transcript.DELIVERY and e.wamid == wamid,
            )
            detail = str(delivery.payload.get("detail", "")) if delivery else ""
            raise WebhookRejected(wamid, status, detail)
        return wamid

    def _offered_in(self, phone: str, kind: str, choice_id: str) -> str | None:
        """The wamid of the newest bot message offering `choice_id` (the tap's `context.id`)."""
        entry = self.log.find(
            phone, lambda e: e.kind == transcript.BOT and choice_id in _choices(e.payload, kind)
        )
        return entry.wamid if entry else None

    def _row_description(self, phone: str, row_id: str) -> str:
        entry = self.log.find(
            phone, lambda e: e.kind == transcript.BOT and row_id in _choices(e.payload, "list")
        )
        return _choices(entry.payload, "list").get(row_id, "") if entry else ""


def _phone(phone: str) -> str:
    return normalize_phone(phone)


def _choices(payload: dict[str, Any], kind: str) -> dict[str, str]:
    """Choice id -> description (buttons: "") offered by an interactive payload of `kind`."""
    inter = payload.get("interactive")
    if payload.get("type") != "interactive" or not isinstance(inter, dict):
        return {}
    if inter.get("type") != kind:
        return {}
    action = inter.get("action") or {}
    if kind == "button":
        return {str((b.get("reply") or {}).get("id")): "" for b in action.get("buttons") or []}
    return {
        str(row.get("id")): str(row.get("description", ""))
        for section in action.get("sections") or []
        for row in section.get("rows") or []
    }
