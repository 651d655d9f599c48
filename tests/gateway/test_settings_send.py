"""The sender's settings (issues 11 and 13): Meta's per-number rate and the outage deadline."""

from __future__ import annotations

import pytest

from gateway.settings import SettingsError, load_settings
from tests.gateway.test_settings import VALID


def test_send_rate_and_retry_deadline_default_to_metas_tier_and_one_hour() -> None:
    settings = load_settings(VALID)
    assert settings.whatsapp_messages_per_second == 80
    assert settings.whatsapp_send_retry_seconds == 3600


def test_upgraded_number_sets_its_rate() -> None:
    settings = load_settings(VALID | {"WHATSAPP_MESSAGES_PER_SECOND": "1000"})
    assert settings.whatsapp_messages_per_second == 1000


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("WHATSAPP_MESSAGES_PER_SECOND", "0"),
        ("WHATSAPP_MESSAGES_PER_SECOND", "fast"),
        ("WHATSAPP_SEND_RETRY_SECONDS", "-1"),
    ],
)
def test_a_bad_send_setting_is_named(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(VALID | {name: value})
    [problem] = raised.value.problems
    assert problem.startswith(name) and repr(value) in problem
