"""``kehoach serve [--db FILE] [--port N] [--host 127.0.0.1]``"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def serve(
    db: Optional[Path] = typer.Option(None, "--db", help="Database file [default: $KEHOACH_DB or output/kehoach.db]."),
    port: int = typer.Option(8001, "--port", "-p", min=0, max=65535, help="Port to listen on."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (127.0.0.1 = this computer only)."),
) -> None:
    """Browse the database in Datasette, review cross-check flags at /-/review, search at /-/search."""
    from rich.console import Console

    from ..errors import KehoachError
    from ..store import default_db_path, open_db

    err = Console(stderr=True)
    path = Path(db or default_db_path())
    try:
        open_db(path, must_exist=True).close()  # brings the schema up to date
        from ..serve import make_datasette

        make_datasette(path)  # fail early (missing Datasette, bad file) before binding the port
    except KehoachError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2)
    from ..serve import serve as run

    err.print(f"kehoach: serving {path} at http://{host}:{port}/  (review: /-/review, search: /-/search; Ctrl+C stops)")
    run(path, host=host, port=port)
