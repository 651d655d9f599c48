"""Media sends: render a media reply, upload it once, and build the message that shows it.

The outbox holds only the small reply value (a pay link, a worded statement); the bytes are made
here at send time, off the event loop, and uploaded with `POST /{phone-number-id}/media`
(multipart: `file`, `type`, `messaging_product`), and the message names the media id instead
of a link (message shapes: docs/whatsapp-cloud-api.md §A4; the media endpoint, its limits and
the 30-day id lifetime are from Meta's media reference, not yet in that document). Media ids
stay valid for 30 days, so the id of each upload is
kept in Redis by content hash for a little less than that: the same QR code (or a statement
re-rendered on a retry) is never uploaded twice.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, Final
from urllib.parse import urlsplit

import anyio.to_thread
import attrs
import orjson
from opentelemetry import trace

from actors.replies import MediaReply, QrImageReply
from gateway.documents.pdf import render_pdf
from gateway.documents.qr import render_qr
from gateway.http_client import HttpClient, HttpFailure
from gateway.whatsapp import meters
from gateway.whatsapp.graph_errors import REJECTED, parse_error, retryable_without_code
from gateway.whatsapp.keys import WhatsAppKeys
from runtime.client import RedisClient
from runtime.contracts import SendRejected, SendRetryable

Payload = dict[str, Any]

# Cloud API media limits: images 5 MB (PNG/JPEG), documents 100 MB; captions 1024 characters.
IMAGE_MAX_BYTES: Final = 5 * 1024 * 1024
DOCUMENT_MAX_BYTES: Final = 100 * 1024 * 1024
CAPTION_MAX: Final = 1024
FILENAME_MAX: Final = 240
# Media ids expire after 30 days; stop reusing one a day early so a send never names a dead id.
MEDIA_ID_TTL_SECONDS: Final = 29 * 24 * 3600
_LIMITS: Final = {"image/png": IMAGE_MAX_BYTES, "image/jpeg": IMAGE_MAX_BYTES}

_tracer = trace.get_tracer("gateway.whatsapp")


@attrs.frozen
class Rendered:
    data: bytes
    mime_type: str
    filename: str

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def render(reply: MediaReply) -> Rendered:
    """The bytes of a media reply (CPU work: call it through `anyio.to_thread`)."""
    if isinstance(reply, QrImageReply):
        return Rendered(render_qr(reply.link), "image/png", "pay-link.png")
    return Rendered(render_pdf(reply.document), "application/pdf", reply.filename)


def check_limits(rendered: Rendered) -> None:
    limit = _LIMITS.get(rendered.mime_type, DOCUMENT_MAX_BYTES)
    if len(rendered.data) > limit:
        raise SendRejected(
            f"{rendered.mime_type} of {len(rendered.data)} bytes exceeds the {limit}-byte limit"
        )


def media_payload(to: str, reply: MediaReply, media_id: str) -> Payload:
    caption = reply.caption.strip()[:CAPTION_MAX]
    if isinstance(reply, QrImageReply):
        kind, body = "image", {"id": media_id, "caption": caption}
    else:
        name = reply.filename[:FILENAME_MAX]
        kind, body = "document", {"id": media_id, "caption": caption, "filename": name}
    return {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": to,
        "type": kind,
        kind: body,
    }


class MediaUploader:
    """Turns a media reply into a send-message payload, uploading its bytes at most once."""

    def __init__(
        self,
        api_url: str,
        access_token: str,
        phone_number_id: str,
        redis: RedisClient,
        key_prefix: str,
        client: HttpClient,
        *,
        connect_timeout: float,
        timeout: float,
    ) -> None:
        self._url = f"{api_url.rstrip('/')}/{phone_number_id}/media"
        self._auth = f"Bearer {access_token}"
        self._redis = redis
        self._keys = WhatsAppKeys(key_prefix)
        self._number = phone_number_id
        self._path = urlsplit(self._url).path
        self._client = client
        self._connect_timeout = connect_timeout
        self._timeout = timeout

    async def payload(self, to: str, reply: MediaReply) -> Payload:
        rendered = await anyio.to_thread.run_sync(render, reply)
        check_limits(rendered)
        return media_payload(to, reply, await self.media_id(rendered))

    async def media_id(self, rendered: Rendered) -> str:
        key = self._keys.media_id(self._number, rendered.digest)
        cached = await self._redis.get(key)
        if cached:
            return cached.decode() if isinstance(cached, bytes) else str(cached)
        media_id = await self._upload(rendered)
        await self._redis.set(key, media_id, ex=MEDIA_ID_TTL_SECONDS)
        return media_id

    async def _upload(self, rendered: Rendered) -> str:
        boundary = secrets.token_hex(16)
        form = multipart(
            boundary,
            {"messaging_product": "whatsapp", "type": rendered.mime_type},
            ("file", rendered.filename, rendered.mime_type, rendered.data),
        )
        parts = urlsplit(self._url)
        attributes = {
            "http.request.method": "POST",
            "server.address": parts.hostname or "",
            "url.full": self._url,
        }
        with _tracer.start_as_current_span(
            "POST media", kind=trace.SpanKind.CLIENT, attributes=attributes
        ) as span:
            try:
                response = await self._client.request(
                    "POST",
                    self._path,
                    headers={
                        "Authorization": self._auth,
                        "Content-Type": f"multipart/form-data; boundary={boundary}",
                    },
                    body=form,
                    connect_seconds=self._connect_timeout,
                    answer_seconds=self._timeout,
                )
            except HttpFailure as exc:
                span.set_attribute("error.type", type(exc).__name__)
                raise SendRetryable(f"media upload transport: {exc}") from exc
            status, body = response.status, response.body
            span.set_attribute("http.response.status_code", status)
        if status >= 300:
            error = parse_error(body)
            retry = error.retryable or (
                error.code not in REJECTED and retryable_without_code(status)
            )
            meters.graph_sends.add(1, {"outcome": "media_retryable" if retry else "media_rejected"})
            if retry:
                raise SendRetryable(f"media upload: {error.reason(status)}", error.retry_after)
            raise SendRejected(f"media upload: {error.reason(status)}")
        return _media_id(body)


def multipart(boundary: str, fields: dict[str, str], file: tuple[str, str, str, bytes]) -> bytes:
    """A multipart/form-data body (RFC 7578): text fields, then one file."""
    out = bytearray()
    for name, value in fields.items():
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        out += value.encode() + b"\r\n"
    name, filename, mime_type, data = file
    safe = "".join("_" if c in '"\\\r\n' else c for c in filename)
    out += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{safe}"\r\n'
        f"Content-Type: {mime_type}\r\n\r\n"
    ).encode()
    out += data + f"\r\n--{boundary}--\r\n".encode()
    return bytes(out)


def _media_id(body: bytes) -> str:
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise SendRetryable(f"media upload answered no JSON: {body[:100]!r}") from exc
    media_id = value.get("id") if isinstance(value, dict) else None
    if not isinstance(media_id, str) or not media_id:
        raise SendRetryable(f"media upload answered no id: {body[:100]!r}")
    return media_id
