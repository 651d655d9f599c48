"""The service's settings: one typed, frozen object read from the environment.

`load_settings` collects every problem at once (which variable, what is wrong, an example of a
valid value) so an operator fixes a deployment in one pass. Secret values are never echoed.
"""

from __future__ import annotations

import base64
import binascii
import zoneinfo
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlparse

import attrs


@attrs.frozen
class Settings:
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
    notify_client_id: str
    notify_client_secret: str = attrs.field(repr=False)
    notify_jwt_secret: str = attrs.field(repr=False)
    notify_token_ttl_seconds: int
    cors_origins: tuple[str, ...]
    # Scale-out (issue 12): a Redis Cluster, and replicas that make an acknowledgement durable.
    redis_cluster: bool = False
    redis_ack_replicas: int = 0


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


def _url(schemes: tuple[str, ...]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        parsed = urlparse(value)
        if parsed.scheme not in schemes or not parsed.netloc:
            raise ValueError(
                f"must be a URL starting with {' or '.join(s + '://' for s in schemes)}"
            )
        return value.rstrip("/")

    return parse


def _int_between(low: int, high: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise ValueError("must be a whole number") from None
        if not low <= number <= high:
            raise ValueError(f"must be between {low} and {high}")
        return number

    return parse


def _digits(value: str) -> str:
    if not value.isdigit():
        raise ValueError("must be the numeric phone number ID from the WhatsApp Manager")
    return value


def _timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError("must be an IANA time zone name") from None
    return value


def _aes_key(value: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("must be base64 of 32 random bytes") from None
    if len(raw) != 32:
        raise ValueError(f"must be base64 of 32 random bytes (got {len(raw)} bytes)")
    return value


def _secret(min_len: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if len(value) < min_len:
            raise ValueError(f"must be at least {min_len} characters")
        return value

    return parse


def _flag(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError("must be true or false")


def _origins(value: str) -> tuple[str, ...]:
    origins = tuple(o.strip().rstrip("/") for o in value.split(",") if o.strip())
    for origin in origins:
        parsed = urlparse(origin)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.path:
            raise ValueError(f"{origin!r} is not an origin like https://app.example.com")
    return origins


_SPECS: dict[str, _Spec] = {
    "whatsapp_app_secret": _Spec("WHATSAPP_APP_SECRET", "the App Secret from Meta", secret=True),
    "whatsapp_verify_token": _Spec(
        "WHATSAPP_VERIFY_TOKEN",
        "a random string you also enter in Meta",
        secret=True,
        parse=_secret(8),
    ),
    "whatsapp_access_token": _Spec(
        "WHATSAPP_ACCESS_TOKEN", "a system-user access token", secret=True
    ),
    "whatsapp_phone_number_id": _Spec("WHATSAPP_PHONE_NUMBER_ID", "106540352242922", parse=_digits),
    "whatsapp_api_url": _Spec(
        "WHATSAPP_API_URL",
        "https://graph.facebook.com/v23.0",
        default="https://graph.facebook.com/v23.0",
        parse=_url(("http", "https")),
    ),
    "credex_api_url": _Spec(
        "CREDEX_API_URL", "http://127.0.0.1:3000/v1", parse=_url(("http", "https"))
    ),
    "credex_client_api_key": _Spec(
        "CREDEX_CLIENT_API_KEY", "the key credex-core issued to this bot", default="", secret=True
    ),
    "redis_url": _Spec(
        "REDIS_URL",
        "redis://127.0.0.1:6379/0",
        secret=True,
        parse=_url(("redis", "rediss", "unix")),
    ),
    "host": _Spec("HOST", "0.0.0.0", default="0.0.0.0"),
    "port": _Spec("PORT", "8000", default="8000", parse=_int_between(1, 65535)),
    "session_timeout_seconds": _Spec(
        "SESSION_TIMEOUT_SECONDS", "300", default="300", parse=_int_between(30, 86400)
    ),
    "actor_idle_seconds": _Spec(
        "ACTOR_IDLE_SECONDS", "60", default="60", parse=_int_between(1, 86400)
    ),
    "bot_timezone": _Spec(
        "BOT_TIMEZONE", "Africa/Harare", default="Africa/Harare", parse=_timezone
    ),
    "state_encryption_key": _Spec(
        "STATE_ENCRYPTION_KEY",
        "base64 of 32 random bytes, e.g. from: openssl rand -base64 32",
        secret=True,
        parse=_aes_key,
    ),
    "notify_client_id": _Spec("NOTIFY_CLIENT_ID", "credex-core"),
    "notify_client_secret": _Spec(
        "NOTIFY_CLIENT_SECRET", "a random string of 16+ characters", secret=True, parse=_secret(16)
    ),
    "notify_jwt_secret": _Spec(
        "NOTIFY_JWT_SECRET", "a random string of 32+ characters", secret=True, parse=_secret(32)
    ),
    "notify_token_ttl_seconds": _Spec(
        "NOTIFY_TOKEN_TTL_SECONDS", "3600", default="3600", parse=_int_between(60, 86400 * 30)
    ),
    "cors_origins": _Spec(
        "CORS_ORIGINS",
        "https://app.mycredex.app,https://admin.mycredex.app",
        default="",
        parse=_origins,
    ),
    "redis_cluster": _Spec(
        "REDIS_CLUSTER", "true (REDIS_URL is then a seed node)", default="false", parse=_flag
    ),
    "redis_ack_replicas": _Spec(
        "REDIS_ACK_REPLICAS",
        "1 (answer 200 once a replica holds the message)",
        default="0",
        parse=_int_between(0, 5),
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
        try:
            values[field] = spec.parse(raw)
        except ValueError as exc:
            shown = "" if spec.secret else f" (got {raw!r})"
            problems.append(f"{spec.env} {exc}{shown} (for example: {spec.example})")
    if problems:
        raise SettingsError(problems)
    values["credex_client_api_key"] = values["credex_client_api_key"] or None
    return Settings(**values)


def setting_names() -> dict[str, str]:
    """Environment variable name per field, for docs and the compose-file test."""
    return {field: spec.env for field, spec in _SPECS.items()}


def required_setting_names() -> tuple[str, ...]:
    return tuple(spec.env for spec in _SPECS.values() if spec.default is None)
