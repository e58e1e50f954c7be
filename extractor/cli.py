"""The ``kehoach`` command line: a thin layer over the Python API.

Each command lives in ``extractor/commands/<name>.py`` and is registered here.
Commands are loaded lazily (``LazyGroup``): ``kehoach extract`` imports only
``extractor.commands.extract``; ``kehoach --help`` imports every command module,
so those modules import nothing heavy at the top (only ``typer`` and the standard
library; the work's imports go inside the command functions).
"""

from __future__ import annotations

import importlib
import inspect
import re

import typer
from typer.core import TyperGroup
from typer.models import ArgumentInfo, CommandInfo, OptionInfo

HELP = """kehoach: read Vietnamese NTM plans, extract grounded records, cross-check plans.

Everyday: [bold]ingest[/bold] files, [bold]check[/bold] plans against their parents, [bold]report[/bold]
(one offline HTML file), [bold]serve[/bold] (Datasette + review page), [bold]search[/bold],
[bold]export[/bold] a table as CSV (--excel for Excel), JSON Lines, Parquet or XLSX,
[bold]show[/bold] one document.  First time?  Run [bold]kehoach demo[/bold] (its own database,
output/demo.db)."""


class LazyGroup(TyperGroup):
    """A command group that imports a command's module only when that command is used
    (or listed, by ``--help``)."""

    def list_commands(self, ctx) -> list[str]:
        return [name for name in COMMANDS if _load(name) is not None]

    def get_command(self, ctx, name: str):
        func = _load(name)
        if func is None:
            return None
        if name not in _BUILT:
            _BUILT[name] = typer.main.get_command_from_info(
                CommandInfo(name=name, callback=func),
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
            )
        return _BUILT[name]

    def resolve_command(self, ctx, args):
        if args and _load(args[0]) is None:  # unknown: load every command, for "Did you mean …?"
            for name in self.list_commands(ctx):
                self.commands.setdefault(name, self.get_command(ctx, name))
        return super().resolve_command(ctx, args)


_BUILT: dict = {}
_LOADED: dict = {}


def _load(name: str):
    """The command function ``name`` (None when its module is not written)."""
    if name not in _LOADED:
        func = None
        if name in COMMANDS:
            try:
                mod = importlib.import_module(f"extractor.commands.{name}")
            except ModuleNotFoundError as exc:  # command not written yet
                if exc.name != f"extractor.commands.{name}":
                    raise
            else:
                func = getattr(mod, name)
                show_defaults(func)
        _LOADED[name] = func
    return _LOADED[name]


app = typer.Typer(
    cls=LazyGroup,
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


def main() -> None:  # pragma: no cover
    app()
