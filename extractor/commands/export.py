"""``kehoach export --table NAME --format csv|jsonl [--db FILE] [--out FILE]``"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..store import TABLES


def export(
    table: str = typer.Option(..., "--table", "-t", help=f"One of: {', '.join(TABLES)}."),
    fmt: str = typer.Option("csv", "--format", "-f", help="csv, jsonl or parquet (parquet needs --out)."),
    db: Optional[Path] = typer.Option(None, "--db", help="Database file [default: $KEHOACH_DB or output/kehoach.db]."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Output file [default: standard output]."),
) -> None:
    """Write one table or view of the database as CSV or JSON Lines."""
    from rich.console import Console

    from ..errors import KehoachError
    from ..store import export_table, open_db

    err = Console(stderr=True)
    try:
        if table not in TABLES:
            raise KehoachError(f"unknown table {table!r}; choose one of: {', '.join(TABLES)}")
        database = open_db(db, must_exist=True)
        if fmt == "parquet":
            from ..export_parquet import export_parquet

            n = export_parquet(database, table, out)
        else:
            n = export_table(database, table, fmt, out)
    except KehoachError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2)
    if out is not None:
        err.print(f"{n} rows of {table} written to {out}")
