"""One codec for the tagged unions we store: attrs values <-> JSON-ready data (orjson bytes).

The session snapshot (`actors/snapshot.py`), the inbound events (`actors/events.py`) and the
outbox replies (`actors/replies.py`) each name their classes in a `Codec`: a value of a named
class is written as a dict of its fields plus the tag key (`$t` for snapshots, `_type` for
events and replies, so data already in Redis still reads after a deploy). A value of an unnamed
attrs class (a reply's `Button`) is a plain dict, read back by the type its field declares.
Decimals and dates are tagged strings (`{"$d": "2.50"}`, `{"$date": "2026-03-24"}`), tuples are
lists; nothing else travels.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs
import orjson

DECIMAL = "$d"
DATE = "$date"


class Undecodable(ValueError):
    """Data that is not a value of this codec's classes (corrupt, or from another version)."""


class Codec:
    def __init__(self, tag: str, classes: Mapping[str, type[Any]]) -> None:
        self.tag = tag
        self._classes = dict(classes)
        self._names = {cls: name for name, cls in classes.items()}
        if len(self._names) != len(self._classes):
            raise ValueError("one name per class")

    def dump(self, value: Any) -> Any:
        if attrs.has(type(value)):
            out: dict[str, Any] = {}
            name = self._names.get(type(value))
            if name is not None:
                out[self.tag] = name
            for field in attrs.fields(type(value)):
                out[field.name] = self.dump(getattr(value, field.name))
            return out
        if isinstance(value, Decimal):
            return {DECIMAL: str(value)}
        if isinstance(value, dt.date):
            return {DATE: value.isoformat()}
        if isinstance(value, tuple | list):
            return [self.dump(v) for v in value]
        if value is None or isinstance(value, str | int | float | bool):
            return value
        raise TypeError(f"cannot encode {type(value).__name__}")

    def load(self, raw: Any, hint: Any = None) -> Any:
        """The value `raw` holds; `hint` is the type expected where no tag names one."""
        if isinstance(raw, list):
            item = _item_hint(hint)
            return tuple(self.load(v, item) for v in raw)
        if not isinstance(raw, dict):
            return raw
        if DECIMAL in raw:
            return Decimal(raw[DECIMAL])
        if DATE in raw:
            return dt.date.fromisoformat(raw[DATE])
        if self.tag in raw:
            cls = self._classes.get(raw[self.tag])
            if cls is None:
                raise Undecodable(f"unknown {self.tag} {raw[self.tag]!r}")
        else:
            cls = _attrs_class(hint)
            if cls is None:
                raise Undecodable(f"an untagged value where {hint!r} was expected")
        hints = _field_hints(cls)
        fields = {k: self.load(v, hints.get(k)) for k, v in raw.items() if k != self.tag}
        return cls(**fields)

    def encode(self, value: Any) -> bytes:
        return orjson.dumps(self.dump(value))

    def decode(self, payload: bytes | str, hint: Any = None) -> Any:
        """Undecodable when the payload is not JSON or not a value of this codec's classes."""
        try:
            return self.load(orjson.loads(payload), hint)
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, ArithmeticError) as exc:
            raise Undecodable(str(exc)) from exc


_HINTS: dict[type[Any], dict[str, Any]] = {}


def _field_hints(cls: type[Any]) -> dict[str, Any]:
    """Only needed to read untagged nested values; a class whose hints cannot be resolved
    still reads when every nested value is tagged."""
    if cls not in _HINTS:
        try:
            _HINTS[cls] = typing.get_type_hints(cls)
        except (NameError, TypeError):
            _HINTS[cls] = {}
    return _HINTS[cls]


def _attrs_class(hint: Any) -> type[Any] | None:
    """The one attrs class `hint` names (`Document`, `Document | None`), else None."""
    if isinstance(hint, type) and attrs.has(hint):
        return hint
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        found = [a for a in typing.get_args(hint) if isinstance(a, type) and attrs.has(a)]
        return found[0] if len(found) == 1 else None
    return None


def _item_hint(hint: Any) -> Any:
    """The element type of `tuple[X, ...]` (None when the hint says nothing)."""
    if typing.get_origin(hint) is tuple:
        args = typing.get_args(hint)
        return args[0] if args else None
    return None
