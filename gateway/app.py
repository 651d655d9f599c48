"""The gateway's aiohttp application: webhook, service routes and the notify API.

`create_app` wires routes and middlewares around the runtime's `Recorder`; it owns no background
tasks (the runtime and the sender own theirs), so the app can be served by any runner.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from aiohttp import web

from gateway.config import GatewayConfig
from gateway.notify import NotifyRoutes
from gateway.routes.access import access_middleware
from gateway.routes.api_limits import ApiLimits, rate_limit_middleware
from gateway.routes.login_guard import LoginGuard
from gateway.routes.service import ServiceRoutes
from gateway.routes.webhook import WebhookRoutes
from gateway.security import add_security_headers, cors_middleware
from gateway.whatsapp.display_number import DisplayNumbers
from gateway.whatsapp.identity import IdentityMap
from runtime.client import RedisClient
from runtime.contracts import Recorder, SharedPipelines
from runtime.priority import AckFirst

__all__ = ["GatewayConfig", "create_app"]


API_PREFIX = "/api/"


def only_under(prefix: str, *middlewares: Any) -> Any:
    """One middleware running `middlewares` (outermost first) for paths under `prefix` only:
    a webhook POST passes one layer instead of one per /api/ concern."""
    chain = tuple(reversed(middlewares))

    @web.middleware
    async def under(request: web.Request, handler: Any) -> web.StreamResponse:
        if not request.path.startswith(prefix):
            return await handler(request)  # type: ignore[no-any-return]
        for middleware in chain:
            handler = partial(middleware, handler=handler)
        return await handler(request)  # type: ignore[no-any-return]

    return under


def create_app(
    config: GatewayConfig,
    *,
    redis: RedisClient,
    recorder: Recorder,
    key_prefix: str,
    credex_health: Callable[[], Awaitable[bool]] | None = None,
    live_workers: Callable[[], int | None] | None = None,
    extra_routes: Callable[[web.Application], None] | None = None,
    display_numbers: DisplayNumbers | None = None,
    pipelines: SharedPipelines | None = None,
    acks: AckFirst | None = None,
) -> web.Application:
    limits = ApiLimits(
        anonymous_per_day=config.api_anonymous_per_day,
        client_per_day=config.api_client_per_day,
        trust_forwarded_for=config.trust_forwarded_for,
    )
    app = web.Application(
        client_max_size=config.max_webhook_bytes,
        middlewares=[
            access_middleware,
            only_under(
                API_PREFIX,
                cors_middleware(config.cors_origins),
                rate_limit_middleware(redis, key_prefix, config.notify_jwt_secret, limits),
            ),
        ],
    )
    app.on_response_prepare.append(add_security_headers)
    WebhookRoutes(config, recorder, redis, key_prefix, display_numbers, pipelines, acks).register(
        app
    )
    ServiceRoutes(redis, credex_health, live_workers).register(app)
    identities = IdentityMap(redis, key_prefix, config.whatsapp_phone_number_id)
    NotifyRoutes(config, recorder, identities, LoginGuard(redis, key_prefix)).register(app)
    if extra_routes is not None:
        extra_routes(app)
    return app
