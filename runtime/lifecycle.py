"""The runtime's one lifecycle: which phase a process is in, and every move between phases.

    stopped --run()--> starting --hosting--> running --stop()--> draining --drained--> stopped
                          |                     |
                          +----failed/cancelled-+------------------------------------> stopped

`starting`: Redis is reached, the scripts are loaded, the heartbeat is written and the services
(listener, sweeper, renewer, sender) start; nothing is claimed yet. `running`: the only phase in
which conversations are claimed and activations started. `draining`: no new work; activations
finish their turn within the shutdown deadline and hand their leases back. `stopped`: before
`run()` and after it returned (a runtime may run again).
"""

from __future__ import annotations

import enum

import anyio


class Phase(enum.Enum):
    STOPPED = "stopped"
    STARTING = "starting"
    RUNNING = "running"
    DRAINING = "draining"


_MOVES: dict[Phase, frozenset[Phase]] = {
    Phase.STOPPED: frozenset({Phase.STARTING}),
    Phase.STARTING: frozenset({Phase.RUNNING, Phase.STOPPED}),
    Phase.RUNNING: frozenset({Phase.DRAINING, Phase.STOPPED}),
    Phase.DRAINING: frozenset({Phase.STOPPED}),
}


class Lifecycle:
    """The phase and its transitions (each method below is one of the arrows above)."""

    def __init__(self) -> None:
        self._phase = Phase.STOPPED
        self._stop_requested: anyio.Event | None = None
        self._stopped: anyio.Event | None = None

    @property
    def phase(self) -> Phase:
        return self._phase

    @property
    def accepting(self) -> bool:
        """Claims and activations are allowed (only while running)."""
        return self._phase is Phase.RUNNING

    @property
    def stopping(self) -> bool:
        """Activations should finish what they are doing and hand their leases back."""
        return self._phase in (Phase.DRAINING, Phase.STOPPED)

    def begin(self) -> None:
        """run() was called: starting."""
        self._move(Phase.STARTING)
        self._stop_requested, self._stopped = anyio.Event(), anyio.Event()

    def host(self) -> None:
        """The services run: running, or draining at once when a stop came during starting."""
        self._move(Phase.RUNNING)
        if self._stop_requested is not None and self._stop_requested.is_set():
            self._move(Phase.DRAINING)

    def end(self) -> None:
        """run() is returning (drained, failed or cancelled): stopped."""
        self._move(Phase.STOPPED)
        if self._stopped is not None:
            self._stopped.set()

    async def stop_requested(self) -> None:
        """Returns once a stop was asked for during this run (the phase is then draining)."""
        assert self._stop_requested is not None, "only while the runtime runs"
        await self._stop_requested.wait()

    async def stop(self) -> None:
        """Stop taking work now and ask run() to drain; returns once it is stopped. At once
        when the runtime is not running."""
        if self._phase is Phase.STOPPED or self._stop_requested is None:
            return
        assert self._stopped is not None
        if self._phase is Phase.RUNNING:
            self._move(Phase.DRAINING)
        self._stop_requested.set()
        await self._stopped.wait()

    def _move(self, to: Phase) -> None:
        if to not in _MOVES[self._phase]:
            raise RuntimeError(f"the runtime cannot go from {self._phase.value} to {to.value}")
        self._phase = to
