"""Every golden webhook kind becomes the right Inbound content, key and phone (pure parsing)."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from opentelemetry import trace

from actors.events import ButtonTapped, FlowReply, ListPicked, Other, Reaction, Text, decode
from gateway.whatsapp.envelopes import to_envelope
from gateway.whatsapp.inbound import MalformedWebhook, parse_webhook
from runtime.contracts import ConversationKey
from tests.gateway.conftest import PNID
from tests.gateway.webhooks import fixture

BSUID = "US.13491208655302741918"


def only_message(body: dict[str, Any]) -> Any:
    hook = parse_webhook(orjson.dumps(body))
    assert hook.unreadable == 0
    [change] = hook.changes
    [message] = change.messages
    return message


@pytest.mark.parametrize(
    ("file", "case", "content"),
    [
        ("message", "text", Text("Body Text")),
        ("callback_button", "button", ButtonTapped("callback_data", "title")),
        ("callback_button", "quick_reply", ButtonTapped("callback_data", "title")),
        ("callback_selection", "callback", None),
        ("flow_completion", "completion", None),
        ("message", "reaction", None),
        ("message", "unreaction_empty", Reaction("", "wamid.yzxyzx=")),
        ("message", "unreaction_no_emoji", Reaction("", "wamid.yzxyzx=")),
        ("message", "image", Other("image")),
        ("message", "video", Other("video")),
        ("message", "document", Other("document")),
        ("message", "audio", Other("audio")),
        ("message", "voice", Other("audio")),
        ("message", "static_sticker", Other("sticker")),
        ("message", "current_location", Other("location")),
        ("message", "contacts", Other("contacts")),
        ("message", "order", Other("order")),
        ("message", "unsupported", Other("unsupported")),
        ("message", "interactive_message_with_err", Other("interactive")),
        ("edited_message", "image", Other("edit")),
        ("deleted_message", "revoke", Other("revoke")),
        ("system", "identity_change", Other("system")),
    ],
)
def test_fixture_kind_maps_to_content(file: str, case: str, content: Any) -> None:
    message = only_message(fixture(file, case))
    if content is not None:
        assert message.content == content
    else:
        assert type(message.content) in (ListPicked, FlowReply, Reaction)


def test_every_case_in_every_fixture_file_parses_without_loss() -> None:
    for file, cases in {
        "message": 23,
        "callback_button": 3,
        "callback_selection": 2,
        "flow_completion": 2,
        "edited_message": 1,
        "deleted_message": 1,
        "system": 2,
        "message_status": 7,
    }.items():
        import json

        from tests.gateway.webhooks import FIXTURES

        bodies = json.loads((FIXTURES / f"{file}.json").read_text())
        assert len(bodies) == cases
        for case in bodies:
            hook = parse_webhook(orjson.dumps(fixture(file, case)))
            items = sum(len(c.messages) + len(c.statuses) for c in hook.changes)
            assert (items, hook.unreadable) == (1, 0), (file, case)


def test_list_reply_keeps_id_title_and_description() -> None:
    message = only_message(fixture("callback_selection", "description"))
    assert isinstance(message.content, ListPicked)
    assert message.content.id and message.content.title and message.content.description


def test_flow_reply_keeps_the_raw_response_json_string() -> None:
    message = only_message(fixture("flow_completion", "completion"))
    assert isinstance(message.content, FlowReply)
    assert orjson.loads(message.content.response_json)["flow_token"]


def test_key_uses_business_scoped_user_id_and_keeps_the_phone() -> None:
    envelope = to_envelope(PNID, only_message(fixture("message", "text")))
    assert envelope.key == ConversationKey(channel=PNID, user=BSUID)
    assert envelope.message_id == "wamid.xyzxyz"
    event = decode(envelope.payload)
    assert (event.phone, event.profile_name, event.at) == ("972987654321", "Test Name", 1697043223)


def test_key_falls_back_to_wa_id_without_user_id() -> None:
    envelope = to_envelope(PNID, only_message(fixture("system", "identity_change")))
    assert envelope.key == ConversationKey(channel=PNID, user="972987654321")


def test_username_only_user_is_keyed_by_user_id_without_phone() -> None:
    body = fixture("message", "text")
    value = body["entry"][0]["changes"][0]["value"]
    del value["contacts"][0]["wa_id"]
    del value["messages"][0]["from"]
    value["messages"][0]["from_user_id"] = BSUID
    envelope = to_envelope(PNID, only_message(body))
    assert envelope.key.user == BSUID
    assert decode(envelope.payload).phone is None


def test_changed_number_moves_the_conversation_to_the_new_number() -> None:
    message = only_message(fixture("system", "phone_number_change"))
    envelope = to_envelope(PNID, message)
    assert envelope.key == ConversationKey(channel=PNID, user="972912345678")
    assert orjson.loads(envelope.payload)["phone"] == "972912345678"
    assert message.content == Other("system")
    assert message.identity_change.kind == "user_changed_number"


@pytest.mark.parametrize("case", ["image", "contacts", "unsupported"])
def test_other_kinds_survive_the_event_encoding(case: str) -> None:
    # The conversation must know it got an image (to answer politely, G7), so the kind has to
    # survive actors.events.encode/decode.
    envelope = to_envelope(PNID, only_message(fixture("message", case)))
    assert decode(envelope.payload).content == Other(case)


def test_envelope_carries_the_w3c_traceparent_of_the_current_span() -> None:
    with trace.get_tracer("test").start_as_current_span("POST /webhook") as span:
        envelope = to_envelope(PNID, only_message(fixture("message", "text")))
    trace_id = f"{span.get_span_context().trace_id:032x}"
    assert envelope.trace_context["traceparent"].startswith(f"00-{trace_id}-")


def test_statuses_keep_state_recipient_and_error_codes() -> None:
    hook = parse_webhook(orjson.dumps(fixture("message_status", "failed")))
    [status] = hook.changes[0].statuses
    assert (status.status, status.recipient) == ("failed", "972987654321")
    assert [e.code for e in status.errors] == [130472]


@pytest.mark.parametrize("body", [b"", b"not json", b"[1,2]", b'{"object":1}', b'"x"', b"{"])
def test_non_webhook_bodies_are_malformed(body: bytes) -> None:
    with pytest.raises(MalformedWebhook):
        parse_webhook(body)


def test_odd_items_are_counted_unreadable_not_raised() -> None:
    body = {
        "entry": [
            {
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "metadata": {"phone_number_id": PNID},
                            "messages": [
                                {"type": "text"},
                                5,
                                {"id": "wamid.ok", "from": "1", "type": 7},
                            ],
                            "statuses": [{"id": "x"}, None],
                        },
                    },
                    {"field": "account_update", "value": {}},
                    "junk",
                ]
            },
            3,
        ]
    }
    hook = parse_webhook(orjson.dumps(body))
    assert hook.unreadable == 6
    [message] = hook.changes[0].messages
    assert message.content == Other("unknown")
