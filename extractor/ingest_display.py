"""What a batch shows: the progress bar while it runs, the summary tables after."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .worker import NO_PLAN

if TYPE_CHECKING:  # pragma: no cover
    from .ingest import FileResult, IngestSummary


def make_progress(console=None):
    """A Rich progress bar: files done / total and pages per second."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn
    from rich.text import Text

    class PagesPerSecond(ProgressColumn):
        def render(self, task) -> Text:
            elapsed = task.elapsed or 0
            pages = task.fields.get("pages", 0)
            rate = pages / elapsed if elapsed > 0 else 0.0
            return Text(f"{pages} pages, {rate:.1f} pages/s", style="progress.data.speed")

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files"),
        PagesPerSecond(),
        TimeElapsedColumn(),
        console=console,
    )


def print_summary(summary: IngestSummary, console=None) -> None:
    """The table printed after a batch: counts, then each failure with its reason."""
    from rich.console import Console
    from rich.table import Table

    console = console or Console()
    counts = Table(title=f"kehoach ingest: {len(summary.results)} files in {summary.seconds:.1f} s")
    counts.add_column("result")
    counts.add_column("files", justify="right")
    counts.add_column("documents", justify="right")
    counts.add_row("ingested", str(len(summary.ingested)), str(sum(r.documents for r in summary.ingested)))
    ocr = [r for r in summary.ingested if r.ocr]
    if ocr:
        counts.add_row("  of which read by OCR (scanned)", str(len(ocr)), str(sum(r.documents for r in ocr)))
    counts.add_row("unchanged", str(len(summary.unchanged)), "")
    if summary.skipped:
        counts.add_row("skipped", str(len(summary.skipped)), "", style="yellow")
    counts.add_row("failed", str(len(summary.failed)), "", style="red" if summary.failed else None)
    if summary.no_plan:
        counts.add_row("stored, no plan found", str(len(summary.no_plan)), "", style="yellow")
    if summary.interrupted:
        counts.add_row("not done (interrupted)", str(summary.not_done), "", style="red")
    console.print(counts)
    cwd = Path.cwd()

    def listing(title: str, rows: list[FileResult], why) -> None:
        if not rows:
            return
        table = Table(title=title, show_lines=False)
        table.add_column("file", overflow="fold")
        table.add_column("reason", overflow="fold")
        for r in rows:
            shown = Path(r.path)
            if shown.is_relative_to(cwd):
                shown = shown.relative_to(cwd)
            table.add_row(str(shown), why(r))
        console.print(table)

    listing("files read by OCR: check their figures (OCR can misread digits)", ocr,
            lambda r: f"{r.pages} pages, {r.documents} documents")
    listing("failed files", summary.failed, lambda r: r.error or "")
    listing("skipped files", summary.skipped, lambda r: r.error or "")
    listing("files with no plan (stored; see sources.warnings)", summary.no_plan,
            lambda r: "; ".join(w for w in r.warnings if w.startswith(NO_PLAN)))
    if summary.interrupted:
        console.print(
            f"[bold red]interrupted ({summary.interrupted})[/bold red]: the batch stopped with "
            f"{summary.not_done} of {summary.files} files not done; nothing is half-written. "
            "Run the same command again to resume: files already stored are skipped as unchanged."
        )
