"""Request ids, a SERVER span per request, and JSON access logs without personal data.

Logs carry the route, status and duration but never query strings (the handshake's verify
token), bodies, phone numbers or Authorization headers (docs/reference-bot.md §9.4); the client
address
is hashed.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

import orjson
from aiohttp import web
from opentelemetry import trace

from runtime.telemetry import hashed

REQUEST_ID = "X-Request-Id"
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
_tracer = trace.get_tracer("gateway.http")
log = logging.getLogger("gateway.access")


def _route(request: web.Request) -> str:
    info = request.match_info.route.resource
    return info.canonical if info is not None else "unmatched"


@web.middleware
async def access_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    given = request.headers.get(REQUEST_ID, "")
    request_id = given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex
    started = time.perf_counter()
    route = _route(request)
    status = 500
    with _tracer.start_as_current_span(
        f"{request.method} {route}", kind=trace.SpanKind.SERVER
    ) as span:
        recording = span.is_recording()  # without an exporter: no attribute work at all
        if recording:
            span.set_attributes(
                {
                    "http.request.method": request.method,
                    "http.route": route,
                    "url.path": request.path,
                    "url.scheme": request.scheme,
                }
            )
        try:
            response: web.StreamResponse = await handler(request)
            status = response.status
        except web.HTTPException as exc:
            status = exc.status
            exc.headers[REQUEST_ID] = request_id
            raise
        finally:
            if recording:
                span.set_attribute("http.response.status_code", status)
                if status >= 500:
                    span.set_status(trace.StatusCode.ERROR)
            _log(request, request_id, route, status, started, span)
    response.headers[REQUEST_ID] = request_id
    return response


def _log(
    request: web.Request,
    request_id: str,
    route: str,
    status: int,
    started: float,
    span: trace.Span,
) -> None:
    if not log.isEnabledFor(logging.INFO):
        return
    remote = request.remote or ""
    trace_id = span.get_span_context().trace_id
    record = {
        "request_id": request_id,
        "method": request.method,
        "route": route,
        "status": status,
        "duration_ms": round((time.perf_counter() - started) * 1000, 3),
        "client": hashed(remote),
        "trace_id": f"{trace_id:032x}" if trace_id else None,
    }
    log.info(orjson.dumps(record).decode())
