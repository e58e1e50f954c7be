"""Exporting a table or view as CSV or JSON Lines: ``export_cursor``, ``export_table``."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Union

from ..errors import KehoachError
from .queries import _decode
from .tables import RECORD_TABLES, TABLES, context_sql

if TYPE_CHECKING:  # sqlite_utils pulls in numpy: not imported just to name a type
    import sqlite_utils


def export_cursor(db: Any, table: str):
    """A cursor over ``table`` (one of ``TABLES``) for export.  Record tables and views also
    carry their document's ``RECORD_CONTEXT`` columns (file name, number, issuer, level,
    place, year, indicator, OCR mark) when the table itself lacks them."""
    if table not in TABLES:
        raise KehoachError(f"unknown table {table!r}; choose one of: {', '.join(TABLES)}")
    if table == "indicator_matrix":
        from ..check.matrix import matrix_cursor

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
