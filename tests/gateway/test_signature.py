"""X-Hub-Signature-256: verified over the exact raw bytes, before parsing
(docs/whatsapp-cloud-api.md §A1)."""

from __future__ import annotations

import json

import aiohttp
import orjson
import pytest

from gateway.whatsapp.signature import SignatureVerdict, check_signature, sign
from runtime import Runtime
from tests.gateway.conversation import Seen
from tests.gateway.webhooks import FIXTURES, delivery, post_webhook, text_message

pytestmark = pytest.mark.anyio  # at collection time, so parametrized tests keep their params

VECTOR = json.loads((FIXTURES / "signature-vector.json").read_text())


def test_known_good_vector_from_meta_is_valid() -> None:
    body = VECTOR["body"].encode()
    verdict = check_signature(body, VECTOR["x_hub_signature_256"], VECTOR["app_secret"])
    assert verdict is SignatureVerdict.VALID


def test_vector_with_one_byte_changed_is_a_mismatch() -> None:
    body = VECTOR["body"].encode().replace(b"PyWa", b"PyWA")
    verdict = check_signature(body, VECTOR["x_hub_signature_256"], VECTOR["app_secret"])
    assert verdict is SignatureVerdict.MISMATCH


def test_uppercase_hex_digest_is_accepted() -> None:
    body = VECTOR["body"].encode()
    header = "sha256=" + VECTOR["x_hub_signature_256"].removeprefix("sha256=").upper()
    assert check_signature(body, header, VECTOR["app_secret"]) is SignatureVerdict.VALID


@pytest.mark.parametrize(
    ("header", "verdict"),
    [
        (None, SignatureVerdict.MISSING),
        ("", SignatureVerdict.MISSING),
        ("sha1=" + "a" * 40, SignatureVerdict.MALFORMED),
        ("sha256=" + "a" * 63, SignatureVerdict.MALFORMED),
        ("sha256=" + "g" * 64, SignatureVerdict.MALFORMED),
        (
            "54edfa1d7259e0eb13c677cc7d73d1b5c86cfa12433d19156e058ab9251bc441",
            SignatureVerdict.MALFORMED,
        ),
        ("sha256=" + "0" * 64, SignatureVerdict.MISMATCH),
    ],
)
def test_header_shapes_get_their_verdict(header: str | None, verdict: SignatureVerdict) -> None:
    assert check_signature(VECTOR["body"].encode(), header, VECTOR["app_secret"]) is verdict


@pytest.mark.parametrize(
    ("signature", "status"),
    [(None, 401), ("sha256=zz", 401), ("sha256=" + "0" * 64, 403), ("sign", 200)],
)
async def test_webhook_answers_401_missing_or_malformed_403_mismatch_200_valid(
    http: aiohttp.ClientSession,
    gateway_url: str,
    runtime: Runtime,
    signature: str | None,
    status: int,
) -> None:
    body = delivery(text_message(f"wamid.sig{status}{signature}", "263771234567", "hi"))
    response = await post_webhook(http, gateway_url, body, signature=signature)
    assert response.status == status
    assert runtime.counters["recorded"] == (1 if status == 200 else 0)


async def test_emoji_and_non_ascii_bodies_verify_over_the_raw_bytes(
    http: aiohttp.ClientSession, gateway_url: str, seen: Seen
) -> None:
    text = "Ndatenda 🙏🏿 — Zvakanaka! ñ ü 中文 \u2028"
    raw = orjson.dumps(delivery(text_message("wamid.emoji", "263771234567", text)))
    # Escaped unicode is what Meta's legacy docs describe; both byte forms must verify as sent.
    escaped = json.dumps(orjson.loads(raw), ensure_ascii=True).encode()
    for body in (raw, escaped):
        assert (await post_webhook(http, gateway_url, body)).status == 200
    await seen.wait_for(1)
    assert seen.inbound(0).content.body == text  # type: ignore[union-attr]


async def test_signature_of_a_reencoded_body_does_not_verify(
    http: aiohttp.ClientSession, gateway_url: str
) -> None:
    raw = orjson.dumps(delivery(text_message("wamid.reenc", "263771234567", "🙏 hi")))
    escaped = json.dumps(orjson.loads(raw), ensure_ascii=True).encode()
    response = await post_webhook(
        http, gateway_url, escaped, signature=sign(raw, "test-app-secret")
    )
    assert response.status == 403
