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
(folded, serialised) before the lock is taken, so the lock is held only for the
inserts.

Schema changes go through ``MIGRATIONS``: append a function ``mNNN_what(db)``;
``ensure_schema`` runs the ones not yet listed in ``_migrations``, in order.
"""

from __future__ import annotations

import csv
import functools
import sqlite3
import json
import os
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Callable, Iterable, Optional, Union

from .errors import KehoachError
from .fold import fold

if TYPE_CHECKING:  # imported when used: sqlite_utils pulls in numpy, the model pydantic
    import sqlite_utils

    from .model import Document

DEFAULT_DB = "output/kehoach.db"

# columns holding JSON text; decoded by export_table(..., "jsonl") and describe_document
JSON_COLUMNS = {"provenance", "fraction", "criteria", "also_sets", "extra", "warnings"}

TABLES = [
    "sources",
    "documents",
    "sections",
    "citations",
    "records",
    "targets",
    "results",
    "deadlines",
    "assignments",
    "funding",
    "flags",
    "reviews",
    "indicator_matrix",  # built by extractor.check.matrix (a column per plan), not a stored table
]

# --------------------------------------------------------------------------- schema

SOURCES = {
    "id": int,
    "path": str,
    "name": str,
    "sha256": str,
    "size": int,
    "status": str,  # ok | skipped | failed
    "error": str,
    "format": str,
    "encoding": str,
    "ocr": int,
    "pages": int,
    "version": int,
    "superseded_by": int,
    "duplicate_of": int,  # skipped: the source that already holds this content
    "n_documents": int,
    "warnings": str,  # JSON list
    "ingested_at": str,
    "seconds_read": float,
    "seconds_extract": float,
    "seconds_store": float,
}

DOCUMENTS = {
    "id": int,
    "source_id": int,
    "part": int,
    "start": int,
    "end": int,
    "doc_type": str,
    "number": str,
    "date": str,
    "issuer": str,
    "level": str,
    "province": str,
    "district": str,
    "commune": str,
    "title": str,
    "period": str,
    "signer": str,
    "attached_to": str,
    "provenance": str,  # JSON object
    "text": str,
    "ocr": int,
    "superseded": int,
    "superseded_by": int,  # document id of the re-issued document, when known
    "parent_id": int,  # filled by the cross-check stage
    "parent_by": str,
}

SECTIONS = {
    "id": int,
    "document_id": int,
    "label": str,
    "title": str,
    "marker": str,
    "start": int,
    "end": int,
    "level": int,
    "title_folded": str,
    "text_folded": str,
}

CITATIONS = {
    "id": int,
    "document_id": int,
    "doc_type": str,
    "number": str,
    "date": str,
    "issuer": str,
    "quote": str,
    "start": int,
    "end": int,
    "relation": str,
}

RECORDS = {
    "id": int,
    "document_id": int,
    "type": str,
    "quote": str,
    "start": int,
    "end": int,
    "section": str,
    "confidence": float,
    "topic": str,
    # target
    "value": float,
    "value_max": float,
    "unit": str,
    "comparator": str,
    "year": int,
    "subject": str,
    "criterion": str,
    "criteria_set": str,
    "scope": str,
    "fraction": str,  # JSON
    "baseline": str,
    # deadline
    "date": str,
    "task": str,
    "agency": str,
    # assignment
    "criteria": str,  # JSON
    "also_sets": str,  # JSON
    # funding
    "amount_vnd": int,
    "role": str,
    "source_of_funds": str,
    "parent_record_id": int,
    "purpose": str,
    # status (a result already achieved), and the indicator any figure is linked to
    "as_of": str,
    "indicator": str,
    "indicator_name": str,
    "indicator_match": str,
    "role_reason": str,
    # search and the rest
    "quote_folded": str,
    "extra": str,  # JSON: the record's remaining fields (value_text, value_start, ...)
}

FLAGS = {
    "id": str,  # stable hash
    "rule": str,
    "severity": str,
    "message": str,
    "message_en": str,
    "child_document_id": int,
    "child_quote": str,
    "child_start": int,
    "child_end": int,
    "parent_document_id": int,
    "parent_quote": str,
    "parent_start": int,
    "parent_end": int,
    "criterion": str,
    "set_name": str,
    "status": str,  # open | resolved
    "first_seen": str,
    "last_seen": str,
}

REVIEWS = {
    "id": int,
    "flag_id": str,
    "decision": str,
    "comment": str,
    "who": str,
    "at": str,
}

VIEW_COLUMNS = {
    "targets": (
        "target",
        ["value", "value_max", "unit", "comparator", "year", "subject", "criterion", "criteria_set",
         "scope", "fraction", "baseline"],
    ),
    "deadlines": ("deadline", ["date", "task", "agency"]),
    "assignments": ("assignment", ["agency", "criteria", "criteria_set", "also_sets"]),
    "funding": ("funding", ["amount_vnd", "role", "source_of_funds", "parent_record_id", "purpose"]),
}

# Added by m003: results already achieved (record type ``status``) and indicator links.
VIEW_COLUMNS_M003 = {
    "targets": (
        "target",
        ["value", "value_max", "unit", "comparator", "year", "indicator", "indicator_name", "subject",
         "criterion", "criteria_set", "scope", "fraction", "baseline", "role_reason"],
    ),
    "results": (
        "status",
        ["value", "value_max", "unit", "as_of", "indicator", "indicator_name", "subject", "criterion",
         "criteria_set", "scope", "fraction", "role_reason"],
    ),
    "funding": ("funding", ["amount_vnd", "role", "source_of_funds", "parent_record_id", "purpose", "role_reason"]),
}


def _view_sql(rtype: str, columns: list[str]) -> str:
    cols = ", ".join(f'r."{c}"' for c in columns)
    return (
        'SELECT r.id, r.document_id, d.number AS document_number, d.superseded, r.section, '
        f'r.quote, r.start, r."end", r.confidence, r.topic, {cols}, r.extra '
        "FROM records r JOIN documents d ON d.id = r.document_id "
        f"WHERE r.type = '{rtype}'"
    )


def m001_initial(db: sqlite_utils.Database) -> None:
    """Tables, indexes, views and FTS indexes of the first schema."""
    db["sources"].create(SOURCES, pk="id", if_not_exists=True)
    db["documents"].create(
        DOCUMENTS, pk="id", foreign_keys=[("source_id", "sources", "id")], if_not_exists=True
    )
    db["sections"].create(
        SECTIONS, pk="id", foreign_keys=[("document_id", "documents", "id")], if_not_exists=True
    )
    db["citations"].create(
        CITATIONS, pk="id", foreign_keys=[("document_id", "documents", "id")], if_not_exists=True
    )
    db["records"].create(
        RECORDS, pk="id", foreign_keys=[("document_id", "documents", "id")], if_not_exists=True
    )
    db["flags"].create(FLAGS, pk="id", if_not_exists=True)
    db["reviews"].create(REVIEWS, pk="id", if_not_exists=True)
    for table, cols in [
        ("sources", ["sha256"]),
        ("sources", ["path"]),
        ("documents", ["source_id"]),
        ("documents", ["number"]),
        ("sections", ["document_id"]),
        ("citations", ["document_id"]),
        ("records", ["document_id"]),
        ("records", ["type"]),
        ("reviews", ["flag_id"]),
    ]:
        db[table].create_index(cols, if_not_exists=True)
    for view, (rtype, columns) in VIEW_COLUMNS.items():
        db.create_view(view, _view_sql(rtype, columns), ignore=True)
    db["sections"].enable_fts(["title_folded", "text_folded"], create_triggers=True)
    db["records"].enable_fts(["quote_folded"], create_triggers=True)


# Ordered; never reorder or rename an entry that has shipped, only append.
def m002_flag_review_status(db: sqlite_utils.Database) -> None:
    """View ``flags_reviewed``: each flag with its latest review decision (or "unreviewed")."""
    db.create_view(
        "flags_reviewed",
        """
        select f.*,
               coalesce((select r.decision from reviews r where r.flag_id = f.id order by r.id desc limit 1),
                        'unreviewed') as review_status,
               (select r.comment from reviews r where r.flag_id = f.id order by r.id desc limit 1) as review_comment
        from flags f
        """,
        ignore=True,
    )


def m003_results_and_indicators(db: sqlite_utils.Database) -> None:
    """Columns ``as_of``, ``indicator*``, ``role_reason``; view ``results`` (type ``status``)."""
    have = set(db["records"].columns_dict)
    for col in ("as_of", "indicator", "indicator_name", "indicator_match", "role_reason"):
        if col not in have:
            db["records"].add_column(col, str)
    db["records"].create_index(["indicator"], if_not_exists=True)
    for view, (rtype, columns) in VIEW_COLUMNS_M003.items():
        db.create_view(view, _view_sql(rtype, columns), replace=True)


# Columns every record view (and every record export) carries about its document.
RECORD_CONTEXT = ["source", "document_number", "issuer", "level", "province", "district", "commune",
                  "year", "indicator", "ocr"]
_CONTEXT_SQL = {
    "source": "s.name AS source", "document_number": "d.number AS document_number", "issuer": "d.issuer",
    "level": "d.level", "province": "d.province", "district": "d.district", "commune": "d.commune",
    "year": "COALESCE({r}.year, CAST(substr({r}.date, 1, 4) AS INTEGER)) AS year", "indicator": "{r}.indicator",
    "ocr": "COALESCE(d.ocr, s.ocr, 0) AS ocr",
}


def context_sql(have: Iterable[str], rec: str = "r") -> list[str]:
    """SELECT terms for the ``RECORD_CONTEXT`` columns not in ``have`` (aliases: ``rec`` the
    records table or view, ``d`` documents, ``s`` sources)."""
    have = set(have)
    return [_CONTEXT_SQL[c].format(r=rec) for c in RECORD_CONTEXT if c not in have]


def m004_record_views_with_place(db: sqlite_utils.Database) -> None:
    """Record views also carry the file name, issuer, level, place, year, indicator and OCR mark
    of their document (for facets and exports); appended after the existing columns."""
    views = {**VIEW_COLUMNS, **VIEW_COLUMNS_M003}
    for view, (rtype, columns) in views.items():
        base = ["id", "document_id", "document_number", "superseded", "section", "quote", "start", "end",
                "confidence", "topic", *columns, "extra"]
        sql = _view_sql(rtype, columns).replace(
            " FROM records r JOIN documents d ON d.id = r.document_id ",
            ", " + ", ".join(context_sql(base)) + " FROM records r JOIN documents d ON d.id = r.document_id "
            "LEFT JOIN sources s ON s.id = d.source_id ",
        )
        db.create_view(view, sql, replace=True)


def m005_sections_own_text(db: sqlite_utils.Database) -> None:
    """``sections.text_folded`` holds each section's own text (up to its first subsection),
    not its subsections' as well (``own_ends``); the FTS triggers re-index the changed rows.
    The space freed is reused by later inserts (``VACUUM`` returns it to the disk)."""
    from types import SimpleNamespace

    conn = db.conn
    doc_ids = [r[0] for r in conn.execute("SELECT DISTINCT document_id FROM sections")]
    for doc_id in doc_ids:
        row = conn.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()
        text = (row[0] if row else None) or ""
        rows = conn.execute('SELECT id, start, "end" FROM sections WHERE document_id = ?', [doc_id]).fetchall()
        secs = [SimpleNamespace(start=a or 0, end=b if b is not None else len(text)) for _, a, b in rows]
        for (sec_id, _, _), sec, own_end in zip(rows, secs, own_ends(secs)):
            if own_end < sec.end:
                conn.execute("UPDATE sections SET text_folded = ? WHERE id = ?",
                             [fold(text[sec.start:own_end]), sec_id])


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [
    m001_initial,
    m002_flag_review_status,
    m003_results_and_indicators,
    m004_record_views_with_place,
    m005_sections_own_text,
]


def ensure_schema(db: sqlite_utils.Database) -> list[str]:
    """Apply the migrations not yet recorded in ``_migrations``; return their names."""
    names = [m.__name__ for m in MIGRATIONS]
    if db["_migrations"].exists():
        done = {row["name"] for row in db["_migrations"].rows}
        if done >= set(names):
            return []  # up to date: no write lock needed
    applied = []
    # one writer at a time: another process may be creating the same schema
    with write_transaction(db):
        db["_migrations"].create({"name": str, "applied_at": str}, pk="name", if_not_exists=True)
        done = {row["name"] for row in db["_migrations"].rows}
        for migration in MIGRATIONS:
            if migration.__name__ in done:
                continue
            with db.atomic():
                migration(db)
                db["_migrations"].insert(
                    {"name": migration.__name__, "applied_at": _now()}, replace=True
                )
            applied.append(migration.__name__)
    return applied


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


# --------------------------------------------------------------------------- write transactions

from .transactions import WAIT_MESSAGE, DatabaseBusy, write_transaction  # noqa: E402,F401  (re-exported)


# --------------------------------------------------------------------------- writing


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _json(value: Any) -> Optional[str]:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False)


def _source_row(source_info: dict) -> dict:
    info = {k: v for k, v in source_info.items() if k in SOURCES and k != "id"}
    if not info.get("path"):
        raise ValueError("source_info needs a path")
    info["path"] = str(info["path"])
    info.setdefault("name", os.path.basename(info["path"]))
    if "ocr" in info and info["ocr"] is not None:
        info["ocr"] = int(bool(info["ocr"]))
    if isinstance(info.get("warnings"), (list, tuple)):
        info["warnings"] = _json(list(info["warnings"])) if info["warnings"] else None
    info["ingested_at"] = _now()
    return info


def current_source(db: sqlite_utils.Database, sha256: Optional[str]) -> Optional[dict]:
    """The stored, current (not superseded) ``ok`` source with this content, if any."""
    if not sha256:
        return None
    rows = list(
        db.query(
            "SELECT * FROM sources WHERE sha256 = ? AND status = 'ok' AND superseded_by IS NULL "
            "ORDER BY id LIMIT 1",
            [sha256],
        )
    )
    return rows[0] if rows else None


def _latest_for_path(db: sqlite_utils.Database, path: str) -> Optional[dict]:
    rows = list(db.query("SELECT * FROM sources WHERE path = ? ORDER BY id DESC LIMIT 1", [path]))
    return rows[0] if rows else None


def _record_split(record) -> tuple[dict, Optional[int]]:
    data = record.model_dump()
    row: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    parent = data.pop("parent", None)
    if "source" in data:
        row["source_of_funds"] = data.pop("source")
    for key, value in data.items():
        if key in RECORDS and key not in ("id", "document_id", "extra", "quote_folded", "parent_record_id"):
            row[key] = _json(value) if key in JSON_COLUMNS else value
        elif value is not None and value != []:
            extra[key] = value
    row["quote_folded"] = fold(data.get("quote"))
    row["extra"] = _json(extra) if extra else None
    return row, parent


@dataclass
class _Prepared:
    """One document's rows, built before the write lock is taken."""

    row: dict
    sections: list[dict]
    citations: list[dict]
    records: list[dict]
    parents: list[Optional[int]]


