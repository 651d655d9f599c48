"""Golden texts of the screens that keep money from moving by surprise: closed confirmations,
refusals before signing, hints and timeout notes (regenerate as tests/actors/test_screens.py
says, with UPDATE_GOLDEN=1, and review the diff)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from decimal import Decimal

import pytest

from actors.flows.limits import Shortfall
from actors.replies import Reply
from actors.screens import confirmations, dashboard, hints, limits, pending, timeout
from actors.session import Draft
from tests.actors.test_screens import GOLDEN, SECURED, UNSECURED, assert_within_limits, render
from tests.actors.views import offer, view

HARARE_MIDNIGHT = "midnight UTC (02:00 in Harare)"
ONE = Draft("d1", (SECURED,))
TWO = Draft("d2", (SECURED, UNSECURED))
D = Decimal
MORNING = dt.datetime(2026, 3, 10, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))

SCREENS: dict[str, Callable[[], Reply]] = {
    "closed_offer_not_sent": lambda: confirmations.offer_not_sent(ONE),
    "closed_bulk_not_sent": lambda: confirmations.offer_not_sent(TWO),
    "closed_cancel_dropped": confirmations.cancel_dropped,
    "closed_removal_dropped": confirmations.removal_dropped,
    "closed_tap_cancel": lambda: confirmations.closed(cancelled=True),
    "hint_typo": hints.typo,
    "limit_too_precise": lambda: limits.too_precise(D("0.001"), "USD"),
    "limit_securable": lambda: limits.refused(
        ONE, (Shortfall("securable", "USD", D(5), D("2.50")),),
        tier=3, when=HARARE_MIDNIGHT, agents=(),
    ),
    "limit_daily_used_up": lambda: limits.refused(
        ONE, (Shortfall("daily", "USD", D(5), D(0)),), tier=1, when=HARARE_MIDNIGHT, agents=()
    ),
    "limit_nothing_held_with_agents": lambda: limits.refused(
        ONE, (Shortfall("no_value", "USD", D(5), D(0)),), tier=1, when=HARARE_MIDNIGHT,
        agents=("Mbare agent, 0771 234 567", "Avondale office, 0772 345 678"),
    ),
    "limit_unsecured_on_open_tier": lambda: limits.refused(
        Draft("d3", (UNSECURED,)), (Shortfall("unsecured_tier", "USD", D("2.5"), D(0)),),
        tier=1, when=HARARE_MIDNIGHT, agents=(),
    ),
    "limit_core_edge": lambda: limits.core_edge(SECURED, D("6.99")),
    "accept_all_arrived_since": lambda: pending.arrived_since((offer("cx-3", "1", "Farai"),)),
    "accept_all_stale": pending.stale_accept_all,
    "timeout_onboarding": timeout.onboarding,
    "dashboard_nothing_secured_with_agents": lambda: dashboard.dashboard(
        view(secured=()), view(secured=()).accounts[0], MORNING, ("Mbare agent, 0771 234 567",),
    ),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_screen_matches_its_golden_text(name: str) -> None:
    text = render(SCREENS[name]())
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text)
    assert path.read_text() == text


def test_renewal_names_the_local_hour() -> None:
    local = dt.datetime(2026, 3, 11, 2, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert limits.renewal(local, "Africa/Harare") == HARARE_MIDNIGHT


@pytest.mark.parametrize("name", sorted(SCREENS))
def test_screen_respects_whatsapp_limits(name: str) -> None:
    assert_within_limits(SCREENS[name]())
