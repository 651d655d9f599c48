"""`vimbiso serve --workers N`: the ingress and N worker processes, and a parent that keeps
them alive. Its logs name each by role (`name`: "ingress", "worker 1", ...).

A process that dies (a crash, an out-of-memory kill, SIGKILL) is started again and the parent
logs it; its conversations are taken over through Redis meanwhile, as with any dead process. A
worker that exits with the startup-failure code (a setting it cannot start with) is not
restarted: the others are stopped and the parent exits with that code. A slot that keeps dying
(more than MAX_RESTARTS within RESTART_WINDOW_SECONDS) stops the service rather than spin.
SIGTERM and SIGINT are passed to every worker, which drains and exits 0.
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable
from multiprocessing.connection import wait
from multiprocessing.process import BaseProcess

log = logging.getLogger("vimbiso.workers")

MAX_RESTARTS = 5
RESTART_WINDOW_SECONDS = 60.0
RESTART_DELAY_SECONDS = 0.5


def _how(process: BaseProcess) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        return f"signal {signal.Signals(-code).name}"
    return f"exit code {code}"


class Supervisor:
    def __init__(
        self,
        start: Callable[[int], BaseProcess],
        count: int,
        startup_failed: int,
        *,
        name: Callable[[int], str] = lambda slot: f"worker {slot}",
    ) -> None:
        self._start = start
        self._name = name  # what the logs call the process of a slot
        self._count = count
        self._startup_failed = startup_failed
        self._workers: dict[int, BaseProcess] = {}
        self._restarts: dict[int, list[float]] = {slot: [] for slot in range(count)}
        self._stopping = False
        self._failure = 0

    def stop(self, _signum: int = 0, _frame: object = None) -> None:
        self._stopping = True
        for process in self._workers.values():
            if process.is_alive():
                process.terminate()

    def run(self) -> int:
        """Start the workers and keep them running until stopped; the service's exit code."""
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        for slot in range(self._count):
            self._workers[slot] = process = self._start(slot)
            if self._stopping:
                self.stop()  # told to stop while that one was starting: it stops too
                break
            if not process.is_alive():
                break  # it could not start (said why); the loop below ends the service
        while self._workers:
            sentinels = {p.sentinel: slot for slot, p in self._workers.items()}
            for ready in wait(list(sentinels), timeout=1.0):
                slot = sentinels[ready]  # type: ignore[index]
                process = self._workers.pop(slot)
                process.join()
                self._ended(slot, process)
        return self._failure

    def _ended(self, slot: int, process: BaseProcess) -> None:
        if self._stopping:
            # A worker still starting when told to stop dies of the SIGTERM itself: that is
            # the stop we asked for, not a failure.
            if process.exitcode not in (0, -signal.SIGTERM):
                log.error("%s stopped with %s", self._name(slot), _how(process))
                self._failure = self._failure or 1
            return
        if process.exitcode == self._startup_failed:
            log.error("%s could not start; stopping the service", self._name(slot))
            self._failure = self._startup_failed
            self.stop()
            return
        now = time.monotonic()
        recent = [t for t in self._restarts[slot] if now - t < RESTART_WINDOW_SECONDS]
        if len(recent) >= MAX_RESTARTS:
            log.error(
                "%s died (%s) %d times in %.0f s; stopping the service",
                self._name(slot),
                _how(process),
                len(recent) + 1,
                RESTART_WINDOW_SECONDS,
            )
            self._failure = 1
            self.stop()
            return
        self._restarts[slot] = [*recent, now]
        time.sleep(RESTART_DELAY_SECONDS)  # a crash at start must not become a busy loop
        replacement = self._start(slot)
        self._workers[slot] = replacement
        if self._stopping:
            replacement.terminate()  # told to stop while it was starting
            return
        log.warning(
            "%s (pid %s) died (%s); restarted as pid %s",
            self._name(slot),
            process.pid,
            _how(process),
            replacement.pid,
        )