def _prepare_document(doc: Document) -> _Prepared:
    meta = doc.meta
    row = {
        "part": doc.part,
        "start": doc.start,
        "end": doc.end,
        **{
            k: getattr(meta, k)
            for k in ("doc_type", "number", "date", "issuer", "level", "province", "district",
                      "commune", "title", "period", "signer", "attached_to")
        },
        "provenance": _json(meta.provenance or {}),
        "text": doc.text,
        "ocr": int(bool(doc.ocr)),
        "superseded": 0,
    }
    sections = [
        {
            "label": s.label,
            "title": s.title,
            "marker": s.marker,
            "start": s.start,
            "end": s.end,
            "level": s.level,
            "title_folded": fold(s.title),
            "text_folded": fold(doc.text[s.start : own_end]),
        }
        for s, own_end in zip(doc.sections, own_ends(doc.sections))
    ]
    citations = [c.model_dump(include=set(CITATIONS)) for c in meta.cites or []]
    records, parents = [], []
    for record in doc.records:
        rec, parent = _record_split(record)
        records.append(rec)
        parents.append(parent)
    return _Prepared(row, sections, citations, records, parents)


def own_ends(sections: list) -> list[int]:
    """Where each section's own text ends: at the start of the next section (its first
    subsection, or the next one at any level), never past its ``end``.

    ``sections.text_folded`` holds only this own text, so the table grows with the
    document, not with its depth of nesting; a search finds a subsection's words in the
    subsection itself."""
    import bisect

    starts = sorted({s.start for s in sections})
    out = []
    for s in sections:
        i = bisect.bisect_right(starts, s.start)
        nxt = starts[i] if i < len(starts) else s.end
        out.append(max(s.start, min(s.end, nxt)))
    return out


