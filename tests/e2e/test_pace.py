"""Replies at human pace (issue 11), through the whole stack with its default settings: the
gateway, the runtime on real Redis, the credex-core simulator, the WhatsApp simulator as Meta.

A member typing every few seconds is answered at once, never held back by our pacing ahead of
Meta's pair limit; a member typing faster than the per-member rate loses nothing silently.
"""

from __future__ import annotations

import time

import anyio

from actors.screens import common
from simulator.demo import Demo
from tests.e2e.conftest import RUDO, TENDAI
from tests.e2e.phone import Phone, said


async def test_a_member_typing_every_3_seconds_for_a_minute_gets_every_reply_within_2_s(
    demo: Demo,
) -> None:
    tendai = Phone(demo.whatsapp, TENDAI)
    await tendai.say("hi")  # the dashboard: the session exists from here on
    lags: list[float] = []
    started = time.monotonic()
    for n in range(20):
        await anyio.sleep(max(0.0, started + 3 * n - time.monotonic()))
        sent_at = time.monotonic()
        words = ("help", "menu")[n % 2]
        [reply] = await tendai.say(words, expect=1)
        lags.append(time.monotonic() - sent_at)
        assert reply["type"] == "interactive"
    assert max(lags) < 2.0, lags
    assert tendai.rejected == []


async def test_a_member_sending_40_messages_in_a_minute_gets_an_answer_to_each(
    demo: Demo,
) -> None:
    rudo = Phone(demo.whatsapp, RUDO)
    for _ in range(40):  # all at once: 30 turns a minute, the other 10 wait their turn
        await demo.whatsapp.send_text(RUDO, "help")
    replies = await rudo.replies(41, within=60)  # 40 answers and one "slow down"
    texts = [said([r]) for r in replies]
    assert texts.count(common.slow_down().body) == 1
    assert texts.count(common.help_text().body) == 40
    assert rudo.rejected == []
