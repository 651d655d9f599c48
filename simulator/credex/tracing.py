"""credex-core's side of a trace: every request continues the W3C `traceparent` it carries
(the bot's CLIENT span) in a SERVER span of its own, so one WhatsApp message is one trace from
`POST /webhook` through the credex-core call and back (docs/architecture.md, Observability)."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler
from opentelemetry import propagate, trace

_tracer = trace.get_tracer("simulator.credex")


@web.middleware
async def traced(request: web.Request, handler: Handler) -> web.StreamResponse:
    parent = propagate.extract(dict(request.headers))
    route = request.path if request.path.startswith("/v1/") else "unmatched"
    with _tracer.start_as_current_span(
        f"{request.method} {route}",
        context=parent,
        kind=trace.SpanKind.SERVER,
        attributes={
            "http.request.method": request.method,
            "url.path": request.path,
            "http.route": route,
            "server.address": "credex-core",
        },
    ) as span:
        response = await handler(request)
        span.set_attribute("http.response.status_code", response.status)
        if response.status >= 500:
            span.set_status(trace.StatusCode.ERROR)
        return response
