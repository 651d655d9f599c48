"""Reading request bodies as body-parser does and writing credex-core's response bodies
(docs/credex-core-api.md §2.4)."""

from __future__ import annotations

from typing import Any

import orjson
from aiohttp import web

from simulator.credex.model import Refusal

BODY_LIMIT = 100 * 1024  # body-parser.json()'s default


class BodyRejected(Exception):
    """The body could not be parsed; `.response` is credex-core's generic-handler answer."""

    def __init__(self, response: web.Response) -> None:
        super().__init__(response.status)
        self.response = response


def json_reply(body: Any, status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(body), status=status, content_type="application/json")


def message(refusal: Refusal) -> web.Response:
    """Member, Account and Admin controllers and validateRequest: {"message": ...}."""
    return json_reply({"message": refusal.message}, refusal.status)


def error(refusal: Refusal) -> web.Response:
    """Credex controllers: {"error": ...}."""
    return json_reply({"error": refusal.message}, refusal.status)


def generic(status: int, text: str) -> web.Response:
    """Errors that reach Express's generic handler, including 404 for unknown paths."""
    return json_reply({"status": "error", "statusCode": status, "message": text}, status)


async def read_body(request: web.Request) -> Any:
    """The parsed JSON body; {} when there is none or it is not JSON (body-parser skips it)."""
    if not request.body_exists or not request.content_type.endswith("json"):
        return {}
    raw = await request.read()
    if len(raw) > BODY_LIMIT:
        raise BodyRejected(generic(413, "request entity too large"))
    if not raw.strip():
        return {}
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as failure:
        raise BodyRejected(
            generic(400, f"Unexpected token in JSON at position {failure.pos}")
        ) from failure
