"""Opening the database: ``open_db`` (WAL mode, schema brought up to date) and
``sqlite_utils_module`` (sqlite-utils without numpy)."""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Union

from ..errors import KehoachError
from .migrations import ensure_schema

if TYPE_CHECKING:  # sqlite_utils pulls in numpy: not imported just to name a type
    import sqlite_utils

DEFAULT_DB = "output/kehoach.db"


def default_db_path() -> str:
    return os.environ.get("KEHOACH_DB") or DEFAULT_DB


def open_db(path: Union[str, Path, None] = None, *, must_exist: bool = False) -> sqlite_utils.Database:
    """Open (creating it and its folder) the database at ``path``.

    ``path`` defaults to ``$KEHOACH_DB`` or ``output/kehoach.db``.  The database
    is put in WAL mode (readers do not block the single writer) and brought up
    to the current schema.  With ``must_exist`` a missing file is an error
    instead of being created.
    """
    path = Path(path or default_db_path())
    if path.exists() and path.is_dir():
        raise KehoachError(f"{path} is a folder, not a database file")
    if not path.exists():
        if must_exist:
            raise KehoachError(f"no database at {path}: run `kehoach ingest FILES --db {path}` first")
        path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils_module().Database(path)
    db.execute("PRAGMA busy_timeout = 30000")
    # Two processes opening a new database at once race to switch it to WAL and to create
    # the schema; SQLite can answer "locked" at once there (its busy handler is not called
    # for a lock upgrade), so that step is retried, a bounded number of times.
    for attempt in range(40):
        try:
            db.enable_wal()
            ensure_schema(db)
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or attempt == 39:
                raise
            time.sleep(0.05 + 0.05 * attempt)
    return db


def sqlite_utils_module():
    """``sqlite_utils``, imported without numpy when nothing has imported numpy yet.

    sqlite-utils imports numpy (80 ms) only to map numpy scalar types to column types
    when it creates tables from rows; kehoach never inserts numpy values through it
    (its rows are built from Python values, ``_insert_rows``), so a command that opens
    the database (``ingest``, ``show`` …) does not pay for numpy.  A process that
    imported numpy before (``export --format parquet`` …) gets the ordinary import."""
    mod = sys.modules.get("sqlite_utils")
    if mod is not None:
        return mod
    if "numpy" in sys.modules:
        import sqlite_utils

        return sqlite_utils
    sys.modules["numpy"] = None  # an import of numpy raises ImportError: sqlite-utils goes without
    try:
        import sqlite_utils
    finally:
        if sys.modules.get("numpy", 0) is None:
            del sys.modules["numpy"]
    return sqlite_utils
