"""Batch ingestion: files and folders in, rows in the SQLite store out.

    from extractor.ingest import ingest_paths
    summary = ingest_paths(["plans/"], db="output/kehoach.db", workers=2)
    summary.exit_code        # 0 when every file was ingested or unchanged, 2 when some failed,
                             # 130 / 143 when SIGINT / SIGTERM stopped the batch

Steps
-----
1. ``collect``: files and folders (recursive; hidden files and folders,
   ``*.db`` files and Office lock files ``~$*`` are skipped; a symbolic link is
   followed only when it leads inside the folders given, the others get a
   ``skipped`` row saying why).
2. Plan (main process): each file is checked (type, empty, size limit) and
   hashed (sha256).  A file whose content is already stored is ``skipped``
   ("unchanged") without being read.  Checks that fail give a ``failed`` row.
3. Extract: ``read_file`` + ``extract_raw`` for the rest (``extractor.worker``),
   in a process pool (``extractor.pool``; ``workers`` >= 1; each worker is replaced after ``max_tasks_per_child`` files
   so memory stays flat) or in this process (``workers`` = 0).  When the number of
   workers was not chosen (no ``--workers``, no ``KEHOACH_WORKERS``), a small batch
   (``small_batch``: at most ``SMALL_BATCH_FILES`` files and ``SMALL_BATCH_BYTES``)
   runs in this process: starting a pool would cost more than the batch (the time
   limit still applies; the per-worker memory cap does not).  Each file has a
   time limit (``Settings.time_limit``): a worker over it is killed and the file
   gets a ``failed`` row "time limit"; a worker that crashes is retried alone
   once, then the file fails.
4. Store: ONE writer (this process) stores each file in one transaction
   (``store.store_documents``).  Killed at any point, a rerun picks up where the
   batch stopped: stored files are unchanged, nothing is half-written.

One bad file never stops the batch.  A file with no recognisable plan (an
English memo, say) is stored as ``ok`` with whatever documents the pipeline
returns (``doc_type`` null) and a warning in ``sources.warnings``
("no plan found ..."); the batch summary lists it.

Signals: SIGINT (Ctrl-C) and SIGTERM stop the batch at once, or, when a file's
transaction is open, right after it commits; the workers are killed (never a
``shutdown(wait=True)`` on a broken pool), no file gets a failed row for it, and
``summary.interrupted`` names the signal.  Several batches, ``check`` and the
review page may write to one database at the same time: every write is a
``store.write_transaction`` (``BEGIN IMMEDIATE``, bounded wait).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Optional, Union

from . import store

if TYPE_CHECKING:
    import sqlite_utils

from .settings import Settings, load_settings
from .worker import (  # noqa: F401  (re-exported: extractor.executors, tests)
    FILE_DISAPPEARED,
    NO_PLAN,
    TIME_LIMIT,
    _extract_here,
    _init_worker,
    _TimeLimit,
    extract_file,
    limit_memory,
)

# a batch this small runs in this process unless a number of workers was chosen
SMALL_BATCH_FILES = 24
SMALL_BATCH_BYTES = 16_000_000

SUPPORTED_SUFFIXES = (".txt", ".docx", ".doc", ".pdf", ".html", ".htm")
SKIPPED_SUFFIXES = (".db", ".db-wal", ".db-shm", ".db-journal", ".sqlite", ".sqlite3")

# Messages are "Vietnamese / English", like the readers' (extractor.read).
FILE_NOT_FOUND = "không tìm thấy tệp / file not found"
UNCHANGED = "không đổi / unchanged"
OUTSIDE_LINK = "liên kết ra ngoài thư mục / symbolic link to {target}, outside the folders given: not followed"


@dataclass
class FileResult:
    path: str
    status: str  # ok | skipped | failed
    error: Optional[str] = None
    source_id: Optional[int] = None
    documents: int = 0
    pages: int = 0
    warnings: list[str] = field(default_factory=list)
    ocr: bool = False  # some of the text came from OCR (a scanned page)


@dataclass
class IngestSummary:
    results: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0
    files: int = 0  # files found; more than len(results) when the batch was interrupted
    interrupted: Optional[str] = None  # "SIGINT" / "SIGTERM" when a signal stopped the batch

    def _with(self, status: str) -> list[FileResult]:
        return [r for r in self.results if r.status == status]

    @property
    def ingested(self) -> list[FileResult]:
        return self._with("ok")

    @property
    def unchanged(self) -> list[FileResult]:
        return [r for r in self._with("skipped") if (r.error or "").startswith(UNCHANGED)]

    @property
    def skipped(self) -> list[FileResult]:
        """Skipped for another reason than being unchanged (a link leading outside the folders)."""
        return [r for r in self._with("skipped") if not (r.error or "").startswith(UNCHANGED)]

    @property
    def failed(self) -> list[FileResult]:
        return self._with("failed")

    @property
    def no_plan(self) -> list[FileResult]:
        """Stored files in which no plan was recognised (see ``sources.warnings``)."""
        return [r for r in self.ingested if any(w.startswith(NO_PLAN) for w in r.warnings)]

    @property
    def not_done(self) -> int:
        return max(self.files - len(self.results), 0)

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 143 if self.interrupted == "SIGTERM" else 130
        return 2 if self.failed else 0


# --------------------------------------------------------------------------- collecting


def _skip_name(name: str) -> bool:
    low = name.lower()
    return name.startswith(".") or name.startswith("~$") or low.endswith(SKIPPED_SUFFIXES)


def collect_files(paths: Iterable[Union[str, Path]]) -> list[Path]:
    """The files to ingest, in order, without duplicates (see ``collect``)."""
    return collect(paths)[0]


def collect(paths: Iterable[Union[str, Path]]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The files to ingest, in order, without duplicates, and the links not followed.

    Folders are walked recursively (sorted; hidden entries, databases and Office
    lock files skipped).  A symbolic link inside a folder is followed only when it
    leads inside one of the folders given; the others are returned as
    ``(link, reason)``.  A file named explicitly is kept whatever its name; a
    path that does not exist is kept too (it becomes a failed row)."""
    paths = list(paths)
    out: list[Path] = []
    seen: set[Path] = set()
    rejected: list[tuple[Path, str]] = []
    roots = [Path(p).resolve() for p in paths if Path(p).is_dir()]

    def inside(target: Path) -> bool:
        return any(target == r or target.is_relative_to(r) for r in roots)

    def outside_link(link: Path) -> bool:
        if not link.is_symlink():
            return False
        target = link.resolve()
        if inside(target):
            return False
        rejected.append((link.absolute(), OUTSIDE_LINK.format(target=target)))
        return True

    def add(p: Path) -> None:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            out.append(key)

    for given in paths:
        p = Path(given)
        if p.is_dir():
            found = []
            for root, dirs, files in os.walk(p):
                # a linked folder is not entered: one inside the folders given is walked anyway
                dirs[:] = [d for d in sorted(dirs) if not d.startswith(".")
                           and not outside_link(Path(root) / d) and not (Path(root) / d).is_symlink()]
                found.extend(Path(root) / name for name in files
                             if not _skip_name(name) and not outside_link(Path(root) / name))
            for f in sorted(found):
                add(f)
        else:
            add(p)
    return out, rejected


