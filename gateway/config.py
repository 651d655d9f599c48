"""The gateway's own configuration: what its routes need. `vimbiso serve` derives it from
the environment (`gateway/settings.py:Settings.gateway_config`); tests build it directly."""

from __future__ import annotations

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
