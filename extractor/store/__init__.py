"""The SQLite store: one database holds every ingested file, document and record.

Python API (the ``ingest``, ``export`` and ``show`` commands are thin layers over it):

    db = open_db("output/kehoach.db")          # creates the file, WAL mode, schema
    sid = store_documents(db, source_info, docs) # one file's documents, one transaction
    record_failure(db, source_info, "file disappeared")
    record_skipped(db, source_info, "unchanged")
    row = find_document(db, "65-KH/HU")         # by id or by number
    info = describe_document(db, row["id"])      # sections, citations, record counts ...
    export_table(db, "targets", "csv", "targets.csv")

``source_info`` is a dict of ``sources`` columns known before storing: ``path``
(required), ``name``, ``sha256``, ``size``, ``format``, ``encoding``, ``ocr``,
``pages``, ``warnings``, ``seconds_read``, ``seconds_extract``.

Tables
------
``sources``     one row per file and attempt: status ``ok`` | ``skipped`` | ``failed``,
                ``error`` (why it failed or was skipped), ``version`` (1, 2, ... per path),
                ``superseded_by`` (the source id of the newer version of the same path).
``documents``   documents found in ``ok`` sources (a file may hold several ``part``\\s);
                ``superseded`` = 1 when a newer version of the file, or a re-issued
                document with the same type, number and issuer, replaced it.
``sections``, ``citations``   from ``Document.sections`` and ``DocMeta.cites``.
``records``     every record type in one table (``type`` = target | status |
                deadline | assignment | funding); views ``targets``, ``results``
                (type ``status``: results already achieved), ``deadlines``,
                ``assignments``, ``funding`` select each type's columns.
``flags``, ``reviews``   created empty; the cross-check and review stages fill them.
``sections_fts``, ``records_fts``   FTS5 indexes over folded text (a section's
                ``text_folded`` is its own text, up to its first subsection)
                (``extractor.fold.fold``: lower case, no diacritics, đ -> d).

Offsets (``start``/``end``) are character offsets in ``documents.text``.

Every file's rows are written in one transaction: a failure or a kill leaves
nothing half-written.  EVERY write goes through ``write_transaction(db)``:

    with store.write_transaction(db):
        db["reviews"].insert({...})

It starts the transaction with ``BEGIN IMMEDIATE``, so the write lock is taken
before anything is read (a deferred transaction that reads and then writes fails
at once with "database is locked" in WAL mode when another process wrote in
between: the busy timeout never applies).  It waits for another writer up to
``write_wait`` seconds (``KEHOACH_WRITE_WAIT``), saying after a few seconds that
it is waiting (``extractor.transactions``).  sqlite-utils' own writes (``insert``, ``upsert``, ``update``,
``query``) see the open transaction and nest as savepoints.  It also takes a
plain ``sqlite3.Connection`` (Datasette's write connection).  Rows are prepared
(folded, serialised into tuples) before the lock is taken, so the lock is held only
for the inserts: plain SQL, a few multi-row ``INSERT`` statements per table and
document (``insert``).

Modules: ``tables`` (columns, views), ``migrations`` (``MIGRATIONS``, ``ensure_schema``),
``database`` (``open_db``), ``rows`` (``prepare_document``), ``insert`` (the inserts of
``store_documents``), ``queries`` (``find_document``, ``describe_document``, ``counts``),
``export`` (``export_table``).  This package re-exports every public name; the
entry points that write a file's rows (``store_documents``, ``record_failure``,
``record_skipped``) are defined here.

Schema changes go through ``MIGRATIONS``: append a function ``mNNN_what(db)``;
``ensure_schema`` runs the ones not yet listed in ``_migrations``, in order.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Optional, Union

from ..fold import fold
from ..transactions import WAIT_MESSAGE, DatabaseBusy, write_transaction
from .database import DEFAULT_DB, default_db_path, open_db, sqlite_utils_module
from .export import export_cursor, export_table
from .insert import (_insert_document, _insert_sql, _latest_for_path, _supersede_reissued, _update_sql,
                     current_source)
from .migrations import MIGRATIONS, ensure_schema
from .queries import counts, describe_document, find_document
from .rows import _Prepared, _prepare_document, _source_row, _sql_value, own_ends, prepare_document
from .tables import (CITATIONS, DOCUMENTS, FLAGS, JSON_COLUMNS, RECORD_CONTEXT, RECORD_TABLES, RECORDS,
                     REVIEWS, SECTIONS, SOURCES, TABLES, context_sql)

__all__ = [
    "CITATIONS", "DEFAULT_DB", "DOCUMENTS", "FLAGS", "JSON_COLUMNS", "MIGRATIONS", "RECORD_CONTEXT",
    "RECORD_TABLES", "RECORDS", "REVIEWS", "SECTIONS", "SOURCES", "TABLES", "WAIT_MESSAGE", "DatabaseBusy",
    "context_sql", "counts", "current_source", "default_db_path", "describe_document", "ensure_schema",
    "export_cursor", "export_table", "find_document", "fold", "open_db", "own_ends", "prepare_document",
    "record_failure", "record_skipped", "sqlite_utils_module", "store_documents", "write_transaction",
]

if TYPE_CHECKING:  # sqlite_utils pulls in numpy, the model pydantic
    import sqlite_utils

    from ..model import Document


def store_documents(db: sqlite_utils.Database, source_info: dict, docs: list[Union[Document, _Prepared]]) -> int:
    """Store one file's documents with their sections, citations and records; return the source id.
    ``docs`` may also hold documents already prepared (``prepare_document``).

    All rows, the ``ok`` sources row included, are written in ONE transaction.
    If a current source already holds the same ``sha256`` nothing is written and
    its id is returned.  Earlier ``failed`` / ``skipped`` rows of the same path are
    deleted (they are out of date).  If an older version of the same path is stored, the new
    row gets ``version`` + 1, the old row's ``superseded_by`` is set and its
    documents are marked ``superseded``.
    """
    info = _source_row(source_info)
    t0 = time.perf_counter()  # seconds_store: preparing (folding, serialising) and inserting
    # before taking the write lock (pool workers send documents already prepared)
    prepared = [doc if isinstance(doc, _Prepared) else _prepare_document(doc) for doc in docs]
    conn = db.conn
    with write_transaction(db):
        existing = current_source(db, info.get("sha256"))
        if existing:
            return existing["id"]
        versions = conn.execute("SELECT id, version, superseded_by FROM sources WHERE path = ? AND status = 'ok'",
                                [info["path"]]).fetchall()
        previous = [sid for sid, _, superseded_by in versions if superseded_by is None]
        version = max((v for _, v, _ in versions if v is not None), default=0)
        info.update(status="ok", error=None, version=version + 1, n_documents=len(docs))
        cols = tuple(info)
        source_id = conn.execute(_insert_sql("sources", cols), [_sql_value(info[c]) for c in cols]).lastrowid
        new_docs = [(_insert_document(db, source_id, prep), prep) for prep in prepared]
        # earlier failed / skipped attempts at this path are out of date now
        conn.execute("DELETE FROM sources WHERE path = ? AND status IN ('failed', 'skipped')", [info["path"]])
        for old_id in previous:
            conn.execute("UPDATE sources SET superseded_by = ? WHERE id = ?", [source_id, old_id])
            conn.execute("UPDATE documents SET superseded = 1 WHERE source_id = ?", [old_id])
        _supersede_reissued(db, source_id, new_docs)
        conn.execute("UPDATE sources SET seconds_store = ? WHERE id = ?",
                     [round(time.perf_counter() - t0, 4), source_id])
    return source_id


def _record_status(db: sqlite_utils.Database, source_info: dict, status: str, error: str, **extra) -> int:
    """Write a ``failed`` or ``skipped`` sources row, or refresh the path's last one."""
    info = _source_row(source_info)
    info.update(status=status, error=error, **extra)
    cols = tuple(info)
    values = [_sql_value(info[c]) for c in cols]
    with write_transaction(db):
        latest = _latest_for_path(db, info["path"])
        # the same outcome again for the same content: refresh that row, do not add one
        if latest and latest["status"] == status and latest["sha256"] == info.get("sha256"):
            db.conn.execute(_update_sql("sources", cols), [*values, latest["id"]])
            return latest["id"]
        return db.conn.execute(_insert_sql("sources", cols), values).lastrowid


def record_failure(db: sqlite_utils.Database, source_info: dict, error: Union[str, BaseException]) -> int:
    """Write (in its own transaction) a ``failed`` sources row with the reason; return its id.

    A file that fails again with the same content refreshes its last failed row.
    """
    return _record_status(db, source_info, "failed", str(error) or type(error).__name__)


def record_skipped(
    db: sqlite_utils.Database, source_info: dict, reason: str = "unchanged", duplicate_of: Optional[int] = None
) -> int:
    """Write a ``skipped`` sources row (e.g. ``unchanged``: the content is already stored)."""
    return _record_status(db, source_info, "skipped", reason, duplicate_of=duplicate_of)
