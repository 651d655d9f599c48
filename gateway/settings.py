"""The service's settings, read once from the environment by the process that wires
everything (`vimbiso serve`: gateway/cli.py, gateway/serve.py), and the configs they derive for
the parts it wires: the runtime's `RuntimeConfig` and the gateway's `GatewayConfig`.

`load_settings` collects every problem at once (which variable, what is wrong, an example of a
valid value) so an operator fixes a deployment in one pass. Secret values are never echoed.
Each setting's default lives in its spec below, and nowhere else. The runtime and the
conversation layer know nothing of the environment: they get typed configs from here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from actors.session import SESSION_TIMEOUT_SECONDS, SESSION_TTL_SECONDS
from gateway import setting_formats as formats
from gateway.config import GatewayConfig
from runtime.config import KEY_PREFIX, RuntimeConfig


@attrs.frozen
class Settings:
    """Every setting, typed; field names are the variables' names in lower case."""

    whatsapp_app_secret: str = attrs.field(repr=False)
    whatsapp_verify_token: str = attrs.field(repr=False)
    whatsapp_access_token: str = attrs.field(repr=False)
    whatsapp_phone_number_id: str
    whatsapp_api_url: str
    credex_api_url: str
    credex_client_api_key: str | None = attrs.field(repr=False)
    redis_url: str = attrs.field(repr=False)
    host: str
    port: int
    session_timeout_seconds: int
    actor_idle_seconds: int
    bot_timezone: str
    state_encryption_key: str = attrs.field(repr=False)
    state_encryption_key_previous: str = attrs.field(repr=False)
    notify_client_id: str
    notify_client_secret: str = attrs.field(repr=False)
    notify_jwt_secret: str = attrs.field(repr=False)
    notify_token_ttl_seconds: int
    cors_origins: tuple[str, ...]
    whatsapp_display_number: str | None  # None: learnt from the webhooks
    cash_in_agents: tuple[str, ...]
    trust_forwarded_for: bool
    http_read_timeout_seconds: int
    http_idle_timeout_seconds: int
    credex_answer_seconds: float
    credex_write_settle_seconds: float
    whatsapp_messages_per_second: int
    whatsapp_send_retry_seconds: int
    # Scale-out: a Redis Cluster, and replicas that make an acknowledgement durable.
    redis_cluster: bool
    redis_ack_replicas: int

    def runtime_config(self, key_prefix: str = KEY_PREFIX) -> RuntimeConfig:
        """The runtime's config for this deployment; tests pass their own key prefix, and
        change tunables the environment does not set with `attrs.evolve`."""
        return RuntimeConfig(
            key_prefix=key_prefix,
            session_ttl=SESSION_TTL_SECONDS,
            actor_idle_seconds=float(self.actor_idle_seconds),
            outbox_retry_seconds=float(self.whatsapp_send_retry_seconds),
            ack_replicas=self.redis_ack_replicas,
        )

    def gateway_config(self) -> GatewayConfig:
        return GatewayConfig(
            whatsapp_app_secret=self.whatsapp_app_secret,
            whatsapp_verify_token=self.whatsapp_verify_token,
            whatsapp_access_token=self.whatsapp_access_token,
            whatsapp_phone_number_id=self.whatsapp_phone_number_id,
            whatsapp_api_url=self.whatsapp_api_url,
            notify_client_id=self.notify_client_id,
            notify_client_secret=self.notify_client_secret,
            notify_jwt_secret=self.notify_jwt_secret,
            notify_token_ttl_seconds=self.notify_token_ttl_seconds,
            cors_origins=self.cors_origins,
            trust_forwarded_for=self.trust_forwarded_for,
            read_timeout_seconds=float(self.http_read_timeout_seconds),
        )


