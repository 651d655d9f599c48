"""The demo's chat page in a real browser, against the real bot: Tendai types `receive 5` and
sees the QR code image the bot uploaded, then `statement` and gets the PDF as a download."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import anyio
import pytest
from playwright.async_api import Page, async_playwright, expect

from simulator.demo import Demo
from tests.e2e.conftest import TENDAI

CHROMIUM = "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    if os.environ.get("VIMBISO_REQUIRE_BROWSER"):
        raise RuntimeError(f"{CHROMIUM} is missing: apt-get install chromium")
    pytest.skip("needs Debian's chromium: apt-get install chromium", allow_module_level=True)
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"]


@pytest.fixture
async def page(demo: Demo) -> AsyncIterator[tuple[Page, list[str]]]:
    problems: list[str] = []
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            tab = await browser.new_page(accept_downloads=True)
            tab.set_default_timeout(15_000)
            tab.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
            tab.on(
                "console",
                lambda m: problems.append(f"console: {m.text}") if m.type == "error" else None,
            )
            await tab.goto(f"{demo.url}/?phone={TENDAI}&name=Tendai%20Moyo")
            await expect(tab.locator("body")).to_have_attribute("data-ready", "true")
            yield tab, problems
        finally:
            await browser.close()


async def say(tab: Page, text: str) -> None:
    await tab.locator("#text").fill(text)
    await tab.locator("#text").press("Enter")


async def test_the_chat_page_shows_the_qr_code_and_downloads_the_statement(
    page: tuple[Page, list[str]],
) -> None:
    tab, problems = page
    await say(tab, "receive 5")
    image = tab.locator(".bubble.bot[data-type=image]")
    picture = image.locator("img.media-image")
    await expect(picture).to_be_visible()
    await expect(image).to_contain_text("pay%205.00%20USD%20to%20%40tendai")
    await tab.wait_for_function(
        "() => { const i = document.querySelector('img.media-image');"
        " return i && i.complete && i.naturalWidth > 100; }"
    )

    await say(tab, "statement")
    link = tab.locator(".bubble.bot[data-type=document] a.media-document")
    await expect(link).to_contain_text("statement_tendai_")
    async with tab.expect_download() as download_info:
        await link.click()
    download = await download_info.value
    assert download.suggested_filename.startswith("statement_tendai_")
    saved = await download.path()
    assert saved is not None and (await anyio.Path(saved).read_bytes()).startswith(b"%PDF")
    assert problems == []
