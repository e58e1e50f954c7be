"""The kehoach Datasette plugin: the review page and the search page.

Routes (``register_routes``):

``/-/review``      findings and review decisions (``extractor.serve.review``).
``/-/search``      diacritic-insensitive search (``extractor.search.search``): one row per
                   record, that record's figure highlighted, the match kind in words.
``/-/doc/<id>``    a document's full text; ``?start=&end=`` highlights a passage; a bad or
                   unknown id is a 404.
``/-/kehoach.css`` table pages: readable quote columns, the OCR badge.

Hooks: ``prepare_connection`` (SQL functions ``kehoach_fold``, ``kehoach_fts``,
``kehoach_match_class`` for the canned ``search`` query, and the memory / response caps
of ``limits``), ``handle_exception`` (404 and over-the-cap queries answered plainly,
without a traceback), ``extra_body_script`` (column descriptions folded away),
``render_cell`` (OCR badge), ``menu_links`` and ``startup`` (adds this package's
``templates/`` folder to Datasette's template loader).

Load it programmatically (``extractor.serve.make_datasette`` does) or from a
``plugins_dir`` file containing ``from extractor.serve.plugin import *``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from ..search import SEARCH_TYPES, register_functions, search
from ..report import record_value
from ..rules import topic_label
from .limits import apply_limits
from .passages import highlight_record, in_context, plan_label
from .review import DECISIONS, REVIEW_STATES, STATUSES, WHO_COOKIE, doc_link, documents, review_view  # noqa: F401

TEMPLATES = Path(__file__).parent / "templates"
MAX_DOC_ID = 2**63 - 1


# --------------------------------------------------------------------------- hooks


@hookimpl
def prepare_connection(conn):
    register_functions(conn)
    apply_limits(conn)


@hookimpl
def handle_exception(datasette, request, exception):
    """Clear answers instead of 500s and tracebacks: a missing page is a plain 404, a query
    over the memory cap a 400 that says so."""
    from datasette.utils.asgi import NotFound

    if isinstance(exception, NotFound):
        return _plain_error(datasette, request, 404, "Không tìm thấy / Not found", str(exception) or "404")
    if isinstance(exception, MemoryError):
        return _plain_error(
            datasette, request, 400, "Truy vấn quá lớn / Query too large",
            "This query needs more memory than the server allows (KEHOACH_SERVE_HEAP_MB); "
            "select fewer or smaller values.")
    from datasette import handle_exception as default  # tracebacks for real errors

    return default.handle_exception(datasette, request, exception)


def _plain_error(datasette, request, status: int, title: str, message: str):
    async def inner():
        if request.path.split("?")[0].endswith(".json"):
            return Response.json({"ok": False, "error": message, "status": status, "title": title}, status=status)
        try:
            html = await datasette.render_template(
                "error.html", {"ok": False, "error": message, "status": status, "title": title}, request=request)
        except Exception:  # the error page itself must never fail
            html = f"<h1>{status}</h1><p>{escape(message)}</p>"
        return Response.html(html, status=status)

    return inner


@hookimpl
def extra_body_script(template, database, table, view_name, datasette):
    """On table pages: the column descriptions folded into a <details> so the facets come
    first, and the facets in the order of the metadata (Datasette sorts them by size)."""
    if view_name != "table":
        return None
    import json

    from .metadata import TABLES as TABLE_METADATA

    order = (TABLE_METADATA.get(table) or {}).get("facets") or []
    return COLLAPSE_DESCRIPTIONS + ORDER_FACETS.replace("__ORDER__", json.dumps(order))


ORDER_FACETS = """
(function (order) {
  var box = document.querySelector(".facet-results");
  if (!box || !order.length) return;
  var infos = Array.prototype.slice.call(box.querySelectorAll(":scope > .facet-info"));
  infos.sort(function (a, b) {
    var i = order.indexOf(a.getAttribute("data-column")), j = order.indexOf(b.getAttribute("data-column"));
    return (i < 0 ? 999 : i) - (j < 0 ? 999 : j);
  });
  infos.forEach(function (el) { box.appendChild(el); });
})(__ORDER__);
"""


COLLAPSE_DESCRIPTIONS = """
(function () {
  var dl = document.querySelector("dl.column-descriptions");
  if (!dl || dl.closest("details")) return;
  var det = document.createElement("details");
  det.className = "kh-column-descriptions";
  var sum = document.createElement("summary");
  sum.textContent = "Mô tả các cột / Column descriptions (" + dl.querySelectorAll("dt").length + ")";
  dl.parentNode.insertBefore(det, dl);
  det.appendChild(sum);
  det.appendChild(dl);
})();
"""


@hookimpl
def extra_css_urls(template, database, table, view_name, datasette):
    return [{"url": datasette.urls.path("/-/kehoach.css")}]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    """OCR'd documents get a badge in the ``ocr`` column."""
    if column == "ocr" and value in (1, "1"):
        return Markup('<span class="kh-ocr" title="Văn bản nhận dạng từ ảnh (OCR) / text read by OCR">OCR</span>')
    return None


@hookimpl
def startup(datasette):
    from jinja2 import ChoiceLoader, FileSystemLoader

    env = datasette.jinja_env
    try:
        env.get_template("kehoach_review.html")
    except Exception:
        env.loader = ChoiceLoader([env.loader, FileSystemLoader(str(TEMPLATES))])


@hookimpl
def register_routes():
    return [
        (r"^/-/review$", review_view),
        (r"^/-/search$", search_view),
        (r"^/-/doc/(?P<doc_id>[^/]+)$", document_view),
        (r"^/-/kehoach\.css$", css_view),
    ]


