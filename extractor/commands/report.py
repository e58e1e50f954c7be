"""``kehoach report [--db FILE] [--out output/report.html] [--plan ID ...]``"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer


def report(
    db: Optional[Path] = typer.Option(None, "--db", help="Database file [default: $KEHOACH_DB or output/kehoach.db]."),
    out: Path = typer.Option(Path("output/report.html"), "--out", "-o", help="HTML file to write."),
    plan: Optional[List[str]] = typer.Option(None, "--plan", help="Only these plans (document id or number); repeatable."),
    window: int = typer.Option(160, "--window", min=0, help="Characters of surrounding text shown each side of a quote."),
    superseded: bool = typer.Option(False, "--include-superseded", help="Also report superseded documents."),
    charts: bool = typer.Option(True, "--charts/--no-charts",
                                help="Inline SVG charts of each plan beside its parent (needs the serve extra)."),
) -> None:
    """Write one self-contained HTML file (no external assets; works offline, fit for email):
    per plan its metadata, its records in context and its flags beside the parent's words."""
    from rich.console import Console

    from ..errors import KehoachError
    from ..report import build_report
    from ..store import find_document, open_db

    err = Console(stderr=True)
    try:
        database = open_db(db, must_exist=True)
        ids = [find_document(database, p)["id"] for p in plan] if plan else None
        path = build_report(database, out, ids, window=window, include_superseded=superseded, with_charts=charts)
    except KehoachError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2)
    err.print(f"report written to {path} ({path.stat().st_size // 1024} KiB)")
