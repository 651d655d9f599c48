"""The service's settings: one typed, frozen object read from the environment.

`load_settings` collects every problem at once (which variable, what is wrong, an example of a
valid value) so an operator fixes a deployment in one pass. Secret values are never echoed.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
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
    whatsapp_display_number: str | None = None  # None: learnt from the webhooks
    cash_in_agents: tuple[str, ...] = ()
    trust_forwarded_for: bool = False
    http_read_timeout_seconds: int = 10
    http_idle_timeout_seconds: int = 15
    state_encryption_key_previous: str = attrs.field(default="", repr=False)
    credex_answer_seconds: float = 8.0
    credex_write_settle_seconds: float = 60.0
    # Added with issue 11/13 (defaults so older constructors keep working):
    whatsapp_messages_per_second: int = 80
    whatsapp_send_retry_seconds: int = 3600
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


def _redis_url(value: str) -> str:
    url = _url(("redis", "rediss", "unix"))(value)
    parsed = urlparse(url)
    if parsed.scheme == "unix":
        if not parsed.path:
            raise ValueError("must name a socket path, like unix:///run/redis.sock")
    elif not parsed.hostname:
        raise ValueError("has no host: it must look like redis://[:password@]host:6379/0")
    try:
        parsed.port  # noqa: B018 - urlparse checks the port only when asked
    except ValueError:
        raise ValueError("has a port that is not a number between 0 and 65535") from None
    return url


_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


def _host(value: str) -> str:
    try:
        ipaddress.ip_address(value)
        return value
    except ValueError:
        pass
    labels = value.rstrip(".").split(".")
    if all(label.isdigit() for label in labels):
        raise ValueError("is not a valid IP address")
    if len(value) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise ValueError("must be an IP address (0.0.0.0, ::, 127.0.0.1) or a host name")
    return value


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


def _seconds_between(low: float, high: float) -> Callable[[str], float]:
    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            raise ValueError("must be a number of seconds") from None
        if not low <= number <= high:
            raise ValueError(f"must be between {low:g} and {high:g} seconds")
        return number

    return parse


def _digits(value: str) -> str:
    if not value.isdigit():
        raise ValueError("must be the numeric phone number ID from the WhatsApp Manager")
    return value


def _display_number(value: str) -> str:
    digits = value.removeprefix("+").replace(" ", "").replace("-", "")
    if not digits.isdigit() or not 8 <= len(digits) <= 15:
        raise ValueError("must be the bot's phone number in international format, digits only")
    return digits


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


def _aes_keys(value: str) -> str:
    for one in value.split(","):
        if one.strip():
            _aes_key(one.strip())
    return value


def _secret(min_len: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if len(value) < min_len:
            raise ValueError(f"must be at least {min_len} characters")
        return value

    return parse


def _agents(value: str) -> tuple[str, ...]:
    """Where members can cash in, told to those with nothing to secure: "Name, where; ..."."""
    agents = tuple(a.strip() for a in value.split(";") if a.strip())
    if len(agents) > 5:
        raise ValueError(f"lists {len(agents)} agents; at most 5 fit one WhatsApp message")
    for agent in agents:
        if len(agent) > 100:
            raise ValueError(f"{agent[:20]!r}... is longer than 100 characters")
    return agents


def _origins(value: str) -> tuple[str, ...]:
    origins = tuple(o.strip().rstrip("/") for o in value.split(",") if o.strip())
    for origin in origins:
        parsed = urlparse(origin)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.path:
            raise ValueError(f"{origin!r} is not an origin like https://app.example.com")
    return origins


def _flag(value: str) -> bool:
    lowered = value.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false")


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
        parse=_redis_url,
    ),
    "host": _Spec("HOST", "0.0.0.0", default="0.0.0.0", parse=_host),
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
    # Keys that sealed older values, comma-separated: they still open, never seal (rotation).
    "state_encryption_key_previous": _Spec(
        "STATE_ENCRYPTION_KEY_PREVIOUS",
        "the previous STATE_ENCRYPTION_KEY, while values sealed under it age out",
        default="",
        secret=True,
        parse=_aes_keys,
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
    "whatsapp_display_number": _Spec(
        "WHATSAPP_DISPLAY_NUMBER", "15550783881", default="", parse=_display_number
    ),
    "cash_in_agents": _Spec(
        "CASH_IN_AGENTS",
        "Mbare cash-in agent, 0771 234 567; Avondale office, 0772 345 678",
        default="",
        parse=_agents,
    ),
    # Only behind a load balancer that sets X-Forwarded-For itself: otherwise a caller could
    # name any address and dodge the /api/* limits.
    "trust_forwarded_for": _Spec(
        "TRUST_FORWARDED_FOR", "true behind a load balancer", default="false", parse=_flag
    ),
    # Unauthenticated load stays cheap: a body must arrive within the read timeout, and a
    # connection with no request in flight (new or kept alive) is closed after the idle timeout.
    "http_read_timeout_seconds": _Spec(
        "HTTP_READ_TIMEOUT_SECONDS", "10", default="10", parse=_int_between(1, 300)
    ),
    "http_idle_timeout_seconds": _Spec(
        "HTTP_IDLE_TIMEOUT_SECONDS", "15", default="15", parse=_int_between(1, 3600)
    ),
    "credex_answer_seconds": _Spec(
        "CREDEX_ANSWER_SECONDS", "8", default="8", parse=_seconds_between(2, 25)
    ),
    "credex_write_settle_seconds": _Spec(
        "CREDEX_WRITE_SETTLE_SECONDS", "60", default="60", parse=_seconds_between(5, 3600)
    ),
    "whatsapp_messages_per_second": _Spec(
        "WHATSAPP_MESSAGES_PER_SECOND", "80", default="80", parse=_int_between(1, 10000)
    ),
    "whatsapp_send_retry_seconds": _Spec(
        "WHATSAPP_SEND_RETRY_SECONDS", "3600", default="3600", parse=_int_between(0, 7 * 86400)
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
