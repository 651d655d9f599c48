"""The formats a setting's value may take: each parser returns the typed value or raises
ValueError saying, in an operator's words, what is wrong (`gateway/settings.py` adds the
setting's name and an example)."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
import zoneinfo
from collections.abc import Callable
from urllib.parse import urlparse


def url(schemes: tuple[str, ...]) -> Callable[[str], str]:
    def parse(value: str) -> str:
        parsed = urlparse(value)
        if parsed.scheme not in schemes or not parsed.netloc:
            raise ValueError(
                f"must be a URL starting with {' or '.join(s + '://' for s in schemes)}"
            )
        return value.rstrip("/")

    return parse


def redis_url(value: str) -> str:
    checked = url(("redis", "rediss", "unix"))(value)
    parsed = urlparse(checked)
    if parsed.scheme == "unix":
        if not parsed.path:
            raise ValueError("must name a socket path, like unix:///run/redis.sock")
    elif not parsed.hostname:
        raise ValueError("has no host: it must look like redis://[:password@]host:6379/0")
    try:
        parsed.port  # noqa: B018 - urlparse checks the port only when asked
    except ValueError:
        raise ValueError("has a port that is not a number between 0 and 65535") from None
    return checked


_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")


def host(value: str) -> str:
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


def int_between(low: int, high: int) -> Callable[[str], int]:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise ValueError("must be a whole number") from None
        if not low <= number <= high:
            raise ValueError(f"must be between {low} and {high}")
        return number

    return parse


def seconds_between(low: float, high: float) -> Callable[[str], float]:
    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            raise ValueError("must be a number of seconds") from None
        if not low <= number <= high:
            raise ValueError(f"must be between {low:g} and {high:g} seconds")
        return number

    return parse


def digits(value: str) -> str:
    if not value.isdigit():
        raise ValueError("must be the numeric phone number ID from the WhatsApp Manager")
    return value


def display_number(value: str) -> str:
    number = value.removeprefix("+").replace(" ", "").replace("-", "")
    if not number.isdigit() or not 8 <= len(number) <= 15:
        raise ValueError("must be the bot's phone number in international format, digits only")
    return number


def timezone(value: str) -> str:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError("must be an IANA time zone name") from None
    return value


def aes_key(value: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("must be base64 of 32 random bytes") from None
    if len(raw) != 32:
        raise ValueError(f"must be base64 of 32 random bytes (got {len(raw)} bytes)")
    return value


def aes_keys(value: str) -> str:
    for one in value.split(","):
        if one.strip():
            aes_key(one.strip())
    return value


def secret(min_len: int) -> Callable[[str], str]:
    def parse(value: str) -> str:
        if len(value) < min_len:
            raise ValueError(f"must be at least {min_len} characters")
        return value

    return parse


def agents(value: str) -> tuple[str, ...]:
    """Where members can cash in, told to those with nothing to secure: "Name, where; ..."."""
    listed = tuple(a.strip() for a in value.split(";") if a.strip())
    if len(listed) > 5:
        raise ValueError(f"lists {len(listed)} agents; at most 5 fit one WhatsApp message")
    for agent in listed:
        if len(agent) > 100:
            raise ValueError(f"{agent[:20]!r}... is longer than 100 characters")
    return listed


def origins(value: str) -> tuple[str, ...]:
    listed = tuple(o.strip().rstrip("/") for o in value.split(",") if o.strip())
    for origin in listed:
        parsed = urlparse(origin)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or parsed.path:
            raise ValueError(f"{origin!r} is not an origin like https://app.example.com")
    return listed


def flag(value: str) -> bool:
    lowered = value.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("must be true or false")
