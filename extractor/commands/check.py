"""``kehoach check [--db FILE] [--json]``: cross-check every plan in the database."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer


def check(
    db: Optional[Path] = typer.Option(None, "--db", help="Database file [default: $KEHOACH_DB or output/kehoach.db]."),
    as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON (flags, aggregates, links)."),
    no_store: bool = typer.Option(False, "--no-store", help="Do not write flags and links to the database."),
    show_info: bool = typer.Option(False, "--info", help="List info findings too (the summary always counts them)."),
    limit: int = typer.Option(200, "--limit", min=0,
                              help="Rows printed per table (0: all); the database and --json always have every finding."),
) -> None:
    """Run every cross-check rule: each plan against the plan it implements, and against itself.

    Findings are stored in the flags table with a stable id (a reviewer's decision stays
    attached across re-runs); findings that no longer appear are marked resolved."""
    from rich.console import Console

    from ..check import flags_json, run, store_flags, store_links
    from ..errors import KehoachError
    from ..store import open_db

    from ..delayed_progress import delayed_progress

    err = Console(stderr=True)
    try:
        database = open_db(db, must_exist=True)
        from ..check.data import count_documents

        total = count_documents(database) + (1 if no_store else 3)
        with delayed_progress("cross-checking plans", total=total, console=err) as step:

            def progress(total=None, advance=0):
                for _ in range(advance):
                    step()

            result = run(database, progress=progress, keep_records=False)
            step("storing links")
            stored = None
            if not no_store:
                store_links(database, result.links)
                step("storing findings")
                stored = store_flags(database, result.flags)
                step()
    except KehoachError as exc:
        err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2)
    if as_json:
        sys.stdout.write(json.dumps(flags_json(result, database), ensure_ascii=False, indent=1) + "\n")
        return
    _print_summary(Console(), result, stored, show_info, limit)


def _cut(rows: list, limit: int) -> tuple[list, str]:
    """The rows a table prints, and a caption saying how many were left out."""
    if not limit or len(rows) <= limit:
        return rows, ""
    return rows[:limit], (f"… {len(rows) - limit} more rows not printed (--limit 0 prints all; "
                          "--json, kehoach report and the review page have every one)")


def _print_summary(console, result, stored, show_info: bool, limit: int = 0) -> None:
    from rich.table import Table

    from ..check import flags_json

    data = flags_json(result)
    rows, more = _cut(sorted(data["links"], key=lambda l: (l["source"], l["part"])), limit)
    links = Table(title="Plans and the plans they implement", title_justify="left", caption=more or None)
    for c in ("document", "number", "parent", "by"):
        links.add_column(c)
    for l in rows:
        p = l["parent"]
        links.add_row(f"{l['source']}" + (f" ({l['part']})" if l["part"] != 1 else ""), l["number"] or "—",
                      (p["number"] or p["source"]) if p else "—", l["by"] or "")
    console.print(links)

    sev = ("error", "warning", "info")
    per_plan: dict[tuple, dict[str, int]] = {}
    for f in data["flags"]:
        c = f["child"]
        k = (c["source"], c["part"], c["number"])
        counts = per_plan.setdefault(k, {s: 0 for s in sev})
        counts[f["severity"]] = counts.get(f["severity"], 0) + 1
    rows, more = _cut(sorted(per_plan.items()), limit)
    t = Table(title="Findings by plan and severity", title_justify="left", caption=more or None)
    t.add_column("plan")
    for s, style in zip(sev, ("red", "yellow", "cyan")):
        t.add_column(s, justify="right", style=style)
    for (src, part, num), n in rows:
        name = (num + " · " if num else "") + src + (f" ({part})" if part != 1 else "")
        t.add_row(name, *(str(n[s]) for s in sev))
    console.print(t)

    shown = [f for f in data["flags"] if show_info or f["severity"] != "info"]
    if shown:
        shown, more = _cut(shown, limit)
        d = Table(title="Findings" + ("" if show_info else " (errors and warnings; --info for all)"),
                  title_justify="left", show_lines=True, caption=more or None)
        for c in ("severity", "rule", "plan", "message"):
            d.add_column(c, overflow="fold")
        for f in shown:
            c = f["child"]
            d.add_row(f["severity"], f["rule"], c["number"] or c["source"], f["message_vi"])
        console.print(d)
    if stored is not None:
        console.print(
            f"stored: {stored['open']} open ({stored['new']} new, {stored['reopened']} reopened), "
            f"{stored['resolved']} resolved"
        )
