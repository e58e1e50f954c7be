"""``export_parquet(db, table, out)``: one table or view of the store as a Parquet file.

Needs ``pyarrow`` (in the ``serve`` extra).  Column types follow the table's
declared SQLite types (INTEGER -> int64, REAL/FLOAT -> double, TEXT -> string); a
column whose values do not fit its declared type is written as strings.  JSON
columns (provenance, fraction, criteria, extra ...) stay JSON text, as in CSV.  Record
tables carry their document's context columns (``store.export_cursor``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Union

from .errors import KehoachError
from .store import TABLES, export_cursor

_TYPES = {"INTEGER": "int64", "INT": "int64", "REAL": "float64", "FLOAT": "float64", "TEXT": "string"}


def export_parquet(db: Any, table: str, out: Union[str, Path, None]) -> int:
    """Write ``table`` (one of ``store.TABLES``) to the Parquet file ``out``; return the row count."""
    if table not in TABLES:
        raise KehoachError(f"unknown table {table!r}; choose one of: {', '.join(TABLES)}")
    if out is None or hasattr(out, "write"):
        raise KehoachError("Parquet is a binary format: give a file with --out FILE.parquet")
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise KehoachError("Parquet export needs pyarrow: pip install pyarrow (or pip install -e '.[serve]')") from None
    conn = getattr(db, "conn", db)
    declared = {row[1]: (row[2] or "").upper() for row in conn.execute(f'PRAGMA table_info("{table}")')}
    declared.update({"ocr": "INTEGER", "year": "INTEGER"} if "ocr" not in declared else {})
    cursor = export_cursor(db, table)  # record tables: with their document's context columns
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    arrays = []
    for i, name in enumerate(names):
        values = [r[i] for r in rows]
        kind = _TYPES.get(declared.get(name, "").split("(")[0], "string")
        try:
            arr = pa.array(values, type=getattr(pa, kind)())
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError, OverflowError):
            arr = pa.array([None if v is None else str(v) for v in values], type=pa.string())
        arrays.append(arr)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_arrays(arrays, names=names), str(out))
    return len(rows)
