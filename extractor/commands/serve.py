"""``kehoach serve [--db FILE] [--port N] [--host 127.0.0.1] [--allow-sql]``"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def serve(
    db: Optional[Path] = typer.Option(None, "--db", help="Database file [default: $KEHOACH_DB or output/kehoach.db]."),
    port: int = typer.Option(8001, "--port", "-p", min=0, max=65535, help="Port to listen on."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (127.0.0.1 = this computer only)."),
    allow_sql: bool = typer.Option(
        False, "--allow-sql",
        help="Let visitors run any SQL (?sql=) when --host is not 127.0.0.1 (always on for 127.0.0.1)."),
) -> None:
    """Browse the database in Datasette, review cross-check flags at /-/review, search at /-/search.

    On 127.0.0.1 any SQL may be run, within memory and response caps (KEHOACH_SERVE_HEAP_MB,
    KEHOACH_SERVE_VALUE_MB, KEHOACH_SERVE_RESPONSE_MB).  On any other address arbitrary SQL
    is off unless --allow-sql; tables, facets, canned queries, search and review still work."""
    from rich.console import Console

    from ..errors import KehoachError
    from ..store import default_db_path, open_db

    err = Console(stderr=True)
    path = Path(db or default_db_path())
    try:
        open_db(path, must_exist=True).close()  # brings the schema up to date
        from ..serve import check_port, is_loopback, make_datasette

        local = is_loopback(host)
        make_datasette(path)  # fail early (missing Datasette, bad file) before binding the port
        check_port(host, port)
    except KehoachError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2)
    from ..serve import serve as run

    sql = local or allow_sql
    if not local and allow_sql:
        err.print(f"[yellow]warning:[/yellow] --allow-sql on {host}: anyone who can reach this address can run "
                  "any SQL query on the database (read-only, within the memory caps).")
    elif not local:
        err.print(f"kehoach: serving on {host}: arbitrary SQL is off (give --allow-sql to allow it)")
    err.print(f"kehoach: serving {path} at http://{host}:{port}/  (review: /-/review, search: /-/search; "
              f"SQL: {'on' if sql else 'off'}; Ctrl+C stops)")
    try:
        run(path, host=host, port=port, allow_sql=sql)
    except KehoachError as exc:  # the port was taken between the check and the bind
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2)
