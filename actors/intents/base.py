"""The intent every flow's intents derive from, and the few that belong to no flow.

An intent is what one inbound message asks for, read once (`actors.intents.classify`). Each
flow declares its own intents beside their button ids in `actors/intents/<flow>.py`; the ones
here come from the text itself (a navigation word, words a form interprets) or say that
nothing was understood.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import attrs

from parser import Navigation


class Intent:
    """Base of every intent. `self_contained`: the intent says everything it needs (its id
    carries the credex, account or page), so it is still carried out after a session timeout,
    re-checked against credex-core (docs/architecture.md, "State")."""

    __slots__ = ()
    self_contained: ClassVar[bool] = False


@attrs.frozen
class Nav(Intent):
    word: Navigation


@attrs.frozen
class Typed(Intent):
    """Text that is no command: the form on screen interprets it."""

    text: str


@attrs.frozen
class Retyped(Intent):
    """A button that sends a command again as if typed (`quick:<command>`); read as text."""

    text: str


@attrs.frozen
class NotInList(Intent):
    """A row number or paging word the screen has no row for: `last` is 0 when no list is shown."""

    asked: Literal["number", "next", "previous"]
    first: int = 0
    last: int = 0


@attrs.frozen
class Upset(Intent):
    """An angry or sad reaction: it gets an apology and a way forward, never thanks."""


@attrs.frozen
class Unsupported(Intent):
    """Media, locations, stickers, flows, unknown buttons: the bot says what it understands."""

    kind: str
