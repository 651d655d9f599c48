"""A user message goes to a bot as a signed webhook; the bot's answer comes back captured."""

from __future__ import annotations

import json

import aiohttp
import pytest
from aiohttp import web

from simulator.whatsapp import WebhookRejected, WhatsAppSimulator
from tests.simulator_whatsapp.conftest import SECRET, TENDAI, TOKEN, TinyBot, served

RUDO = "263771000002"


async def test_text_reaches_the_bot_signed_and_its_reply_is_captured(
    sim: WhatsAppSimulator, bot: tuple[TinyBot, str]
) -> None:
    tiny, _ = bot
    wamid = await sim.send_text(TENDAI, "hi", name="Tendai Moyo")
    (reply,) = await sim.wait_for_messages(TENDAI, 1)
    assert reply["type"] == "interactive"
    assert [b["reply"]["id"] for b in reply["interactive"]["action"]["buttons"]] == [
        "pay:1",
        "menu",
    ]
    delivery = json.loads(tiny.bodies[0])
    value = delivery["entry"][0]["changes"][0]["value"]
    assert value["metadata"]["phone_number_id"] == sim.phone_number_id
    assert value["contacts"][0]["profile"]["name"] == "Tendai Moyo"
    assert value["messages"][0]["id"] == wamid
    assert value["messages"][0]["text"] == {"body": "hi"}
    assert tiny.graph_errors == []


async def test_button_tap_names_the_message_that_offered_it(
    sim: WhatsAppSimulator, bot: tuple[TinyBot, str]
) -> None:
    tiny, _ = bot
    await sim.send_text(TENDAI, "hi")
    await sim.wait_for_messages(TENDAI, 1)
    await sim.tap_button(TENDAI, "pay:1", "Pay")
    replies = await sim.wait_for_messages(TENDAI, 2)
    assert replies[1]["text"]["body"] == "tapped pay:1"
    tap = tiny.messages[-1]
    assert tap["interactive"] == {"type": "button_reply",
                                  "button_reply": {"id": "pay:1", "title": "Pay"}}  # fmt: skip
    assert tap["context"]["id"] == tiny.sent_wamids[0]


async def test_row_pick_carries_the_rows_description_and_context(
    sim: WhatsAppSimulator, bot: tuple[TinyBot, str]
) -> None:
    tiny, _ = bot
    await sim.send_text(RUDO, "list")
    await sim.wait_for_messages(RUDO, 1)
    await sim.pick_row(RUDO, "row:2", "Ledger")
    replies = await sim.wait_for_messages(RUDO, 2)
    assert replies[1]["text"]["body"] == "tapped row:2"
    pick = tiny.messages[-1]["interactive"]["list_reply"]
    assert pick == {"id": "row:2", "title": "Ledger", "description": "Recent credex"}
    assert tiny.messages[-1]["context"]["id"] == tiny.sent_wamids[0]


async def test_conversations_are_kept_apart_per_phone(
    sim: WhatsAppSimulator, bot: tuple[TinyBot, str]
) -> None:
    await sim.send_text(TENDAI, "one")
    await sim.send_text(RUDO, "two")
    assert [p["text"]["body"] for p in await sim.wait_for_messages(TENDAI, 1)] == ["echo: one"]
    assert [p["text"]["body"] for p in await sim.wait_for_messages(RUDO, 1)] == ["echo: two"]
    assert all(p["to"] == TENDAI for p in sim.sent_to(TENDAI))


async def test_wrong_app_secret_is_reported_as_a_rejected_webhook(
    bot: tuple[TinyBot, str],
) -> None:
    tiny, bot_url = bot
    sim = WhatsAppSimulator(webhook_url=f"{bot_url}/webhook", app_secret="not-" + SECRET)
    try:
        with pytest.raises(WebhookRejected) as caught:
            await sim.send_text(TENDAI, "hi")
        assert caught.value.status == 403
        assert tiny.bodies == []
    finally:
        await sim.close()


