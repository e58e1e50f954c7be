"""Where the per-file work runs: the local process pool, or a Dask cluster.

    from extractor.executors import make_executor
    with make_executor("dask://scheduler-host:8786", settings=settings) as ex:
        summary = ingest_paths(["inbox/"], db="kh.db", settings=settings, executor=ex)
    print_worker_table(ex.stats)

An executor has one method the ingest loop calls, ``run(batch, jobs)``: it runs
``extractor.ingest.extract_file`` (read, OCR, extract) for every job and hands
each result to ``batch.finish(job, result)`` (or ``batch.fail(...)``) exactly
once, in this process, as results arrive.  Planning (hashes, unchanged and
duplicate files) and storing stay in ``extractor.ingest``: ONE writer, one
transaction per file, so the database, resuming, duplicates and failure rows are
the same whatever runs the work.

Executors (``--executor``):

``local``            the process pool of ``extractor.ingest`` (``--workers N``), as before.
``dask://HOST:PORT`` an existing Dask scheduler (``dask scheduler`` + ``dask worker``).
``dask-local[:N]``   a ``LocalCluster`` of N one-thread worker processes on this machine.

Paths or bytes (``--ship-bytes``), worker loss (``KilledWorker``: sent once more,
alone; then a failed row), time limits and lost schedulers: see docs/scale.md.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import tempfile
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Optional

from .errors import KehoachError
from .settings import Settings, load_settings

INSTALL_HINT = "pip install -e '.[cluster]'  (or: pip install 'distributed>=2024.4')"
KILLED_RESUBMITS = 1  # extra submissions after a KilledWorker before the file fails
LOCAL_ALLOWED_FAILURES = 1  # dask-local: a task may be on 2 dying workers before KilledWorker
START_TOPIC = "kehoach-start"
WORKER_CRASHED = ("chương trình đọc bị dừng đột ngột / the reader crashed: the Dask workers running this file "
                  "died {n} times (out of memory or a fault in a library); the file may be damaged")
NOT_SHARED = ("máy xử lý không thấy tệp / the Dask worker on {host} cannot see this file: workers must share "
              "the file system at the same path, or run with --ship-bytes")


def _need_distributed():
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise KehoachError(f"--executor dask needs the Dask 'distributed' package, which is not installed: {INSTALL_HINT}") from None
    return distributed


# --------------------------------------------------------------------------- choosing


def parse_executor(spec: Optional[str]) -> tuple[str, Any]:
    """``("local", None)``, ``("dask", "tcp://HOST:PORT")`` or ``("dask-local", N or None)``."""
    spec = (spec or "local").strip()
    if spec == "local":
        return "local", None
    m = re.fullmatch(r"dask-local(?::(\d+))?", spec)
    if m:
        n = int(m.group(1)) if m.group(1) else None
        if n is not None and n < 1:
            raise KehoachError(f"--executor {spec}: the number of workers must be at least 1")
        return "dask-local", n
    m = re.fullmatch(r"(?:dask|tcp)://([^/:\s]+):(\d+)/?", spec)
    if m:
        return "dask", f"tcp://{m.group(1)}:{m.group(2)}"
    raise KehoachError(f"--executor {spec!r}: expected local, dask://HOST:PORT or dask-local[:N]")


def make_executor(spec: Optional[str] = None, *, settings: Optional[Settings] = None, workers: Optional[int] = None,
                  ship_bytes: bool = False, memory_limit: Any = "auto"):
    """The executor named by ``spec`` (see the module docstring); use it as a context manager."""
    kind, arg = parse_executor(spec)
    settings = settings or load_settings()
    if kind == "local":
        if ship_bytes:
            raise KehoachError("--ship-bytes is for --executor dask://… or dask-local: the local pool reads files in place")
        return LocalExecutor(settings.workers if workers is None else workers)
    if kind == "dask":
        return DaskExecutor(address=arg, settings=settings, ship_bytes=ship_bytes)
    return DaskExecutor(n_workers=arg or workers or os.cpu_count() or 1, settings=settings,
                        ship_bytes=ship_bytes, memory_limit=memory_limit)


# --------------------------------------------------------------------------- per-worker figures


@dataclass
class WorkerStats:
    files: int = 0
    pages: int = 0
    busy: float = 0.0  # seconds reading + extracting
    first: float = 0.0
    last: float = 0.0

    def add(self, pages: int, busy: float, now: float) -> None:
        self.files += 1
        self.pages += pages
        self.busy += busy
        self.first = self.first or now
        self.last = now


@dataclass
class ExecutorStats:
    kind: str = "local"
    workers: dict[str, WorkerStats] = field(default_factory=dict)
    resubmitted: int = 0  # files submitted again after a KilledWorker or a lost future
    killed: int = 0  # KilledWorker answers
    time_limited: int = 0
    seconds: float = 0.0
    allowed_failures: Optional[int] = None


def print_worker_table(stats: Optional[ExecutorStats], console=None) -> None:
    """Per-worker throughput after a Dask batch (nothing for the local pool)."""
    if stats is None or not stats.workers:
        return
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    wall = stats.seconds or 1e-9
    t = Table(title=f"{stats.kind}: {len(stats.workers)} workers, {wall:.1f} s")
    for col in ("worker", "files", "pages", "busy s", "pages/s busy", "files/s in batch"):
        t.add_column(col, justify="left" if col == "worker" else "right")
    for name, w in sorted(stats.workers.items()):
        t.add_row(name, str(w.files), str(w.pages), f"{w.busy:.1f}",
                  f"{w.pages / w.busy:.1f}" if w.busy else "-", f"{w.files / wall:.2f}")
    console.print(t)
    notes = []
    if stats.resubmitted:
        notes.append(f"{stats.resubmitted} file(s) sent again after a worker died")
    if stats.killed:
        notes.append(f"{stats.killed} KilledWorker answer(s) (allowed-failures {stats.allowed_failures})")
    if stats.time_limited:
        notes.append(f"{stats.time_limited} file(s) over the time limit: their workers were restarted")
    if notes:
        console.print("; ".join(notes))


# --------------------------------------------------------------------------- the local pool


class LocalExecutor:
    """The process pool in ``extractor.ingest`` (``workers`` = 0: in this process)."""

    def __init__(self, workers: int = 1):
        self.workers = workers
        self.stats = ExecutorStats("local")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        pass

    def run(self, batch, jobs: list) -> None:
        t0 = time.perf_counter()
        if self.workers <= 0:
            batch.run_here(jobs)
        else:
            batch.run_pool(jobs, min(self.workers, len(jobs)))
        self.stats.seconds = time.perf_counter() - t0


# --------------------------------------------------------------------------- worker side (Dask)


def _worker_name() -> str:
    try:
        from distributed import get_worker

        w = get_worker()
        name = str(w.name) if w.name is not None else ""
        if not name or name.isdigit() or name == w.address:  # no name of its own: host:port
            return w.address.replace("tcp://", "")
        return name
    except Exception:  # pragma: no cover - not on a worker
        return socket.gethostname()


def warm_worker() -> dict:
    """Run on every worker at start: load the pipeline once; say which kehoach it has."""
    import extractor
    from extractor import warm  # noqa: F401  (imports underthesea, loads rules/*.yml)

    return {"version": extractor.__version__, "host": socket.gethostname()}


def _limits(settings: Settings) -> dict:
    """The keyword arguments of ``extract_file`` that are settings (max_bytes, max_pages, ocr …), from
    the client's settings, so that workers apply the batch's limits and not their own environment's."""
    import inspect

    from .ingest import extract_file

    names = inspect.signature(extract_file).parameters
    return {n: getattr(settings, n) for n in names if n not in ("path", "token") and n in type(settings).model_fields}


