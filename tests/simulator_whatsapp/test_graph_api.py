"""The fake Graph API answers like Meta's: stores what it accepts, refuses what Meta refuses."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
from aiohttp import web

from simulator.whatsapp import WhatsAppSimulator
from simulator.whatsapp.webhook_builder import user_id_for
from tests.simulator_whatsapp.conftest import PNID, SECRET, TENDAI, TOKEN, TinyBot, served

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def text(to: str, body: str) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
            "type": "text", "text": {"preview_url": False, "body": body}}  # fmt: skip


async def post(
    http: aiohttp.ClientSession, url: str, payload: Any, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    async with http.post(url, json=payload, headers=AUTH if headers is None else headers) as resp:
        return resp.status, await resp.json()


def messages_url(sim: WhatsAppSimulator, pnid: str = PNID) -> str:
    return f"{sim.graph_api_url}/{pnid}/messages"


async def test_accepted_message_is_stored_and_answered_like_graph(
    sim: WhatsAppSimulator, http: aiohttp.ClientSession
) -> None:
    status, answer = await post(http, messages_url(sim), text("+263771000001", "Hello *Tendai*"))
    assert status == 200
    assert answer["messaging_product"] == "whatsapp"
    assert answer["contacts"] == [{"input": "+263771000001", "wa_id": TENDAI}]
    assert answer["messages"][0]["id"].startswith("wamid.")
    assert sim.sent_to(TENDAI) == [text("+263771000001", "Hello *Tendai*")]
    assert sim.sent_to("263771000002") == []


async def test_each_accepted_message_gets_its_own_wamid(
    sim: WhatsAppSimulator, http: aiohttp.ClientSession
) -> None:
    ids = {(await post(http, messages_url(sim), text(TENDAI, str(n))))[1]["messages"][0]["id"]
           for n in range(20)}  # fmt: skip
    assert len(ids) == 20
    assert [p["text"]["body"] for p in sim.sent_to(TENDAI)] == [str(n) for n in range(20)]


async def test_bad_or_missing_token_is_refused_with_401_and_nothing_stored(
    sim: WhatsAppSimulator, http: aiohttp.ClientSession
) -> None:
    for headers in ({"Authorization": "Bearer wrong"}, {}, {"Authorization": TOKEN}):
        status, answer = await post(http, messages_url(sim), text(TENDAI, "x"), headers)
        assert status == 401
        assert answer["error"]["code"] == 190
        assert answer["error"]["type"] == "OAuthException"
    assert sim.sent_to(TENDAI) == []


async def test_malformed_payload_gets_a_graph_shaped_400(
    sim: WhatsAppSimulator, http: aiohttp.ClientSession
) -> None:
    no_buttons = {"messaging_product": "whatsapp", "to": TENDAI, "type": "interactive",
                  "interactive": {"type": "button", "body": {"text": "Pick"},
                                  "action": {"buttons": []}}}  # fmt: skip
    status, answer = await post(http, messages_url(sim), no_buttons)
    assert status == 400
    error = answer["error"]
    assert error["code"] == 100
    assert error["message"] == "(#100) Invalid parameter"
    assert {"type", "fbtrace_id", "error_data"} <= set(error)
    assert "buttons must be a non-empty list" in error["error_data"]["details"]
    assert sim.sent_to(TENDAI) == []
    assert sim.rejected_to(TENDAI)[0]["payload"] == no_buttons


async def test_payloads_missing_basics_are_refused(
    sim: WhatsAppSimulator, http: aiohttp.ClientSession
) -> None:
    bad: list[Any] = [
        {**text(TENDAI, "x"), "messaging_product": "sms"},
        {**text(TENDAI, "x"), "to": ""},
        {**text(TENDAI, "x"), "to": "not-a-phone"},
        text(TENDAI, "   "),
        {"messaging_product": "whatsapp", "to": TENDAI, "type": "hologram", "hologram": {}},
        {"messaging_product": "whatsapp", "to": TENDAI, "type": "template", "template": {}},
        {"messaging_product": "whatsapp", "to": TENDAI, "type": "interactive",
         "interactive": {"type": "list", "body": {"text": "b"},
                         "action": {"button": "Go", "sections": [{"rows": [{"id": "a"}]}]}}},
        ["not", "an", "object"],
    ]  # fmt: skip
    for payload in bad:
        status, answer = await post(http, messages_url(sim), payload)
        assert (status, answer["error"]["code"]) == (400, 100), payload
    assert sim.sent_to(TENDAI) == []


async def test_validator_violations_are_refused_with_their_reasons(
    http: aiohttp.ClientSession,
) -> None:
    def limits(payload: dict[str, Any]) -> list[str]:
        body = payload.get("text", {}).get("body", "")
        return [f"text body {len(body)} > 10"] if len(body) > 10 else []

    sim = WhatsAppSimulator(
        webhook_url="http://127.0.0.1:9/none", app_secret="s", access_token=TOKEN, validate=limits
    )
    app = web.Application()
    sim.add_routes(app)
    async with served(app) as url:
        sim.set_base_url(url)
        status, answer = await post(http, messages_url(sim), text(TENDAI, "x" * 11))
        assert status == 400
        assert answer["error"]["error_data"]["details"] == "text body 11 > 10"
        assert (await post(http, messages_url(sim), text(TENDAI, "short")))[0] == 200
    assert [p["text"]["body"] for p in sim.sent_to(TENDAI)] == ["short"]


async def test_unknown_business_number_is_refused(
    sim: WhatsAppSimulator, http: aiohttp.ClientSession
) -> None:
    status, answer = await post(http, messages_url(sim, "999"), text(TENDAI, "x"))
    assert status == 400
    assert answer["error"]["code"] == 100
    assert "999" in answer["error"]["message"]


async def test_template_send_is_accepted_with_message_status(
    sim: WhatsAppSimulator, http: aiohttp.ClientSession
) -> None:
    template = {"name": "incoming_notification", "language": {"code": "en_US"}}
    payload = {"messaging_product": "whatsapp", "to": TENDAI, "type": "template",
               "template": template}  # fmt: skip
    status, answer = await post(http, messages_url(sim), payload)
    assert status == 200
    assert answer["messages"][0]["message_status"] == "accepted"


async def test_mark_as_read_succeeds_for_a_user_message_and_refuses_our_own(
    sim: WhatsAppSimulator, http: aiohttp.ClientSession
) -> None:
    inbound = await sim.send_text(TENDAI, "hello")  # the tiny bot marks it read itself
    read = {"messaging_product": "whatsapp", "status": "read", "message_id": inbound}
    assert await post(http, messages_url(sim), read) == (200, {"success": True})
    assert sim.graph.marked_read.count(inbound) == 2
    entries = sim.log.entries(TENDAI, kinds=["read"])
    assert [e.wamid for e in entries] == [inbound, inbound]
    assert entries[0].payload == {"typing": True}
    await sim.wait_for_messages(TENDAI, 1)
    outbound = sim.log.entries(TENDAI, kinds=["bot"])
    status, answer = await post(http, messages_url(sim), {**read, "message_id": outbound[0].wamid})
    assert (status, answer["error"]["code"]) == (400, 100)


async def test_business_scoped_user_id_reaches_the_users_phone(
    sim: WhatsAppSimulator, http: aiohttp.ClientSession
) -> None:
    unknown = await post(http, messages_url(sim), text(user_id_for(TENDAI), "x"))
    assert unknown[0] == 400  # no webhook ever introduced this user id
    await sim.send_text(TENDAI, "hi")
    status, answer = await post(http, messages_url(sim), text(user_id_for(TENDAI), "by bsuid"))
    assert status == 200
    assert answer["contacts"][0]["wa_id"] == TENDAI
    assert sim.sent_to(TENDAI)[-1]["text"]["body"] == "by bsuid"


async def test_messages_route_lists_bot_messages_after_a_sequence(
    sim: WhatsAppSimulator, sim_url: str, http: aiohttp.ClientSession
) -> None:
    for n in range(3):
        await post(http, messages_url(sim), text(TENDAI, f"m{n}"))
    async with http.get(f"{sim_url}/__wa__/messages", params={"phone": TENDAI}) as resp:
        listed = await resp.json()
    assert [m["payload"]["text"]["body"] for m in listed] == ["m0", "m1", "m2"]
    assert {"seq", "payload", "received_at", "wamid"} <= set(listed[0])
    after = listed[0]["seq"]
    async with http.get(f"{sim_url}/__wa__/messages?phone={TENDAI}&after={after}") as resp:
        assert [m["payload"]["text"]["body"] for m in await resp.json()] == ["m1", "m2"]
    async with http.get(f"{sim_url}/__wa__/messages?phone=abc") as resp:
        assert resp.status == 400


async def test_wait_for_messages_wakes_on_arrival_and_times_out_when_short(
    sim: WhatsAppSimulator, http: aiohttp.ClientSession
) -> None:
    waiter = asyncio.create_task(sim.wait_for_messages(TENDAI, 2, timeout=5))
    await post(http, messages_url(sim), text(TENDAI, "one"))
    await asyncio.sleep(0)
    assert not waiter.done()
    await post(http, messages_url(sim), text(TENDAI, "two"))
    got = await asyncio.wait_for(waiter, 5)
    assert [p["text"]["body"] for p in got] == ["one", "two"]
    started = time.monotonic()
    try:
        await sim.wait_for_messages(TENDAI, 3, timeout=0.2)
    except TimeoutError as exc:
        assert "expected 3 messages" in str(exc)
    else:
        raise AssertionError("wait_for_messages returned without a third message")
    assert time.monotonic() - started < 2


async def test_transcript_long_poll_answers_as_soon_as_something_arrives(
    sim: WhatsAppSimulator, sim_url: str, http: aiohttp.ClientSession
) -> None:
    url = f"{sim_url}/__wa__/transcript?phone={TENDAI}&after=0&wait=20"
    started = time.monotonic()
    poll = asyncio.create_task(http.get(url))
    await asyncio.sleep(0.2)
    await post(http, messages_url(sim), text(TENDAI, "wake up"))
    async with await asyncio.wait_for(poll, 5) as resp:
        data = await resp.json()
    assert time.monotonic() - started < 5
    assert [e["kind"] for e in data["entries"]] == ["bot"]
    assert data["entries"][0]["payload"]["text"]["body"] == "wake up"


async def test_enforced_window_admits_only_templates_until_the_user_writes(
    http: aiohttp.ClientSession, bot: tuple[TinyBot, str]
) -> None:
    tiny, bot_url = bot
    sim = WhatsAppSimulator(webhook_url=f"{bot_url}/webhook", app_secret=SECRET,
                            access_token=TOKEN, enforce_window=True)  # fmt: skip
    app = web.Application()
    sim.add_routes(app)
    async with served(app) as url:
        sim.set_base_url(url)
        tiny.graph_url = sim.graph_api_url
        status, answer = await post(http, messages_url(sim), text(TENDAI, "unprompted"))
        assert (status, answer["error"]["code"]) == (400, 131047)
        template = {"name": "incoming_notification", "language": {"code": "en_US"}}
        payload = {"messaging_product": "whatsapp", "to": TENDAI, "type": "template",
                   "template": template}  # fmt: skip
        assert (await post(http, messages_url(sim), payload))[0] == 200
        await sim.send_text(TENDAI, "hi")  # opens the window; the bot's reply goes through
        status, _ = await post(http, messages_url(sim), text(TENDAI, "now allowed"))
        assert status == 200
    assert [p["type"] for p in sim.sent_to(TENDAI)] == ["template", "interactive", "text"]
    assert sim.rejected_to(TENDAI)[0]["payload"]["text"]["body"] == "unprompted"
