"""The simulator's settings; `app.py` re-exports `SimConfig` as part of the public API."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from typing import Literal

import attrs


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_uuid() -> str:
    return str(uuid.uuid4())


@attrs.frozen
class SimConfig:
    auth: Literal["enforced", "lax"] = "enforced"
    seed: Literal["dev", "demo", "none"] = "dev"
    day: dt.date | None = None  # pin the system day
    jwt_secret: str = "credex-sim-secret"
    client_api_key: str | None = None  # when set, x-client-api-key required on login/onboardMember
    rate_limit_per_minute: int | None = None  # plain-text 429 past this many requests per client
    token_idle_seconds: int = 300
    clock: Callable[[], dt.datetime] = utc_now
    ids: Callable[[], str] = new_uuid
    duplicate_account_ids: bool = False  # HEAD quirk docs/credex-core-api.md §9.1, off by default
