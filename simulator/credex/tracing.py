"""credex-core's side of a trace: every request continues the W3C `traceparent` it carries
(the bot's CLIENT span) in a SERVER span of its own, so one WhatsApp message is one trace from
`POST /webhook` through the credex-core call and back (docs/architecture.md, Observability)."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler
from opentelemetry import trace

from runtime.telemetry import extracted, span_if_recorded

_tracer = trace.get_tracer("simulator.credex")
_W3C = ("traceparent", "tracestate")


@web.middleware
async def traced(request: web.Request, handler: Handler) -> web.StreamResponse:
    carrier = {name: value for name in _W3C if (value := request.headers.get(name))}
    route = request.path if request.path.startswith("/v1/") else "unmatched"
    # Without recorded spans (no exporter), the request runs in the caller's trace context.
    with span_if_recorded(
        _tracer,
        f"{request.method} {route}",
        context_=extracted(carrier),
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