def prepare_document(doc: Document) -> _Prepared:
    """One document's rows, ready for ``store_documents`` (which also takes documents):
    a pool worker prepares them, so that the one writer only inserts."""
    return _prepare_document(doc)


def _sql_value(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bytes)):
        return value
    if isinstance(value, (dict, list, tuple)):
        return _json(value)
    return str(value)


@functools.lru_cache(maxsize=256)
def _insert_sql(table: str, cols: tuple[str, ...]) -> str:
    return (f'INSERT INTO "{table}" ({", ".join(chr(34) + c + chr(34) for c in cols)}) '
            f'VALUES ({", ".join("?" * len(cols))})')


def _insert_rows(db: sqlite_utils.Database, table: str, rows: list[dict]) -> list[int]:
    """Insert rows (dicts) with plain SQL, one statement per set of columns; return their ids."""
    ids = []
    conn = db.conn
    for row in rows:
        cols = tuple(row)
        ids.append(conn.execute(_insert_sql(table, cols), [_sql_value(row[c]) for c in cols]).lastrowid)
    return ids


def _insert_many(db: sqlite_utils.Database, table: str, rows: list[dict]) -> None:
    """``_insert_rows`` when the ids are not needed: one ``executemany`` per run of rows
    with the same columns."""
    conn = db.conn
    i = 0
    while i < len(rows):
        cols = tuple(rows[i])
        j = i + 1
        while j < len(rows) and tuple(rows[j]) == cols:
            j += 1
        conn.executemany(_insert_sql(table, cols), [[_sql_value(r[c]) for c in cols] for r in rows[i:j]])
        i = j


