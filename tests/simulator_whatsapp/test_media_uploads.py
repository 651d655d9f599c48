"""The fake Cloud API's media endpoint: multipart uploads get an id and are served back; what
Meta refuses (a bad token, no file, a type that is not what the file is, a non-PNG/JPEG image)
is refused with a Graph-shaped error; a message naming an id never uploaded is refused."""

from __future__ import annotations

import aiohttp

from simulator.whatsapp import WhatsAppSimulator
from tests.simulator_whatsapp.conftest import PNID, TENDAI, TINY_PDF, TINY_PNG, TOKEN

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def form(data: bytes | None, mime: str, declared: str | None = None) -> aiohttp.FormData:
    out = aiohttp.FormData()
    out.add_field("messaging_product", "whatsapp")
    out.add_field("type", declared or mime)
    if data is not None:
        out.add_field("file", data, filename="f", content_type=mime)
    return out


async def post(
    http: aiohttp.ClientSession, sim: WhatsAppSimulator, body: aiohttp.FormData, auth: bool = True
) -> tuple[int, dict[str, object]]:
    url = f"{sim.graph_api_url}/{PNID}/media"
    async with http.post(url, data=body, headers=AUTH if auth else {}) as resp:
        return resp.status, await resp.json()


async def test_an_upload_gets_an_id_and_is_served_back(
    http: aiohttp.ClientSession, sim: WhatsAppSimulator, sim_url: str
) -> None:
    status, answer = await post(http, sim, form(TINY_PNG, "image/png"))
    assert status == 200 and isinstance(answer["id"], str)
    async with http.get(f"{sim_url}/__wa__/media/{answer['id']}") as resp:
        assert resp.content_type == "image/png" and await resp.read() == TINY_PNG
    _, pdf = await post(http, sim, form(TINY_PDF, "application/pdf"))
    async with http.get(f"{sim_url}/__wa__/media/{pdf['id']}") as resp:
        assert "attachment" in resp.headers["Content-Disposition"]


async def test_what_meta_refuses_is_refused(
    http: aiohttp.ClientSession, sim: WhatsAppSimulator
) -> None:
    assert (await post(http, sim, form(TINY_PNG, "image/png"), auth=False))[0] == 401
    assert (await post(http, sim, form(None, "image/png")))[0] == 400
    status, answer = await post(http, sim, form(TINY_PNG, "image/png", "image/jpeg"))
    assert status == 400 and answer["error"]["code"] == 131053  # type: ignore[index]
    assert (await post(http, sim, form(b"GIF89a", "image/gif")))[0] == 400
    assert (await post(http, sim, form(b"not a pdf", "application/pdf")))[0] == 400
    assert sim.media.uploads == {}


async def test_a_message_naming_an_unknown_media_id_is_refused(
    http: aiohttp.ClientSession, sim: WhatsAppSimulator
) -> None:
    payload = {"messaging_product": "whatsapp", "to": TENDAI, "type": "image",
               "image": {"id": "424242"}}  # fmt: skip
    async with http.post(f"{sim.graph_api_url}/{PNID}/messages", json=payload, headers=AUTH) as r:
        assert r.status == 400
        assert "is not an uploaded media id" in str(await r.json())
    assert sim.sent_to(TENDAI) == []
