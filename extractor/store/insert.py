"""Inserting prepared rows inside ``store_documents``' transaction, and the lookups
it makes there (``current_source``, re-issued documents).

Plain SQL on the connection: each table's rows of a document go in a few multi-row
``INSERT`` statements (``_insert_values``).  The FTS5 triggers then index many rows
within one statement; a statement per row made FTS5 write a new index segment per
row and merge them again, most of the cost of storing.  Record ids are given explicitly
(the ones SQLite would assign: the largest id + 1, + 2 …), so that a funding
record's ``parent_record_id`` is written with it, not updated afterwards.
"""

from __future__ import annotations

import functools
import sqlite3
from typing import TYPE_CHECKING, Optional, Sequence, Union

from ..fold import fold
from .rows import CITATION_COLUMNS, DOCUMENT_COLUMNS, RECORD_COLUMNS, SECTION_COLUMNS, _prepare_document, _Prepared

if TYPE_CHECKING:  # sqlite_utils pulls in numpy, the model pydantic
    import sqlite_utils

    from ..model import Document

_MAX_ROWS = 64  # rows in one INSERT statement, at most
_STEP = 8  # an INSERT statement holds a multiple of _STEP rows, or the last 1 to 7


def _rows_as_dicts(cursor: sqlite3.Cursor) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor]


def current_source(db: sqlite_utils.Database, sha256: Optional[str]) -> Optional[dict]:
    """The stored, current (not superseded) ``ok`` source with this content, if any."""
    if not sha256:
        return None
    rows = _rows_as_dicts(db.conn.execute(
        "SELECT * FROM sources WHERE sha256 = ? AND status = 'ok' AND superseded_by IS NULL ORDER BY id LIMIT 1",
        [sha256]))
    return rows[0] if rows else None


def _latest_for_path(db: sqlite_utils.Database, path: str) -> Optional[dict]:
    rows = _rows_as_dicts(db.conn.execute("SELECT * FROM sources WHERE path = ? ORDER BY id DESC LIMIT 1", [path]))
    return rows[0] if rows else None


@functools.lru_cache(maxsize=256)
def _insert_sql(table: str, cols: tuple[str, ...], n_rows: int = 1) -> str:
    """``INSERT INTO table (cols) VALUES (?, …), (?, …) …`` for ``n_rows`` rows."""
    one = f"({', '.join('?' * len(cols))})"
    return f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) VALUES {", ".join([one] * n_rows)}'


@functools.lru_cache(maxsize=32)
def _update_sql(table: str, cols: tuple[str, ...]) -> str:
    """``UPDATE table SET col = ?, … WHERE id = ?``."""
    return f'UPDATE "{table}" SET {", ".join(chr(34) + c + chr(34) + " = ?" for c in cols)} WHERE id = ?'


def _insert_values(conn: sqlite3.Connection, table: str, cols: tuple[str, ...], rows: Sequence[tuple]) -> None:
    """Insert ``rows`` (tuples in the order of ``cols``) in one to a few multi-row statements.

    A statement holds a multiple of ``_STEP`` rows, at most ``_MAX_ROWS`` (and no more
    ``?`` than the SQLite build allows), then one statement the rest: 47 rows go in 40 + 7.
    So few statement sizes occur, each prepared once and kept in the connection's
    statement cache (a statement for every row count would fill it with large programs:
    up to 0.25 MB each, 30 MB for the 128 the cache keeps)."""
    most = max(1, min(_MAX_ROWS, conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // len(cols)))
    i = 0
    while i < len(rows):
        left = len(rows) - i
        n = min(most, left - left % _STEP) or min(most, left)
        conn.execute(_insert_sql(table, cols, n), [v for row in rows[i : i + n] for v in row])
        i += n


def _insert_document(db: sqlite_utils.Database, source_id: int, doc: Union[_Prepared, Document]) -> int:
    """Insert one document with its sections, citations and records; return its id."""
    prep = doc if isinstance(doc, _Prepared) else _prepare_document(doc)
    conn = db.conn
    doc_id = conn.execute(_insert_sql("documents", ("source_id", *DOCUMENT_COLUMNS)), (source_id, *prep.row)).lastrowid
    _insert_values(conn, "sections", ("document_id", *SECTION_COLUMNS), [(doc_id, *r) for r in prep.sections])
    _insert_values(conn, "citations", ("document_id", *CITATION_COLUMNS), [(doc_id, *r) for r in prep.citations])
    if prep.records:
        (last_id,) = conn.execute("SELECT COALESCE(MAX(id), 0) FROM records").fetchone()
        first, n = last_id + 1, len(prep.records)
        parent_ids = [first + p if p is not None and 0 <= p < n and p != i else None
                      for i, p in enumerate(prep.parents)]
        _insert_values(conn, "records", ("id", "document_id", "parent_record_id", *RECORD_COLUMNS),
                       [(first + i, doc_id, parent_ids[i], *r) for i, r in enumerate(prep.records)])
    return doc_id


def _year(date: Optional[str]) -> Optional[str]:
    return date[:4] if date and len(date) >= 4 and date[:4].isdigit() else None


def _supersede_reissued(db: sqlite_utils.Database, source_id: int, new_docs: list[tuple[int, _Prepared]]) -> None:
    """A document of this source (``new_docs``: its id and rows, just inserted) with the
    same type, number and issuer (and year) as a current document from another source
    replaces it: the older one (by date; the one ingested earlier when dates tie or are
    unknown) gets ``superseded=1``."""
    conn = db.conn
    for new_id, prep in new_docs:
        doc_type, number, issuer, date = prep.identity()
        if doc_type is None or number is None or issuer is None:
            continue
        olds = conn.execute(
            "SELECT id, issuer, date FROM documents WHERE source_id != ? AND superseded = 0 "
            "AND doc_type = ? AND number = ? AND issuer IS NOT NULL",
            [source_id, doc_type, number],
        ).fetchall()
        for old_id, old_issuer, old_date in olds:
            if fold(old_issuer) != fold(issuer):
                continue
            y_old, y_new = _year(old_date), _year(date)
            if y_old and y_new and y_old != y_new:
                continue  # numbers restart each year: a different document
            older, newer = (new_id, old_id) if old_date and date and date < old_date else (old_id, new_id)
            conn.execute("UPDATE documents SET superseded = 1, superseded_by = ? WHERE id = ?", [newer, older])