def _insert_document(db: sqlite_utils.Database, source_id: int, doc: Union[_Prepared, Document]) -> int:
    prep = doc if isinstance(doc, _Prepared) else _prepare_document(doc)
    (doc_id,) = _insert_rows(db, "documents", [{"source_id": source_id, **prep.row}])
    _insert_many(db, "sections", [{"document_id": doc_id, **r} for r in prep.sections])
    _insert_many(db, "citations", [{"document_id": doc_id, **r} for r in prep.citations])
    ids = _insert_rows(db, "records", [{"document_id": doc_id, **r} for r in prep.records])
    for rec_id, parent in zip(ids, prep.parents):
        if parent is not None and 0 <= parent < len(ids) and ids[parent] != rec_id:
            db.conn.execute("UPDATE records SET parent_record_id = ? WHERE id = ?", [ids[parent], rec_id])
    return doc_id


def _year(date: Optional[str]) -> Optional[str]:
    return date[:4] if date and len(date) >= 4 and date[:4].isdigit() else None


def _supersede_reissued(db: sqlite_utils.Database, source_id: int) -> None:
    """A document of this source with the same type, number and issuer (and year) as
    a current document from another source replaces it: the older one (by date;
    the one ingested earlier when dates tie or are unknown) gets ``superseded=1``."""
    new_docs = list(
        db.query(
            "SELECT id, doc_type, number, issuer, date FROM documents WHERE source_id = ? "
            "AND doc_type IS NOT NULL AND number IS NOT NULL AND issuer IS NOT NULL",
            [source_id],
        )
    )
    for new in new_docs:
        olds = db.query(
            "SELECT id, issuer, date FROM documents WHERE source_id != ? AND superseded = 0 "
            "AND doc_type = ? AND number = ? AND issuer IS NOT NULL",
            [source_id, new["doc_type"], new["number"]],
        )
        for old in list(olds):
            if fold(old["issuer"]) != fold(new["issuer"]):
                continue
            y_old, y_new = _year(old["date"]), _year(new["date"])
            if y_old and y_new and y_old != y_new:
                continue  # numbers restart each year: a different document
            if old["date"] and new["date"] and new["date"] < old["date"]:
                db["documents"].update(new["id"], {"superseded": 1, "superseded_by": old["id"]})
            else:
                db["documents"].update(old["id"], {"superseded": 1, "superseded_by": new["id"]})


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
    with write_transaction(db):
        existing = current_source(db, info.get("sha256"))
        if existing:
            return existing["id"]
        previous = list(
            db.query(
                "SELECT id FROM sources WHERE path = ? AND status = 'ok' AND superseded_by IS NULL",
                [info["path"]],
            )
        )
        version = db.execute(
            "SELECT COALESCE(MAX(version), 0) FROM sources WHERE path = ? AND status = 'ok'",
            [info["path"]],
        ).fetchone()[0]
        info.update(status="ok", error=None, version=version + 1, n_documents=len(docs))
        source_id = db["sources"].insert(info).last_pk
        for prep in prepared:
            _insert_document(db, source_id, prep)
        # earlier failed / skipped attempts at this path are out of date now
        db.execute("DELETE FROM sources WHERE path = ? AND status IN ('failed', 'skipped')", [info["path"]])
        for old in previous:
            db["sources"].update(old["id"], {"superseded_by": source_id})
            db.execute("UPDATE documents SET superseded = 1 WHERE source_id = ?", [old["id"]])
        _supersede_reissued(db, source_id)
        db["sources"].update(source_id, {"seconds_store": round(time.perf_counter() - t0, 4)})
    return source_id


