"""Write transactions that wait for each other: ``write_transaction(db)``.

Several processes write to one database: two ``kehoach ingest`` runs, ``kehoach
check``, the review page.  Each write transaction starts with ``BEGIN
IMMEDIATE``, which takes the write lock before anything is read.  (A deferred
transaction that reads and then writes fails at once with "database is locked"
in WAL mode when another process committed in between; the busy timeout never
applies.)  The lock is tried in short attempts for up to ``write_wait`` seconds
(``KEHOACH_WRITE_WAIT``), with a message after a few seconds, then
:class:`DatabaseBusy`.

sqlite-utils' writes (``insert``, ``upsert``, ``update``, ``query``, ``atomic``)
see the open transaction and nest inside it as savepoints, so they can be used
freely in the block.  ``extractor.store`` re-exports everything here.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import time
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional, Union

if TYPE_CHECKING:  # sqlite_utils pulls in numpy: not imported just to name a type
    import sqlite_utils

from .errors import KehoachError

WAIT_MESSAGE = "waiting for another kehoach process to finish writing"
WAIT_MESSAGE_AFTER = 3.0  # seconds of waiting before saying so
_ATTEMPT_MS = 250  # busy timeout of one BEGIN IMMEDIATE attempt


class DatabaseBusy(KehoachError):
    """Another process held the write lock for longer than ``write_wait`` seconds."""


def _default_wait() -> float:
    from .settings import load_settings

    return load_settings().write_wait


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    msg = str(exc).lower()
    return "locked" in msg or "busy" in msg


def _begin_immediate(conn: sqlite3.Connection, wait: Optional[float], notify: Callable[[str], None]) -> None:
    """``BEGIN IMMEDIATE``, retried in short attempts for up to ``wait`` seconds
    (``None``: ``Settings.write_wait``, read only when the lock is not free at once)."""
    (old_timeout,) = conn.execute("PRAGMA busy_timeout").fetchone()
    conn.execute(f"PRAGMA busy_timeout = {_ATTEMPT_MS}")
    start = time.monotonic()
    told = False
    try:
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc):
                    raise
            if wait is None:
                wait = _default_wait()
            waited = time.monotonic() - start
            if waited >= wait:
                raise DatabaseBusy(
                    f"cơ sở dữ liệu đang bận / database busy: another process has been writing for over "
                    f"{wait:g} s (setting KEHOACH_WRITE_WAIT); try again later"
                )
            if not told and waited >= WAIT_MESSAGE_AFTER:
                told = True
                notify(f"{WAIT_MESSAGE} ...")
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(old_timeout)}")


def _stderr(message: str) -> None:
    print(f"kehoach: {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def write_transaction(
    db: Union[sqlite_utils.Database, sqlite3.Connection],
    *,
    wait: Optional[float] = None,
    notify: Optional[Callable[[str], None]] = None,
) -> Iterator[Any]:
    """One write transaction, started with ``BEGIN IMMEDIATE``; commit on success,
    roll back on any exception (KeyboardInterrupt included).

    ``db`` is a sqlite-utils Database or a plain sqlite3 connection; it is what
    the ``with`` gives back.  ``wait``: seconds to wait for another writer
    (default ``Settings.write_wait``), then :class:`DatabaseBusy`.  ``notify``
    receives the "waiting for another kehoach process" message (default:
    printed on stderr).  Inside an open transaction it nests as a savepoint."""
    conn: sqlite3.Connection = getattr(db, "conn", db)
    if conn.in_transaction:
        name = f"kehoach_{os.urandom(8).hex()}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield db
        except BaseException:
            if conn.in_transaction:
                conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        else:
            conn.execute(f"RELEASE SAVEPOINT {name}")
        return
    _begin_immediate(conn, wait, notify or _stderr)
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        try:
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
