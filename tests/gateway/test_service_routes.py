"""/healthz, /readyz, /metrics, security headers, request ids and CORS."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiohttp
import pytest
import redis.asyncio as aioredis
from aiohttp import web
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from gateway.app import create_app
from runtime.contracts import Recorder
from tests.gateway.conftest import make_config
from tests.gateway.webhooks import delivery, post_webhook, text_message
from tests.redis_server import cluster_mode

pytestmark = pytest.mark.anyio
Serve = Callable[[web.Application], Awaitable[str]]


async def test_healthz_answers_while_the_process_lives(
    http: aiohttp.ClientSession, gateway_url: str
) -> None:
    async with http.get(f"{gateway_url}/healthz") as response:
        assert response.status == 200
        assert (await response.json())["status"] == "alive"


async def _ready(http: aiohttp.ClientSession, base: str) -> tuple[int, list[str]]:
    async with http.get(f"{base}/readyz") as response:
        return response.status, (await response.json()).get("down", [])


async def test_readyz_checks_redis_and_credex_core_and_names_what_is_down(
    http: aiohttp.ClientSession,
    serve: Serve,
    redis_client: aioredis.Redis,
    recorder: Recorder,
    key_prefix: str,
) -> None:
    credex_up = True

    async def credex_health() -> bool:
        return credex_up

    app = create_app(
        make_config(),
        redis=redis_client,
        recorder=recorder,
        credex_health=credex_health,
        key_prefix=key_prefix,
    )
    base = await serve(app)
    assert await _ready(http, base) == (200, [])
    credex_up = False
    assert await _ready(http, base) == (503, ["credex-core"])

    dead = aioredis.Redis(host="127.0.0.1", port=1, retry=Retry(NoBackoff(), 0))
    app = create_app(
        make_config(),
        redis=dead,
        recorder=recorder,
        credex_health=credex_health,
        key_prefix=key_prefix,
    )
    assert await _ready(http, await serve(app)) == (503, ["redis", "credex-core"])
    await dead.aclose()


async def test_readyz_reports_the_live_workers_of_an_ingress_and_stays_ready_with_none(
    http: aiohttp.ClientSession,
    serve: Serve,
    redis_client: aioredis.Redis,
    recorder: Recorder,
    key_prefix: str,
) -> None:
    live: list[int | None] = [0]

    def app() -> web.Application:
        return create_app(
            make_config(),
            redis=redis_client,
            recorder=recorder,
            key_prefix=key_prefix,
            live_workers=lambda: live[0],
        )

    base = await serve(app())
    async with http.get(f"{base}/readyz") as response:
        # None live: messages are still recorded and acknowledged, and wait in Redis.
        assert response.status == 200
        assert (await response.json())["workers"] == 0
    live[0] = 3
    async with http.get(f"{base}/readyz") as response:
        assert (await response.json())["workers"] == 3
    live[0] = None  # a process hosting actors itself reports none
    async with http.get(f"{base}/readyz") as response:
        assert "workers" not in await response.json()


async def test_metrics_are_prometheus_text_with_our_counters(
    http: aiohttp.ClientSession, gateway_url: str
) -> None:
    body = delivery(text_message("wamid.metrics", "263770000001", "hi"))
    assert (await post_webhook(http, gateway_url, body)).status == 200
    async with http.get(f"{gateway_url}/metrics") as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = await response.text()
    assert "vimbiso_webhook_messages_total" in text
    assert "# TYPE" in text


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/healthz"),
        ("GET", "/readyz"),
        ("GET", "/webhook"),
        ("POST", "/webhook"),
        ("POST", "/api/notify"),
        ("GET", "/no-such-page"),
        ("GET", "/metrics"),
    ],
)
async def test_security_headers_on_every_response(
    http: aiohttp.ClientSession, gateway_url: str, method: str, path: str
) -> None:
    async with http.request(method, f"{gateway_url}{path}") as response:
        headers = response.headers
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert len(headers["X-Request-Id"]) >= 8


async def test_html_pages_get_a_strict_content_security_policy(
    http: aiohttp.ClientSession,
    serve: Serve,
    redis_client: aioredis.Redis,
    recorder: Recorder,
    key_prefix: str,
) -> None:
    async def page(request: web.Request) -> web.Response:
        return web.Response(text="<h1>chat</h1>", content_type="text/html")

    def extra(app: web.Application) -> None:
        app.router.add_get("/", page)

    app = create_app(
        make_config(),
        redis=redis_client,
        recorder=recorder,
        key_prefix=key_prefix,
        extra_routes=extra,
    )
    async with http.get(await serve(app) + "/") as response:
        csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


async def test_a_sane_request_id_is_echoed_and_a_bad_one_replaced(
    http: aiohttp.ClientSession, gateway_url: str
) -> None:
    async with http.get(f"{gateway_url}/healthz", headers={"X-Request-Id": "abc-123"}) as r:
        assert r.headers["X-Request-Id"] == "abc-123"
    async with http.get(f"{gateway_url}/healthz", headers={"X-Request-Id": "<script>"}) as r:
        assert r.headers["X-Request-Id"] != "<script>"


async def test_access_log_is_json_without_phone_numbers_or_tokens(
    http: aiohttp.ClientSession, gateway_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="gateway.access")
    body = delivery(text_message("wamid.log", "263779998877", "hi"))
    await post_webhook(http, gateway_url, body)
    query = {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "5"}
    async with http.get(f"{gateway_url}/webhook", params=query) as handshake:
        assert handshake.status == 200
    async with http.post(
        f"{gateway_url}/api/notify", headers={"Authorization": "Bearer secret.token.value"}
    ) as notify:
        assert notify.status == 401  # a forged token: refused, and logged without the token
    lines = [r.getMessage() for r in caplog.records if r.name == "gateway.access"]
    assert len(lines) == 3
    joined = "\n".join(lines)
    for secret in ("263779998877", "verify-me", "secret.token.value", "127.0.0.1"):
        assert secret not in joined
    assert '"route":"/webhook"' in joined


async def test_cors_allows_only_configured_origins_on_api_routes(
    http: aiohttp.ClientSession, gateway_url: str
) -> None:
    allowed = {"Origin": "https://credex.example", "Access-Control-Request-Method": "POST"}
    async with http.options(f"{gateway_url}/api/notify", headers=allowed) as r:
        assert r.status == 204
        assert r.headers["Access-Control-Allow-Origin"] == "https://credex.example"
        assert "Authorization" in r.headers["Access-Control-Allow-Headers"]
    evil = {"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    async with http.options(f"{gateway_url}/api/notify", headers=evil) as r:
        assert r.status == 403
        assert "Access-Control-Allow-Origin" not in r.headers
    async with http.post(
        f"{gateway_url}/api/token", json={}, headers={"Origin": "https://evil.example"}
    ) as r:
        assert "Access-Control-Allow-Origin" not in r.headers
    async with http.get(
        f"{gateway_url}/healthz", headers={"Origin": "https://credex.example"}
    ) as r:
        assert "Access-Control-Allow-Origin" not in r.headers


async def test_readyz_reports_the_redis_mode_and_the_clusters_state(
    http: aiohttp.ClientSession, serve: Serve, redis_client: aioredis.Redis, recorder: Recorder
) -> None:
    app = create_app(make_config(), redis=redis_client, recorder=recorder, key_prefix="ready:")
    async with http.get(f"{await serve(app)}/readyz") as response:
        assert response.status == 200
        redis = (await response.json())["redis"]
    assert redis["state"] == "ok"
    if cluster_mode():
        # A real 3-master cluster (.ci/redis-cluster.sh): every slot served.
        assert redis["mode"] == "cluster"
        assert redis["slots_ok"] == 16384
        assert redis["masters"] == 3
    else:
        assert redis["mode"] == "standalone"
