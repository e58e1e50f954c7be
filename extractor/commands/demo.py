"""``kehoach demo``: the main job on the bundled sample plans: ingest -> check -> report.

The demo has its own database (``output/demo.db``) and report (``output/demo-report.html``):
the everyday database (``$KEHOACH_DB`` or ``output/kehoach.db``) never receives the sample
plans unless the user ingests them there, so a clerk's real plans are never linked,
aggregated or flagged together with our invented ones."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typer
from rich.console import Console

REPO = Path(__file__).resolve().parents[2]
DEMO_DB = Path("output/demo.db")
DEMO_REPORT = Path("output/demo-report.html")


def demo(
    corpus: Path = typer.Option(REPO / "corpora" / "plans", help="Folder of plans to ingest."),
    db: Path = typer.Option(DEMO_DB, "--db", help="Database to fill (the demo's own, not the everyday one)."),
    out: Path = typer.Option(DEMO_REPORT, "--out", help="HTML report to write."),
) -> None:
    """Ingest the sample corpus, cross-check the plans, write the report, and say where to look."""
    import os

    from ..store import default_db_path

    con = Console()
    everyday = Path(default_db_path()).resolve()
    db.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "KEHOACH_DB": str(db)}
    steps = [
        ("ingest", ["ingest", str(corpus), "--db", str(db)]),
        ("check", ["check", "--db", str(db)]),
        ("report", ["report", "--db", str(db), "--out", str(out)]),
    ]
    failed = False
    for name, args in steps:
        con.rule(f"kehoach {' '.join(args)}")
        rc = subprocess.call([sys.executable, "-m", "extractor", *args], env=env)
        if rc not in (0,) and not (name == "ingest" and rc == 2):
            con.print(f"[red]{name} exited with {rc}[/red]")
            failed = True
    con.rule("where to look")
    con.print(f"Report (open in a browser, works offline): [bold]{out.resolve()}[/bold]")
    con.print(f"Database: [bold]{db.resolve()}[/bold] (the demo's own; your everyday database is {everyday})")
    con.print(f"Browse and review flags: [bold]kehoach serve --db {db}[/bold]  then open http://127.0.0.1:8001/-/review")
    con.print(f"Search: [bold]kehoach search 'nuoc sach' --db {db}[/bold];  export: [bold]kehoach export --table targets --format csv --db {db}[/bold]")
    if failed:
        raise typer.Exit(1)
