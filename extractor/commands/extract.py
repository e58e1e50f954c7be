"""``kehoach extract FILE... --json``: read, split and extract, no database."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List

import typer


def extract(
    files: List[Path] = typer.Argument(..., help="Plan files (.txt, .docx, .pdf, .doc)."),
    as_json: bool = typer.Option(False, "--json", help="Print the documents as JSON (the stable contract)."),
) -> None:
    """Extract documents, metadata and records from plan files and print them."""
    from ..errors import KehoachError
    from ..pipeline import extract_path

    out, failed = [], []
    for f in files:
        try:
            out.extend(d.public() for d in extract_path(f))
        except (KehoachError, OSError) as exc:
            failed.append({"source": f.name, "error": str(exc)})
    if as_json:
        payload = {"documents": out}
        if failed:
            payload["errors"] = failed
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")  # one write, not one per token
    else:
        from rich.console import Console

        con = Console()
        for d in out:
            m = d["meta"]
            con.rule(f"{d['source']} part {d['part']}")
            con.print(f"[bold]{m.get('doc_type') or '?'}[/] {m.get('number') or ''}  {m.get('date') or ''}  {m.get('issuer') or ''}  level={m.get('level')}")
            counts = {}
            for r in d["records"]:
                counts[r["type"]] = counts.get(r["type"], 0) + 1
            con.print(counts)
            for r in d["records"][:200]:
                key = r.get("value", r.get("amount_vnd", r.get("date", r.get("agency"))))
                con.print(f"  [cyan]{r['type']:<10}[/] {key!s:<24} {r.get('unit') or r.get('role') or ''} [dim]{r['quote'][:110]}[/]")
        for f in failed:
            con.print(f"[red]failed[/] {f['source']}: {f['error']}")
    if failed:
        raise typer.Exit(2)
