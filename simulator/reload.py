"""`vimbiso demo --reload`: run the demo in a child process and restart it when a source file
changes (live reloading for development).

The watcher polls modification times of `*.py`, `*.html` and `*.js` under the project's
packages; no file-system event library is needed for a tree this small. The child is a fresh
interpreter each time, so every module is imported anew, and a child that fails to start (a
syntax error mid-edit) is simply started again after the next change.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

WATCHED_SUFFIXES = (".py", ".html", ".js")
PACKAGES = ("actors", "parser", "gateway", "runtime", "simulator")
POLL_SECONDS = 0.5
STOP_SECONDS = 10.0

Snapshot = dict[Path, int]


def package_roots() -> list[Path]:
    """The package folders beside this one (the source tree of an editable install)."""
    base = Path(__file__).resolve().parent.parent
    return [base / name for name in PACKAGES if (base / name).is_dir()]


def snapshot(roots: Iterable[Path]) -> Snapshot:
    """Modification times, in nanoseconds, of every watched file under `roots`."""
    times: Snapshot = {}
    for root in roots:
        for path in root.rglob("*"):
            if path.suffix in WATCHED_SUFFIXES and "__pycache__" not in path.parts:
                try:
                    times[path] = path.stat().st_mtime_ns
                except FileNotFoundError:  # removed between listing and stat
                    continue
    return times


def changed(before: Snapshot, after: Snapshot) -> list[Path]:
    """Files added, removed or modified between two snapshots."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


def _stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is not None:
        return
    child.terminate()  # the demo shuts down cleanly on SIGTERM
    try:
        child.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def supervise(
    command: Sequence[str],
    roots: Sequence[Path],
    *,
    poll_seconds: float = POLL_SECONDS,
    keep_going: Callable[[], bool] = lambda: True,
    say: Callable[[str], None] = lambda text: print(text, file=sys.stderr, flush=True),
) -> int:
    """Run `command`, restarting it whenever a watched file under `roots` changes, until
    `keep_going()` is false or the user presses Ctrl+C."""
    seen = snapshot(roots)
    child = subprocess.Popen(command)
    try:
        while keep_going():
            time.sleep(poll_seconds)
            now = snapshot(roots)
            edits = changed(seen, now)
            if not edits:
                continue
            seen = now
            say(f"reload: {os.path.relpath(edits[0])} changed, restarting the demo")
            _stop(child)
            child = subprocess.Popen(command)
    except KeyboardInterrupt:
        pass
    finally:
        _stop(child)
    return 0


def demo_command(host: str, port: int) -> list[str]:
    """The demo without --reload, in a fresh interpreter."""
    return [sys.executable, "-m", "gateway.cli", "demo", "--host", host, "--port", str(port)]


def run_with_reload(*, host: str, port: int) -> int:
    # SIGTERM (docker stop, a process manager) ends the watcher like Ctrl+C does: the child is
    # stopped, never left running on the port.
    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    return supervise(demo_command(host, port), package_roots())
