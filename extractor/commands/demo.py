"""``kehoach demo``: the main job on the bundled sample plans: ingest -> check -> report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typer
from rich.console import Console

REPO = Path(__file__).resolve().parents[2]


def demo(
    corpus: Path = typer.Option(REPO / "corpora" / "plans", help="Folder of plans to ingest."),
    db: Path = typer.Option(Path("output/kehoach.db"), "--db", help="Database to fill."),
    out: Path = typer.Option(Path("output/report.html"), "--out", help="HTML report to write."),
) -> None:
    """Ingest the sample corpus, cross-check the plans, write the report, and say where to look."""
    con = Console()
    db.parent.mkdir(parents=True, exist_ok=True)
    steps = [
        ("ingest", ["ingest", str(corpus), "--db", str(db)]),
        ("check", ["check", "--db", str(db)]),
        ("report", ["report", "--db", str(db), "--out", str(out)]),
    ]
    failed = False
    for name, args in steps:
        con.rule(f"kehoach {' '.join(args)}")
        rc = subprocess.call([sys.executable, "-m", "extractor", *args])
        if rc not in (0,) and not (name == "ingest" and rc == 2):
            con.print(f"[red]{name} exited with {rc}[/red]")
            failed = True
    con.rule("where to look")
    con.print(f"Report (open in a browser, works offline): [bold]{out.resolve()}[/bold]")
    con.print(f"Database: [bold]{db.resolve()}[/bold]")
    con.print(f"Browse and review flags: [bold]kehoach serve --db {db}[/bold]  then open http://127.0.0.1:8001/-/review")
    con.print(f"Search: [bold]kehoach search 'nuoc sach' --db {db}[/bold];  export: [bold]kehoach export --table targets --format csv --db {db}[/bold]")
    if failed:
        raise typer.Exit(1)
