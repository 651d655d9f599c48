"""Settings: every problem listed at once, secrets never echoed, valid values typed."""

from __future__ import annotations

import pytest

from gateway.settings import SettingsError, load_settings, required_setting_names

VALID = {
    "WHATSAPP_APP_SECRET": "app-secret-value",
    "WHATSAPP_VERIFY_TOKEN": "verify-token-value",
    "WHATSAPP_ACCESS_TOKEN": "EAAG-access-token",
    "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
    "CREDEX_API_URL": "http://127.0.0.1:3000/v1/",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "STATE_ENCRYPTION_KEY": "ZGV2LW9ubHktc3RhdGUta2V5LTMyLWJ5dGVzLWxvbmc=",
    "NOTIFY_CLIENT_ID": "credex-core",
    "NOTIFY_CLIENT_SECRET": "notify-client-secret-1234",
    "NOTIFY_JWT_SECRET": "x" * 40,
}


def test_valid_environment_gives_typed_settings_with_defaults() -> None:
    settings = load_settings(VALID | {"CORS_ORIGINS": "https://a.example, https://b.example/"})
    assert settings.port == 8000
    assert settings.session_timeout_seconds == 300
    assert settings.bot_timezone == "Africa/Harare"
    assert settings.whatsapp_api_url == "https://graph.facebook.com/v23.0"
    assert settings.credex_api_url == "http://127.0.0.1:3000/v1"
    assert settings.cors_origins == ("https://a.example", "https://b.example")
    assert settings.credex_client_api_key is None


def test_empty_environment_lists_every_required_setting_once() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({})
    text = str(caught.value)
    for name in required_setting_names():
        assert name in text
    assert len(caught.value.problems) == len(required_setting_names())
    assert "for example" in text


def test_invalid_values_are_named_and_secrets_are_not_echoed() -> None:
    env = VALID | {
        "PORT": "eighty",
        "BOT_TIMEZONE": "Mars/Olympus",
        "STATE_ENCRYPTION_KEY": "c2hvcnQ=",
        "NOTIFY_JWT_SECRET": "tiny-secret-value",
        "REDIS_URL": "localhost:6379",
        "CORS_ORIGINS": "not a url",
    }
    with pytest.raises(SettingsError) as caught:
        load_settings(env)
    text = str(caught.value)
    for name in (
        "PORT",
        "BOT_TIMEZONE",
        "STATE_ENCRYPTION_KEY",
        "NOTIFY_JWT_SECRET",
        "REDIS_URL",
        "CORS_ORIGINS",
    ):
        assert name in text
    assert "'eighty'" in text  # not a secret: shown to help
    assert "tiny-secret-value" not in text
    assert "c2hvcnQ=" not in text
    assert "localhost:6379" not in text  # REDIS_URL may carry a password


def test_settings_repr_hides_secrets() -> None:
    settings = load_settings(VALID)
    assert "app-secret-value" not in repr(settings)
    assert "EAAG-access-token" not in repr(settings)


def test_cash_in_agents_are_read_as_a_list_and_too_many_are_named() -> None:
    agents = "Mbare agent, 0771 234 567; Avondale office, 0772 345 678"
    settings = load_settings(VALID | {"CASH_IN_AGENTS": agents})
    assert settings.cash_in_agents == ("Mbare agent, 0771 234 567", "Avondale office, 0772 345 678")
    assert load_settings(VALID).cash_in_agents == ()
    with pytest.raises(SettingsError) as caught:
        load_settings(VALID | {"CASH_IN_AGENTS": ";".join(f"agent {n}" for n in range(6))})
    assert "CASH_IN_AGENTS" in str(caught.value) and "at most 5" in str(caught.value)
