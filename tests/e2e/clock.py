"""A conversation clock the test moves forward: the stand-in for a member who says nothing for
a while, instead of a real sleep as long as the session timeout."""

from __future__ import annotations

import datetime as dt

import attrs


@attrs.define
class ShiftedClock:
    """The wall clock plus an offset that only grows."""

    offset: dt.timedelta = dt.timedelta()

    def __call__(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += dt.timedelta(seconds=seconds)

    def reset(self) -> None:
        self.offset = dt.timedelta()