def _record_status(db: sqlite_utils.Database, source_info: dict, status: str, error: str, **extra) -> int:
    info = _source_row(source_info)
    info.update(status=status, error=error, **extra)
    with write_transaction(db):
        latest = _latest_for_path(db, info["path"])
        # the same outcome again for the same content: refresh that row, do not add one
        if latest and latest["status"] == status and latest["sha256"] == info.get("sha256"):
            db["sources"].update(latest["id"], info)
            return latest["id"]
        return db["sources"].insert(info).last_pk


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


# --------------------------------------------------------------------------- reading


def _decode(row: dict) -> dict:
    out = dict(row)
    for key in JSON_COLUMNS & out.keys():
        if isinstance(out[key], str):
            try:
                out[key] = json.loads(out[key])
            except ValueError:
                pass
    return out


def _norm_number(s: str) -> str:
    return "".join(fold(s).split()).replace("đ", "d")


def find_document(db: sqlite_utils.Database, key: Union[int, str]) -> dict:
    """One document row by id (``12``) or by number (``65-KH/HU``; case, accents and
    spaces ignored).  Among documents with that number the current (not superseded)
    one wins; several current ones are an error listing their ids."""
    key_s = str(key).strip()
    if key_s.isdigit():
        row = db.execute("SELECT id FROM documents WHERE id = ?", [int(key_s)]).fetchone()
        if row:
            return _decode(db["documents"].get(row[0]))
    rows = list(db.query("SELECT * FROM documents WHERE number = ? ORDER BY id", [key_s]))
    if not rows:
        want = _norm_number(key_s)
        rows = [
            r
            for r in db.query("SELECT * FROM documents WHERE number IS NOT NULL ORDER BY id")
            if _norm_number(r["number"]) == want
        ]
    if not rows:
        raise KehoachError(f"no document with id or number {key_s!r}")
    current = [r for r in rows if not r["superseded"]] or rows[-1:]
    if len(current) > 1:
        listing = ", ".join(f"#{r['id']} ({r['issuer'] or '?'}, {r['date'] or '?'})" for r in current)
        raise KehoachError(f"{len(current)} documents have number {key_s!r}: {listing}; give the id")
    return _decode(current[0])


