"""``kehoach show DOC [--db FILE]``: one stored document, readable."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

META_FIELDS = ["doc_type", "number", "date", "issuer", "level", "province", "district", "commune",
               "title", "period", "signer", "attached_to"]


def _value(rec: dict) -> str:
    """A record's value for the table: ``≥ 80% (2025)``, ``2–3 xã``, ``1–1,5%`` (Vietnamese
    decimal comma), ``120.000.000 đ (total)``."""
    from ..report import record_value

    t = rec.get("type")
    if t == "deadline":
        return rec.get("date") or ""
    if t == "assignment":
        crit = rec.get("criteria") or []
        return f"{rec.get('agency')}: {', '.join(map(str, crit)) if isinstance(crit, list) else crit}"
    if t == "funding" and rec.get("amount_vnd") is not None:
        return f"{rec['amount_vnd']:,} đ ({rec.get('role')})".replace(",", ".")
    return record_value(rec)


def show(
    doc: str = typer.Argument(..., help="Document id (12) or number (65-KH/HU)."),
    db: Optional[Path] = typer.Option(None, "--db", help="Database file [default: $KEHOACH_DB or output/kehoach.db]."),
    first: int = typer.Option(10, "--first", "-n", help="How many records to print."),
) -> None:
    """Summarise one document: metadata with provenance, citations, outline, record counts, first records."""
    from rich.console import Console
    from rich.markup import escape
    from rich.panel import Panel
    from rich.table import Table
    from rich.tree import Tree

    from ..errors import KehoachError
    from ..store import describe_document, find_document, open_db

    console = Console()
    try:
        database = open_db(db, must_exist=True)
        info = describe_document(database, find_document(database, doc)["id"], first=first)
    except KehoachError as exc:
        Console(stderr=True).print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2)

    d, src = info["document"], info["source"]
    head = " ".join(x for x in [d.get("doc_type") or "(document type unknown)", d.get("number") or ""] if x)
    status = "[red]superseded[/red]" if d.get("superseded") else "[green]current[/green]"
    ocr = ("\n[bold yellow]OCR:[/bold yellow] the text was read from page images; check figures against the original"
           if d.get("ocr") or src.get("ocr") else "")
    console.print(Panel(f"[bold]{escape(head)}[/bold]\n{escape(d.get('title') or '')}\n"
                        f"#{d['id']}  {status}  part {d.get('part')} of {escape(str(src['path']))} "
                        f"(version {src.get('version')}, ingested {src.get('ingested_at')}){ocr}",
                        expand=False))

    meta = Table(title="metadata", show_header=True)
    meta.add_column("field")
    meta.add_column("value", overflow="fold")
    meta.add_column("read from", style="dim")
    prov = d.get("provenance") or {}
    for f in META_FIELDS:
        if d.get(f) is not None:
            meta.add_row(f, escape(str(d[f])), escape(str(prov.get(f, ""))))
    if d.get("parent_id"):
        meta.add_row("implements", f"#{d['parent_id']}", d.get("parent_by") or "")
    console.print(meta)

    if info["citations"]:
        cit = Table(title=f"citations ({len(info['citations'])})")
        for col in ("relation", "type", "number", "date", "quote"):
            cit.add_column(col, overflow="fold")
        for c in info["citations"]:
            cit.add_row(*(escape(c[k] or "") for k in ("relation", "doc_type", "number", "date")),
                        escape((c["quote"] or "")[:120]))
        console.print(cit)

    if info["sections"]:
        tree = Tree(f"outline ({len(info['sections'])} sections)")
        stack: list[tuple[int, Tree]] = [(0, tree)]
        for s in info["sections"]:
            while stack and stack[-1][0] >= (s["level"] or 1):
                stack.pop()
            node = (stack[-1][1] if stack else tree).add(f"[bold]{escape(s['label'] or '')}[/bold] {escape(s['title'] or '')}")
            stack.append((s["level"] or 1, node))
        console.print(tree)

    counts = info["record_counts"]
    console.print("records: " + (", ".join(f"{n} {t}" for t, n in counts.items()) if counts else "none"))
    if info["records"]:
        recs = Table(title=f"first {len(info['records'])} records")
        recs.add_column("type")
        recs.add_column("value", overflow="fold")
        recs.add_column("section")
        recs.add_column("quote", overflow="fold")
        for r in info["records"]:
            recs.add_row(r["type"], escape(_value(r)), escape(r.get("section") or ""), escape(f"“{r['quote']}”"))
        console.print(recs)
