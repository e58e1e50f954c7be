"""The ``kehoach`` command line: a thin layer over the Python API.

Each command lives in ``extractor/commands/<name>.py`` and is registered here.
"""

from __future__ import annotations

import importlib
import inspect
import re

import typer
from typer.models import ArgumentInfo, OptionInfo

HELP = """kehoach: read Vietnamese NTM plans, extract grounded records, cross-check plans.

Everyday: [bold]ingest[/bold] files, [bold]check[/bold] plans against their parents, [bold]report[/bold]
(one offline HTML file), [bold]serve[/bold] (Datasette + review page), [bold]search[/bold],
[bold]export[/bold] a table as CSV (--excel for Excel), JSON Lines, Parquet or XLSX,
[bold]show[/bold] one document.  First time?  Run [bold]kehoach demo[/bold] (its own database,
output/demo.db)."""

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help=HELP,
    rich_markup_mode="rich",
)

# "[default: …]" written inside a help text is Rich markup to Typer and vanishes;
# such defaults go to Typer's own default column instead (shown on every --help).
_DEFAULT_IN_HELP = re.compile(r"\s*\[default:\s*([^\]]+)\]\s*")


def show_defaults(callback) -> None:
    """Move ``[default: …]`` out of each option's help into ``show_default``, and escape
    any other square brackets so that Rich prints them."""
    for param in inspect.signature(callback).parameters.values():
        info = param.default
        if not isinstance(info, (OptionInfo, ArgumentInfo)) or not info.help:
            continue
        m = _DEFAULT_IN_HELP.search(info.help)
        if m:
            info.help = (info.help[: m.start()] + " " + info.help[m.end():]).strip().rstrip(" .") + "."
            info.show_default = m.group(1).strip()
        info.help = re.sub(r"(?<!\\)\[", r"\\[", info.help)


@app.callback()
def _root() -> None:
    """kehoach: read Vietnamese NTM plans, extract grounded records, cross-check plans."""


# command name -> module in extractor.commands exposing a function of the same name
COMMANDS = [
    "extract",
    "ingest",
    "export",
    "show",
    "evaluate",
    "schema",
    "check",
    "link",
    "search",
    "report",
    "serve",
    "train",
    "demo",
]

for _name in COMMANDS:
    try:
        _mod = importlib.import_module(f"extractor.commands.{_name}")
    except ModuleNotFoundError as exc:  # command not written yet
        if exc.name != f"extractor.commands.{_name}":
            raise
        continue
    show_defaults(getattr(_mod, _name))
    app.command(_name)(getattr(_mod, _name))


def main() -> None:  # pragma: no cover
    app()
