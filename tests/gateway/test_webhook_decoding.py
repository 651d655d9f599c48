"""One bad string never sinks a delivery: a JSON-escaped lone surrogate or invalid UTF-8 in one
message's text costs at most that message's text, never the other messages of the POST."""

from __future__ import annotations

import aiohttp
import orjson
import pytest

from gateway.whatsapp.inbound import MalformedWebhook, parse_webhook
from tests.gateway.fake_graph import FakeGraph
from tests.gateway.webhooks import delivery, post_webhook, text_message

pytestmark = pytest.mark.anyio

MARK = "@@BAD@@"


def _three_members(bad_text: bytes, *, bad_field: str = "text") -> bytes:
    """One signed delivery, three members; MARK in member 2's text (or sender) is replaced by
    raw bytes orjson would refuse."""
    values = [
        text_message("wamid.s1", "263771000001", "balance"),
        text_message("wamid.s2", "263771000002", f"hi {MARK}"),
        text_message("wamid.s3", "263771000003", "menu"),
    ]
    if bad_field == "from":
        values[1]["messages"][0]["from"] = f"26377100{MARK}"
        values[1]["contacts"][0]["wa_id"] = f"26377100{MARK}"
    raw = orjson.dumps(delivery(*values))
    return raw.replace(MARK.encode(), bad_text)


def test_orjson_alone_refuses_a_lone_surrogate() -> None:
    # The premise of this file: without our fallback the whole POST would be unreadable.
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(_three_members(b"\\udcff"))


@pytest.mark.parametrize("bad", [b"\\udcff", b"\\ud800 x", b"\xff\xfe", b"\\udc00\\ud800"])
def test_a_bad_string_costs_only_its_own_text(bad: bytes) -> None:
    hook = parse_webhook(_three_members(bad))
    messages = [m for change in hook.changes for m in change.messages]
    assert [m.wamid for m in messages] == ["wamid.s1", "wamid.s2", "wamid.s3"]
    texts = [getattr(m.content, "body", None) for m in messages]
    assert texts[0] == "balance" and texts[2] == "menu"
    assert texts[1] is not None and texts[1].startswith("hi \ufffd")
    # What we keep can be written again (orjson refuses surrogates on the way out too).
    assert orjson.loads(orjson.dumps(texts[1])) == texts[1]


@pytest.mark.parametrize("bad", [b"\\udcff", b"\xff"])
def test_a_bad_sender_id_drops_only_that_message(bad: bytes) -> None:
    hook = parse_webhook(_three_members(bad, bad_field="from"))
    messages = [m for change in hook.changes for m in change.messages]
    # A replacement character in a phone number would route a reply to nobody: not a sender.
    assert [m.wamid for m in messages] == ["wamid.s1", "wamid.s3"]
    assert hook.unreadable == 1


def test_a_body_that_is_not_json_at_all_is_still_malformed() -> None:
    with pytest.raises(MalformedWebhook):
        parse_webhook(b'{"entry": [\\udcff')


async def test_lone_surrogate_in_one_message_answers_all_three_members(
    http: aiohttp.ClientSession, gateway_url: str, graph: FakeGraph
) -> None:
    body = _three_members(b"\\udcff")
    assert (await post_webhook(http, gateway_url, body)).status == 200
    accepted = await graph.wait_for(3)
    answered = {a.payload["to"]: a.payload["text"]["body"] for a in accepted}
    assert answered == {
        "263771000001": "echo: balance",
        "263771000002": "echo: hi \ufffd",
        "263771000003": "echo: menu",
    }
    assert graph.invalid == []
