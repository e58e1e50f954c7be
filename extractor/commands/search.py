"""``kehoach search QUERY [--level] [--province] [--topic] [--year] [--type] [--db FILE] [--json]``"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

# keys printed first by --json, in this order; the rest of each hit follows
JSON_KEYS = ["type", "quote", "source", "number", "value", "unit", "year", "match"]


def _value(h: dict) -> str:
    v = h.get("value")
    if v is not None:
        v = int(v) if isinstance(v, float) and v.is_integer() else v
        text = " ".join(str(p) for p in (h.get("comparator") or "", v, h.get("unit") or "") if p != "")
        return text + (f" ({h['year']})" if h.get("year") else "")
    if h.get("date"):
        return h["date"]
    if h.get("amount_vnd"):
        return f"{h['amount_vnd']:,} đ"
    return ""


def search(
    query: str = typer.Argument(..., help="Words to find; diacritics optional ('nuoc sach' finds 'nước sạch')."),
    level: Optional[str] = typer.Option(None, "--level", help="Document level: tinh, huyen, xa ..."),
    province: Optional[str] = typer.Option(None, "--province", help="Province (accents optional)."),
    district: Optional[str] = typer.Option(None, "--district", help="District (accents optional)."),
    topic: Optional[str] = typer.Option(None, "--topic", help="Record topic (environment, health ...)."),
    year: Optional[int] = typer.Option(None, "--year", help="Target year (or a deadline's year)."),
    rtype: Optional[str] = typer.Option(None, "--type", help="target, status (a result achieved), deadline, assignment, funding or section."),
    db: Optional[Path] = typer.Option(None, "--db", help="Database file [default: $KEHOACH_DB or output/kehoach.db]."),
    as_json: bool = typer.Option(False, "--json", help='Print {"results": [...]} as JSON.'),
    limit: int = typer.Option(50, "--limit", "-n", min=1, help="Most results shown."),
    superseded: bool = typer.Option(False, "--include-superseded", help="Also search superseded documents."),
) -> None:
    """Search the extracted records (or section text), diacritic-insensitive; exact-diacritic hits first."""
    from rich.console import Console
    from rich.table import Table

    from ..errors import KehoachError
    from ..search import search as run_search
    from ..store import open_db

    err = Console(stderr=True)
    try:
        database = open_db(db, must_exist=True)
        hits = run_search(database, query, level=level, province=province, district=district, topic=topic,
                          year=year, type=rtype, limit=limit, include_superseded=superseded)
    except KehoachError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2)
    if as_json:
        results = [{**{k: h.get(k) for k in JSON_KEYS}, **{k: v for k, v in h.items() if k not in JSON_KEYS}}
                   for h in hits]
        typer.echo(json.dumps({"query": query, "results": results}, ensure_ascii=False, indent=1))
        return
    if not hits:
        err.print(f"no results for {query!r}")
        return
    table = Table(title=f"{len(hits)} results for {query!r} (one row per record; its figure in bold)",
                  show_lines=True)
    for col in ("type", "quote", "value", "document", "match"):
        table.add_column(col, overflow="fold")
    for h in hits:
        doc = " ".join(x for x in (h.get("number") or "", h.get("source") or "") if x)
        table.add_row(h["type"], _quote(h), _value(h), doc, h.get("match_explained") or h["match"])
    Console().print(table)


def _quote(h: dict):
    """The quote as Rich text: the record's own figure bold and underlined, the rest plain."""
    from rich.text import Text

    text = Text(h.get("quote") or "")
    vs, ve, start = h.get("value_start"), h.get("value_end"), h.get("start")
    if isinstance(vs, int) and isinstance(ve, int) and isinstance(start, int):
        text.stylize("bold underline", vs - start, ve - start)
    return text
