"""Everything one simulator instance holds, reachable from a request through `STATE`."""

from __future__ import annotations

import datetime as dt

import attrs
from aiohttp import web

from simulator.credex.config import SimConfig
from simulator.credex.ledger import Ledger
from simulator.credex.ratelimit import RateLimiter
from simulator.credex.seed import DEV_DAY_ZERO, seed_demo, seed_dev


@attrs.define
class SimState:
    config: SimConfig
    ledger: Ledger
    limiter: RateLimiter | None

    @property
    def enforced(self) -> bool:
        return self.config.auth == "enforced"

    def day_zero(self) -> dt.date:
        """The day forceDCO initializes an empty ledger on; its first advance follows
        (docs/credex-core-api.md §10.10)."""
        if self.config.day is not None:
            return self.config.day - dt.timedelta(days=1)
        if self.config.seed == "demo":
            # Production credex-core starts yesterday, so the first DCO lands on today.
            return self.config.clock().date() - dt.timedelta(days=1)
        return DEV_DAY_ZERO


STATE = web.AppKey("credex_sim_state", SimState)


def build_state(config: SimConfig) -> SimState:
    ledger = Ledger(clock=config.clock, new_id=config.ids)
    limiter = None
    if config.rate_limit_per_minute is not None:
        limiter = RateLimiter(config.rate_limit_per_minute)
    state = SimState(config=config, ledger=ledger, limiter=limiter)
    if config.seed == "dev":
        seed_dev(ledger, state.day_zero() + dt.timedelta(days=1))
    elif config.seed == "demo":
        seed_demo(ledger, state.day_zero() + dt.timedelta(days=1))
    return state
