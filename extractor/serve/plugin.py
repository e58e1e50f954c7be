"""The kehoach Datasette plugin: the review page and the search page.

Routes (``register_routes``):

``/-/review``      flags grouped by plan, filtered by ``rule``, ``severity``, ``status``
                   (open | resolved; empty = all; default open), ``review``
                   (unreviewed | accept | dismiss | comment) and ``plan`` (document id).
                   Each flag shows the lower-level plan's passage beside the parent's,
                   each in its surrounding text, figures highlighted, with links to the
                   documents.  POST (form fields ``flag_id``, ``decision`` = accept |
                   dismiss | comment, ``comment``, ``who``, ``csrftoken``, ``next``)
                   appends a row to ``reviews`` and redirects back.
``/-/search``      diacritic-insensitive search (``extractor.search.search``).
``/-/doc/<id>``    a document's full text; ``?start=&end=`` highlights a passage.

Also ``prepare_connection`` (SQL functions ``kehoach_fold``, ``kehoach_fts``,
``kehoach_match_class`` for the canned ``search`` query), ``menu_links`` and
``startup`` (adds this package's ``templates/`` folder to Datasette's template loader).

Load it programmatically (``extractor.serve.make_datasette`` does) or from a
``plugins_dir`` file containing ``from extractor.serve.plugin import *``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional
from urllib.parse import quote, unquote, urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response

from ..search import SEARCH_TYPES, register_functions, search
from .metadata import REVIEW_STATUS_SQL
from ..report import record_value
from .passages import highlight_words, in_context, message_vi, plan_label

TEMPLATES = Path(__file__).parent / "templates"
DECISIONS = {
    "accept": "Xác nhận / Accepted",
    "dismiss": "Bác bỏ / Dismissed",
    "comment": "Ghi chú / Comment",
}
REVIEW_STATES = {
    "unreviewed": "Chưa xem xét / Unreviewed",
    "accept": DECISIONS["accept"],
    "dismiss": DECISIONS["dismiss"],
    "comment": "Chỉ có ghi chú / Comments only",
}
STATUSES = {"open": "Đang mở / Open", "resolved": "Đã hết / Resolved"}
MAX_FLAGS = 500
WINDOW = 300
WHO_COOKIE = "kehoach_who"


# --------------------------------------------------------------------------- hooks


@hookimpl
def prepare_connection(conn):
    register_functions(conn)


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
        (r"^/-/doc/(?P<doc_id>\d+)$", document_view),
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


async def _rows(db, sql: str, params: Any = None) -> list[dict]:
    results = await db.execute(sql, params or [])
    return [dict(r) for r in results.rows]


def _chunks(items: list, n: int = 500):
    for i in range(0, len(items), n):
        yield items[i : i + n]


async def _documents(db, ids) -> dict[int, dict]:
    ids = sorted({i for i in ids if i is not None})
    out: dict[int, dict] = {}
    for chunk in _chunks(ids):
        marks = ", ".join("?" for _ in chunk)
        for row in await _rows(
            db,
            "SELECT d.id, d.doc_type, d.number, d.date, d.level, d.province, d.district, d.commune, "
            "d.title, d.issuer, d.period, d.text, d.parent_id, d.superseded, s.name AS source_name "
            f"FROM documents d LEFT JOIN sources s ON s.id = d.source_id WHERE d.id IN ({marks})",
            chunk,
        ):
            row["label"] = plan_label(row)
            out[row["id"]] = row
    return out


def _doc_link(datasette, doc_id: Optional[int], start=None, end=None) -> Optional[str]:
    if doc_id is None:
        return None
    url = datasette.urls.path(f"/-/doc/{int(doc_id)}")
    if start is not None and end is not None:
        url += "?" + urlencode({"start": int(start), "end": int(end)}) + "#passage"
    return url


def _safe_next(datasette, value: Optional[str]) -> str:
    base = datasette.urls.path("/-/review")
    if value and value.startswith(base) and "//" not in value and "\\" not in value:
        return value
    return base


# --------------------------------------------------------------------------- /-/review


async def review_view(request, datasette):
    db = await kehoach_database(datasette)
    if request.method == "POST":
        return await _review_post(request, datasette, db)
    if request.method != "GET":
        return Response.text("Method not allowed", status=405)

    args = request.args
    filters = {
        "rule": args.get("rule") or "",
        "severity": args.get("severity") or "",
        "status": args.get("status", "open") or "",
        "review": args.get("review") or "",
        "plan": args.get("plan") or "",
    }
    where, params = [], []
    for key in ("rule", "severity", "status"):
        if filters[key]:
            where.append(f"f.{key} = ?")
            params.append(filters[key])
    if filters["review"]:
        where.append(f"{REVIEW_STATUS_SQL} = ?")
        params.append(filters["review"])
    if filters["plan"].isdigit():
        where.append("f.child_document_id = ?")
        params.append(int(filters["plan"]))
    where_sql = ("WHERE " + " AND ".join(where)) if where else ""

    total = (await db.execute(f"SELECT COUNT(*) FROM flags f {where_sql}", params)).rows[0][0]
    flags = await _rows(
        db,
        f"SELECT f.*, {REVIEW_STATUS_SQL} AS review FROM flags f {where_sql} "
        "ORDER BY f.child_document_id, CASE f.severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, "
        f"f.rule, f.child_start, f.id LIMIT {MAX_FLAGS}",
        params,
    )
    docs = await _documents(db, [f["child_document_id"] for f in flags] + [f["parent_document_id"] for f in flags])
    history: dict[str, list[dict]] = {}
    for chunk in _chunks([f["id"] for f in flags]):
        marks = ", ".join("?" for _ in chunk)
        for r in await _rows(db, f"SELECT * FROM reviews WHERE flag_id IN ({marks}) ORDER BY id DESC", chunk):
            r["label"] = DECISIONS.get(r["decision"], r["decision"])
            history.setdefault(r["flag_id"], []).append(r)

    groups: list[dict] = []
    by_doc: dict[Any, dict] = {}
    for f in flags:
        child = docs.get(f["child_document_id"])
        parent = docs.get(f["parent_document_id"])
        f["child_html"] = in_context(child and child["text"], f["child_start"], f["child_end"], WINDOW,
                                     quote=f["child_quote"])
        f["parent_html"] = (
            in_context(parent and parent["text"], f["parent_start"], f["parent_end"], WINDOW, quote=f["parent_quote"])
            if (f["parent_document_id"] is not None or f["parent_quote"])
            else None
        )
        f["child_link"] = _doc_link(datasette, f["child_document_id"], f["child_start"], f["child_end"])
        f["parent_link"] = _doc_link(datasette, f["parent_document_id"], f["parent_start"], f["parent_end"])
        f["child_label"] = child["label"] if child else None
        f["parent_label"] = parent["label"] if parent else None
        f["history"] = history.get(f["id"], [])
        f["message"] = message_vi(f["message"], f["message_en"])
        f["review_label"] = REVIEW_STATES.get(f["review"], f["review"])
        key = f["child_document_id"]
        if key not in by_doc:
            meta = dict(child) if child else {"id": key, "label": plan_label(None)}
            meta.pop("text", None)
            parent_of_plan = docs.get(child["parent_id"]) if child and child.get("parent_id") else None
            by_doc[key] = {
                "doc": meta,
                "link": _doc_link(datasette, key),
                "row_link": datasette.urls.row(db.name, "documents", str(key)) if key is not None else None,
                "parent_label": parent_of_plan["label"] if parent_of_plan else None,
                "flags": [],
            }
            groups.append(by_doc[key])
        by_doc[key]["flags"].append(f)

    options = {
        "rule": [r["rule"] for r in await _rows(db, "SELECT DISTINCT rule FROM flags WHERE rule IS NOT NULL ORDER BY rule")],
        "severity": [r["severity"] for r in await _rows(
            db, "SELECT DISTINCT severity FROM flags WHERE severity IS NOT NULL ORDER BY "
                "CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, severity")],
        "plan": [
            {"id": d["id"], "label": d["label"]}
            for d in (await _documents(db, [r["child_document_id"] for r in await _rows(
                db, "SELECT DISTINCT child_document_id FROM flags WHERE child_document_id IS NOT NULL")])).values()
        ],
    }
    query_string = urlencode({k: v for k, v in filters.items() if v or k == "status"})
    who = unquote(request.cookies.get(WHO_COOKIE) or "")
    actor = request.actor or {}
    if not who and actor.get("id"):
        who = str(actor["id"])
    return Response.html(
        await datasette.render_template(
            "kehoach_review.html",
            {
                "groups": groups,
                "total": total,
                "shown": len(flags),
                "filters": filters,
                "options": options,
                "statuses": STATUSES,
                "review_states": REVIEW_STATES,
                "decisions": DECISIONS,
                "next": datasette.urls.path("/-/review") + ("?" + query_string if query_string else ""),
                "who": who,
                "database": db.name,
            },
            request=request,
        )
    )


async def _review_post(request, datasette, db):
    # asgi-csrf only checks requests that carry cookies; a decision must always
    # come from a page this server rendered, so insist on the token cookie too.
    if not request.cookies.get("ds_csrftoken"):
        return Response.text("CSRF token missing: reload the review page and try again.", status=403)
    form = await request.post_vars()
    flag_id = (form.get("flag_id") or "").strip()
    decision = (form.get("decision") or "").strip()
    comment = (form.get("comment") or "").strip()[:5000]
    who = (form.get("who") or "").strip()[:200] or (str((request.actor or {}).get("id") or "") or "anonymous")
    if decision not in DECISIONS:
        return Response.text(f"unknown decision {decision!r}; use accept, dismiss or comment", status=400)
    if decision == "comment" and not comment:
        return Response.text("a comment needs some text", status=400)
    exists = await db.execute("SELECT 1 FROM flags WHERE id = ?", [flag_id])
    if not flag_id or not exists.rows:
        return Response.text(f"no flag with id {flag_id!r}", status=404)
    at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    await db.execute_write(
        "INSERT INTO reviews (flag_id, decision, comment, who, at) VALUES (?, ?, ?, ?, ?)",
        [flag_id, decision, comment or None, who, at],
    )
    datasette.add_message(request, f"Đã lưu / Saved: {DECISIONS[decision]} ({flag_id[:12]})", datasette.INFO)
    target = _safe_next(datasette, form.get("next")) + f"#flag-{flag_id}"
    response = Response.redirect(target, status=303)
    response.set_cookie(WHO_COOKIE, quote(who), max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response


# --------------------------------------------------------------------------- /-/search


async def search_view(request, datasette):
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
        h["quote_html"] = highlight_words(h.get("quote"), form["q"])
        h["value_text"] = record_value(h)
        h["link"] = _doc_link(datasette, h.get("document_id"), h.get("start"), h.get("end"))
        h["plan"] = plan_label({**h, "source_name": h.get("source"), "id": h.get("document_id")})
    return Response.html(
        await datasette.render_template(
            "kehoach_search.html",
            {"form": form, "hits": hits, "error": error, "types": SEARCH_TYPES, "database": db.name},
            request=request,
        )
    )


# --------------------------------------------------------------------------- /-/doc/<id>


async def document_view(request, datasette):
    db = await kehoach_database(datasette)
    doc_id = int(request.url_vars["doc_id"])
    docs = await _documents(db, [doc_id])
    doc = docs.get(doc_id)
    if doc is None:
        return Response.html("<h1>404</h1>", status=404)
    text = doc.pop("text") or ""
    start, end = request.args.get("start"), request.args.get("end")
    if start and end and start.isdigit() and end.isdigit() and int(start) <= int(end) <= len(text):
        body = in_context(text, int(start), int(end), width=len(text), anchor="passage")
    else:
        body = None
    parent = None
    if doc.get("parent_id"):
        parent = (await _documents(db, [doc["parent_id"]])).get(doc["parent_id"])
    counts = await _rows(
        db, "SELECT type, COUNT(*) AS n FROM records WHERE document_id = ? GROUP BY type ORDER BY type", [doc_id]
    )
    return Response.html(
        await datasette.render_template(
            "kehoach_document.html",
            {
                "doc": doc,
                "text": text,
                "body": body,
                "parent": parent,
                "parent_link": _doc_link(datasette, doc.get("parent_id")),
                "row_link": datasette.urls.row(db.name, "documents", str(doc_id)),
                "flags_link": datasette.urls.path("/-/review") + "?" + urlencode({"plan": doc_id, "status": ""}),
                "counts": counts,
                "database": db.name,
            },
            request=request,
        )
    )
