"""What one step returns, and the moment it runs in (the injected clock and settings)."""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo

import attrs

from actors.effects import Effect
from actors.replies import Reply
from actors.session import SESSION_TIMEOUT_SECONDS, Session

DUE_MIN_DAYS = 7  # credex-core's credspan window, docs/credex-core-api.md §5.5
DUE_MAX_DAYS = 34
DEFAULT_DUE_DAYS = 28


@attrs.frozen
class Config:
    timezone: str = "Africa/Harare"
    session_timeout: float = SESSION_TIMEOUT_SECONDS
    display_number: str | None = None  # the bot's own number, for pay links (digits only)
    cash_in_agents: tuple[str, ...] = ()  # CASH_IN_AGENTS: where members can get secured value
    # G5: how long a createCredex can still be running on credex-core's side after we sent it
    # (CREDEX_WRITE_SETTLE_SECONDS); until then "not in the pending offers" proves nothing.
    write_settle_seconds: float = 60.0


@attrs.frozen
class Moment:
    """`now` is timezone-aware; credex-core counts due dates from today's UTC date."""

    now: dt.datetime
    config: Config = attrs.field(factory=Config)

    @property
    def local(self) -> dt.datetime:
        return self.now.astimezone(zoneinfo.ZoneInfo(self.config.timezone))

    @property
    def local_midnight(self) -> dt.datetime:
        """The next 00:00 UTC (credex-core's new day, §10.3) on the bot's local clock."""
        midnight = dt.datetime.combine(self.today + dt.timedelta(days=1), dt.time(), dt.UTC)
        return midnight.astimezone(zoneinfo.ZoneInfo(self.config.timezone))

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(dt.UTC).date()

    @property
    def earliest_due(self) -> dt.date:
        return self.today + dt.timedelta(days=DUE_MIN_DAYS)

    @property
    def latest_due(self) -> dt.date:
        return self.today + dt.timedelta(days=DUE_MAX_DAYS)

    def due_ok(self, due: dt.date) -> bool:
        return self.earliest_due <= due <= self.latest_due

    def fresh_id(self, *parts: object) -> str:
        """A short id, unique per user and moment (a step never makes two drafts at once)."""
        text = "|".join([self.now.isoformat(), *map(repr, parts)])
        return hashlib.sha256(text.encode()).hexdigest()[:12]


@attrs.frozen
class Transition:
    session: Session
    replies: tuple[Reply, ...] = ()
    effects: tuple[Effect, ...] = ()

    def say(self, *replies: Reply) -> Transition:
        """The same outcome with `replies` sent first."""
        return attrs.evolve(self, replies=(*replies, *self.replies))