class SettingsError(Exception):
    """Every problem found in the environment, one per line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "VimbisoPay cannot start; fix these settings:\n"
            + "\n".join(f"  - {p}" for p in problems)
        )


@attrs.frozen
class _Spec:
    env: str
    example: str
    default: str | None = None  # None: required
    secret: bool = False
    parse: Callable[[str], Any] = str


_SPECS: dict[str, _Spec] = {
    "whatsapp_app_secret": _Spec("WHATSAPP_APP_SECRET", "the App Secret from Meta", secret=True),
    "whatsapp_verify_token": _Spec(
        "WHATSAPP_VERIFY_TOKEN",
        "a random string you also enter in Meta",
        secret=True,
        parse=formats.secret(8),
    ),
    "whatsapp_access_token": _Spec(
        "WHATSAPP_ACCESS_TOKEN", "a system-user access token", secret=True
    ),
    "whatsapp_phone_number_id": _Spec(
        "WHATSAPP_PHONE_NUMBER_ID", "106540352242922", parse=formats.digits
    ),
    "whatsapp_api_url": _Spec(
        "WHATSAPP_API_URL",
        "https://graph.facebook.com/v23.0",
        default="https://graph.facebook.com/v23.0",
        parse=formats.url(("http", "https")),
    ),
    "credex_api_url": _Spec(
        "CREDEX_API_URL", "http://127.0.0.1:3000/v1", parse=formats.url(("http", "https"))
    ),
    "credex_client_api_key": _Spec(
        "CREDEX_CLIENT_API_KEY", "the key credex-core issued to this bot", default="", secret=True
    ),
    "redis_url": _Spec(
        "REDIS_URL",
        "redis://127.0.0.1:6379/0",
        secret=True,
        parse=formats.redis_url,
    ),
    "host": _Spec("HOST", "0.0.0.0", default="0.0.0.0", parse=formats.host),
    "port": _Spec("PORT", "8000", default="8000", parse=formats.int_between(1, 65535)),
    "session_timeout_seconds": _Spec(
        "SESSION_TIMEOUT_SECONDS",
        "300",
        default=f"{SESSION_TIMEOUT_SECONDS:g}",
        parse=formats.int_between(30, 86400),
    ),
    "actor_idle_seconds": _Spec(
        "ACTOR_IDLE_SECONDS", "60", default="60", parse=formats.int_between(1, 86400)
    ),
    "bot_timezone": _Spec(
        "BOT_TIMEZONE", "Africa/Harare", default="Africa/Harare", parse=formats.timezone
    ),
    "state_encryption_key": _Spec(
        "STATE_ENCRYPTION_KEY",
        "base64 of 32 random bytes, e.g. from: openssl rand -base64 32",
        secret=True,
        parse=formats.aes_key,
    ),
    # Keys that sealed older values, comma-separated: they still open, never seal (rotation).
    "state_encryption_key_previous": _Spec(
        "STATE_ENCRYPTION_KEY_PREVIOUS",
        "the previous STATE_ENCRYPTION_KEY, while values sealed under it age out",
        default="",
        secret=True,
        parse=formats.aes_keys,
    ),
    "notify_client_id": _Spec("NOTIFY_CLIENT_ID", "credex-core"),
    "notify_client_secret": _Spec(
        "NOTIFY_CLIENT_SECRET",
        "a random string of 16+ characters",
        secret=True,
        parse=formats.secret(16),
    ),
    "notify_jwt_secret": _Spec(
        "NOTIFY_JWT_SECRET",
        "a random string of 32+ characters",
        secret=True,
        parse=formats.secret(32),
    ),
    "notify_token_ttl_seconds": _Spec(
        "NOTIFY_TOKEN_TTL_SECONDS",
        "3600",
        default="3600",
        parse=formats.int_between(60, 86400 * 30),
    ),
    "cors_origins": _Spec(
        "CORS_ORIGINS",
        "https://app.mycredex.app,https://admin.mycredex.app",
        default="",
        parse=formats.origins,
    ),
    "whatsapp_display_number": _Spec(
        "WHATSAPP_DISPLAY_NUMBER", "15550783881", default="", parse=formats.display_number
    ),
    "cash_in_agents": _Spec(
        "CASH_IN_AGENTS",
        "Mbare cash-in agent, 0771 234 567; Avondale office, 0772 345 678",
        default="",
        parse=formats.agents,
    ),
    # Only behind a load balancer that sets X-Forwarded-For itself: otherwise a caller could
    # name any address and dodge the /api/* limits.
    "trust_forwarded_for": _Spec(
        "TRUST_FORWARDED_FOR", "true behind a load balancer", default="false", parse=formats.flag
    ),
    # Unauthenticated load stays cheap: a body must arrive within the read timeout, and a
    # connection with no request in flight (new or kept alive) is closed after the idle timeout.
    "http_read_timeout_seconds": _Spec(
        "HTTP_READ_TIMEOUT_SECONDS", "10", default="10", parse=formats.int_between(1, 300)
    ),
    "http_idle_timeout_seconds": _Spec(
        "HTTP_IDLE_TIMEOUT_SECONDS", "15", default="15", parse=formats.int_between(1, 3600)
    ),
    "credex_answer_seconds": _Spec(
        "CREDEX_ANSWER_SECONDS", "8", default="8", parse=formats.seconds_between(2, 25)
    ),
    "credex_write_settle_seconds": _Spec(
        "CREDEX_WRITE_SETTLE_SECONDS", "60", default="60", parse=formats.seconds_between(5, 3600)
    ),
    "whatsapp_messages_per_second": _Spec(
        "WHATSAPP_MESSAGES_PER_SECOND", "80", default="80", parse=formats.int_between(1, 10000)
    ),
    "whatsapp_send_retry_seconds": _Spec(
        "WHATSAPP_SEND_RETRY_SECONDS",
        "3600",
        default="3600",
        parse=formats.int_between(0, 7 * 86400),
    ),
    "redis_cluster": _Spec(
        "REDIS_CLUSTER", "true (REDIS_URL is then a seed node)", default="false", parse=formats.flag
    ),
    "redis_ack_replicas": _Spec(
        "REDIS_ACK_REPLICAS",
        "1 (answer 200 once a replica holds the message)",
        default="0",
        parse=formats.int_between(0, 5),
    ),
}


def load_settings(environ: Mapping[str, str]) -> Settings:
    """Read and validate every setting; raise SettingsError listing all problems."""
    values: dict[str, Any] = {}
    problems: list[str] = []
    for field, spec in _SPECS.items():
        raw = environ.get(spec.env, "").strip()
        if not raw:
            if spec.default is None:
                problems.append(f"{spec.env} is missing (for example: {spec.example})")
                continue
            raw = spec.default
            if not raw and field == "whatsapp_display_number":
                values[field] = None  # optional: learnt from the webhooks
                continue
        try:
            values[field] = spec.parse(raw)
        except ValueError as exc:
            shown = "" if spec.secret else f" (got {raw!r})"
            problems.append(f"{spec.env} {exc}{shown} (for example: {spec.example})")
    if problems:
        raise SettingsError(problems)
    values["credex_client_api_key"] = values["credex_client_api_key"] or None
    return Settings(**values)


def required_setting_names() -> tuple[str, ...]:
    return tuple(spec.env for spec in _SPECS.values() if spec.default is None)