async def test_unreachable_bot_is_reported_without_a_status(http: aiohttp.ClientSession) -> None:
    sim = WhatsAppSimulator(webhook_url="http://127.0.0.1:9/webhook", app_secret=SECRET)
    app = web.Application()
    sim.add_routes(app)
    async with served(app) as url:
        async with http.post(f"{url}/__wa__/send", json={"phone": TENDAI, "text": "hi"}) as resp:
            assert resp.status == 502
            answer = await resp.json()
        assert answer["status"] is None and answer["wamid"].startswith("wamid.")
        with pytest.raises(WebhookRejected):
            await sim.send_text(TENDAI, "hi")


async def test_send_route_delivers_text_taps_and_other_kinds(
    sim: WhatsAppSimulator, sim_url: str, http: aiohttp.ClientSession, bot: tuple[TinyBot, str]
) -> None:
    tiny, _ = bot
    bodies = [
        {"phone": TENDAI, "name": "Tendai Moyo", "text": "hello"},
        {"phone": TENDAI, "button_id": "menu", "button_title": "Menu"},
        {"phone": TENDAI, "list_id": "row:1", "list_title": "Balance"},
        {"phone": TENDAI, "kind": "image"},
        {"phone": TENDAI, "kind": "location"},
    ]
    for body in bodies:
        async with http.post(f"{sim_url}/__wa__/send", json=body) as resp:
            answer = await resp.json()
            assert (resp.status, answer["status"]) == (200, 200), body
            assert answer["wamid"] == tiny.messages[-1]["id"]
    kinds = [m["type"] for m in tiny.messages]
    assert kinds == ["text", "interactive", "interactive", "image", "location"]
    names = {json.loads(b)["entry"][0]["changes"][0]["value"]["contacts"][0]["profile"]["name"]
             for b in tiny.bodies}  # fmt: skip
    assert names == {"Tendai Moyo"}  # the name sticks to the phone


@pytest.mark.parametrize(
    "bad",
    [{"text": "no phone"}, {"phone": "abc", "text": "x"}, {"phone": TENDAI},
     {"phone": TENDAI, "kind": "hologram"}],
)  # fmt: skip
async def test_send_route_refuses_incomplete_requests(
    sim_url: str, http: aiohttp.ClientSession, bad: dict[str, str], bot: tuple[TinyBot, str]
) -> None:
    async with http.post(f"{sim_url}/__wa__/send", json=bad) as resp:
        assert resp.status == 400
    assert bot[0].messages == []


async def test_displayed_messages_are_reported_delivered_then_read_once(
    sim: WhatsAppSimulator, bot: tuple[TinyBot, str]
) -> None:
    tiny, _ = bot
    await sim.send_text(TENDAI, "hi")
    await sim.send_text(TENDAI, "again")
    await sim.wait_for_messages(TENDAI, 2)
    assert await sim.mark_displayed(TENDAI) == 200
    assert [(s["id"], s["status"]) for s in tiny.statuses] == [
        (tiny.sent_wamids[0], "delivered"),
        (tiny.sent_wamids[1], "delivered"),
        (tiny.sent_wamids[0], "read"),
        (tiny.sent_wamids[1], "read"),
    ]
    assert all(s["recipient_id"] == TENDAI for s in tiny.statuses)
    assert await sim.mark_displayed(TENDAI) is None  # nothing new to report
    assert len(tiny.statuses) == 4


async def test_redelivery_posts_the_same_bytes_again(
    sim: WhatsAppSimulator, bot: tuple[TinyBot, str]
) -> None:
    tiny, _ = bot
    wamid = await sim.send_text(TENDAI, "once")
    assert await sim.redeliver(wamid) == 200
    assert len(tiny.bodies) == 2 and tiny.bodies[0] == tiny.bodies[1]


async def test_the_bot_token_must_match_the_simulators(bot: tuple[TinyBot, str]) -> None:
    tiny, bot_url = bot
    sim = WhatsAppSimulator(webhook_url=f"{bot_url}/webhook", app_secret=SECRET,
                            access_token="other-" + TOKEN)  # fmt: skip
    app = web.Application()
    sim.add_routes(app)
    async with served(app) as url:
        sim.set_base_url(url)
        tiny.graph_url = sim.graph_api_url
        await sim.send_text(TENDAI, "hi")
    assert sim.sent_to(TENDAI) == []
    assert tiny.graph_errors[0]["error"]["code"] == 190
