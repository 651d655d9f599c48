"""A small fake of the Graph API `/{phone_number_id}/messages` endpoint, over real HTTP.

It checks the bearer token, validates every payload with `gateway.whatsapp.limits` (a payload
that breaks a limit is answered with Meta's 131009 and remembered in `invalid`), records accepted
payloads in order, and can be told to answer the next sends with given error codes.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from typing import Any

import attrs
import orjson
from aiohttp import web

from gateway.whatsapp.limits import violations

# HTTP status Meta uses for each code (docs/whatsapp-cloud-api.md §A4); the sender must branch on
# the code.
_HTTP_STATUS = {130429: 429, 131056: 429, 131000: 500, 131016: 503, 2: 503, 190: 401, 0: 401}


@attrs.define
class Accepted:
    phone_number_id: str
    payload: dict[str, Any]
    at: float


@attrs.define
class FakeGraph:
    token: str
    accepted: list[Accepted] = attrs.field(factory=list)
    invalid: list[dict[str, Any]] = attrs.field(factory=list)
    errors: deque[int] = attrs.field(factory=deque)
    fail_when_accepted: dict[int, int] = attrs.field(factory=dict)  # accepted count -> code
    retry_after_header: str | None = None
    answer_after: float = 0.0  # accept at once, answer this much later (a slow Cloud API)
    url: str = ""
    _ids: itertools.count[int] = attrs.field(factory=itertools.count)
    _arrived: asyncio.Condition = attrs.field(factory=asyncio.Condition)

    def fail_next(self, *codes: int) -> None:
        self.errors.extend(codes)

    async def wait_for(self, count: int, within: float = 10.0) -> list[Accepted]:
        async with asyncio.timeout(within), self._arrived:
            await self._arrived.wait_for(lambda: len(self.accepted) >= count)
        return list(self.accepted)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/{pnid}/messages", self._messages)
        return app

    async def _messages(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {self.token}":
            return _error(190, "Invalid OAuth access token")
        payload = orjson.loads(await request.read())
        if violations(payload):
            self.invalid.append(payload)
            return _error(131009, f"Parameter value is not valid: {violations(payload)}")
        if len(self.accepted) in self.fail_when_accepted:
            return _error(self.fail_when_accepted.pop(len(self.accepted)), "scripted failure")
        if self.errors:
            headers = {"Retry-After": self.retry_after_header} if self.retry_after_header else {}
            return _error(self.errors.popleft(), "scripted failure", headers)
        async with self._arrived:
            self.accepted.append(Accepted(request.match_info["pnid"], payload, time.monotonic()))
            self._arrived.notify_all()
        if self.answer_after:
            await asyncio.sleep(self.answer_after)
        if payload.get("status") == "read":
            return web.json_response({"success": True})
        wamid = f"wamid.fake{next(self._ids)}"
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": payload.get("to"), "wa_id": payload.get("to")}],
                "messages": [{"id": wamid}],
            }
        )


def _error(code: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    body = {
        "error": {
            "message": f"(#{code}) {message}",
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": message},
            "fbtrace_id": "Afake",
        }
    }
    return web.json_response(body, status=_HTTP_STATUS.get(code, 400), headers=headers)
