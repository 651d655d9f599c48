"""One /metrics for all processes of `vimbiso serve --workers N`.

The OpenTelemetry Prometheus reader keeps each process's counters in that process, and only the
ingress answers HTTP. So every process (the ingress and each worker) writes its own exposition
to a directory the parent shares with them (`VIMBISO_METRICS_DIR`, a fresh temporary directory
per `serve`), once a second, rewriting one file of its own in place under an exclusive flock (no
renames: a directory listing racing a rename may skip the file). A scrape answers with every
process's samples, each labelled `worker="<pid>"` (sum them with `sum without (worker) (...)`);
the answering process's own are live, and a process that stopped writing drops out after
`STALE_SECONDS`. One machine is one scrape target; M machines are M."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import prometheus_client
from prometheus_client.core import Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import Collector, CollectorRegistry

METRICS_DIR_ENV = "VIMBISO_METRICS_DIR"
WRITE_INTERVAL = 1.0
STALE_SECONDS = 15.0


def shared_dir() -> Path | None:
    value = os.environ.get(METRICS_DIR_ENV, "")
    return Path(value) if value else None


def _own_file(directory: Path) -> Path:
    return directory / f"{os.getpid()}.prom"


async def write_forever(directory: Path) -> None:
    """This worker's exposition into the shared directory, every WRITE_INTERVAL seconds."""
    own = _own_file(directory)
    try:
        with own.open("a+b") as file:
            while True:
                exposition = prometheus_client.generate_latest()
                fcntl.flock(file, fcntl.LOCK_EX)  # a scrape never reads half a file
                try:
                    file.seek(0)
                    file.truncate()
                    file.write(exposition)
                    file.flush()
                finally:
                    fcntl.flock(file, fcntl.LOCK_UN)
                await anyio.sleep(WRITE_INTERVAL)
    finally:
        own.unlink(missing_ok=True)


def _read(path: Path) -> str:
    with path.open("rb") as file:
        fcntl.flock(file, fcntl.LOCK_SH)
        try:
            return file.read().decode("utf-8")
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


def fleet_exposition(directory: Path) -> bytes:
    """Every live worker's samples, labelled by worker; this worker's read live."""
    texts = {str(os.getpid()): prometheus_client.generate_latest().decode()}
    now = time.time()
    for path in directory.glob("*.prom"):
        worker = path.stem
        if worker in texts:
            continue
        try:
            if now - path.stat().st_mtime > STALE_SECONDS:
                continue
            texts[worker] = _read(path)
        except OSError:
            continue  # the worker exited between glob and read
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Labelled(texts))
    return prometheus_client.generate_latest(registry)


class _Labelled(Collector):
    def __init__(self, texts: dict[str, str]) -> None:
        self._texts = texts

    def collect(self) -> Iterator[Metric]:
        merged: dict[str, Metric] = {}
        for worker, text in sorted(self._texts.items()):
            for family in text_string_to_metric_families(text):
                target = merged.get(family.name)
                if target is None:
                    target = merged[family.name] = Metric(
                        family.name, family.documentation, family.type, family.unit
                    )
                for sample in family.samples:
                    labels = {**sample.labels, "worker": worker}
                    target.add_sample(sample.name, labels, sample.value, sample.timestamp)
        yield from merged.values()
