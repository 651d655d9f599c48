"""`vimbiso demo --reload`: the watcher notices edits and restarts its child process."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from simulator.reload import changed, snapshot, supervise

# A child that writes its pid to a file, one line per start, then waits to be stopped.
CHILD = (
    "import os, sys, time\n"
    "with open(sys.argv[1], 'a') as f: f.write(f'{os.getpid()}\\n')\n"
    "time.sleep(600)\n"
)


def test_snapshot_sees_added_modified_and_removed_sources_but_not_other_files(
    tmp_path: Path,
) -> None:
    (tmp_path / "pkg").mkdir()
    kept = tmp_path / "pkg" / "a.py"
    kept.write_text("x = 1\n")
    (tmp_path / "pkg" / "notes.txt").write_text("ignored")
    before = snapshot([tmp_path])
    assert list(before) == [kept]
    page = tmp_path / "pkg" / "page.html"
    page.write_text("<p>")
    os.utime(kept, ns=(before[kept] + 10**9, before[kept] + 10**9))
    assert changed(before, snapshot([tmp_path])) == [kept, page]
    page.unlink()
    kept.unlink()
    assert changed(before, snapshot([tmp_path])) == [kept]


def _starts(log: Path) -> list[str]:
    return log.read_text().split() if log.exists() else []


def _wait_for(condition: threading.Event, log: Path, count: int) -> None:
    # The child appends a line per start; poll the file (no wall-clock assertions).
    for _ in range(600):
        if len(_starts(log)) >= count:
            return
        condition.wait(0.05)
    raise AssertionError(f"{count} starts expected, saw {_starts(log)}")


def test_an_edited_source_file_restarts_the_child_and_stopping_ends_it(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    watched = source / "module.py"
    watched.write_text("x = 1\n")
    log = tmp_path / "starts.log"
    stop = threading.Event()
    said: list[str] = []
    watcher = threading.Thread(
        target=supervise,
        args=([sys.executable, "-c", CHILD, str(log)], [source]),
        kwargs={"poll_seconds": 0.05, "keep_going": lambda: not stop.is_set(), "say": said.append},
    )
    watcher.start()
    try:
        _wait_for(stop, log, 1)
        mtime = watched.stat().st_mtime_ns + 10**9
        os.utime(watched, ns=(mtime, mtime))
        _wait_for(stop, log, 2)
    finally:
        stop.set()
        watcher.join(30)
    first, second = _starts(log)
    assert first != second
    assert said and "module.py changed" in said[0]
    for pid in (first, second):  # both children are gone: stopped, not orphaned
        assert subprocess.run(["kill", "-0", pid], capture_output=True).returncode != 0
