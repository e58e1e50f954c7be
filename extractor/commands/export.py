"""``kehoach export --table NAME --format csv|jsonl|parquet|xlsx [--excel] [--db FILE] [--out FILE]``"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ..store import TABLES

FORMATS = ("csv", "jsonl", "parquet", "xlsx")


def export(
    table: List[str] = typer.Option(
        ..., "--table", "-t",
        help=f"One of: {', '.join(TABLES)}; repeat it (or give 'all') for several sheets in one --format xlsx workbook."),
    fmt: str = typer.Option("csv", "--format", "-f", help="csv, jsonl, parquet or xlsx (parquet and xlsx need --out)."),
    excel: bool = typer.Option(False, "--excel", help="CSV for Excel: UTF-8 with a byte-order mark, so Vietnamese opens intact."),
    db: Optional[Path] = typer.Option(None, "--db", help="Database file [default: $KEHOACH_DB or output/kehoach.db]."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Output file [default: standard output]."),
) -> None:
    """Write a table or view of the database as CSV, JSON Lines, Parquet or an Excel workbook.

    Record tables (records, targets, results, deadlines, assignments, funding) also carry
    their document's source file, number, issuer, level, province, district, commune,
    year, indicator and OCR mark."""
    from rich.console import Console

    from ..errors import KehoachError
    from ..store import export_table, open_db

    err = Console(stderr=True)
    names = list(TABLES) if table == ["all"] else table
    try:
        unknown = [t for t in names if t not in TABLES]
        if unknown:
            raise KehoachError(f"unknown table {unknown[0]!r}; choose one of: {', '.join(TABLES)}")
        if fmt not in FORMATS:
            raise KehoachError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
        if len(names) > 1 and fmt != "xlsx":
            raise KehoachError("several tables go into one file only with --format xlsx; give one --table")
        if excel and fmt != "csv":
            raise KehoachError("--excel applies to --format csv (an .xlsx workbook needs no byte-order mark)")
        database = open_db(db, must_exist=True)
        if fmt == "xlsx":
            from ..export_xlsx import export_xlsx

            counts = export_xlsx(database, names, out)
        elif fmt == "parquet":
            from ..export_parquet import export_parquet

            counts = {names[0]: export_parquet(database, names[0], out)}
        else:
            counts = {names[0]: export_table(database, names[0], fmt, out, bom=excel)}
    except KehoachError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2)
    if out is not None:
        err.print(", ".join(f"{n} rows of {t}" for t, n in counts.items()) + f" written to {out}")
