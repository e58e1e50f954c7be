"""``kehoach ingest PATH... [--db FILE] [--workers N]``"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer


def ingest(
    paths: List[Path] = typer.Argument(..., help="Files (.txt .docx .doc .pdf) or folders (searched recursively)."),
    db: Optional[Path] = typer.Option(None, "--db", help="Database file [default: $KEHOACH_DB or output/kehoach.db]."),
    workers: Optional[int] = typer.Option(
        None, "--workers", "-j", min=0, help="Extraction processes; 0 = in this process. Not given, a small batch (up to 24 files, 16 MB) runs in this process [default: 1]."
    ),
    time_limit: Optional[float] = typer.Option(None, "--time-limit", help="Seconds allowed per file [default: 120]."),
    max_bytes: Optional[int] = typer.Option(None, "--max-bytes", help="Largest file read, in bytes [default: 50000000]."),
    max_pages: Optional[int] = typer.Option(None, "--max-pages", help="Most pages read per PDF [default: 500]."),
    no_ocr: bool = typer.Option(False, "--no-ocr", help="Do not OCR pages that have no text layer."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    executor: str = typer.Option(
        "local", "--executor",
        help="Where files are read and extracted: local (the --workers pool), dask://HOST:PORT (a Dask "
             "scheduler; needs pip install -e '.[cluster]') or dask-local[:N] (N Dask workers on this machine).",
    ),
    ship_bytes: bool = typer.Option(
        False, "--ship-bytes", help="Dask: send file contents to the workers instead of paths (no shared file system)."
    ),
) -> None:
    """Read files into the database: unchanged files are skipped, changed ones stored as a new version.

    Exit status 0 when every file was ingested or unchanged, 2 when some failed."""
    from rich.console import Console

    from ..errors import KehoachError
    from ..executors import make_executor, print_worker_table
    from ..ingest import ingest_paths, make_progress, print_summary
    from ..settings import load_settings

    err = Console(stderr=True)
    try:
        settings = load_settings(
            time_limit=time_limit, max_bytes=max_bytes, max_pages=max_pages, workers=workers,
            ocr=False if no_ocr else None,
        )
        with make_executor(executor, settings=settings, ship_bytes=ship_bytes) as ex:
            remote = None if ex.stats.kind == "local" else ex  # local: the pool in ingest.py, as before
            if quiet or not err.is_terminal:
                summary = ingest_paths(paths, db=db, settings=settings, executor=remote)
            else:
                with make_progress(err) as progress:
                    summary = ingest_paths(paths, db=db, settings=settings, progress=progress, executor=remote)
    except KehoachError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2)
    print_summary(summary, Console())
    print_worker_table(ex.stats, Console())
    raise typer.Exit(summary.exit_code)
