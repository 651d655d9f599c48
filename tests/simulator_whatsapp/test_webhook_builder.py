"""The simulator's inbound deliveries look exactly like Meta's and carry a valid signature."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simulator.whatsapp.webhook_builder import (
    KINDS,
    StatusItem,
    WebhookBuilder,
    encode,
    new_wamid,
    normalize_phone,
    sign,
    user_id_for,
)
from tests.simulator_whatsapp.conftest import fixture, verify

BUILDER = WebhookBuilder("1122334455667", "972123456789")
PHONE = "972987654321"


def shape(value: Any) -> Any:
    """The structure of a JSON value: keys and leaf types (lists: the first item's shape)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def first_message(delivery: dict[str, Any]) -> dict[str, Any]:
    message: dict[str, Any] = delivery["entry"][0]["changes"][0]["value"]["messages"][0]
    return message


def test_text_delivery_has_the_shape_of_the_text_fixture() -> None:
    built = BUILDER.text(PHONE, "Test Name", "Body Text")
    assert shape(built) == shape(fixture("message.json")["text"])


def test_button_tap_has_the_shape_of_the_button_fixture() -> None:
    built = BUILDER.button_reply(PHONE, "Test Name", "callback_data", "title", context_id="wamid.x")
    assert shape(built) == shape(fixture("callback_button.json")["button"])


def test_list_pick_has_the_shape_of_the_list_fixture_with_description() -> None:
    built = BUILDER.list_reply(
        PHONE, "Test Name", "callback_data", "title", "description", context_id="wamid.x"
    )
    assert shape(built) == shape(fixture("callback_selection.json")["description"])
    no_description = BUILDER.list_reply(PHONE, "T", "id", "t", context_id="wamid.x")
    assert shape(no_description) == shape(fixture("callback_selection.json")["callback"])


def test_quick_reply_has_the_shape_of_the_template_quick_reply_fixture() -> None:
    built = BUILDER.quick_reply(PHONE, "Test Name", "callback_data", "title", context_id="wamid.x")
    assert shape(built) == shape(fixture("callback_button.json")["quick_reply"])


@pytest.mark.parametrize(
    ("kind", "fixture_case"),
    [
        ("image", "image"),
        ("voice", "voice"),
        ("static_sticker", "static_sticker"),
        ("reaction", "reaction"),
        ("unsupported", "unsupported_with_type"),
    ],
)
def test_other_kinds_have_the_fixture_shapes(kind: str, fixture_case: str) -> None:
    kind = kind.replace("static_", "")
    context = "wamid.q" if kind == "reaction" else None  # a reaction names its message
    built = first_message(BUILDER.kind(PHONE, "Test Name", kind, context_id=context))
    expected = first_message(fixture("message.json")[fixture_case])
    assert shape(built) == shape(expected)


def test_location_and_contacts_carry_the_fixture_fields() -> None:
    location = first_message(BUILDER.kind(PHONE, "T", "location"))
    expected = first_message(fixture("message.json")["chosen_location"])["location"]
    assert shape(location["location"]) == shape(expected)
    contacts = first_message(BUILDER.kind(PHONE, "T", "contacts"))
    card = first_message(fixture("message.json")["contacts"])["contacts"][0]
    assert set(contacts["contacts"][0]) <= set(card)
    assert set(contacts["contacts"][0]["phones"][0]) == set(card["phones"][0])


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_names_its_webhook_type(kind: str) -> None:
    message = first_message(BUILDER.kind(PHONE, "T", kind))
    assert message["type"] in {"image", "video", "document", "audio", "sticker", "location",
                               "contacts", "reaction", "unsupported"}  # fmt: skip
    assert message["type"] in message


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown message kind"):
        BUILDER.kind(PHONE, "T", "hologram")


def test_statuses_carry_every_field_of_the_status_fixture_but_the_legacy_conversation() -> None:
    built = BUILDER.statuses(
        PHONE,
        "Test Name",
        [StatusItem("wamid.a", "delivered", PHONE, 1698266945),
         StatusItem("wamid.a", "read", PHONE, 1698266946, opaque="tracker")],
    )  # fmt: skip
    value = built["entry"][0]["changes"][0]["value"]
    expected = fixture("message_status.json")["delivered"]["entry"][0]["changes"][0]["value"]
    assert set(value) == set(expected)
    delivered, read = value["statuses"]
    assert set(expected["statuses"][0]) - {"conversation"} <= set(delivered)
    assert (delivered["status"], read["status"]) == ("delivered", "read")
    assert read["biz_opaque_callback_data"] == "tracker"
    assert read["timestamp"] == "1698266946"


def test_failed_status_carries_errors_instead_of_pricing() -> None:
    error = {"code": 131047, "title": "Re-engagement message"}
    item = StatusItem("wamid.b", "failed", PHONE, 1.0, errors=(error,)).wire()
    assert item["errors"] == [error]
    assert "pricing" not in item


def test_contact_has_a_stable_business_scoped_user_id() -> None:
    contact = BUILDER.contact(PHONE, "Test Name")
    assert contact["user_id"] == user_id_for(PHONE) == user_id_for(PHONE)
    assert contact["user_id"].startswith("US.") and contact["user_id"][3:].isdigit()
    assert contact["parent_user_id"].startswith("US.ENT.")
    assert user_id_for("263771000001") != user_id_for("263771000002")


def test_timestamp_is_unix_seconds_as_a_string() -> None:
    message = first_message(BUILDER.text(PHONE, "T", "x", timestamp=1749416383.9))
    assert message["timestamp"] == "1749416383"


def test_wamids_are_unique_and_meta_shaped() -> None:
    ids = {new_wamid() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(i.startswith("wamid.") for i in ids)


def test_sign_reproduces_metas_signature_vector() -> None:
    vector = fixture("signature-vector.json")
    assert sign(vector["body"].encode(), vector["app_secret"]) == vector["x_hub_signature_256"]


def test_signed_delivery_verifies_and_tampering_breaks_it() -> None:
    body = encode(BUILDER.text(PHONE, "Tendai", "hi 👋 https://x.y/z"))
    header = sign(body, "s3cret")
    assert verify("s3cret", body, header)
    assert not verify("other", body, header)
    assert not verify("s3cret", body.replace(b"hi", b"ho"), header)


def test_encode_escapes_non_ascii_and_slashes_like_meta() -> None:
    body = encode({"a": "👍 é/x"})
    assert body == b'{"a":"\\ud83d\\udc4d \\u00e9\\/x"}'
    assert json.loads(body) == {"a": "👍 é/x"}


@given(st.text(max_size=200))
def test_any_text_survives_encoding_and_its_signature_verifies(text: str) -> None:
    body = encode(BUILDER.text(PHONE, "T", text))
    assert verify("k", body, sign(body, "k"))
    assert first_message(json.loads(body))["text"]["body"] == text


@pytest.mark.parametrize(
    ("raw", "digits"),
    [("263771000001", "263771000001"), ("+263 77-100 0001", "263771000001")],
)
def test_phones_are_normalised_to_digits(raw: str, digits: str) -> None:
    assert normalize_phone(raw) == digits


@pytest.mark.parametrize("raw", ["", "123", "26377100000x", "1234567890123456", "<script>"])
def test_non_phones_are_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        normalize_phone(raw)