def describe_document(db: sqlite_utils.Database, doc_id: int, first: int = 5) -> dict:
    """Everything ``kehoach show`` prints about one document."""
    doc = _decode(db["documents"].get(doc_id))
    source = db["sources"].get(doc["source_id"])
    counts = {
        r["type"]: r["n"]
        for r in db.query(
            "SELECT type, COUNT(*) AS n FROM records WHERE document_id = ? GROUP BY type ORDER BY type",
            [doc_id],
        )
    }
    return {
        "document": doc,
        "source": dict(source),
        "citations": list(db.query("SELECT * FROM citations WHERE document_id = ? ORDER BY start", [doc_id])),
        "sections": list(
            db.query(
                "SELECT id, label, title, level, start, \"end\" FROM sections WHERE document_id = ? ORDER BY start, level",
                [doc_id],
            )
        ),
        "record_counts": counts,
        "records": [
            _decode(r)
            for r in db.query(
                "SELECT * FROM records WHERE document_id = ? ORDER BY start LIMIT ?", [doc_id, first]
            )
        ],
    }


RECORD_TABLES = ("records", "targets", "results", "deadlines", "assignments", "funding")


def export_cursor(db: Any, table: str):
    """A cursor over ``table`` (one of ``TABLES``) for export.  Record tables and views also
    carry their document's ``RECORD_CONTEXT`` columns (file name, number, issuer, level,
    place, year, indicator, OCR mark) when the table itself lacks them."""
    if table not in TABLES:
        raise KehoachError(f"unknown table {table!r}; choose one of: {', '.join(TABLES)}")
    if table == "indicator_matrix":
        from .check.matrix import matrix_cursor

        import sqlite_utils

        return matrix_cursor(db if hasattr(db, "conn") else sqlite_utils.Database(db))
    conn = getattr(db, "conn", db)
    if table not in RECORD_TABLES:
        return conn.execute(f'SELECT * FROM "{table}" ORDER BY 1')
    have = [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]
    cols = ", ".join(["t.*", *context_sql(have)])
    return conn.execute(
        f'SELECT {cols} FROM "{table}" t LEFT JOIN records r ON r.id = t.id '
        "LEFT JOIN documents d ON d.id = t.document_id LEFT JOIN sources s ON s.id = d.source_id ORDER BY t.id"
    )


