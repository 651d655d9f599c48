"""Fuzz: any JSON, signed correctly, never makes the webhook answer 500 (or raise in parsing)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import orjson
import pytest
from aiohttp import web
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actors.events import decode
from gateway.app import create_app
from gateway.whatsapp.envelopes import to_envelope
from gateway.whatsapp.inbound import MalformedWebhook, parse_webhook
from gateway.whatsapp.signature import sign
from runtime import Runtime, RuntimeConfig
from runtime.client import ready
from tests.gateway.conftest import APP_SECRET, PNID, make_config
from tests.gateway.conversation import RecordingHandler, Seen
from tests.redis_server import client

scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.text(max_size=20)
    | st.floats(allow_nan=False, allow_infinity=False)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)
kinds = st.sampled_from(["text", "interactive", "button", "reaction", "system", "image", "x"])


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Usually the documented shape, sometimes any JSON: deep fields get reached and broken."""
    return st.integers(0, 5).flatmap(lambda n: json_values if n == 0 else strategy)


# Mostly well-formed ids, so the fuzz reaches deep into message parsing.
messages = st.fixed_dictionaries(
    {
        "id": st.text(min_size=1, max_size=12).map(lambda s: f"wamid.{s}") | json_values,
        "from": st.from_regex(r"[0-9]{6,12}", fullmatch=True) | json_values,
        "type": maybe(kinds),
        "timestamp": maybe(st.from_regex(r"[0-9]{1,12}", fullmatch=True)),
    },
    optional={
        "from_user_id": maybe(st.just("US.1")),
        "text": maybe(st.fixed_dictionaries({"body": maybe(st.text(max_size=30))})),
        "interactive": maybe(
            st.fixed_dictionaries(
                {
                    "type": maybe(st.sampled_from(["button_reply", "list_reply", "nfm_reply"])),
                    "button_reply": json_values,
                    "list_reply": json_values,
                    "nfm_reply": json_values,
                }
            )
        ),
        "button": json_values,
        "reaction": json_values,
        "system": json_values,
    },
)
values = st.fixed_dictionaries(
    {"metadata": maybe(st.fixed_dictionaries({"phone_number_id": maybe(st.just(PNID))}))},
    optional={
        "contacts": maybe(st.lists(json_values, max_size=2)),
        "messages": maybe(st.lists(maybe(messages), max_size=3)),
        "statuses": maybe(st.lists(json_values, max_size=2)),
    },
)
changes = st.fixed_dictionaries({"field": maybe(st.just("messages")), "value": values})
entries = st.fixed_dictionaries({"changes": maybe(st.lists(maybe(changes), max_size=3))})
webhooks = st.fixed_dictionaries(
    {
        "object": maybe(st.just("whatsapp_business_account")),
        "entry": maybe(st.lists(maybe(entries), max_size=3)),
    }
)
bodies = webhooks | json_values


@settings(max_examples=400, deadline=None)
@given(bodies)
def test_parser_and_envelopes_are_total_on_any_json(body: Any) -> None:
    try:
        hook = parse_webhook(orjson.dumps(body))
    except MalformedWebhook:
        return
    for change in hook.changes:
        for message in change.messages:
            envelope = to_envelope(change.phone_number_id, message)
            assert envelope.key.user
            event = decode(envelope.payload)
            assert (event.message_id, event.content) == (message.wamid, message.content)


@asynccontextmanager
async def _gateway(redis_url: str, prefix: str) -> AsyncIterator[tuple[str, aiohttp.ClientSession]]:
    redis = client(redis_url)
    await ready(redis)
    runtime = Runtime(redis, RuntimeConfig(key_prefix=prefix), RecordingHandler(Seen()))
    app = create_app(make_config(), redis=redis, recorder=runtime, key_prefix=prefix)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    # The runtime records without hosting actors here: the fuzz is about the gateway, and
    # hosting would run the runtime's background tasks while hypothesis generates data.
    try:
        async with aiohttp.ClientSession() as http:
            yield f"http://127.0.0.1:{port}", http
    finally:
        await runner.cleanup()
        keys = [k async for k in redis.scan_iter(match=f"*{prefix}*", count=1000)]
        for key in keys:
            await redis.delete(key)
        await redis.aclose()


@pytest.fixture
def served(redis_url: str, key_prefix: str) -> Iterator[tuple[BlockingPortal, str, Any]]:
    """The gateway and a running Runtime on an event loop in a thread, so hypothesis (sync)
    can post many examples to it over real HTTP."""
    with (
        start_blocking_portal() as portal,
        portal.wrap_async_context_manager(_gateway(redis_url, key_prefix)) as (base, http),
    ):
        yield portal, base, http


async def _post(http: aiohttp.ClientSession, base: str, raw: bytes) -> int:
    headers = {"X-Hub-Signature-256": sign(raw, APP_SECRET)}
    async with http.post(f"{base}/webhook", data=raw, headers=headers) as response:
        await response.read()
        return response.status


# The fixture is shared by all examples on purpose: one server, many posts.
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=bodies)
def test_signed_arbitrary_json_never_gets_a_500(
    served: tuple[BlockingPortal, str, Any], body: Any
) -> None:
    portal, base, http = served
    status = portal.call(_post, http, base, orjson.dumps(body))
    assert status == 200
