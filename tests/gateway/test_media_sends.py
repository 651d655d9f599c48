"""Media sends against the WhatsApp simulator's fake Cloud API over real HTTP: a QR code reply
is rendered, uploaded (multipart) and sent as an image by media id; the same code is uploaded
once and its id reused from Redis; a statement goes as a PDF document with its file name; a
refused upload is not retried; and payloads past the Cloud API's media limits never leave."""

from __future__ import annotations

import io
import time
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis
import zxingcpp
from aiohttp import web
from PIL import Image

from actors.replies import Document, DocumentReply, Outbound, QrImageReply, encode
from gateway.whatsapp.cloud import CloudSender
from gateway.whatsapp.limits import violations
from gateway.whatsapp.media import (
    IMAGE_MAX_BYTES,
    MEDIA_ID_TTL_SECONDS,
    Rendered,
    check_limits,
    media_payload,
)
from runtime.contracts import ConversationKey, SendRejected
from simulator.whatsapp import WhatsAppSimulator
from tests.simulator_whatsapp.conftest import served

PNID = "106540352242922"
TOKEN = "media-test-token"
PHONE = "263771000001"
KEY = ConversationKey(PNID, PHONE)
LINK = "https://wa.me/15550001234?text=pay%20%40chipo_bakery"
DOC = Document("VimbisoPay statement", ("Account: X (x)",), ("A", "B"), (("1", "2"),), ("T",))


@pytest.fixture
async def whatsapp() -> AsyncIterator[WhatsAppSimulator]:
    sim = WhatsAppSimulator(
        webhook_url="http://127.0.0.1:9/unused",
        app_secret="unused-secret",
        phone_number_id=PNID,
        access_token=TOKEN,
        validate=violations,
    )
    app = web.Application()
    sim.add_routes(app)
    async with served(app) as url:
        sim.set_base_url(url)
        yield sim


async def cloud(
    whatsapp: WhatsAppSimulator, redis: aioredis.Redis, prefix: str, token: str = TOKEN
) -> CloudSender:
    sender = CloudSender(whatsapp.graph_api_url, token, PNID, redis, prefix)
    await sender.window.touch([(KEY, time.time() - 10)])
    return sender


def item(reply: QrImageReply | DocumentReply, reply_id: str) -> bytes:
    return encode(Outbound(to=PHONE, reply=reply, reply_id=reply_id))


async def test_a_qr_code_is_uploaded_once_and_sent_as_an_image_by_id(
    whatsapp: WhatsAppSimulator, redis_client: aioredis.Redis, key_prefix: str
) -> None:
    sender = await cloud(whatsapp, redis_client, key_prefix)
    try:
        await sender(KEY, item(QrImageReply(LINK, "Scan me"), "r1"))
        await sender(KEY, item(QrImageReply(LINK, "Scan me again"), "r2"))
    finally:
        await sender.close()
    first, second = whatsapp.sent_to(PHONE)
    assert first["type"] == "image" and first["image"]["caption"] == "Scan me"
    assert second["image"]["id"] == first["image"]["id"]
    (upload,) = whatsapp.media.uploads.values()  # uploaded once, as Meta saw it
    assert upload.mime_type == "image/png"
    (code,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(upload.data)))
    assert code.text == LINK
    keys = [k async for k in redis_client.scan_iter(match=f"{key_prefix}wa:media:{{{PNID}}}:*")]
    (key,) = keys
    assert 0 < await redis_client.ttl(key) <= MEDIA_ID_TTL_SECONDS < 30 * 86400


async def test_a_statement_goes_as_a_pdf_document_with_its_file_name(
    whatsapp: WhatsAppSimulator, redis_client: aioredis.Redis, key_prefix: str
) -> None:
    sender = await cloud(whatsapp, redis_client, key_prefix)
    try:
        await sender(KEY, item(DocumentReply("statement_x_2026-11.pdf", "Your PDF", DOC), "r1"))
    finally:
        await sender.close()
    (sent,) = whatsapp.sent_to(PHONE)
    assert sent["type"] == "document"
    assert sent["document"]["filename"] == "statement_x_2026-11.pdf"
    upload = whatsapp.media.get(sent["document"]["id"])
    assert upload is not None and upload.mime_type == "application/pdf"
    assert upload.data.startswith(b"%PDF") and upload.filename == "statement_x_2026-11.pdf"


async def test_an_upload_refused_for_a_bad_token_is_rejected_not_retried(
    whatsapp: WhatsAppSimulator, redis_client: aioredis.Redis, key_prefix: str
) -> None:
    sender = await cloud(whatsapp, redis_client, key_prefix, token="wrong-token")
    try:
        with pytest.raises(SendRejected, match="media upload"):
            await sender(KEY, item(QrImageReply(LINK, "Scan me"), "r1"))
    finally:
        await sender.close()
    assert whatsapp.media.uploads == {} and whatsapp.sent_to(PHONE) == []


def test_an_image_over_five_megabytes_never_leaves() -> None:
    big = Rendered(b"\x89PNG" + b"0" * IMAGE_MAX_BYTES, "image/png", "big.png")
    with pytest.raises(SendRejected, match="exceeds"):
        check_limits(big)
    check_limits(Rendered(b"%PDF" + b"0" * IMAGE_MAX_BYTES, "application/pdf", "ok.pdf"))


def test_media_payloads_keep_captions_within_the_limit() -> None:
    payload = media_payload(PHONE, QrImageReply(LINK, "x" * 2000), "123")
    assert violations(payload) == [] and len(payload["image"]["caption"]) == 1024
    assert violations({**payload, "image": {"caption": "no id"}}) == [
        "image.id must name an uploaded media id"
    ]
