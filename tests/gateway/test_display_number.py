"""The bot's number for pay links: `WHATSAPP_DISPLAY_NUMBER` when set (validated, the error
names the setting), else learnt from the webhooks' `display_phone_number` and stored in Redis
under the business number's hash tag, so another process reads it back."""

from __future__ import annotations

import pytest
import redis.asyncio as aioredis

from gateway.settings import SettingsError, load_settings
from gateway.whatsapp.display_number import DisplayNumbers
from tests.gateway.test_settings import VALID

PNID = "106540352242922"


def test_the_setting_is_optional_and_kept_as_digits() -> None:
    assert load_settings(VALID).whatsapp_display_number is None
    settings = load_settings(VALID | {"WHATSAPP_DISPLAY_NUMBER": "+1 555-078-3881"})
    assert settings.whatsapp_display_number == "15550783881"


def test_a_bad_setting_names_the_variable() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(VALID | {"WHATSAPP_DISPLAY_NUMBER": "call us"})
    (problem,) = caught.value.problems
    assert problem.startswith("WHATSAPP_DISPLAY_NUMBER must be the bot's phone number")


async def test_a_number_heard_by_one_process_is_read_by_another(
    redis_client: aioredis.Redis, key_prefix: str
) -> None:
    gateway = DisplayNumbers(redis_client, key_prefix, None)
    other = DisplayNumbers(redis_client, key_prefix, None)
    assert await other.lookup(PNID) is None
    await gateway.heard(PNID, "+1 555 078 3881")
    assert await other.lookup(PNID) == "15550783881"
    assert await redis_client.get(f"{key_prefix}wa:display:{{{PNID}}}") == b"15550783881"


async def test_the_setting_wins_and_nothing_is_stored(
    redis_client: aioredis.Redis, key_prefix: str
) -> None:
    numbers = DisplayNumbers(redis_client, key_prefix, "263771999999")
    await numbers.heard(PNID, "15550783881")
    assert await numbers.lookup(PNID) == "263771999999"
    assert await redis_client.exists(f"{key_prefix}wa:display:{{{PNID}}}") == 0
