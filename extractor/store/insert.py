"""Inserting prepared rows inside ``store_documents``' transaction, and the lookups
it makes there (``current_source``, re-issued documents)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Optional, Union

from ..fold import fold
from .rows import _json, _prepare_document, _Prepared

if TYPE_CHECKING:  # sqlite_utils pulls in numpy, the model pydantic
    import sqlite_utils

    from ..model import Document


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
