"""The ``kehoach`` command line: a thin layer over the Python API.

Each command lives in ``extractor/commands/<name>.py`` and is registered here.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="kehoach: read Vietnamese NTM plans, extract grounded records, cross-check plans.",
)

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
    app.command(_name)(getattr(_mod, _name))


def main() -> None:  # pragma: no cover
    app()
