"""One user, one conversation: phone-only events join the business-scoped id's conversation."""

from __future__ import annotations

import time

import aiohttp
import pytest
import redis.asyncio as aioredis

from gateway.security import issue_token
from gateway.whatsapp.identity import IdentityMap
from runtime.contracts import ConversationKey
from tests.gateway.conftest import PNID
from tests.gateway.conversation import Seen
from tests.gateway.webhooks import delivery, fixture, post_webhook, text_message

pytestmark = pytest.mark.anyio
PHONE, BSUID = "263778888888", "US.4242"


async def test_phone_only_message_joins_the_conversation_of_the_known_user_id(
    http: aiohttp.ClientSession, gateway_url: str, seen: Seen
) -> None:
    now = int(time.time())
    both = delivery(text_message("wamid.id1", PHONE, "hi", user_id=BSUID, at=now))
    phone_only = delivery(text_message("wamid.id2", PHONE, "again", at=now))
    assert (await post_webhook(http, gateway_url, both)).status == 200
    assert (await post_webhook(http, gateway_url, phone_only)).status == 200
    events = await seen.wait_for(2)
    assert [e.key for e in events] == [ConversationKey(PNID, BSUID)] * 2
    assert seen.inbound(1).phone == PHONE


async def test_unknown_phone_only_user_is_keyed_by_phone(
    http: aiohttp.ClientSession, gateway_url: str, seen: Seen
) -> None:
    assert (
        await post_webhook(http, gateway_url, delivery(text_message("wamid.id3", PHONE, "x")))
    ).status == 200
    [event] = await seen.wait_for(1)
    assert event.key == ConversationKey(PNID, PHONE)


async def test_notify_reaches_the_conversation_of_a_member_known_by_user_id(
    http: aiohttp.ClientSession, gateway_url: str, seen: Seen
) -> None:
    hello = delivery(text_message("wamid.id4", PHONE, "hi", user_id=BSUID))
    assert (await post_webhook(http, gateway_url, hello)).status == 200
    bearer = issue_token("jwt-secret-0123456789abcdef-0123456789", "credex-core", 60)
    body = {"phone": PHONE, "memberName": "Bob", "message": "Bob offered you $1"}
    async with http.post(
        f"{gateway_url}/api/notify", json=body, headers={"Authorization": f"Bearer {bearer}"}
    ) as response:
        assert response.status == 202
    events = await seen.wait_for(2)
    assert events[1].key == ConversationKey(PNID, BSUID)


async def test_changed_number_forgets_the_old_phone_and_learns_the_new_one(
    http: aiohttp.ClientSession, gateway_url: str, redis_client: aioredis.Redis, key_prefix: str
) -> None:
    identities = IdentityMap(redis_client, key_prefix, PNID)
    body = fixture("system", "phone_number_change")
    value = body["entry"][0]["changes"][0]["value"]
    value["contacts"] = [{"profile": {"name": "A"}, "wa_id": "972987654321", "user_id": BSUID}]
    await identities.remember({"972987654321": BSUID})
    assert (await post_webhook(http, gateway_url, body)).status == 200
    assert await identities.resolve(["972987654321", "972912345678"]) == {"972912345678": BSUID}
