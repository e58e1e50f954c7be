"""The local process pool of a batch: run ``extract_file`` for each job, hand results back.

    PoolRun(batch, jobs, workers).run()     # batch.finish(job, result) / batch.fail(...)

Workers come from a forkserver preloaded with ``extractor.warm``; each is
replaced after ``max_tasks_per_child`` files.  Up to ``IN_FLIGHT`` files per
worker are submitted at once, so that a worker starts its next file while this
process stores the last one (one file in flight made the two wait for each other).
Workers started by the ``kehoach`` console script do not run that script again
(``_skip_main_reimport``): it would only import the CLI.  A file over the time limit (since
its worker said it started, or since it was submitted plus a minute's grace)
gets its pool killed and a failed row; a worker that crashes makes its files be
retried one at a time ("solo") so that the culprit, crashing again, fails alone
while the innocent files are started again.  ProcessPoolExecutor has no public
way to stop a running task, so stopping means killing the workers
(``stop_pool``), never a ``shutdown(wait=True)`` on a broken pool.  A signal
(``batch.check_stop``) or a bug kills the workers before it propagates.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from .worker import TIME_LIMIT, _init_worker, extract_file

IN_FLIGHT = 2  # files submitted per worker: one running, one queued behind it

CRASHED = ("chương trình đọc bị dừng đột ngột / the reader crashed "
           "(out of memory or a fault in a library); the file may be damaged")


class PoolRun:
    def __init__(self, batch: Any, jobs: list, workers: int):
        self.batch = batch
        self.s = batch.settings
        self.workers = workers
        methods = multiprocessing.get_all_start_methods()
        self.ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
        if self.ctx.get_start_method() == "forkserver":
            self.ctx.set_forkserver_preload(["extractor.warm"])
        _skip_main_reimport()
        self.starts = None  # a fresh queue per pool: a killed worker may have held the old one's lock
        self.pending: deque = deque(jobs)
        self.solo: deque = deque()  # crashed once: retried alone, to find the culprit
        self.inflight: dict[Future, Any] = {}
        self.started: dict[int, float] = {}
        self.submitted: dict[int, float] = {}
        self.pool = self._new_pool()

    # -- the pool
    def _new_pool(self) -> ProcessPoolExecutor:
        self._close_starts()
        self.starts = self.ctx.Queue()
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=self.ctx,
            max_tasks_per_child=self.s.max_tasks_per_child,
            initializer=_init_worker,
            initargs=(self.starts, os.getpid(), self.s.max_memory_mb),
        )

    def _close_starts(self) -> None:
        if self.starts is not None:
            self.starts.close()
            self.starts.cancel_join_thread()

    def _kill_pool(self) -> None:
        stop_pool(self.pool)
        self.pool = self._new_pool()

    def _submit(self, job) -> bool:
        s = self.s
        try:
            fut = self.pool.submit(extract_file, str(job.path), s.max_bytes, s.max_pages, s.ocr, job.token,
                                   s.max_chars, True)  # prepared rows: this process only inserts
        except BrokenProcessPool:
            # a worker died since the last look: its futures will say which files it held
            (self.solo if job.crashes else self.pending).appendleft(job)
            if not self.inflight:
                self._kill_pool()
            return False
        self.inflight[fut] = job
        self.submitted[job.token] = time.time()
        return True

    # -- the loop
    def run(self) -> None:
        try:
            while self.pending or self.solo or self.inflight:
                self.batch.check_stop()
                self._fill()
                done, _ = wait(list(self.inflight), timeout=0.2, return_when=FIRST_COMPLETED)
                self._drain_starts()
                self.batch.check_stop()  # a signal also kills the workers: not a crash
                broken = self._collect(done)
                late = self._late()
                if late or broken:
                    self._recover(late, broken)
        except BaseException:  # a signal or a bug: do not leave workers running
            stop_pool(self.pool)
            raise
        else:
            self.pool.shutdown(wait=True, cancel_futures=True)  # every task is done: it winds down at once
        finally:
            # the pool has wound down (or been killed) before the queue its workers hold is
            # closed (closing first made a replacement worker fail to start, with a traceback)
            self._close_starts()

    def _fill(self) -> None:
        if self.solo:
            if not self.inflight:
                self._submit(self.solo.popleft())
            return
        while self.pending and len(self.inflight) < self.workers * IN_FLIGHT:
            if not self._submit(self.pending.popleft()):
                break

    def _drain_starts(self) -> None:
        while True:
            try:
                token, at = self.starts.get_nowait()
            except (queue.Empty, OSError, EOFError):
                break
            self.started[token] = at

    def _collect(self, done) -> list:
        """Hand finished results to the batch; return the jobs whose worker died."""
        broken = []
        for fut in done:
            job = self.inflight.pop(fut)
            try:
                result = fut.result()
            except BrokenProcessPool:
                broken.append(job)
                continue
            except Exception as exc:  # pickling problems and the like
                result = {"error": f"lỗi chương trình / internal error: {type(exc).__name__}: {exc}"}
            self.batch.finish(job, result)
        return broken

    def _late(self) -> list:
        """Files over the limit since they started (or, if the start was never seen,
        since they were submitted plus the time of the file queued ahead of them and a
        grace for starting a worker)."""
        now, limit = time.time(), self.s.time_limit
        return [
            job for job in self.inflight.values()
            if (job.token in self.started and now - self.started[job.token] > limit)
            or (job.token not in self.started and now - self.submitted[job.token] > IN_FLIGHT * limit + 60)
        ]

    def _recover(self, late: list, broken: list) -> None:
        """Kill the pool; fail the late files and the repeat crashers; start the others again."""
        late_ids = {id(job) for job in late}
        others = [job for job in self.inflight.values() if id(job) not in late_ids]
        self.inflight.clear()
        self._kill_pool()
        limit = self.s.time_limit
        for job in late:
            self.batch.fail(job.path, job.info,
                            f"{TIME_LIMIT}: reading and extracting took over {limit:g} s (KEHOACH_TIME_LIMIT)")
        for job in broken:
            job.crashes += 1
            # one worker: the file it had started is the culprit (a file queued behind it is
            # retried alone, in case the start was not seen)
            if job.crashes >= 2 or (self.workers == 1 and not late and job.token in self.started):
                self.batch.fail(job.path, job.info, CRASHED)
            else:
                self.solo.append(job)
        # innocent files that were running: start them again
        for job in others:
            self.started.pop(job.token, None)
            (self.solo if job.crashes else self.pending).appendleft(job)


def _skip_main_reimport() -> None:
    """Workers started from the ``kehoach`` console script would run it again as
    ``__mp_main__`` (multiprocessing re-imports a main *script* by path in every child):
    that imports the CLI for nothing.  Naming the script's module ``….__main__`` makes
    multiprocessing skip it, as it does for ``python -m extractor``.  Any other main
    script (a test's wrapper that patches the pipeline, say) is still run in the workers."""
    import sys
    from importlib.machinery import ModuleSpec

    main = sys.modules.get("__main__")
    path = getattr(main, "__file__", None) or ""
    if main is None or getattr(main, "__spec__", None) is not None:
        return
    if os.path.basename(path) not in ("kehoach", "kehoach-script.py"):
        return
    cli = sys.modules.get("extractor.cli")
    if cli is not None and getattr(main, "app", None) is getattr(cli, "app", object()):
        main.__spec__ = ModuleSpec("extractor.__main__", None)


def stop_pool(pool: ProcessPoolExecutor, grace: float = 5.0) -> None:
    """Kill a pool's workers and let it go, never waiting unboundedly.

    ProcessPoolExecutor has no public way to stop a running task, and
    ``shutdown(wait=True)`` on a pool whose workers were killed could hang."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for proc in procs:
        try:
            proc.kill()
        except Exception:  # pragma: no cover
            pass
    for proc in procs:
        try:
            proc.join(grace)
        except Exception:  # pragma: no cover
            pass
    pool.shutdown(wait=False, cancel_futures=True)
    manager = getattr(pool, "_executor_manager_thread", None)
    if manager is not None and manager.is_alive():
        manager.join(grace)
