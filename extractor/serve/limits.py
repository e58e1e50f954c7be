"""Caps on what one query can make the server hold, applied to every Datasette connection.

    from extractor.serve.limits import apply_limits
    apply_limits(conn)        # called by the plugin's prepare_connection hook

Three caps, each a setting (environment variable) with a sane default:

``KEHOACH_SERVE_HEAP_MB`` (256)
    ``PRAGMA hard_heap_limit``: all of SQLite's memory in the server process (set by
    ``kehoach serve`` only: it is process-wide).  A query
    that needs more fails with "out of memory" (shown as a clear error, see
    ``plugin.handle_exception``) instead of growing the process.  Needs SQLite >= 3.31.
``KEHOACH_SERVE_VALUE_MB`` (64)
    ``SQLITE_LIMIT_LENGTH``: the largest string or blob a query may build or read
    (``randomblob(1000000000)``, ``hex(zeroblob(...))`` -> "string or blob too big").
    Above the largest document text ingest can store (``max_chars``).
``KEHOACH_SERVE_RESPONSE_MB`` (16)
    the bytes of all the values one query returns (counted row by row as they are
    fetched): many large rows stop with ``ResponseTooLarge``.
"""

from __future__ import annotations

import os
import sqlite3
import weakref

MB = 1024 * 1024
MIN_HEAP_LIMIT_VERSION = (3, 31, 0)


class ResponseTooLarge(sqlite3.DataError):
    """A query returned more bytes than ``KEHOACH_SERVE_RESPONSE_MB`` allows."""


def _mb(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, default))
    except ValueError:
        value = default
    return max(1, value) * MB


def heap_bytes() -> int:
    return _mb("KEHOACH_SERVE_HEAP_MB", 256)


def value_bytes() -> int:
    return _mb("KEHOACH_SERVE_VALUE_MB", 64)


def response_bytes() -> int:
    return _mb("KEHOACH_SERVE_RESPONSE_MB", 16)


def heap_limit_supported() -> bool:
    return sqlite3.sqlite_version_info >= MIN_HEAP_LIMIT_VERSION


def _size(value) -> int:
    if isinstance(value, (bytes, str)):
        return len(value)
    return 8


def counting_row_factory(limit: int):
    """A row factory giving ``sqlite3.Row`` objects that raises ``ResponseTooLarge`` once the
    values fetched through one cursor exceed ``limit`` bytes."""
    seen: "weakref.WeakKeyDictionary[sqlite3.Cursor, int]" = weakref.WeakKeyDictionary()

    def factory(cursor, values):
        total = seen.get(cursor, 0) + sum(_size(v) for v in values)
        seen[cursor] = total
        if total > limit:
            raise ResponseTooLarge(
                f"kết quả quá lớn / result too large: this query returns more than {limit // MB} MB "
                "(KEHOACH_SERVE_RESPONSE_MB); select fewer rows or columns, or use kehoach export"
            )
        return sqlite3.Row(cursor, values)

    return factory


_heap_limit = False


def enable_heap_limit() -> bool:
    """Turn on the process-wide heap cap for the connections opened from now on (called by
    ``serve``, the process that only serves; not in a process doing other SQLite work)."""
    global _heap_limit
    _heap_limit = heap_limit_supported()
    return _heap_limit


def apply_limits(conn: sqlite3.Connection) -> None:
    """Cap the size of one value and of one query's result on ``conn``, and SQLite's heap
    (process-wide) when ``enable_heap_limit`` was called."""
    if _heap_limit:
        conn.execute(f"PRAGMA hard_heap_limit = {heap_bytes()}")
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, value_bytes())
    conn.row_factory = counting_row_factory(response_bytes())
