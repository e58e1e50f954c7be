"""Reading the store for other commands: ``find_document``, ``describe_document``
(``kehoach show``), ``counts``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Iterable, Union

from ..errors import KehoachError
from ..fold import fold
from .tables import JSON_COLUMNS

if TYPE_CHECKING:  # sqlite_utils pulls in numpy: not imported just to name a type
    import sqlite_utils


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


def counts(db: sqlite_utils.Database, tables: Iterable[str] = ("sources", "documents", "sections", "citations", "records")) -> dict:
    """Row counts of some tables (for summaries and tests)."""
    return {t: db[t].count for t in tables}
