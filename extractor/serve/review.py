"""``/-/review``: cross-check findings, the two passages side by side, and a decision form.

GET filters: ``rule``, ``severity``, ``status`` (open | resolved; empty = all; default
open), ``review`` (unreviewed | accept | dismiss | comment), ``plan`` (document id).
Findings come errors first, then warnings, then info; within a severity, by plan.
Counts per plan and per rule head the page; each plan's section carries charts of
its figures beside its parent's (``extractor.charts``), when Altair is installed.

POST (``flag_id``, ``decision`` = accept | dismiss | comment, ``comment``, ``who``,
``csrftoken``, ``next``): the reviewer's name is required (never stored as a
placeholder); the row is appended to ``reviews`` in a ``BEGIN IMMEDIATE`` write that
waits up to ``REVIEW_WAIT`` seconds for another writer (an ingest).  If it still
cannot write, the page says so (503) with the form still filled in.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Optional
from urllib.parse import quote, unquote, urlencode

from datasette.utils.asgi import Response

from ..report import DECISIONS, REVIEW_STATES, STATUSES, flag_state
from .metadata import REVIEW_STATUS_SQL
from .passages import in_context, message_vi, plan_label

SEVERITIES = {"error": "Lỗi / Errors", "warning": "Cảnh báo / Warnings", "info": "Thông tin / Info"}
SEVERITY_SQL = "CASE {col} WHEN 'error' THEN 0 WHEN 'warning' THEN 1 WHEN 'info' THEN 2 ELSE 3 END"
MAX_FLAGS = 500
WINDOW = 300
WHO_COOKIE = "kehoach_who"
CHART_PLANS = 10  # plans (in page order) whose charts are drawn on one review page
REVIEW_WAIT = 20.0  # seconds a decision waits for another writer before the page says so


async def _rows(db, sql: str, params: Any = None) -> list[dict]:
    results = await db.execute(sql, params or [])
    return [dict(r) for r in results.rows]


def _chunks(items: list, n: int = 500):
    for i in range(0, len(items), n):
        yield items[i : i + n]


async def documents(db, ids) -> dict[int, dict]:
    """Metadata (not the text) of the documents ``ids``, each with a ``label``."""
    ids = sorted({i for i in ids if i is not None})
    out: dict[int, dict] = {}
    for chunk in _chunks(ids):
        marks = ", ".join("?" for _ in chunk)
        for row in await _rows(
            db,
            "SELECT d.id, d.doc_type, d.number, d.date, d.level, d.province, d.district, d.commune, "
            "d.title, d.issuer, d.period, d.parent_id, d.superseded, COALESCE(d.ocr, s.ocr, 0) AS ocr, "
            f"s.name AS source_name FROM documents d LEFT JOIN sources s ON s.id = d.source_id WHERE d.id IN ({marks})",
            chunk,
        ):
            row["label"] = plan_label(row)
            out[row["id"]] = row
    return out


async def passages(db, specs: list[tuple]) -> dict[Any, tuple[str, int]]:
    """For each ``(key, doc_id, start, end)``: ``(piece, offset)``, the piece of the document's
    text around ``start:end`` (``WINDOW`` and a little more either side) and where it starts.
    Only these pieces are read, never whole texts: a page of findings over large plans
    stays small (and within the server's response cap)."""
    margin = WINDOW + 60
    wanted = [(k, d, a, b) for k, d, a, b in specs if d is not None and a is not None and b is not None and a <= b]
    out: dict[Any, tuple[str, int]] = {}
    for chunk in _chunks(wanted, 200):
        values = ", ".join("(?, ?, ?, ?)" for _ in chunk)
        params: list = []
        for i, (k, d, a, b) in enumerate(chunk):
            lo = max(0, a - margin)
            params += [i, d, lo, (b + margin) - lo]
        for r in await _rows(
            db, f"WITH w(i, doc, lo, n) AS (VALUES {values}) "
                "SELECT w.i, w.lo, substr(d.text, w.lo + 1, w.n) AS piece FROM w JOIN documents d ON d.id = w.doc",
            params,
        ):
            out[chunk[r["i"]][0]] = (r["piece"] or "", r["lo"])
    return out


def _in_piece(piece: Optional[tuple], start, end, quote) -> Any:
    """``in_context`` over a piece of the text (``passages``), offsets shifted to it."""
    if piece is None or start is None or end is None:
        return in_context(None, None, None, WINDOW, quote=quote)
    text, lo = piece
    return in_context(text, start - lo, end - lo, WINDOW, quote=quote)


def doc_link(datasette, doc_id: Optional[int], start=None, end=None) -> Optional[str]:
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


def _filters(args) -> dict:
    return {
        "rule": args.get("rule") or "",
        "severity": args.get("severity") or "",
        "status": args.get("status", "open") or "",
        "review": args.get("review") or "",
        "plan": args.get("plan") or "",
    }


def _where(filters: dict, skip: tuple = ()) -> tuple[str, list]:
    where, params = [], []
    for key in ("rule", "severity", "status"):
        if filters[key] and key not in skip:
            where.append(f"f.{key} = ?")
            params.append(filters[key])
    if filters["review"] and "review" not in skip:
        where.append(f"{REVIEW_STATUS_SQL} = ?")
        params.append(filters["review"])
    if filters["plan"].isdigit() and "plan" not in skip:
        where.append("f.child_document_id = ?")
        params.append(int(filters["plan"]))
    return ("WHERE " + " AND ".join(where)) if where else "", params


async def _history(db, flag_ids: list[str]) -> dict[str, list[dict]]:
    history: dict[str, list[dict]] = {}
    for chunk in _chunks(flag_ids):
        marks = ", ".join("?" for _ in chunk)
        for r in await _rows(db, f"SELECT * FROM reviews WHERE flag_id IN ({marks}) ORDER BY id DESC", chunk):
            r["label"] = DECISIONS.get(r["decision"], r["decision"])
            history.setdefault(r["flag_id"], []).append(r)
    return history


def _decorate(datasette, f: dict, docs: dict, history: dict, pieces: dict) -> None:
    child = docs.get(f["child_document_id"])
    parent = docs.get(f["parent_document_id"])
    f["same_plan"] = f["parent_document_id"] is not None and f["parent_document_id"] == f["child_document_id"]
    f["child_html"] = _in_piece(pieces.get((f["id"], "child")), f["child_start"], f["child_end"], f["child_quote"])
    f["parent_html"] = (
        _in_piece(pieces.get((f["id"], "parent")), f["parent_start"], f["parent_end"], f["parent_quote"])
        if (f["parent_document_id"] is not None or f["parent_quote"]) else None
    )
    f["child_link"] = doc_link(datasette, f["child_document_id"], f["child_start"], f["child_end"])
    f["parent_link"] = doc_link(datasette, f["parent_document_id"], f["parent_start"], f["parent_end"])
    f["child_label"] = child["label"] if child else None
    f["parent_label"] = parent["label"] if parent else None
    f["history"] = history.get(f["id"], [])
    f["message"] = message_vi(f["message"], f["message_en"])
    f["review_label"] = REVIEW_STATES.get(f["review"], f["review"])
    f["state"], f["state_label"] = flag_state(f["status"], f["review"])


async def _charts(datasette, db, doc_ids: list[int]) -> dict[int, dict]:
    """Charts per plan (a plan beside its parent, or its children), rendered off the event loop."""
    from .. import charts

    if not charts.available():
        return {i: {"charts": [], "note": charts.MISSING_NOTE} for i in doc_ids}

    def build(conn):
        return {i: {"charts": charts.family_charts(conn, i, limit=6, only_findings=True), "note": None} for i in doc_ids[:CHART_PLANS]}

    return await db.execute_fn(build)


async def _counts(db, filters: dict) -> dict:
    """Open findings per plan (by severity) and per rule, under the status / review filters."""
    where, params = _where(filters, skip=("rule", "severity", "plan"))
    sev = SEVERITY_SQL.format(col="f.severity")
    per_plan = await _rows(
        db, f"SELECT f.child_document_id AS id, SUM(f.severity = 'error') AS error, "
            f"SUM(f.severity = 'warning') AS warning, SUM(f.severity = 'info') AS info, "
            f"SUM({REVIEW_STATUS_SQL} = 'unreviewed') AS unreviewed, MIN({sev}) AS worst "
            f"FROM flags f {where} GROUP BY f.child_document_id ORDER BY worst, error DESC, warning DESC", params)
    per_rule = await _rows(
        db, f"SELECT f.rule, f.severity, COUNT(*) AS n, SUM({REVIEW_STATUS_SQL} = 'unreviewed') AS unreviewed "
            f"FROM flags f {where} GROUP BY f.rule, f.severity ORDER BY {sev}, n DESC, f.rule", params)
    docs = await documents(db, [r["id"] for r in per_plan])
    for r in per_plan:
        r["label"] = docs[r["id"]]["label"] if r["id"] in docs else plan_label(None)
    return {"plans": per_plan, "rules": per_rule}


async def _options(db) -> dict:
    rules = await _rows(db, "SELECT DISTINCT rule FROM flags WHERE rule IS NOT NULL ORDER BY rule")
    sevs = await _rows(db, "SELECT DISTINCT severity FROM flags WHERE severity IS NOT NULL ORDER BY "
                           + SEVERITY_SQL.format(col="severity") + ", severity")
    plan_ids = await _rows(db, "SELECT DISTINCT child_document_id AS id FROM flags WHERE child_document_id IS NOT NULL")
    plans = await documents(db, [r["id"] for r in plan_ids])
    return {
        "rule": [r["rule"] for r in rules],
        "severity": [r["severity"] for r in sevs],
        "plan": [{"id": d["id"], "label": d["label"]} for d in plans.values()],
    }


async def render_review(request, datasette, db, *, pending: Optional[dict] = None, status: int = 200):
    """The review page; ``pending`` = a decision that could not be saved (shown, form kept filled)."""
    filters = _filters(request.args)
    where_sql, params = _where(filters)
    total = (await db.execute(f"SELECT COUNT(*) FROM flags f {where_sql}", params)).rows[0][0]
    flags = await _rows(
        db,
        f"SELECT f.*, {REVIEW_STATUS_SQL} AS review FROM flags f {where_sql} "
        f"ORDER BY {SEVERITY_SQL.format(col='f.severity')}, f.child_document_id, f.rule, f.child_start, f.id "
        f"LIMIT {MAX_FLAGS}",
        params,
    )
    docs = await documents(db, [f["child_document_id"] for f in flags] + [f["parent_document_id"] for f in flags])
    history = await _history(db, [f["id"] for f in flags])
    pieces = await passages(db, [((f["id"], side), f[f"{side}_document_id"], f[f"{side}_start"], f[f"{side}_end"])
                                 for f in flags for side in ("child", "parent")])
    groups: list[dict] = []
    by_key: dict[Any, dict] = {}
    for f in flags:
        _decorate(datasette, f, docs, history, pieces)
        key = (f["severity"], f["child_document_id"])
        if key not in by_key:
            child = docs.get(f["child_document_id"])
            meta = dict(child or {"id": f["child_document_id"], "label": plan_label(None)})
            parent_of_plan = docs.get(child["parent_id"]) if child and child.get("parent_id") else None
            by_key[key] = {
                "severity": f["severity"],
                "severity_label": SEVERITIES.get(f["severity"], f["severity"]),
                "doc": meta,
                "link": doc_link(datasette, f["child_document_id"]),
                "row_link": (datasette.urls.row(db.name, "documents", str(f["child_document_id"]))
                             if f["child_document_id"] is not None else None),
                "parent_label": parent_of_plan["label"] if parent_of_plan else None,
                "flags": [],
                "first_of_plan": f["child_document_id"] not in {g["doc"].get("id") for g in groups},
            }
            groups.append(by_key[key])
        by_key[key]["flags"].append(f)
    plan_ids = [g["doc"]["id"] for g in groups if g["first_of_plan"] and g["doc"].get("id") is not None]
    charts = await _charts(datasette, db, plan_ids)
    for g in groups:
        g["charts"] = charts.get(g["doc"].get("id"), {}) if g["first_of_plan"] else {}
    query_string = urlencode({k: v for k, v in filters.items() if v or k == "status"})
    who = unquote(request.cookies.get(WHO_COOKIE) or "").strip()
    actor = request.actor or {}
    if not who and actor.get("id"):
        who = str(actor["id"])
    if pending and pending.get("who"):
        who = pending["who"]
    html = await datasette.render_template(
        "kehoach_review.html",
        {
            "groups": groups, "total": total, "shown": len(flags), "filters": filters,
            "options": await _options(db), "counts": await _counts(db, filters),
            "statuses": STATUSES, "review_states": REVIEW_STATES, "decisions": DECISIONS,
            "severities": SEVERITIES,
            "next": datasette.urls.path("/-/review") + ("?" + query_string if query_string else ""),
            "who": who, "database": db.name, "pending": pending or {},
        },
        request=request,
    )
    return Response.html(html, status=status)


async def review_view(request, datasette):
    from .plugin import kehoach_database

    db = await kehoach_database(datasette)
    if request.method == "POST":
        return await _review_post(request, datasette, db)
    if request.method != "GET":
        return Response.text("Method not allowed", status=405)
    return await render_review(request, datasette, db)


def _insert_review(row: dict, wait: float):
    """A write function for ``db.execute_write_fn``: one ``BEGIN IMMEDIATE`` transaction."""

    def write(conn):
        from ..store import write_transaction

        with write_transaction(conn, wait=wait, notify=lambda message: None):
            conn.execute("INSERT INTO reviews (flag_id, decision, comment, who, at) VALUES (?, ?, ?, ?, ?)",
                         [row["flag_id"], row["decision"], row["comment"], row["who"], row["at"]])
        return True

    return write


async def _review_post(request, datasette, db):
    import sqlite3

    from ..errors import KehoachError

    # asgi-csrf only checks requests that carry cookies; a decision must always
    # come from a page this server rendered, so insist on the token cookie too.
    if not request.cookies.get("ds_csrftoken"):
        return Response.text("CSRF token missing: reload the review page and try again.", status=403)
    form = await request.post_vars()
    flag_id = (form.get("flag_id") or "").strip()
    decision = (form.get("decision") or "").strip()
    comment = (form.get("comment") or "").strip()[:5000]
    who = " ".join((form.get("who") or "").split())[:200]
    pending = {"flag_id": flag_id, "decision": decision, "comment": comment, "who": who}
    if decision not in DECISIONS:
        return Response.text(f"unknown decision {decision!r}; use accept, dismiss or comment", status=400)
    exists = await db.execute("SELECT 1 FROM flags WHERE id = ?", [flag_id])
    if not flag_id or not exists.rows:
        return Response.text(f"no flag with id {flag_id!r}", status=404)
    if not who:
        pending["error"] = "Cần tên người xem xét / Your name is required: type it and save again."
        return await render_review(request, datasette, db, pending=pending, status=400)
    if decision == "comment" and not comment:
        pending["error"] = "Ghi chú cần nội dung / A comment needs some text."
        return await render_review(request, datasette, db, pending=pending, status=400)
    row = {**pending, "comment": comment or None, "at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    try:
        await db.execute_write_fn(_insert_review(row, REVIEW_WAIT))
    except (KehoachError, sqlite3.OperationalError) as exc:
        busy = isinstance(exc, KehoachError) or "locked" in str(exc) or "busy" in str(exc)
        why = ("cơ sở dữ liệu đang bận / the database is busy" if busy
               else "không ghi được vào cơ sở dữ liệu / the database cannot be written")
        pending["error"] = (f"Chưa lưu được / Not saved yet: {why} ({exc}). "
                            "Your decision is still in the form below: press the button again.")
        return await render_review(request, datasette, db, pending=pending, status=503)
    datasette.add_message(request, f"Đã lưu / Saved: {DECISIONS[decision]} ({flag_id[:12]})", datasette.INFO)
    target = _safe_next(datasette, form.get("next")) + f"#flag-{flag_id}"
    response = Response.redirect(target, status=303)
    response.set_cookie(WHO_COOKIE, quote(who), max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response

