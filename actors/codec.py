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
        if value is None or type(value) in _PLAIN:
            return value
        names = _field_names(type(value))
        if names is not None:
            out: dict[str, Any] = {}
            name = self._names.get(type(value))
            if name is not None:
                out[self.tag] = name
            for field in names:
                v = getattr(value, field)
                out[field] = v if v is None or type(v) in _PLAIN else self.dump(v)
            return out
        if isinstance(value, Decimal):
            return {DECIMAL: str(value)}
        if isinstance(value, dt.date):
            return {DATE: value.isoformat()}
        if isinstance(value, tuple | list):
            return [v if v is None or type(v) in _PLAIN else self.dump(v) for v in value]
        if isinstance(value, str | int | float | bool):
            return value
        raise TypeError(f"cannot encode {type(value).__name__}")

    def load(self, raw: Any, hint: Any = None) -> Any:
        """The value `raw` holds; `hint` is the type expected where no tag names one."""
        if isinstance(raw, dict):
            return self._load_dict(raw, hint)
        if isinstance(raw, list):
            item = _item_hint(hint)
            return tuple(v if v is None or type(v) in _PLAIN else self.load(v, item) for v in raw)
        return raw

    def _load_dict(self, raw: dict[str, Any], hint: Any) -> Any:
        tag = raw.get(self.tag)
        if tag is not None:
            cls = self._classes.get(tag)
            if cls is None:
                raise Undecodable(f"unknown {self.tag} {tag!r}")
        elif DECIMAL in raw:
            return Decimal(raw[DECIMAL])
        elif DATE in raw:
            return dt.date.fromisoformat(raw[DATE])
        else:
            cls = _attrs_class(hint)
            if cls is None:
                raise Undecodable(f"an untagged value where {hint!r} was expected")
        hints = _field_hints(cls)
        fields = {
            k: v if v is None or type(v) in _PLAIN else self.load(v, hints.get(k))
            for k, v in raw.items()
            if k != self.tag
        }
        return cls(**fields)

    def encode(self, value: Any) -> bytes:
        return orjson.dumps(self.dump(value))

    def decode(self, payload: bytes | str, hint: Any = None) -> Any:
        """Undecodable when the payload is not JSON or not a value of this codec's classes."""
        try:
            return self.load(orjson.loads(payload), hint)
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, ArithmeticError) as exc:
            raise Undecodable(str(exc)) from exc


_PLAIN = frozenset({str, int, float, bool})
_NAMES: dict[type[Any], tuple[str, ...] | None] = {}
_HINTS: dict[type[Any], dict[str, Any]] = {}
_ITEMS: dict[Any, Any] = {}


def _field_names(cls: type[Any]) -> tuple[str, ...] | None:
    """The fields of an attrs class, None for any other type (asked once per type)."""
    if cls not in _NAMES:
        _NAMES[cls] = tuple(f.name for f in attrs.fields(cls)) if attrs.has(cls) else None
    return _NAMES[cls]


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
    if hint is None:
        return None
    try:
        return _ITEMS[hint]
    except KeyError:
        args = typing.get_args(hint) if typing.get_origin(hint) is tuple else ()
        _ITEMS[hint] = item = args[0] if args else None
        return item
    except TypeError:  # an unhashable hint
        return None
