"""``kehoach link [CHILD [PARENT]] [--clear] [--db FILE]``: show or set the plan a document implements."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def link(
    child: Optional[str] = typer.Argument(None, help="Document id (12) or number (65-KH/HU)."),
    parent: Optional[str] = typer.Argument(None, help="Its parent plan: id or number."),
    clear: bool = typer.Option(False, "--clear", help="Remove CHILD's manual link (automatic resolution again)."),
    db: Optional[Path] = typer.Option(None, "--db", help="Database file [default: $KEHOACH_DB or output/kehoach.db]."),
) -> None:
    """Link CHILD to PARENT by hand (kept across re-checks), or without arguments list every
    document's parent as resolved from its citations."""
    from rich.console import Console
    from rich.table import Table

    from ..check import store_links
    from ..check.data import load_documents
    from ..check.link import resolve, set_manual_link
    from ..errors import KehoachError
    from ..store import open_db

    console, err = Console(), Console(stderr=True)
    try:
        database = open_db(db, must_exist=True)
        if child is not None:
            if parent is None and not clear:
                raise KehoachError("give the PARENT (id or number), or --clear to remove the manual link")
            c, p = set_manual_link(database, child, None if clear else parent)
            if p is None:
                console.print(f"#{c['id']} {c.get('number') or ''}: manual link removed")
            else:
                console.print(f"#{c['id']} {c.get('number') or ''} -> #{p['id']} {p.get('number') or ''} (manual)")
        docs = load_documents(database)
        links = resolve(docs, database)
        store_links(database, links)
    except KehoachError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2)
    if child is not None:
        return
    t = Table(title="Plans and the plans they implement", title_justify="left")
    for col in ("id", "document", "number", "level", "parent", "by", "citation"):
        t.add_column(col, overflow="fold")
    for d in docs:
        l = links[d.id]
        p = l.parent
        cit = (l.citation or {}).get("quote") or (
            f"not in database: {l.unresolved.get('number')}" if l.unresolved else "")
        t.add_row(str(d.id), d.source + (f" ({d.part})" if d.part != 1 else ""), d.number or "—", d.level or "",
                  f"#{p.id} {p.number or p.source}" if p else "—", l.by or "", cit)
    console.print(t)
