"""The settings derive each part's typed config: the gateway's (every field, no secret shown)
and the runtime's (the deployment's tunables, the one key prefix, the session snapshot TTL)."""

from __future__ import annotations

from actors.session import SESSION_TIMEOUT_SECONDS, SESSION_TTL_SECONDS
from gateway.config import MAX_WEBHOOK_BYTES
from gateway.settings import load_settings
from runtime.config import KEY_PREFIX, RuntimeConfig
from tests.gateway.test_settings import VALID

ENV = VALID | {
    "NOTIFY_JWT_SECRET": "j" * 40,
    "NOTIFY_TOKEN_TTL_SECONDS": "900",
    "CORS_ORIGINS": "https://a.example,https://b.example",
}


def test_the_gateway_config_takes_every_gateway_field() -> None:
    config = load_settings(ENV | {"TRUST_FORWARDED_FOR": "true"}).gateway_config()
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
    assert config.trust_forwarded_for is True
    assert config.read_timeout_seconds == 10.0


def test_the_gateway_config_repr_hides_secrets() -> None:
    shown = repr(load_settings(ENV).gateway_config())
    for secret in (
        "app-secret-value",
        "verify-token-value",
        "EAAG-access-token",
        "notify-client-secret-1234",
        "j" * 40,
    ):
        assert secret not in shown


def test_the_runtime_config_takes_the_deployments_tunables() -> None:
    settings = load_settings(
        VALID
        | {
            "ACTOR_IDLE_SECONDS": "45",
            "WHATSAPP_SEND_RETRY_SECONDS": "600",
            "REDIS_ACK_REPLICAS": "1",
        }
    )
    config = settings.runtime_config()
    assert config.key_prefix == KEY_PREFIX == "vp:"
    assert (config.actor_idle_seconds, config.outbox_retry_seconds) == (45.0, 600.0)
    assert config.ack_replicas == 1
    # A snapshot outlives the session timeout, so a late message hears "your session timed out".
    assert config.session_ttl == SESSION_TTL_SECONDS > SESSION_TIMEOUT_SECONDS
    assert settings.session_timeout_seconds == SESSION_TIMEOUT_SECONDS
    # Everything the environment does not set keeps the runtime's own default.
    assert config.lease_ttl == RuntimeConfig().lease_ttl
    assert settings.runtime_config("test:").key_prefix == "test:"
