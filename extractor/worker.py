"""The per-file work of a batch: read and extract one file, in a pool worker or here.

    result = extract_file("plans/65-KH.pdf", max_bytes, max_pages, ocr)   # never raises
    result["docs"] | result["error"]

A pool worker (``_init_worker``) ignores Ctrl-C (the batch handles it), caps its
own memory (``limit_memory``: RLIMIT_AS, so a file needing more gives the failed
row "file too large to read within N MB") and ends itself when the batch process
is gone (``_die_with``): its parent is the forkserver, which only exits once
every worker has, so without the watch a ``kill -9`` of the batch left the
forkserver and the workers running.  ``extractor.ingest`` re-exports
``extract_file`` and the messages.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import traceback
from typing import Any, Optional

from .errors import KehoachError
from .settings import Settings, load_settings

# Messages are "Vietnamese / English", like the readers' (extractor.read).
FILE_DISAPPEARED = "tệp đã bị xoá hoặc chuyển đi / file disappeared"
TIME_LIMIT = "quá thời gian / time limit"
NO_PLAN = "no plan found"

_START_QUEUE = None  # set in pool workers: (job token, start time) is put here when a file starts
_MEMORY_MB = 0  # set in pool workers: their address-space limit


def _init_worker(start_queue, main_pid: Optional[int] = None, memory_mb: int = 0) -> None:  # pragma: no cover
    """Runs first in every pool worker (its parent is the forkserver, not the batch)."""
    global _START_QUEUE, _MEMORY_MB
    _START_QUEUE = start_queue
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is handled by the main process
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if main_pid:
        _die_with(main_pid)
    if memory_mb:
        _MEMORY_MB = memory_mb
        limit_memory(memory_mb)


def limit_memory(memory_mb: int) -> None:
    """Cap this process's address space (RLIMIT_AS): past it allocations raise MemoryError."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = memory_mb * 1024 * 1024
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (ImportError, ValueError, OSError):  # pragma: no cover - not on this platform
        pass


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            state = fh.read().rsplit(b")", 1)[1].split()[0]
        return state not in (b"Z", b"X")  # a zombie is a dead batch not yet reaped
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
            return True
        except ProcessLookupError:
            return False
        except PermissionError:
            return True


def _die_with(main_pid: int, every: float = 0.5) -> None:
    """End this worker when the batch process is gone (killed with -9, say).

    A pool worker's parent is the forkserver, which itself only exits when every
    worker has gone, so neither would ever notice on its own: a daemon thread
    watches the batch's pid."""

    def watch() -> None:
        while _alive(main_pid):
            time.sleep(every)
        os._exit(1)

    threading.Thread(target=watch, name="kehoach-parent-watch", daemon=True).start()


def _too_large(memory_mb: int) -> str:
    return (f"tệp quá lớn để đọc / file too large to read within {memory_mb} MB of memory "
            "(setting KEHOACH_MAX_MEMORY_MB)")


def extract_file(path: str, max_bytes: int, max_pages: int, ocr: bool, token: Any = None,
                 max_chars: Optional[int] = None, prepare: bool = False) -> dict:
    """Read and extract one file; never raises.

    ``max_chars`` (default ``Settings.max_chars``) caps the characters read.  With
    ``prepare`` the documents come back as the store's rows (``store.prepare_document``:
    folded, serialised), so that the one writer process only inserts them.
    Returns ``{"docs": [...], "format", "encoding", "ocr", "pages", "warnings",
    "seconds_read", "seconds_extract"}`` or ``{"error": message}``."""
    if _START_QUEUE is not None and token is not None:
        try:
            _START_QUEUE.put((token, time.time()))
        except Exception:  # pragma: no cover
            pass
    try:
        from extractor.pipeline import extract_raw
        from extractor.read import read_file

        if max_chars is None:
            max_chars = load_settings().max_chars
        t0 = time.perf_counter()
        raw = read_file(path, max_bytes=max_bytes, max_pages=max_pages, ocr=ocr, max_chars=max_chars)
        t1 = time.perf_counter()
        docs = extract_raw(raw)
        t2 = time.perf_counter()
    except (KehoachError, _TimeLimit) as exc:
        return {"error": str(exc) or type(exc).__name__}
    except FileNotFoundError:
        return {"error": FILE_DISAPPEARED}
    except MemoryError:
        if _MEMORY_MB:
            return {"error": _too_large(_MEMORY_MB)}
        return {"error": "hết bộ nhớ / out of memory while reading the file"}
    except Exception as exc:  # a bug: keep the batch going, say where
        tb = traceback.extract_tb(exc.__traceback__)
        where = f" ({tb[-1].filename.rsplit('/', 1)[-1]}:{tb[-1].lineno})" if tb else ""
        return {"error": f"lỗi chương trình / internal error: {type(exc).__name__}: {exc}{where}"}
    warnings = list(raw.warnings or [])
    if not docs:
        warnings.append("no plan found: the pipeline found no document in this file")
    elif all(d.meta.doc_type is None for d in docs):
        if any(d.records for d in docs):  # a portal article or a relayed plan: its figures are kept
            warnings.append("không nhận ra loại văn bản / no document type recognised (records kept)")
        else:
            warnings.append("no plan found: no document type recognised")
    result = {
        "docs": docs,
        "format": raw.format,
        "encoding": raw.encoding,
        "ocr": raw.ocr or any(d.ocr for d in docs),
        "pages": raw.pages,
        "warnings": warnings,
        "seconds_read": round(t1 - t0, 4),
        "seconds_extract": round(t2 - t1, 4),
    }
    if prepare:
        try:
            from extractor.store import prepare_document

            result["docs"] = [prepare_document(d) for d in docs]
        except MemoryError:
            return {"error": _too_large(_MEMORY_MB) if _MEMORY_MB else "hết bộ nhớ / out of memory"}
        except Exception as exc:  # a bug: keep the batch going
            return {"error": f"lỗi chương trình / internal error: {type(exc).__name__}: {exc} (preparing rows)"}
    return result


class _TimeLimit(BaseException):
    """Raised by SIGALRM in ``_extract_here``; a BaseException so that readers'
    ``except Exception`` blocks do not swallow it."""


def _extract_here(path: str, settings: Settings) -> dict:
    """``extract_file`` in this process, with the time limit (SIGALRM) when possible."""
    use_alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    if not use_alarm:
        return extract_file(path, settings.max_bytes, settings.max_pages, settings.ocr, max_chars=settings.max_chars)

    def on_alarm(signum, frame):
        raise _TimeLimit(TIME_LIMIT)

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, settings.time_limit)
    try:
        result = extract_file(path, settings.max_bytes, settings.max_pages, settings.ocr, max_chars=settings.max_chars)
    except _TimeLimit:  # raised outside extract_file's own try
        result = {"error": TIME_LIMIT}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    if result.get("error") == TIME_LIMIT:
        result["error"] = f"{TIME_LIMIT}: reading and extracting took over {settings.time_limit:g} s (KEHOACH_TIME_LIMIT)"
    return result
