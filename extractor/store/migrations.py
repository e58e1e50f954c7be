"""Schema changes, in order: ``MIGRATIONS`` and ``ensure_schema``.

Append a function ``mNNN_what(db)`` to ``MIGRATIONS``; ``ensure_schema`` runs the ones
not yet listed in the ``_migrations`` table, in order, in one write transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ..fold import fold
from ..transactions import write_transaction
from .rows import _now, own_ends
from .tables import (CITATIONS, DOCUMENTS, FLAGS, RECORDS, REVIEWS, SECTIONS, SOURCES, VIEW_COLUMNS,
                     VIEW_COLUMNS_M003, _view_sql, context_sql)

if TYPE_CHECKING:  # sqlite_utils pulls in numpy: not imported just to name a type
    import sqlite_utils


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
