"""Routes: how a flow tells `step` what it handles, as rows of tables keyed by type.

Each flow lists its `ROUTES`: the intents it answers, the text it reads and where *back* goes
on its own screens, the views it loaded for a purpose, the credex-core results it gets back
and the failures of its effects. `step` looks them up by the type of what arrived, so adding
an intent to a flow touches that flow (and its screen and tests), never `step`
(docs/adding-an-intent.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal, TypeVar

import attrs

from actors.failure import Failure
from actors.outcome import Moment, Transition
from actors.ports.credex import MemberView
from actors.session import Session

Table = Literal[
    "intent", "typed", "back", "loaded", "result", "failed", "load_failed", "login_failed"
]
T = TypeVar("T")


@attrs.frozen
class Route:
    table: Table
    key: type[Any]
    handle: Callable[..., Transition | None]


def intent(kind: type[T], handle: Callable[[Session, T, Moment], Transition | None]) -> Route:
    """`kind` of intent, for a logged-in member; None: not on this screen (a typo hint)."""
    return Route("intent", kind, handle)


def typed(screen: type[T], handle: Callable[[Session, T, str, Moment], Transition | None]) -> Route:
    """Text typed on `screen`; None: the text is no answer here, read it as anything else."""
    return Route("typed", screen, handle)


def back(screen: type[T], handle: Callable[[Session, T, Moment], Transition]) -> Route:
    """*back* typed or tapped on `screen`: the step before it."""
    return Route("back", screen, handle)


def loaded(
    purpose: type[T], handle: Callable[[Session, MemberView, T, Moment], Transition]
) -> Route:
    """The member view loaded for `purpose` (`effects.LoadView`)."""
    return Route("loaded", purpose, handle)


def result(kind: type[T], handle: Callable[[Session, T, Moment], Transition | None]) -> Route:
    """A credex-core result; None: another flow's (tried in the order of `step.FLOWS`)."""
    return Route("result", kind, handle)


def failed(
    effect: type[T], handle: Callable[[Session, T, Failure, Moment], Transition | None]
) -> Route:
    """An effect credex-core refused or could not answer; None: another flow's."""
    return Route("failed", effect, handle)


def load_failed(
    purpose: type[T], handle: Callable[[Session, T, Failure, Moment], Transition | None]
) -> Route:
    """The member view for `purpose` could not be loaded; None: the general answer."""
    return Route("load_failed", purpose, handle)


def login_failed(
    kind: type[T], handle: Callable[[Session, T, Failure], Transition | None]
) -> Route:
    """No member was found while logging in to carry out an intent of `kind`."""
    return Route("login_failed", kind, handle)


class Routes:
    """Every flow's routes, by table and key. An intent, a screen's text or a purpose belongs
    to one flow: a second claim is refused when the table is built. Results and failures may
    be shared (a handle lookup serves the menu form and quick commands): each handler says
    None to what is not its own."""

    _UNIQUE = ("intent", "typed", "back", "loaded", "load_failed", "login_failed")

    def __init__(self, flows: Iterable[Iterable[Route]]) -> None:
        self._rows: dict[tuple[str, type[Any]], list[Callable[..., Transition | None]]] = {}
        for route in (r for flow in flows for r in flow):
            handlers = self._rows.setdefault((route.table, route.key), [])
            if handlers and route.table in self._UNIQUE:
                raise ValueError(f"two flows handle {route.key.__name__} ({route.table})")
            handlers.append(route.handle)

    def run(self, table: Table, key: object, *args: Any) -> Transition | None:
        """The first answer of the handlers for `type(key)` in `table`, None when none."""
        for handle in self._rows.get((table, type(key)), ()):
            answer = handle(*args)
            if answer is not None:
                return answer
        return None

    def keys(self, table: Table) -> set[type[Any]]:
        return {key for name, key in self._rows if name == table}
