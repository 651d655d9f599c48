"""The fake Cloud API's media endpoint: `POST /{version}/{phone_number_id}/media` (multipart).

It keeps each upload in memory under a fresh media id, refuses what Meta refuses (a missing file,
a type other than the one declared, images over 5 MB or not PNG/JPEG, documents over 100 MB),
and serves the bytes back at `GET /__wa__/media/{id}` so the chat page can show the image and
offer the PDF for download. Sends naming an unknown id are refused by `graph_api`.
"""

from __future__ import annotations

import hmac
import os
from typing import Final

import attrs
from aiohttp import BodyPartReader, web

IMAGE_TYPES: Final = frozenset({"image/png", "image/jpeg"})
IMAGE_MAX: Final = 5 * 1024 * 1024
DOCUMENT_MAX: Final = 100 * 1024 * 1024
_MAGIC: Final = {
    "image/png": b"\x89PNG\r\n\x1a\n",
    "image/jpeg": b"\xff\xd8",
    "application/pdf": b"%PDF",
}


@attrs.frozen
class Upload:
    media_id: str
    mime_type: str
    filename: str
    data: bytes


def _error(status: int, code: int, message: str) -> web.Response:
    from simulator.whatsapp.graph_api import graph_error  # graph_api imports this module

    return graph_error(status, code, message)


class MediaStore:
    def __init__(self, phone_number_id: str, access_token: str) -> None:
        self._pnid = phone_number_id
        self._token = access_token
        self.uploads: dict[str, Upload] = {}

    def get(self, media_id: str) -> Upload | None:
        return self.uploads.get(media_id)

    async def upload(self, request: web.Request) -> web.Response:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.encode(), self._token.encode()
        ):
            return _error(401, 190, "Invalid OAuth access token - Cannot parse access token")
        if request.match_info["phone_number_id"] != self._pnid:
            return _error(400, 100, "(#100) Unknown phone number id")
        try:
            fields, file = await _read_form(request)
        except ValueError as exc:
            return _error(400, 100, f"(#100) {exc}")
        if fields.get("messaging_product") != "whatsapp":
            return _error(400, 100, "(#100) messaging_product must be whatsapp")
        if file is None:
            return _error(400, 100, "(#100) the file part is required")
        mime = fields.get("type") or file[1]
        problem = _problem(mime, file[1], file[2])
        if problem:
            return _error(400, 131053, f"(#131053) Media upload error: {problem}")
        media_id = str(int.from_bytes(os.urandom(7), "big"))
        self.uploads[media_id] = Upload(media_id, mime, file[0], file[2])
        return web.json_response({"id": media_id})

    async def download(self, request: web.Request) -> web.Response:
        upload = self.uploads.get(request.match_info["media_id"])
        if upload is None:
            raise web.HTTPNotFound()
        headers = {}
        if not upload.mime_type.startswith("image/"):
            headers["Content-Disposition"] = f'attachment; filename="{upload.filename}"'
        return web.Response(body=upload.data, content_type=upload.mime_type, headers=headers)


def _problem(declared: str, part_type: str, data: bytes) -> str | None:
    if declared != part_type:
        return f"type {declared!r} differs from the file's {part_type!r}"
    if not data:
        return "the file is empty"
    magic = _MAGIC.get(declared)
    if magic is not None and not data.startswith(magic):
        return f"the file is not {declared}"
    if declared.startswith("image/"):
        if declared not in IMAGE_TYPES:
            return "images must be PNG or JPEG"
        if len(data) > IMAGE_MAX:
            return f"images may have at most {IMAGE_MAX} bytes"
    elif len(data) > DOCUMENT_MAX:
        return f"documents may have at most {DOCUMENT_MAX} bytes"
    return None


async def _read_form(
    request: web.Request,
) -> tuple[dict[str, str], tuple[str, str, bytes] | None]:
    if not request.content_type.startswith("multipart/"):
        raise ValueError("the body must be multipart/form-data")
    fields: dict[str, str] = {}
    file: tuple[str, str, bytes] | None = None
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader):
            continue
        if part.name == "file":
            data = await part.read(decode=False)
            kind = part.headers.get("Content-Type", "application/octet-stream")
            file = (part.filename or "file", kind, bytes(data))
        elif part.name:
            fields[part.name] = await part.text()
    return fields, file