@hookimpl
def menu_links(datasette):
    return [
        {"href": datasette.urls.path("/-/review"), "label": "Xem xét cảnh báo / Review flags"},
        {"href": datasette.urls.path("/-/search"), "label": "Tìm kiếm / Search"},
    ]


# --------------------------------------------------------------------------- helpers


async def kehoach_database(datasette):
    """The first attached database that has a ``flags`` table (else the first one)."""
    first = None
    for name, db in datasette.databases.items():
        if name.startswith("_"):
            continue
        first = first or db
        if await db.table_exists("flags"):
            return db
    if first is None:
        raise LookupError("no database attached")
    return first


# --------------------------------------------------------------------------- /-/search


async def search_view(request, datasette):
    from ..search import MATCH_EXPLAINED

    db = await kehoach_database(datasette)
    args = request.args
    form = {k: (args.get(k) or "").strip() for k in ("q", "type", "level", "province", "topic", "year")}
    hits: list[dict] = []
    error = None
    if form["q"]:
        year = form["year"] if form["year"].isdigit() else None

        def run(conn):
            return search(conn, form["q"], level=form["level"] or None, province=form["province"] or None,
                          topic=form["topic"] or None, year=year, type=form["type"] or None, limit=200)

        try:
            hits = await db.execute_fn(run)
        except Exception as exc:  # KehoachError for a bad filter; shown, not raised
            error = str(exc)
    for h in hits:
        h["quote_html"] = highlight_record(h.get("quote"), h.get("start"), h.get("value_start"),
                                           h.get("value_end"), form["q"])
        h["value_text"] = record_value(h)
        h["match_text"] = h.get("match_explained") or MATCH_EXPLAINED.get(h.get("match"), h.get("match"))
        h["link"] = doc_link(datasette, h.get("document_id"), h.get("start"), h.get("end"))
        h["plan"] = plan_label({**h, "source_name": h.get("source"), "id": h.get("document_id")})
        h["topic_label"] = topic_label(h.get("topic")) if h.get("topic") else None
    return Response.html(
        await datasette.render_template(
            "kehoach_search.html",
            {"form": form, "hits": hits, "error": error, "types": SEARCH_TYPES, "database": db.name},
            request=request,
        )
    )


# --------------------------------------------------------------------------- /-/doc/<id>, css


async def css_view(request, datasette):
    return Response(TABLE_CSS, content_type="text/css; charset=utf-8",
                    headers={"cache-control": "max-age=3600"})


TABLE_CSS = """
details.kh-column-descriptions { margin: .4em 0 .8em; }
details.kh-column-descriptions > summary { cursor: pointer; color: #2c5282; }
table.rows-and-columns td.col-quote, table.rows-and-columns td.col-task, table.rows-and-columns td.col-message,
table.rows-and-columns td.col-child_quote, table.rows-and-columns td.col-parent_quote {
  min-width: 28em; max-width: 48em; white-space: normal; }
.kh-ocr { display: inline-block; font-size: .78em; padding: .05em .45em; border-radius: 1em;
  background: #feebc8; color: #7b341e; font-weight: bold; }
"""


async def _document_charts(db, doc: dict) -> dict:
    """The plan beside its parent or children; on a province plan, each indicator across
    the province's districts (``extractor.charts``)."""
    from .. import charts

    if not charts.available():
        return {"charts": [], "province": [], "note": charts.MISSING_NOTE}

    def build(conn):
        province = (charts.province_charts(conn, doc["province"])
                    if doc.get("level") == "tinh" and doc.get("province") else [])
        return {"charts": charts.family_charts(conn, doc["id"]), "province": province, "note": None}

    return await db.execute_fn(build)


async def _not_found(datasette, request, what: str):
    return await _plain_error(datasette, request, 404, "Không tìm thấy / Not found", what)()


async def document_view(request, datasette):
    db = await kehoach_database(datasette)
    raw = request.url_vars["doc_id"]
    if not raw.isdigit() or int(raw) > MAX_DOC_ID:
        return await _not_found(datasette, request, f"no document with id {raw[:40]!r}")
    doc_id = int(raw)
    doc = (await documents(db, [doc_id])).get(doc_id)
    if doc is None:
        return await _not_found(datasette, request, f"no document with id {doc_id}")
    try:
        text = (await db.execute("SELECT text FROM documents WHERE id = ?", [doc_id])).rows[0][0] or ""
    except sqlite3.DatabaseError as exc:  # over the server's value / response caps
        return await _plain_error(datasette, request, 413, "Văn bản quá lớn / Document too large",
                                  f"This document's text is too large to show here ({exc}); "
                                  f"use kehoach show {doc_id} or kehoach export --table documents.")()
    start, end = request.args.get("start"), request.args.get("end")
    if start and end and start.isdigit() and end.isdigit() and int(start) <= int(end) <= len(text):
        body = in_context(text, int(start), int(end), width=len(text), anchor="passage")
    else:
        body = None
    parent = None
    if doc.get("parent_id"):
        parent = (await documents(db, [doc["parent_id"]])).get(doc["parent_id"])
    results = await db.execute(
        "SELECT type, COUNT(*) AS n FROM records WHERE document_id = ? GROUP BY type ORDER BY type", [doc_id])
    charts = await _document_charts(db, doc)
    return Response.html(
        await datasette.render_template(
            "kehoach_document.html",
            {
                "doc": doc,
                "text": text,
                "body": body,
                "parent": parent,
                "parent_link": doc_link(datasette, doc.get("parent_id")),
                "row_link": datasette.urls.row(db.name, "documents", str(doc_id)),
                "flags_link": datasette.urls.path("/-/review") + "?" + urlencode({"plan": doc_id, "status": ""}),
                "counts": [dict(r) for r in results.rows],
                "charts": charts,
                "database": db.name,
            },
            request=request,
        )
    )