def export_table(
    db: sqlite_utils.Database,
    table: str,
    fmt: str = "csv",
    out: Union[str, Path, IO[str], None] = None,
    *,
    bom: bool = False,
) -> int:
    """Write a table or view (one of ``TABLES``) as ``csv`` or ``jsonl`` to ``out``
    (a path, an open text file, or stdout when None); return the number of rows.

    Record tables carry their document's context (``export_cursor``).  JSON columns
    (provenance, fraction, criteria, extra, ...) stay JSON text in CSV and become JSON
    values in JSONL.  ``bom`` starts the file with a UTF-8 byte-order mark, so that
    Excel opens Vietnamese text intact."""
    if fmt not in ("csv", "jsonl"):
        raise KehoachError(f"unknown format {fmt!r}; choose csv or jsonl")
    cursor = export_cursor(db, table)
    columns = [d[0] for d in cursor.description]
    own = out is not None and not hasattr(out, "write")
    stream: IO[str] = open(out, "w", encoding="utf-8", newline="") if own else (out or sys.stdout)  # type: ignore[arg-type]
    n = 0
    try:
        if bom:
            stream.write("\ufeff")
        if fmt == "csv":
            writer = csv.writer(stream)
            writer.writerow(columns)
            for values in cursor:
                writer.writerow(values)
                n += 1
        else:
            for values in cursor:
                stream.write(json.dumps(_decode(dict(zip(columns, values))), ensure_ascii=False) + "\n")
                n += 1
    finally:
        if own:
            stream.close()
        else:
            stream.flush()
    return n


def counts(db: sqlite_utils.Database, tables: Iterable[str] = ("sources", "documents", "sections", "citations", "records")) -> dict:
    """Row counts of some tables (for summaries and tests)."""
    return {t: db[t].count for t in tables}
