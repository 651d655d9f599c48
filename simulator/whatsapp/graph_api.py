"""The fake Graph API endpoint the bot sends to: `POST /{version}/{phone_number_id}/messages`.

It answers the way the Cloud API does (docs/whatsapp-cloud-api.md §A4): 401 with code 190 for a bad
token, 400 with a Graph-shaped error (code 100) for a malformed or limit-breaking payload, and
`{"messaging_product", "contacts", "messages": [{"id": "wamid..."}]}` for an accepted one. Every
accepted payload lands in the transcript of its recipient; mark-as-read calls are recorded too.
"""

from __future__ import annotations

import hmac
import os
import re
from collections.abc import Callable
from typing import Any

import orjson
from aiohttp import web

from simulator.whatsapp import shape, transcript
from simulator.whatsapp.webhook_builder import new_wamid, normalize_phone

Validate = Callable[[dict[str, Any]], list[str]]

_VERSION = re.compile(r"v\d+\.\d+")
_WINDOW = (
    "Message failed to send because more than 24 hours have passed since the customer last "
    "replied to this number."
)


def graph_error(
    status: int,
    code: int,
    message: str,
    details: str | None = None,
    *,
    kind: str = "OAuthException",
) -> web.Response:
    """A response shaped like Meta's errors: branch on `error.code`, not on the HTTP status."""
    error: dict[str, Any] = {
        "message": message,
        "type": kind,
        "code": code,
        "fbtrace_id": "A" + os.urandom(10).hex(),
    }
    if details is not None:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return web.json_response({"error": error}, status=status, dumps=_dumps)


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


class GraphApi:
    """Checks, records and answers the bot's send-message and mark-as-read calls."""

    def __init__(
        self,
        *,
        log: transcript.Transcript,
        phone_number_id: str,
        access_token: str,
        validate: Validate | None,
        resolve_user: Callable[[str], str | None],
        owner_of: Callable[[str], str | None],
        window_open: Callable[[str], bool] | None = None,
        media: Callable[[str], object | None] | None = None,
    ) -> None:
        self._log = log
        self._phone_number_id = phone_number_id
        self._token = access_token
        self._validate = validate
        self._resolve_user = resolve_user  # business-scoped user id -> phone
        self._owner_of = owner_of  # inbound wamid -> phone
        self._window_open = window_open  # None: every user is inside the 24 h window
        self._media = media  # media id -> the upload, None when unknown
        self.marked_read: list[str] = []

    async def messages(self, request: web.Request) -> web.Response:
        if not self._authorized(request.headers.get("Authorization", "")):
            return graph_error(401, 190, "Invalid OAuth access token - Cannot parse access token")
        version = request.match_info["version"]
        pnid = request.match_info["phone_number_id"]
        if not _VERSION.fullmatch(version):
            return graph_error(400, 2500, f"Unknown path components: /{version}/{pnid}/messages")
        if pnid != self._phone_number_id:
            return graph_error(
                400,
                100,
                f"Unsupported post request. Object with ID '{pnid}' does not exist, cannot be "
                "loaded due to missing permissions, or does not support this operation.",
                kind="GraphMethodException",
            )
        try:
            payload = orjson.loads(await request.read())
        except orjson.JSONDecodeError:
            return graph_error(400, 100, "(#100) Invalid parameter", "the body is not JSON")
        if isinstance(payload, dict) and payload.get("status") == "read":
            return self._mark_read(payload)
        return self._send(payload)

    def _authorized(self, header: str) -> bool:
        scheme, _, token = header.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            token.strip().encode(), self._token.encode()
        )

    def _recipient(self, to: Any) -> str | None:
        if not isinstance(to, str):
            return None
        if to.startswith("US."):
            return self._resolve_user(to)
        try:
            return normalize_phone(to)
        except ValueError:
            return None

    def _send(self, payload: Any) -> web.Response:
        found = shape.problems(payload)
        phone = self._recipient(payload.get("to")) if isinstance(payload, dict) else None
        if isinstance(payload, dict) and payload.get("to") and phone is None:
            found.append(f"to {payload.get('to')!r} is not a phone number or known user id")
        if not found and self._validate is not None:
            found = list(self._validate(payload))
        if not found:
            found = self._unknown_media(payload)
        if found:
            if phone is not None:
                self._log.append(
                    phone, transcript.REJECTED, "", {"payload": payload, "problems": found}
                )
            return graph_error(400, 100, "(#100) Invalid parameter", "; ".join(found))
        assert phone is not None  # shape.problems requires `to`
        if self._outside_window(phone, payload):
            self._log.append(
                phone, transcript.REJECTED, "", {"payload": payload, "problems": [_WINDOW]}
            )
            return graph_error(400, 131047, "(#131047) Re-engagement message", _WINDOW)
        wamid = new_wamid()
        self._log.append(phone, transcript.BOT, wamid, payload)
        answer: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "contacts": [{"input": payload["to"], "wa_id": phone}],
            "messages": [{"id": wamid}],
        }
        if payload.get("type") == "template":
            answer["messages"][0]["message_status"] = "accepted"
        return web.json_response(answer, dumps=_dumps)

    def _unknown_media(self, payload: dict[str, Any]) -> list[str]:
        """An image or document must name a media id uploaded to this number."""
        kind = payload.get("type")
        if kind not in ("image", "document") or self._media is None:
            return []
        media = payload.get(kind)
        media_id = media.get("id") if isinstance(media, dict) else None
        if isinstance(media_id, str) and self._media(media_id) is not None:
            return []
        return [f"{kind}.id {media_id!r} is not an uploaded media id"]

    def _outside_window(self, phone: str, payload: dict[str, Any]) -> bool:
        # Only templates may reach a user whose last message is over 24 h old (or who never
        # wrote): docs/whatsapp-cloud-api.md §A4, error 131047.
        if self._window_open is None or payload.get("type") == "template":
            return False
        return not self._window_open(phone)

    def _mark_read(self, payload: dict[str, Any]) -> web.Response:
        message_id = payload.get("message_id")
        if payload.get("messaging_product") != "whatsapp" or not isinstance(message_id, str):
            return graph_error(
                400, 100, "(#100) Invalid parameter", "messaging_product and message_id required"
            )
        phone = self._owner_of(message_id)
        if phone is None and self._is_outbound(message_id):
            # Only messages the user sent can be marked read (docs/whatsapp-cloud-api.md §A4).
            return graph_error(
                400, 100, "(#100) Invalid parameter", "only inbound messages can be marked read"
            )
        self.marked_read.append(message_id)
        if phone is not None:
            typing = isinstance(payload.get("typing_indicator"), dict)
            self._log.append(phone, transcript.READ, message_id, {"typing": typing})
        return web.json_response({"success": True}, dumps=_dumps)

    def _is_outbound(self, wamid: str) -> bool:
        return any(
            self._log.find(p, lambda e: e.kind == transcript.BOT and e.wamid == wamid)
            for p in self._log.phones()
        )
