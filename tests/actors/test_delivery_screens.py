"""Golden tests for the delivery screens (a reply that waited out an outage, messages skipped
behind the rate limit), with the same golden files and limit checks as test_screens.py."""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from actors.replies import Reply
from actors.screens import delivery
from tests.actors.test_screens import GOLDEN, assert_within_limits, render

SCREENS: dict[str, Callable[[], Reply]] = {
    "sorry_for_the_delay": delivery.sorry_for_the_delay,
    "still_delayed": delivery.still_delayed,
    "skipped_few": lambda: delivery.skipped(["help", "5=>bob", "a tap on “✅ Confirm”"]),
    "skipped_many": lambda: delivery.skipped([f"message number {n} " * 4 for n in range(9)]),
}


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_delivery_screen_matches_its_golden_text(name: str) -> None:
    text = render(SCREENS[name]())
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_delivery_screen_respects_whatsapp_limits(name: str) -> None:
    assert_within_limits(SCREENS[name]())


def test_skipped_names_five_messages_and_counts_the_rest() -> None:
    body = delivery.skipped([f"m{n}" for n in range(8)]).body
    assert "• m4" in body and "• m5" not in body and "…and 3 more" in body
