"""Button and list-row ids, each format written once: `TapId` encodes and decodes it.

A tap on an old screen must still work after the session expired, so every id says what it asks
for (`accept:<credexID>`, `offers:in:page:2`) and is re-checked against credex-core when tapped.
A flow declares its ids beside its intents (`actors/intents/<flow>.py`); `Taps` reads a tapped
id back into the intent. Ids stay well under WhatsApp's 200-character limit (the longest
carries one 36-character UUID), and their wire format never changes: members tap yesterday's
messages.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from typing import Any, Generic, ParamSpec, TypeVar

import attrs

from actors.intents.base import Intent

P = ParamSpec("P")
I_co = TypeVar("I_co", bound=Intent, covariant=True)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@attrs.frozen
class Field:
    """One placeholder of an id: the text it may hold, and how its value is read and written."""

    pattern: str
    read: Callable[[str], Any] = str
    write: Callable[[Any], str] = str


def word(**choices: Any) -> Field:
    """A placeholder holding one of a few words, each standing for a value."""
    back = {value: text for text, value in choices.items()}
    alternatives = "|".join(re.escape(w) for w in sorted(choices, key=len, reverse=True))
    return Field(f"(?:{alternatives})", choices.__getitem__, back.__getitem__)


UUID = Field(r"[0-9A-Za-z-]{1,64}")  # credex, account and member ids
PAGE = Field("[1-9][0-9]{0,3}", int)  # ASCII digits only, as the screens write them


class TapId(Generic[P, I_co]):
    """One id format: `template` with `{name}` placeholders (the parameters of `make`, which
    builds the intent) and at most one optional tail in `[...]`, left out when its values are
    `make`'s defaults. Calling it encodes; `read` decodes."""

    def __init__(self, template: str, make: Callable[P, I_co], **fields: Field) -> None:
        head, _, tail = template.partition("[")
        if tail and not tail.endswith("]"):
            raise ValueError(f"an optional part ends the template: {template!r}")
        self.template = template
        self._build: Callable[..., I_co] = make  # called with the names read from an id
        self._signature = inspect.signature(make)
        self._head, self._tail = head, tail.removesuffix("]")
        self._fields = fields
        names = _PLACEHOLDER.findall(head + self._tail)
        if sorted(names) != sorted(fields) or not set(names) <= set(self._signature.parameters):
            raise ValueError(f"{template!r}: every placeholder needs a field and a parameter")
        self.names: tuple[str, ...] = tuple(names)  # the placeholders, in template order
        self._tail_names = _PLACEHOLDER.findall(self._tail)
        tail_regex = f"(?:{self._regex(self._tail)})?" if self._tail else ""
        self.pattern = re.compile(self._regex(head) + tail_regex, re.S)  # what `read` accepts

    def _regex(self, part: str) -> str:
        pieces = _PLACEHOLDER.split(part)  # literal, name, literal, name, ...
        return "".join(
            f"(?P<{p}>{self._fields[p].pattern})" if i % 2 else re.escape(p)
            for i, p in enumerate(pieces)
        )

    def _fill(self, part: str, values: dict[str, Any]) -> str:
        return _PLACEHOLDER.sub(lambda m: self._fields[m[1]].write(values[m[1]]), part)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> str:
        bound = self._signature.bind(*args, **kwargs)
        bound.apply_defaults()
        values = bound.arguments
        text = self._fill(self._head, values)
        defaults = {n: self._signature.parameters[n].default for n in self._tail_names}
        if self._tail and any(values[n] != defaults[n] for n in self._tail_names):
            text += self._fill(self._tail, values)
        return text

    def read(self, reply_id: str) -> I_co | None:
        found = self.pattern.fullmatch(reply_id)
        if found is None:
            return None
        values = {n: self._fields[n].read(v) for n, v in found.groupdict().items() if v is not None}
        return self._build(**values)

    def __repr__(self) -> str:
        return f"TapId({self.template!r})"


@attrs.frozen
class Fixed:
    """An id without parameters (`menu`, `onboard:start`) and the intent it always means."""

    id: str
    intent: Intent


Tap = TapId[..., Intent] | Fixed


class Taps:
    """Every flow's ids in one table: `read` turns a tapped id into its intent, None when no
    format matches. Two formats that could read the same id are refused when the table is
    built (the flows' tests read every id they send)."""

    def __init__(self, *groups: Iterable[Tap]) -> None:
        self._fixed: dict[str, Intent] = {}
        self._formats: dict[str, TapId[..., Intent]] = {}
        for tap in (t for group in groups for t in group):
            if isinstance(tap, Fixed):
                if tap.id in self._fixed:
                    raise ValueError(f"two intents for the id {tap.id!r}")
                self._fixed[tap.id] = tap.intent
            elif tap.template in self._formats:
                raise ValueError(f"the id format {tap.template!r} is declared twice")
            else:
                self._formats[tap.template] = tap
        for fixed_id in self._fixed:
            clash = [t for t in self._formats.values() if t.read(fixed_id) is not None]
            if clash:
                raise ValueError(f"the id {fixed_id!r} also reads as {clash[0]!r}")

    def read(self, reply_id: str) -> Intent | None:
        if reply_id in self._fixed:
            return self._fixed[reply_id]
        for tap in self._formats.values():
            if (intent := tap.read(reply_id)) is not None:
                return intent
        return None

    def formats(self) -> tuple[TapId[..., Intent], ...]:
        return tuple(self._formats.values())

    def fixed(self) -> dict[str, Intent]:
        return dict(self._fixed)