def sha256_file(path: Union[str, Path], chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def _mb(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB"


# the per-file work (worker side) is in extractor.worker; the display in extractor.ingest_display


# --------------------------------------------------------------------------- the batch


@dataclass
class _Job:
    path: Path
    info: dict
    token: int
    crashes: int = 0


class Interrupted(BaseException):
    """A signal (SIGINT, SIGTERM) stopped the batch; ``args[0]`` is its name."""


class _Batch:
    def __init__(self, db: sqlite_utils.Database, settings: Settings, progress=None):
        self.db = db
        self.settings = settings
        self.summary = IngestSummary()
        self.progress = progress
        self.task = None
        self.pages = 0
        self.stop: Optional[str] = None  # the signal that asked the batch to stop

    # -- interruption
    def on_signal(self, signum, frame) -> None:
        """SIGINT / SIGTERM: stop now, unless a transaction is open; then stop right after it
        (``check_stop``), so that a file is never half-written nor given a failed row."""
        again = self.stop is not None
        self.stop = self.stop or signal.Signals(signum).name
        if self.db.conn.in_transaction and not again:
            return
        raise Interrupted(self.stop)

    def check_stop(self) -> None:
        if self.stop:
            raise Interrupted(self.stop)

    # -- bookkeeping
    def _advance(self, result: FileResult) -> None:
        self.summary.results.append(result)
        self.pages += result.pages or (1 if result.status == "ok" else 0)  # a text file counts as a page
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, advance=1, pages=self.pages)
        self.check_stop()

    def fail(self, path: Path, info: dict, error: str) -> None:
        sid = store.record_failure(self.db, info, error)
        self._advance(FileResult(str(path), "failed", error, sid))

    def skip(self, path: Path, info: dict, reason: str, duplicate_of: Optional[int]) -> None:
        sid = store.record_skipped(self.db, info, reason, duplicate_of)
        self._advance(FileResult(str(path), "skipped", reason, sid))

    # -- step 2
    def plan(self, files: list[Path]) -> list[_Job]:
        jobs: list[_Job] = []
        dups: list[tuple[Path, dict, Path]] = []
        batch_sha: dict[str, Path] = {}
        s = self.settings
        for path in files:
            self.check_stop()
            info: dict[str, Any] = {"path": str(path), "name": path.name, "format": path.suffix.lower().lstrip(".") or None}
            try:
                st = path.stat()
                info["size"] = st.st_size
                if not path.is_file():
                    self.fail(path, info, "không phải tệp / not a regular file")
                    continue
                if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                    self.fail(path, info, f"loại tệp không hỗ trợ / unsupported file type {path.suffix or '(no extension)'!r}: "
                              f"kehoach reads {' '.join(SUPPORTED_SUFFIXES)}")
                    continue
                if st.st_size == 0:
                    self.fail(path, info, "tệp rỗng / empty file (0 bytes)")
                    continue
                if st.st_size > s.max_bytes:
                    self.fail(path, info, f"tệp quá lớn / file too large: {_mb(st.st_size)}, over the limit of {_mb(s.max_bytes)} "
                              "(setting KEHOACH_MAX_BYTES)")
                    continue
                info["sha256"] = sha256_file(path)
            except FileNotFoundError:
                self.fail(path, info, FILE_DISAPPEARED if info.get("size") is not None else FILE_NOT_FOUND)
                continue
            except PermissionError:
                self.fail(path, info, "không có quyền đọc tệp / permission denied")
                continue
            except OSError as exc:
                self.fail(path, info, f"không đọc được tệp / cannot read the file: {exc.strerror or exc}")
                continue
            existing = store.current_source(self.db, info["sha256"])
            if existing:
                reason = UNCHANGED if existing["path"] == str(path) else f"{UNCHANGED}: same content as {existing['path']}"
                self.skip(path, info, reason, existing["id"])
                continue
            if info["sha256"] in batch_sha:
                dups.append((path, info, batch_sha[info["sha256"]]))
                continue
            batch_sha[info["sha256"]] = path
            jobs.append(_Job(path, info, token=len(jobs)))
        self._dups = dups
        return jobs

    def finish_dups(self) -> None:
        for path, info, first in self._dups:
            existing = store.current_source(self.db, info["sha256"])
            if existing:
                self.skip(path, info, f"{UNCHANGED}: same content as {first}", existing["id"])
            else:
                self.fail(path, info, f"giống tệp lỗi / same content as {first}, which failed")

    # -- step 4
    def finish(self, job: _Job, result: dict) -> None:
        path, info = job.path, dict(job.info)
        if "error" in result:
            error = result["error"]
            if not path.exists():
                error = FILE_DISAPPEARED
            self.fail(path, info, error)
            return
        info.update({k: result.get(k) for k in ("format", "encoding", "ocr", "pages", "warnings",
                                                "seconds_read", "seconds_extract")})
        done = FileResult(str(path), "ok", None, None, len(result["docs"]), result.get("pages") or 0,
                          list(result.get("warnings") or []), bool(result.get("ocr")))
        try:
            done.source_id = store.store_documents(self.db, info, result["docs"])
        except Exception as exc:  # the transaction rolled back; record why
            self.fail(path, info, f"không lưu được / could not store the documents: {type(exc).__name__}: {exc}")
            return
        except Interrupted:  # between the commit and here: the file is stored, say so
            stored = store.current_source(self.db, info.get("sha256"))
            if stored and stored["path"] == str(path):
                done.source_id = stored["id"]
                self.summary.results.append(done)
            raise
        self._advance(done)

    # -- step 3
    def run_here(self, jobs: list[_Job]) -> None:
        for job in jobs:
            self.check_stop()
            self.finish(job, _extract_here(str(job.path), self.settings))

    def run_pool(self, jobs: list[_Job], workers: int) -> None:
        from .pool import PoolRun

        PoolRun(self, jobs, workers).run()


def ingest_paths(
    paths: Iterable[Union[str, Path]],
    *,
    db: Union[sqlite_utils.Database, str, Path, None] = None,
    settings: Optional[Settings] = None,
    workers: Optional[int] = None,
    progress: Any = None,
    executor: Any = None,
) -> IngestSummary:
    """Ingest files and folders into the store; return what happened to each file.

    ``db``: a database or its path (default ``Settings.db``).  ``workers``: extraction
    processes (default ``Settings.workers``; 0 runs in this process).  ``progress``:
    a ``rich.progress.Progress`` to advance, or None.  ``executor``: where the
    per-file work runs instead of the local pool (``extractor.executors``, e.g. a
    Dask cluster); its ``run(batch, jobs)`` hands every result to ``batch.finish``."""
    t0 = time.perf_counter()
    settings = settings or load_settings()
    chosen = workers is not None or "workers" in settings.model_fields_set
    workers = settings.workers if workers is None else workers
    if not isinstance(db, store.sqlite_utils_module().Database):
        db = store.open_db(db or settings.db)
    batch = _Batch(db, settings, progress)
    files, links = collect(paths)
    batch.summary.files = len(files) + len(links)
    if progress is not None:
        batch.task = progress.add_task("ingest", total=batch.summary.files, pages=0)
    with _signals(batch.on_signal):
        try:
            for link, reason in links:
                batch.skip(link, {"path": str(link), "name": link.name}, reason, None)
            jobs = batch.plan(files)
            if jobs:
                if executor is not None:
                    executor.run(batch, jobs)
                elif workers <= 0 or (not chosen and small_batch(jobs)):
                    batch.run_here(jobs)
                else:
                    batch.run_pool(jobs, min(workers, len(jobs)))
            batch.finish_dups()
        except Interrupted as stop:
            batch.summary.interrupted = str(stop.args[0]) if stop.args else "SIGINT"
    batch.summary.seconds = time.perf_counter() - t0
    return batch.summary


def small_batch(jobs: list) -> bool:
    """Few and small enough files that a process pool would cost more than it saves."""
    return (len(jobs) <= SMALL_BATCH_FILES
            and sum(job.info.get("size") or 0 for job in jobs) <= SMALL_BATCH_BYTES)


@contextlib.contextmanager
def _signals(handler):
    """SIGINT and SIGTERM go to ``handler`` for the duration (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    old = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, h in old.items():
            signal.signal(sig, h)


from .ingest_display import make_progress, print_summary  # noqa: E402  (re-exported)
