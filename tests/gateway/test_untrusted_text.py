"""Text from outside reaching a member: `/api/notify` and credex-core names lose control and
bidi-override characters (NUL, ESC, U+202E) before they can reach a chat."""

from __future__ import annotations

import aiohttp
import pytest

from gateway.credex.parse import parse_member_name, parse_pending
from gateway.untrusted import shown_name, shown_text
from tests.gateway.fake_graph import FakeGraph
from tests.gateway.test_notify_api import OFFER, notify, token

pytestmark = pytest.mark.anyio

HOSTILE = "Pay\x00 now\x1b[2J \u202egro.liam\u202c\u2066x\u2069\u200f"


def test_controls_and_bidi_overrides_are_removed_but_lines_and_emoji_kept() -> None:
    assert shown_text(HOSTILE) == "Pay now[2J gro.liamx"
    assert shown_text("line 1\nline 2 👨\u200d👩\u200d👧") == "line 1\nline 2 👨\u200d👩\u200d👧"
    assert shown_name(" Bob\n\tMoyo\x07 ") == "Bob Moyo"


async def test_notify_text_reaches_the_member_without_control_or_bidi_characters(
    http: aiohttp.ClientSession, gateway_url: str, graph: FakeGraph
) -> None:
    body = {**OFFER, "memberName": "Bob\u202e Moyo\x00", "message": HOSTILE}
    status, _ = await notify(http, gateway_url, body, await token(http, gateway_url))
    assert status == 202
    [accepted] = await graph.wait_for(1)
    # Outside the window: the template carries both strings.
    shown = [p["text"] for p in accepted.payload["template"]["components"][0]["parameters"]]
    assert shown == ["Bob Moyo", "Pay now[2J gro.liamx"]


async def test_notify_text_made_only_of_controls_is_refused_with_the_field_named(
    http: aiohttp.ClientSession, gateway_url: str
) -> None:
    body = {**OFFER, "message": "\x00\u202e\x1b"}
    async with http.post(
        f"{gateway_url}/api/notify",
        json=body,
        headers={"Authorization": f"Bearer {await token(http, gateway_url)}"},
    ) as response:
        assert response.status == 400
        assert "message" in (await response.json())["error"]


def test_credex_core_names_are_made_safe_at_the_edge() -> None:
    pending = parse_pending(
        {
            "credexID": "c-1",
            "formattedInitialAmount": "5.00 USD",
            "counterpartyAccountName": "Shop\u202e \x1b[31mTendai",
        }
    )
    assert pending.counterparty == "Shop [31mTendai"
    member = parse_member_name({"memberID": "m-1", "firstname": "Rudo\x00", "lastname": "\u2066X"})
    assert (member.first_name, member.last_name) == ("Rudo", "X")
