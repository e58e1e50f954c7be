"""Datasette over a kehoach database, with the review and search pages.

    from extractor.serve import make_datasette, serve
    ds = make_datasette("output/kehoach.db")    # datasette.app.Datasette, kehoach plugin loaded
    serve("output/kehoach.db", port=8001)        # blocks: uvicorn on 127.0.0.1:8001

Needs the ``serve`` extra (``pip install -e '.[serve]'``).  Modules:
``metadata`` (titles, descriptions, facets, canned queries), ``plugin`` (the
``/-/review``, ``/-/search`` and ``/-/doc/<id>`` routes), ``passages`` (escaped
passages in context; no Datasette import), ``templates/``.
"""

from __future__ import annotations

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


def make_datasette(
    db: Union[str, Path],
    *,
    secret: Optional[str] = None,
    settings: Optional[dict] = None,
):
    """A ``Datasette`` over the database file ``db`` (opened read-write, so the review
    page can append to ``reviews``), with kehoach's metadata and plugin."""
    _require_datasette()
    from datasette.app import Datasette

    from .metadata import build_metadata

    path = Path(db)
    if not path.is_file():
        raise KehoachError(f"no database at {path}: run `kehoach ingest FILES --db {path}` first")
    register_plugin()
    opts = {"sql_time_limit_ms": 5000, "facet_time_limit_ms": 500, "default_page_size": 50}
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
) -> None:
    """Run Datasette with uvicorn until interrupted."""
    import uvicorn

    ds = make_datasette(db)  # Datasette runs its startup hooks on the first request
    uvicorn.run(ds.app(), host=host, port=port, log_level=log_level, lifespan="on")
