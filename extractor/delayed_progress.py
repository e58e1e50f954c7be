"""A progress bar that appears only when the work takes longer than a moment.

    with delayed_progress("cross-checking plans", total=3) as step:
        result = run(db); step("storing links")
        store_links(...); step("storing findings")
        ...

Drawn on standard error (so ``--json`` output stays clean), only on a terminal, and
only after ``delay`` seconds (default 1): quick runs print nothing extra.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Callable, Iterator, Optional


@contextlib.contextmanager
def delayed_progress(description: str, total: int, delay: float = 1.0,
                     console=None) -> Iterator[Callable[[Optional[str]], None]]:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    console = console or Console(stderr=True)
    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
                        TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn(),
                        console=console, transient=True, disable=not console.is_terminal)
    task = progress.add_task(description, total=total)
    timer = threading.Timer(delay, progress.start)
    timer.daemon = True

    def step(next_description: Optional[str] = None) -> None:
        progress.update(task, advance=1, **({"description": next_description} if next_description else {}))

    timer.start()
    try:
        yield step
    finally:
        timer.cancel()
        progress.stop()
