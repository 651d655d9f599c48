"""GatewayConfig reads the process settings by attribute name and never shows secrets."""

from __future__ import annotations

from gateway.config import MAX_WEBHOOK_BYTES, GatewayConfig
from runtime.settings import load_settings
from tests.foundation.test_settings import VALID

ENV = VALID | {
    "NOTIFY_JWT_SECRET": "j" * 40,
    "NOTIFY_TOKEN_TTL_SECONDS": "900",
    "CORS_ORIGINS": "https://a.example,https://b.example",
}


def test_config_from_settings_takes_every_gateway_field() -> None:
    config = GatewayConfig.from_settings(load_settings(ENV))
    assert config.whatsapp_app_secret == "app-secret-value"
    assert config.whatsapp_verify_token == "verify-token-value"
    assert config.whatsapp_access_token == "EAAG-access-token"
    assert config.whatsapp_phone_number_id == "106540352242922"
    assert config.whatsapp_api_url.startswith("https://graph.facebook.com/")
    assert (config.notify_client_id, config.notify_client_secret) == (
        "credex-core",
        "notify-client-secret-1234",
    )
    assert config.notify_jwt_secret == "j" * 40
    assert config.notify_token_ttl_seconds == 900
    assert set(config.cors_origins) == {"https://a.example", "https://b.example"}
    assert config.max_webhook_bytes == MAX_WEBHOOK_BYTES == 3 * 1024 * 1024


def test_config_repr_hides_secrets() -> None:
    shown = repr(GatewayConfig.from_settings(load_settings(ENV)))
    for secret in (
        "app-secret-value",
        "verify-token-value",
        "EAAG-access-token",
        "notify-client-secret-1234",
        "j" * 40,
    ):
        assert secret not in shown
