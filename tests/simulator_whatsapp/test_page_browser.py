"""The chat page in a real browser: a user types, sees the bot's reply rendered, taps it.

Needs the `playwright` Python package and Debian's chromium at /usr/bin/chromium (no browser
download). The page is served with `Content-Security-Policy: default-src 'self'`, so any inline
script or handler would be refused and show up as a console error, failing the test.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import anyio
import pytest
from playwright.async_api import Page, async_playwright, expect

from simulator.whatsapp import WhatsAppSimulator
from tests.simulator_whatsapp.conftest import TENDAI, TinyBot

CHROMIUM = "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    # CI installs Debian's chromium and sets VIMBISO_REQUIRE_BROWSER, so there this fails loudly;
    # on a laptop without the browser the rest of the suite still runs.
    if os.environ.get("VIMBISO_REQUIRE_BROWSER"):
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium")
    pytest.skip("needs Debian's chromium: apt-get install chromium", allow_module_level=True)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]  # fmt: skip


@pytest.fixture
async def page(sim_url: str) -> AsyncIterator[tuple[Page, list[str]]]:
    problems: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            tab = await browser.new_page()
            tab.set_default_timeout(10_000)
            tab.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
            tab.on(
                "console",
                lambda msg: (
                    problems.append(f"console {msg.type}: {msg.text}")
                    if msg.type == "error"
                    else None
                ),
            )
            await tab.goto(f"{sim_url}/?phone={TENDAI}&name=Tendai%20Moyo")
            await expect(tab.locator("body")).to_have_attribute("data-ready", "true")
            yield tab, problems
        finally:
            await browser.close()


async def say(tab: Page, text: str) -> None:
    await tab.locator("#text").fill(text)
    await tab.locator("#text").press("Enter")


async def test_user_types_hi_sees_formatted_buttons_and_taps_one(
    page: tuple[Page, list[str]], sim: WhatsAppSimulator, bot: tuple[TinyBot, str]
) -> None:
    tab, problems = page
    tiny, _ = bot
    await say(tab, "hi")
    await expect(tab.locator(".bubble.user[data-type=text] .text")).to_have_text("hi")

    buttons_bubble = tab.locator(".bubble.bot[data-interactive=button]")
    pay = buttons_bubble.locator('.reply-button[data-id="pay:1"]')
    await expect(pay).to_have_text("Pay")
    body = buttons_bubble.locator(".text")
    await expect(body.locator("strong")).to_have_text("Welcome")
    await expect(body.locator("em")).to_have_text("back")
    await expect(body.locator("s")).to_have_text("old")
    await expect(body.locator("code")).to_have_text("code")
    await expect(body).to_contain_text("<b>x</b>")  # shown as text, never parsed as HTML
    assert await body.locator("b").count() == 0
    await expect(buttons_bubble.locator(".header")).to_have_text("VimbisoPay")
    await expect(buttons_bubble.locator(".footer")).to_have_text("demo")
    # The bot marked "hi" read: blue ticks on the user's bubble.
    await expect(tab.locator(".bubble.user .tick.read")).to_have_count(1)

    await pay.click()
    await expect(tab.locator(".bubble.user[data-type=interactive] .text")).to_have_text("Pay")
    await expect(tab.locator(".bubble.bot[data-type=text] .text")).to_have_text("tapped pay:1")
    tap = tiny.messages[-1]
    assert tap["interactive"]["button_reply"] == {"id": "pay:1", "title": "Pay"}
    assert tap["context"]["id"] == await buttons_bubble.get_attribute("data-wamid")

    # Displaying the bot's messages sends delivered and read statuses back to the bot.
    shown = tiny.sent_wamids[0]
    reported = await sim.log.wait_for(
        lambda: any(s["id"] == shown and s["status"] == "read" for s in tiny.statuses), 5
    )
    assert reported, tiny.statuses
    assert problems == []


async def test_list_opens_its_rows_and_a_pick_reaches_the_bot(
    page: tuple[Page, list[str]], bot: tuple[TinyBot, str]
) -> None:
    tab, problems = page
    tiny, _ = bot
    await say(tab, "list")
    opener = tab.locator(".bubble.bot[data-interactive=list] .list-open")
    await expect(opener).to_have_text("☰ Options")
    await expect(tab.locator("#sheet")).to_be_hidden()
    await opener.click()
    await expect(tab.locator("#sheet .list-section h3")).to_have_text("Menu")
    row = tab.locator('#sheet .list-row[data-id="row:2"]')
    await expect(row.locator(".row-description")).to_have_text("Recent credex")
    await row.click()
    await expect(tab.locator("#sheet")).to_be_hidden()
    await expect(tab.locator(".bubble.bot[data-type=text] .text")).to_have_text("tapped row:2")
    pick: dict[str, Any] = tiny.messages[-1]["interactive"]["list_reply"]
    assert pick["id"] == "row:2"
    assert problems == []


async def test_templates_show_name_and_params_and_markup_stays_text(
    page: tuple[Page, list[str]],
) -> None:
    tab, problems = page
    await say(tab, "template")
    template = tab.locator(".bubble.bot[data-type=template]")
    await expect(template.locator(".header")).to_have_text("📄 Template: incoming_notification")
    await expect(template.locator(".param")).to_have_text(["$5.00", "Rudo"])
    await say(tab, '<img src=x id="injected">')
    await expect(tab.locator(".bubble.bot[data-type=text] .text").last).to_have_text(
        'echo: <img src=x id="injected">'
    )
    assert await tab.locator("#injected").count() == 0
    assert problems == []


async def test_switching_member_starts_their_own_conversation(
    page: tuple[Page, list[str]], sim: WhatsAppSimulator
) -> None:
    tab, problems = page
    await say(tab, "for tendai")
    await expect(tab.locator(".bubble.bot")).to_have_count(1)
    await tab.locator('#members li[data-phone="263771000003"] button').click()
    await expect(tab.locator("#me")).to_have_text("Farai Ncube · +263771000003")
    await expect(tab.locator(".bubble")).to_have_count(0)
    await say(tab, "for farai")
    await expect(tab.locator(".bubble.bot .text")).to_have_text("echo: for farai")
    assert [p["text"]["body"] for p in sim.sent_to("263771000003")] == ["echo: for farai"]
    assert [p["text"]["body"] for p in sim.sent_to(TENDAI)] == ["echo: for tendai"]
    assert problems == []


async def test_refused_bot_messages_and_attachments_show_in_the_chat(
    page: tuple[Page, list[str]], bot: tuple[TinyBot, str]
) -> None:
    tab, problems = page
    tiny, _ = bot
    await say(tab, "broken")
    refused = tab.locator(".system.rejected")
    await expect(refused).to_contain_text("buttons must be a non-empty list")
    assert tiny.graph_errors[0]["error"]["code"] == 100
    await tab.locator("#attach").select_option("image")
    await expect(tab.locator(".bubble.user[data-type=image] .text")).to_have_text("📷 Photo")
    await expect(tab.locator(".bubble.bot[data-type=text] .text")).to_have_text("echo: image")
    assert tiny.messages[-1]["image"]["mime_type"] == "image/jpeg"
    assert problems == []


async def test_media_show_the_image_and_offer_the_pdf_for_download(
    page: tuple[Page, list[str]], sim: WhatsAppSimulator
) -> None:
    tab, problems = page
    await say(tab, "media")
    image = tab.locator(".bubble.bot[data-type=image]")
    await expect(image.locator("strong")).to_have_text("Scan")
    picture = image.locator("img.media-image")
    await expect(picture).to_be_visible()
    # The browser fetched and decoded the PNG the bot uploaded (same origin, CSP 'self').
    assert await picture.evaluate("img => img.complete && img.naturalWidth > 0")
    link = tab.locator(".bubble.bot[data-type=document] a.media-document")
    await expect(link).to_have_text("📄 statement.pdf")
    assert await link.get_attribute("download") == "statement.pdf"
    async with tab.expect_download() as download_info:
        await link.click()
    download = await download_info.value
    assert download.suggested_filename == "statement.pdf"
    saved = await download.path()
    assert saved is not None and (await anyio.Path(saved).read_bytes()).startswith(b"%PDF")
    assert len(sim.media.uploads) == 2
    assert problems == []
