"""The session snapshot codec: `Session` <-> orjson bytes, stored by the runtime in Redis.

Every attrs value is written with a `$t` tag naming its class, decimals and dates as tagged
strings, so decoding needs no schema walk. A snapshot that cannot be decoded (corrupt, or from an
older schema) yields None and the conversation starts fresh rather than failing the user.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

import attrs
import orjson

from actors import session as model
from actors.failure import Failure

_CLASSES: dict[str, type[Any]] = {
    cls.__name__: cls
    for cls in (
        model.Session,
        model.Identity,
        model.Home,
        model.OnboardWelcome,
        model.OnboardFirstName,
        model.OnboardLastName,
        model.OnboardConfirm,
        model.OfferForm,
        model.QuickLine,
        model.QuickLookup,
        model.CancelConfirm,
        model.AccountForm,
        model.MemberForm,
        model.AskYesNo,
        model.PayRequest,
        model.PayAmount,
        model.DraftOffer,
        model.Draft,
        Failure,
    )
}


def _dump(value: Any) -> Any:
    if attrs.has(type(value)):
        out: dict[str, Any] = {"$t": type(value).__name__}
        for field in attrs.fields(type(value)):
            out[field.name] = _dump(getattr(value, field.name))
        return out
    if isinstance(value, Decimal):
        return {"$d": str(value)}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple | list):
        return [_dump(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot snapshot {type(value).__name__}")


def _load(raw: Any) -> Any:
    if isinstance(raw, list):
        return tuple(_load(v) for v in raw)
    if isinstance(raw, dict):
        if "$d" in raw:
            return Decimal(raw["$d"])
        if "$date" in raw:
            return dt.date.fromisoformat(raw["$date"])
        cls = _CLASSES[raw["$t"]]
        return cls(**{k: _load(v) for k, v in raw.items() if k != "$t"})
    return raw


def encode(session: model.Session) -> bytes:
    return orjson.dumps(_dump(session))


def decode(payload: bytes | None) -> model.Session | None:
    """The stored session, or None when there is none or it cannot be read."""
    if payload is None:
        return None
    try:
        value = _load(orjson.loads(payload))
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, InvalidOperation):
        return None
    if not isinstance(value, model.Session) or value.version != model.SCHEMA_VERSION:
        return None
    return value
