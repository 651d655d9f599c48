"""The gateway's own configuration, read from the process settings (runtime/settings.py) by
attribute name so the gateway does not depend on the settings module's internals."""

from __future__ import annotations

from typing import Any

import attrs

# WhatsApp webhook payloads are up to 3 MB (docs/whatsapp-cloud-api.md §A3)
MAX_WEBHOOK_BYTES = 3 * 1024 * 1024


@attrs.frozen
class GatewayConfig:
    whatsapp_app_secret: str = attrs.field(repr=False)
    whatsapp_verify_token: str = attrs.field(repr=False)
    whatsapp_access_token: str = attrs.field(repr=False)
    whatsapp_phone_number_id: str
    whatsapp_api_url: str = "https://graph.facebook.com/v23.0"
    notify_client_id: str = ""
    notify_client_secret: str = attrs.field(default="", repr=False)
    notify_jwt_secret: str = attrs.field(default="", repr=False)
    notify_token_ttl_seconds: int = 3600
    cors_origins: tuple[str, ...] = ()
    max_webhook_bytes: int = MAX_WEBHOOK_BYTES
    api_anonymous_per_day: int = 100
    api_client_per_day: int = 1000
    trust_forwarded_for: bool = False
    read_timeout_seconds: float = 10.0  # a whole request body, from the first byte to the last

    @classmethod
    def from_settings(cls, settings: Any) -> GatewayConfig:
        return cls(
            whatsapp_app_secret=settings.whatsapp_app_secret,
            whatsapp_verify_token=settings.whatsapp_verify_token,
            whatsapp_access_token=settings.whatsapp_access_token,
            whatsapp_phone_number_id=settings.whatsapp_phone_number_id,
            whatsapp_api_url=settings.whatsapp_api_url,
            notify_client_id=settings.notify_client_id,
            notify_client_secret=settings.notify_client_secret,
            notify_jwt_secret=settings.notify_jwt_secret,
            notify_token_ttl_seconds=int(settings.notify_token_ttl_seconds),
            cors_origins=tuple(settings.cors_origins),
            trust_forwarded_for=bool(getattr(settings, "trust_forwarded_for", False)),
            read_timeout_seconds=float(getattr(settings, "http_read_timeout_seconds", 10.0)),
        )
