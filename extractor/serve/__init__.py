"""Datasette over a kehoach database, with the review and search pages.

    from extractor.serve import make_datasette, serve
    ds = make_datasette("output/kehoach.db")    # datasette.app.Datasette, kehoach plugin loaded
    serve("output/kehoach.db", port=8001)        # blocks: uvicorn on 127.0.0.1:8001

Needs the ``serve`` extra (``pip install -e '.[serve]'``).  Modules:
``metadata`` (titles, descriptions, facets, canned queries), ``plugin`` (the
``/-/review``, ``/-/search`` and ``/-/doc/<id>`` routes), ``passages`` (escaped
passages in context; no Datasette import), ``limits`` (memory and response caps on
every Datasette connection), ``templates/``.

Safe serving: on 127.0.0.1 researchers may run any SQL (``?sql=``), within the caps
of ``limits``; on any other address arbitrary SQL is off unless ``allow_sql=True``
(``kehoach serve --allow-sql``).  Tables, facets, canned queries, search and the
review page work either way.
"""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path
from typing import Optional, Union

from ..errors import KehoachError

PLUGIN_NAME = "kehoach"


def _require_datasette():
    try:
        import datasette  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise KehoachError(
            "kehoach serve needs Datasette: pip install -e '.[serve]' (or pip install datasette)"
        ) from exc


def register_plugin() -> None:
    """Register ``extractor.serve.plugin`` with Datasette's plugin manager (once per process)."""
    _require_datasette()
    from datasette.plugins import pm

    from . import plugin

    if pm.get_plugin(PLUGIN_NAME) is None and not pm.is_registered(plugin):
        pm.register(plugin, name=PLUGIN_NAME)
    # Datasette's own exception handler prints a traceback for every 404; ours answers
    # 404s plainly and hands every other exception to it (plugin.handle_exception).
    default = pm.get_plugin("datasette.handle_exception")
    if default is not None:
        pm.unregister(default)


def is_loopback(host: str) -> bool:
    """True for 127.0.0.1, ::1, localhost: addresses only this computer can reach."""
    if host in ("localhost", "ip6-localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_port(host: str, port: int) -> None:
    """Raise ``KehoachError`` (with what to do) when ``host:port`` cannot be bound."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host.strip("[]"), port))
        except OSError as exc:
            if exc.errno in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
                raise KehoachError(
                    f"port {port} on {host} is already in use (another kehoach serve or program?); "
                    f"choose another with --port, e.g. --port {port + 1 if 0 < port < 65535 else 8002}"
                ) from None
            raise KehoachError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def make_datasette(
    db: Union[str, Path],
    *,
    secret: Optional[str] = None,
    settings: Optional[dict] = None,
    allow_sql: bool = True,
):
    """A ``Datasette`` over the database file ``db`` (opened read-write, so the review
    page can append to ``reviews``), with kehoach's metadata and plugin.  ``allow_sql``
    False turns off arbitrary SQL (``?sql=``); canned queries still run."""
    _require_datasette()
    from datasette.app import Datasette

    from .metadata import build_metadata

    path = Path(db)
    if not path.is_file():
        raise KehoachError(f"no database at {path}: run `kehoach ingest FILES --db {path}` first")
    register_plugin()
    opts = {"sql_time_limit_ms": 5000, "facet_time_limit_ms": 500, "default_page_size": 50,
            "max_returned_rows": 1000, "default_allow_sql": bool(allow_sql)}
    opts.update(settings or {})
    return Datasette(
        files=[str(path)],
        metadata=build_metadata(path.stem),
        settings=opts,
        secret=secret,
    )


def serve(
    db: Union[str, Path],
    *,
    host: str = "127.0.0.1",
    port: int = 8001,
    log_level: str = "warning",
    allow_sql: Optional[bool] = None,
) -> None:
    """Run Datasette with uvicorn until interrupted.  ``allow_sql`` defaults to True on a
    loopback address and False elsewhere.  A busy port is a ``KehoachError``."""
    import uvicorn

    from .limits import enable_heap_limit

    if allow_sql is None:
        allow_sql = is_loopback(host)
    enable_heap_limit()  # this process only serves: cap SQLite's heap for all of it
    ds = make_datasette(db, allow_sql=allow_sql)  # Datasette runs its startup hooks on the first request
    check_port(host, port)
    config = uvicorn.Config(ds.app(), host=host, port=port, log_level=log_level, lifespan="on")
    server = uvicorn.Server(config)
    try:
        server.run()
    except SystemExit as exc:  # uvicorn exits when it cannot bind
        if exc.code not in (0, None):
            check_port(host, port)
            raise KehoachError(f"cannot serve on {host}:{port}") from None
        raise