def dask_extract(src: Any, name: str, key: str, limits: dict) -> dict:
    """The Dask task: ``extract_file`` on a path, or on shipped bytes (``src`` is bytes)."""
    from extractor.ingest import FILE_DISAPPEARED, extract_file

    try:
        from distributed import get_worker

        get_worker().log_event(START_TOPIC, {"key": key, "at": time.time()})
    except Exception:  # pragma: no cover
        pass
    t0 = time.perf_counter()
    if isinstance(src, (bytes, bytearray, memoryview)):
        with tempfile.TemporaryDirectory(prefix="kehoach-") as tmp:
            path = os.path.join(tmp, name)
            with open(path, "wb") as fh:
                fh.write(src)
            result = extract_file(path, **limits)
    else:
        result = extract_file(src, **limits)
        if result.get("error") == FILE_DISAPPEARED or (not os.path.exists(src) and "error" in result):
            result = {"error": NOT_SHARED.format(host=socket.gethostname())}
    result["worker"] = _worker_name()
    result["busy"] = time.perf_counter() - t0
    return result


# --------------------------------------------------------------------------- client side (Dask)


class DaskExecutor:
    """Runs the per-file work on a Dask cluster; results come back to the one writer."""

    def __init__(self, address: Optional[str] = None, *, n_workers: Optional[int] = None,
                 settings: Optional[Settings] = None, ship_bytes: bool = False, memory_limit: Any = "auto",
                 client=None):
        _need_distributed()
        self.address = address
        self.n_workers = n_workers
        self.settings = settings or load_settings()
        self.ship_bytes = ship_bytes
        self.memory_limit = memory_limit
        self.client = client
        self.cluster = None
        self._own_client = client is None
        self.stats = ExecutorStats("dask" if address or client else "dask-local")
        self.killed_resubmits = KILLED_RESUBMITS
        self._nthreads, self._threads_at = 1, 0.0
        self._starts: dict[str, float] = {}
        self._lock = threading.Lock()

    # -- connecting
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def start(self) -> None:
        if self.client is None:
            import dask
            from distributed import Client, LocalCluster

            if self.address:
                try:
                    self.client = Client(self.address, timeout="15s")
                except (OSError, TimeoutError) as exc:
                    raise KehoachError(f"cannot reach the Dask scheduler at {self.address}: {exc}") from None
            else:
                with dask.config.set({"distributed.scheduler.allowed-failures": LOCAL_ALLOWED_FAILURES}):
                    self.cluster = LocalCluster(n_workers=self.n_workers, threads_per_worker=1, processes=True,
                                                memory_limit=self.memory_limit, dashboard_address=":0",
                                                silence_logs=logging.ERROR)
                self.client = Client(self.cluster)
        self.client.subscribe_topic(START_TOPIC, self._on_start)
        try:
            self.stats.allowed_failures = self.client.run_on_scheduler(_allowed_failures)
        except Exception:  # pragma: no cover
            pass
        self.check_workers()

    def check_workers(self) -> None:
        """Every worker must import the same kehoach as this process."""
        import extractor

        try:
            self.client.wait_for_workers(1, timeout=60)
        except TimeoutError:
            raise KehoachError(f"no Dask worker joined the scheduler {self.address or ''} within 60 s: "
                               "start some with: dask worker tcp://HOST:PORT --nthreads 1") from None
        try:
            seen = self.client.run(warm_worker)
        except Exception as exc:
            raise KehoachError(f"the Dask workers cannot run kehoach ({type(exc).__name__}: {exc}); "
                               "install the project on every worker (pip install -e '.[cluster]')") from None
        bad = {w: v["version"] for w, v in seen.items() if v["version"] != extractor.__version__}
        if bad:
            raise KehoachError(f"Dask workers run another kehoach version than this one ({extractor.__version__}): {bad}")

    def close(self) -> None:
        if self.client is not None and self._own_client:
            try:
                self.client.unsubscribe_topic(START_TOPIC)
            except Exception:
                pass
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()
        self.client = self.cluster = None

    def _on_start(self, event) -> None:
        _, msg = event
        with self._lock:
            self._starts[msg["key"]] = msg["at"]

    # -- running
    def _threads(self) -> int:
        """Worker threads in the cluster (asked at most once a second: workers come and go)."""
        now = time.monotonic()
        if now - self._threads_at > 1.0:
            try:
                self._nthreads = max(1, sum(self.client.nthreads().values()))
            except Exception:  # pragma: no cover
                pass
            self._threads_at = now
        return self._nthreads

    def _submit(self, job, run: "_Run", suspect: bool = False) -> None:
        if self.ship_bytes:
            src = run.data.get(job.token)
            if src is None:
                src = run.data[job.token] = self.client.scatter(job.path.read_bytes(), hash=False)
        else:
            src = str(job.path)
        # the file name in the key shows in Dask's dashboard and logs
        key = f"kehoach-extract-{job.token}-{re.sub(r'[^A-Za-z0-9_.-]', '_', job.path.name)[:60]}-{uuid.uuid4().hex[:8]}"
        fut = self.client.submit(dask_extract, src, job.path.name, key, run.kwargs, key=key, pure=False)
        run.inflight[key] = (fut, job)
        if suspect:
            run.suspect = key
        run.ac.add(fut)

    def run(self, batch, jobs: list) -> None:
        if self.client is None:
            self.start()
        t0 = time.perf_counter()
        if batch.progress is not None and batch.task is not None:
            batch.progress.update(batch.task, description=f"ingest ({self.stats.kind}, {len(self.client.nthreads())} workers)")
        run = _Run(jobs, _limits(self.settings))
        try:
            while run.pending or run.suspects or run.inflight:
                window = 2 * self._threads() + 2  # enough queued to keep every thread busy, no more
                while run.pending and len(run.inflight) < window:
                    self._submit(run.pending.popleft(), run)
                # files that were on dying workers: one at a time, like the local pool's solo retries
                if run.suspects and run.suspect not in run.inflight:
                    self._submit(run.suspects.popleft(), run, suspect=True)
                if run.ac.has_ready():
                    for fut in run.ac.next_batch(block=False):
                        self._collect(fut, batch, run)
                else:
                    time.sleep(0.05)
                self._time_limits(batch, run)
                if self.client.status not in ("running", "connecting"):
                    raise KehoachError("lost the Dask scheduler: files stored so far are kept; "
                                       "run the same command again to ingest the rest")
        finally:
            for fut, _ in run.inflight.values():
                fut.cancel()
            self.stats.seconds += time.perf_counter() - t0

    def _collect(self, fut, batch, run: "_Run") -> None:
        from distributed import KilledWorker

        entry = run.inflight.pop(fut.key, None)
        if entry is None:  # cancelled after a time limit
            return
        job = entry[1]
        if job.token in run.done:  # pragma: no cover - defensive: never store a file twice
            return
        self._starts.pop(fut.key, None)
        if fut.status == "finished":
            try:
                result = fut.result()
            except Exception as exc:  # could not unpickle the result
                result = {"error": f"lỗi chương trình / internal error: {type(exc).__name__}: {exc}"}
        elif fut.status in ("cancelled", "lost") and job.lost < 3:
            # the scheduler forgot it (restart, reconnect), or the worker holding its result died
            # before the result was fetched: send it again
            job.lost += 1
            self.stats.resubmitted += 1
            self._submit(job, run)
            return
        else:
            exc = fut.exception() if fut.status == "error" else None
            if isinstance(exc, KilledWorker):
                self.stats.killed += 1
                job.crashes += 1
                if job.crashes <= self.killed_resubmits:
                    self.stats.resubmitted += 1
                    run.suspects.append(job)
                    return
                af = self.stats.allowed_failures
                result = {"error": WORKER_CRASHED.format(n=job.crashes * (af + 1) if af is not None else "several")}
            else:
                result = {"error": f"lỗi chương trình / internal error: {type(exc).__name__ if exc else fut.status}: {exc}"}
        run.done.add(job.token)
        run.data.pop(job.token, None)
        worker = result.pop("worker", None)
        busy = result.pop("busy", 0.0)
        batch.finish(job, result)
        if worker:
            stats = self.stats.workers.setdefault(worker, WorkerStats())
            stats.add(result.get("pages") or (1 if "docs" in result else 0), busy, time.time())

    def _time_limits(self, batch, run: "_Run") -> None:
        """A file running longer than the limit fails; its worker is restarted (threads cannot be stopped)."""
        limit = self.settings.time_limit
        now = time.time()
        with self._lock:
            late = [k for k, at in self._starts.items() if now - at > limit and k in run.inflight]
        if not late:
            return
        from .ingest import TIME_LIMIT

        busy_on = {}
        try:
            for addr, keys in self.client.processing().items():
                for k in keys:
                    busy_on[k] = addr
        except Exception:  # pragma: no cover
            pass
        restart = set()
        for key in late:
            fut, job = run.inflight.pop(key)
            self._starts.pop(key, None)
            fut.cancel()
            run.done.add(job.token)
            run.data.pop(job.token, None)
            self.stats.time_limited += 1
            batch.fail(job.path, job.info, f"{TIME_LIMIT}: reading and extracting took over {limit:g} s (KEHOACH_TIME_LIMIT)")
            if key in busy_on:
                restart.add(busy_on[key])
        if restart:
            # a thread cannot be stopped: end the worker process, and its nanny starts a fresh one
            # (without waiting: the batch goes on meanwhile; its other files are re-run elsewhere)
            try:
                self.client.run(_exit_worker, workers=sorted(restart), wait=False)
            except Exception as exc:  # pragma: no cover
                logging.getLogger(__name__).warning("could not restart Dask worker(s) %s: %s", sorted(restart), exc)


class _Run:
    """The state of one batch on the cluster."""

    def __init__(self, jobs: list, kwargs: dict):
        from distributed import as_completed

        self.pending = deque(jobs)
        self.suspects: deque = deque()  # got KilledWorker: sent again one at a time
        self.suspect: Optional[str] = None  # the key of the suspect in flight
        self.inflight: dict[str, tuple[Any, Any]] = {}  # key -> (future, job)
        self.data: dict[int, Any] = {}  # token -> scattered bytes (ship_bytes)
        self.done: set[int] = set()
        self.kwargs = kwargs
        self.ac = as_completed()
        for job in jobs:
            job.lost = 0


async def _exit_worker() -> None:  # pragma: no cover - runs on the worker (a coroutine: run(wait=False))
    os._exit(75)


def _allowed_failures(dask_scheduler=None) -> Optional[int]:
    return getattr(dask_scheduler, "allowed_failures", None)
