"""The page's routes: a CSP-safe page, only our own static files, the demo members."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import aiohttp
import pytest

from simulator.whatsapp import WhatsAppSimulator
from simulator.whatsapp.page import DEMO_MEMBERS
from tests.simulator_whatsapp.conftest import TENDAI, TinyBot


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


async def test_page_is_served_with_a_strict_csp_and_no_inline_code(
    sim_url: str, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{sim_url}/") as resp:
        assert resp.status == 200
        assert resp.headers["Content-Security-Policy"] == "default-src 'self'"
        html = await resp.text()
    parser = _Tags()
    parser.feed(html)
    scripts = [attrs for tag, attrs in parser.tags if tag == "script"]
    assert scripts and all((a.get("src") or "").startswith("/__wa__/static/") for a in scripts)
    assert "<style" not in html
    for tag, attrs in parser.tags:
        assert not any(name.startswith("on") for name in attrs), tag
        assert "style" not in attrs, tag
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            assert not value or value.startswith("/"), f"{tag} {name}={value} is not same-origin"


async def test_static_files_are_served_and_nothing_else(
    sim_url: str, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{sim_url}/__wa__/static/chat.js") as resp:
        assert resp.status == 200
        assert resp.content_type == "text/javascript"
        script = await resp.text()
    assert ".innerHTML" not in script and "eval(" not in script
    assert not re.search(r"https?://", script)  # no CDN, no external calls
    async with http.get(f"{sim_url}/__wa__/static/chat.css") as resp:
        assert (resp.status, resp.content_type) == (200, "text/css")
    for name in ("..%2Fapp.py", "app.py", "index.htm", ".hidden.js", "missing.js"):
        async with http.get(f"{sim_url}/__wa__/static/{name}") as resp:
            assert resp.status == 404, name
    async with http.get(f"{sim_url}/__wa__/favicon.svg") as resp:
        assert (resp.status, resp.content_type) == (200, "image/svg+xml")


async def test_config_offers_the_demo_members_and_a_new_user(
    sim_url: str, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{sim_url}/__wa__/config") as resp:
        config = await resp.json()
    assert [(m["phone"], m["name"]) for m in config["members"]] == list(DEMO_MEMBERS)
    assert ("263771000001", "Tendai Moyo") in DEMO_MEMBERS
    assert config["new_user"]["phone"] not in {p for p, _ in DEMO_MEMBERS}
    assert config["phone_number_id"] == "106540352242922"
    assert "image" in config["kinds"]


async def test_transcript_holds_both_sides_and_the_ticks_in_order(
    sim: WhatsAppSimulator, sim_url: str, http: aiohttp.ClientSession, bot: tuple[TinyBot, str]
) -> None:
    wamid = await sim.send_text(TENDAI, "hello", name="Tendai Moyo")
    await sim.wait_for_messages(TENDAI, 1)
    async with http.get(f"{sim_url}/__wa__/transcript", params={"phone": TENDAI}) as resp:
        data = await resp.json()
    kinds = [(e["kind"], e["wamid"] == wamid) for e in data["entries"]]
    # The tiny bot marks read and replies inside its webhook handler, before answering 200.
    assert kinds == [("user", True), ("read", True), ("bot", False), ("delivery", True)]
    assert data["entries"][-1]["payload"]["status"] == 200
    assert data["name"] == "Tendai Moyo"
    seqs = [e["seq"] for e in data["entries"]]
    assert seqs == sorted(seqs)


@pytest.mark.parametrize("query", ["phone=x", "phone=263771000001&after=z", ""])
async def test_transcript_refuses_bad_queries(
    sim_url: str, http: aiohttp.ClientSession, query: str
) -> None:
    async with http.get(f"{sim_url}/__wa__/transcript?{query}") as resp:
        assert resp.status == 400


async def test_seen_reports_statuses_to_the_bot(
    sim: WhatsAppSimulator, sim_url: str, http: aiohttp.ClientSession, bot: tuple[TinyBot, str]
) -> None:
    await sim.send_text(TENDAI, "hello")
    async with http.post(f"{sim_url}/__wa__/seen", json={"phone": TENDAI}) as resp:
        assert (await resp.json()) == {"status": 200}
    assert [s["status"] for s in bot[0].statuses] == ["delivered", "read"]
    async with http.post(f"{sim_url}/__wa__/seen", json={"phone": "nope"}) as resp:
        assert resp.status == 400
