"""POST /api/token and /api/notify, and the daily rate limits on /api/*."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest
import redis.asyncio as aioredis
from aiohttp import web

from gateway.app import create_app
from gateway.security import issue_token, verify_token
from gateway.whatsapp.window import ServiceWindow
from runtime import Runtime
from runtime.contracts import ConversationKey, Recorder
from tests.gateway.conftest import PNID, make_config
from tests.gateway.conversation import Seen
from tests.gateway.fake_graph import FakeGraph
from tests.gateway.webhooks import delivery, post_webhook, text_message

pytestmark = pytest.mark.anyio
Serve = Callable[[web.Application], Awaitable[str]]
CREDENTIALS = {"client_id": "credex-core", "client_secret": "notify-secret-0123456789"}
JWT_SECRET = "jwt-secret-0123456789abcdef-0123456789"


async def token(http: aiohttp.ClientSession, base: str) -> str:
    async with http.post(f"{base}/api/token", json=CREDENTIALS) as response:
        assert response.status == 200
        body = await response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 600
    return str(body["access_token"])


async def notify(
    http: aiohttp.ClientSession, base: str, body: dict[str, Any], bearer: str | None
) -> tuple[int, dict[str, str]]:
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    async with http.post(f"{base}/api/notify", json=body, headers=headers) as response:
        await response.read()
        return response.status, dict(response.headers)


OFFER = {"phone": "263775555555", "memberName": "Bob Moyo", "message": "Bob offered you $5.00"}


async def test_token_is_an_hs256_jwt_for_the_client_with_the_configured_lifetime(
    http: aiohttp.ClientSession, gateway_url: str
) -> None:
    claims = verify_token(JWT_SECRET, await token(http, gateway_url))
    assert claims.subject == "credex-core"
    assert claims.expires_at - claims.issued_at == 600


@pytest.mark.parametrize(
    "body",
    [
        {"client_id": "credex-core", "client_secret": "wrong"},
        {"client_id": "someone", "client_secret": "notify-secret-0123456789"},
        {},
    ],
)
async def test_wrong_client_credentials_get_401(
    http: aiohttp.ClientSession, gateway_url: str, body: dict[str, str]
) -> None:
    async with http.post(f"{gateway_url}/api/token", json=body) as response:
        assert response.status == 401


def test_tampered_expired_or_unsigned_tokens_are_refused() -> None:
    good = issue_token(JWT_SECRET, "credex-core", 60)
    head, claims, sig = good.split(".")
    for bad in (
        f"{head}.{claims}.{sig[:-2]}AA",
        issue_token("other-secret", "credex-core", 60),
        issue_token(JWT_SECRET, "credex-core", 60, now=time.time() - 120),
        f"eyJhbGciOiJub25lIn0.{claims}.",
        "a.b",
        "",
    ):
        with pytest.raises(ValueError):
            verify_token(JWT_SECRET, bad)


async def test_notify_without_or_with_a_bad_token_is_401_and_records_nothing(
    http: aiohttp.ClientSession, gateway_url: str, runtime: Runtime
) -> None:
    assert (await notify(http, gateway_url, OFFER, None))[0] == 401
    assert (await notify(http, gateway_url, OFFER, "not.a.token"))[0] == 401
    expired = issue_token(JWT_SECRET, "credex-core", 1, now=time.time() - 120)  # past the leeway
    assert (await notify(http, gateway_url, OFFER, expired))[0] == 401
    assert runtime.counters["recorded"] == 0


@pytest.mark.parametrize(
    "body",
    [
        {**OFFER, "phone": "12ab"},
        {**OFFER, "memberName": ""},
        {**OFFER, "message": " "},
        {"phone": "263775555555"},
        {**OFFER, "message": "x" * 1001},
    ],
)
async def test_invalid_notify_bodies_get_400(
    http: aiohttp.ClientSession, gateway_url: str, body: dict[str, Any]
) -> None:
    assert (await notify(http, gateway_url, body, await token(http, gateway_url)))[0] == 400


async def test_notify_inside_the_window_is_delivered_as_free_form_text(
    http: aiohttp.ClientSession, gateway_url: str, graph: FakeGraph, seen: Seen
) -> None:
    # The member wrote to us a minute ago: the window is open.
    hello = delivery(text_message("wamid.hello", OFFER["phone"], "hi", at=int(time.time()) - 60))
    assert (await post_webhook(http, gateway_url, hello)).status == 200
    await graph.wait_for(1)
    status, _ = await notify(http, gateway_url, OFFER, await token(http, gateway_url))
    assert status == 202
    accepted = await graph.wait_for(2)
    assert accepted[1].payload["type"] == "text"
    assert accepted[1].payload["text"]["body"] == OFFER["message"]
    event = seen.inbound(1)
    assert event.message_id.startswith("notify:") and event.phone == OFFER["phone"]
    assert seen.events[1].key == ConversationKey(PNID, OFFER["phone"])


async def test_notify_outside_the_window_uses_the_incoming_notification_template(
    http: aiohttp.ClientSession,
    gateway_url: str,
    graph: FakeGraph,
    redis_client: aioredis.Redis,
    key_prefix: str,
) -> None:
    status, _ = await notify(
        http, gateway_url, {**OFFER, "phone": "+263776666666"}, await token(http, gateway_url)
    )
    assert status == 202
    [accepted] = await graph.wait_for(1)
    assert accepted.payload["to"] == "263776666666"
    template = accepted.payload["template"]
    assert template["name"] == "incoming_notification"
    assert [p["text"] for p in template["components"][0]["parameters"]] == [
        OFFER["memberName"],
        OFFER["message"],
    ]
    # A notification is not a user message: it must not open the window.
    window = ServiceWindow(redis_client, key_prefix)
    assert await window.last_inbound(ConversationKey(PNID, "263776666666")) is None


async def _limited_app(
    serve: Serve, redis: aioredis.Redis, recorder: Recorder, key_prefix: str
) -> str:
    config = make_config(api_anonymous_per_day=3, api_client_per_day=5)
    return await serve(create_app(config, redis=redis, recorder=recorder, key_prefix=key_prefix))


async def test_anonymous_api_calls_are_limited_per_ip_with_retry_after(
    http: aiohttp.ClientSession,
    serve: Serve,
    redis_client: aioredis.Redis,
    recorder: Recorder,
    key_prefix: str,
) -> None:
    base = await _limited_app(serve, redis_client, recorder, key_prefix)
    statuses = []
    for _ in range(5):
        async with http.post(f"{base}/api/notify", json=OFFER) as response:
            statuses.append(response.status)
            retry_after = response.headers.get("Retry-After")
    assert statuses == [401, 401, 401, 429, 429]
    assert retry_after is not None and 0 < int(retry_after) <= 86400 + 1


async def test_authenticated_clients_get_their_own_larger_allowance(
    http: aiohttp.ClientSession,
    serve: Serve,
    redis_client: aioredis.Redis,
    recorder: Recorder,
    key_prefix: str,
) -> None:
    base = await _limited_app(serve, redis_client, recorder, key_prefix)
    bearer = issue_token(JWT_SECRET, "credex-core", 600)
    statuses = [(await notify(http, base, OFFER, bearer))[0] for _ in range(7)]
    assert statuses == [202] * 5 + [429] * 2
    # The IP allowance is separate and still untouched.
    async with http.post(f"{base}/api/token", json=CREDENTIALS) as response:
        assert response.status == 200


async def test_the_webhook_is_never_rate_limited(
    http: aiohttp.ClientSession,
    serve: Serve,
    redis_client: aioredis.Redis,
    recorder: Recorder,
    key_prefix: str,
) -> None:
    base = await _limited_app(serve, redis_client, recorder, key_prefix)
    for n in range(8):
        body = delivery(text_message(f"wamid.nolimit{n}", "263770000001", "hi"))
        assert (await post_webhook(http, base, body)).status == 200
