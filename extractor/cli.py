"""The ``kehoach`` command line: a thin layer over the Python API.

Each command lives in ``extractor/commands/<name>.py`` and is registered here.
Commands are loaded lazily (``LazyGroup``): ``kehoach extract`` imports only
``extractor.commands.extract``; ``kehoach --help`` imports every command module,
so those modules import nothing heavy at the top (only ``typer`` and the standard
library; the work's imports go inside the command functions).  Help is rendered
without importing rich.markdown and rich.traceback (``_import_rich_utils``).
"""

from __future__ import annotations

import importlib
import inspect
import re
import sys
import types

import typer
from typer.core import TyperCommand, TyperGroup
from typer.models import ArgumentInfo, CommandInfo, OptionInfo

HELP = """kehoach: read Vietnamese NTM plans, extract grounded records, cross-check plans.

Everyday: [bold]ingest[/bold] files, [bold]check[/bold] plans against their parents, [bold]report[/bold]
(one offline HTML file), [bold]serve[/bold] (Datasette + review page), [bold]search[/bold],
[bold]export[/bold] a table as CSV (--excel for Excel), JSON Lines, Parquet or XLSX,
[bold]show[/bold] one document.  First time?  Run [bold]kehoach demo[/bold] (its own database,
output/demo.db)."""


class _StandIn(type):
    """The metaclass of a stand-in class: calling it, or any attribute of it, imports
    the real class and uses that."""

    def __call__(cls, *args, **kwargs):
        return cls._real()(*args, **kwargs)

    def __getattr__(cls, attr):
        return getattr(cls._real(), attr)

    def __instancecheck__(cls, obj) -> bool:
        return isinstance(obj, cls._real())


def _stand_in(module: str, name: str) -> type:
    """A class that stands for ``module.name`` and imports ``module`` when first used."""
    return _StandIn(name, (), {"_real": staticmethod(lambda: getattr(importlib.import_module(module), name))})


# typer.rich_utils, Typer's help renderer, imports these at its top: Markdown for
# ``rich_markup_mode="markdown"`` (kehoach's help is Rich markup) and Traceback for
# a crash report; rich.markdown brings markdown-it (~20 ms), rich.traceback ~10 ms.
_DEFERRED = {"rich.markdown": "Markdown", "rich.traceback": "Traceback"}


def _import_rich_utils() -> None:
    """Import typer.rich_utils for ``--help`` without importing rich.markdown and
    rich.traceback: while it is imported, those modules are stubs holding a stand-in
    class (imported for real only if used); the stubs are removed at once, so any
    other import of them gets the real module."""
    if "typer.rich_utils" in sys.modules:
        return
    stubs = {}
    for module, name in _DEFERRED.items():
        if module not in sys.modules:
            stub = types.ModuleType(module)
            setattr(stub, name, _stand_in(module, name))
            stubs[module] = sys.modules[module] = stub
    try:
        importlib.import_module("typer.rich_utils")
    finally:
        for module, stub in stubs.items():
            if sys.modules.get(module) is stub:
                del sys.modules[module]


class LazyCommand(TyperCommand):
    """A command whose ``--help`` does not import rich.markdown and rich.traceback."""

    def format_help(self, ctx, formatter) -> None:
        _import_rich_utils()
        return super().format_help(ctx, formatter)


class LazyGroup(TyperGroup):
    """A command group that imports a command's module only when that command is used
    (or listed, by ``--help``)."""

    def format_help(self, ctx, formatter) -> None:
        _import_rich_utils()
        return super().format_help(ctx, formatter)

    def list_commands(self, ctx) -> list[str]:
        return [name for name in COMMANDS if _load(name) is not None]

    def get_command(self, ctx, name: str):
        func = _load(name)
        if func is None:
            return None
        if name not in _BUILT:
            _BUILT[name] = typer.main.get_command_from_info(
                CommandInfo(name=name, callback=func, cls=LazyCommand),
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
