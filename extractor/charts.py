"""Charts where a reviewer would rather look than read, as inline SVG (no network).

    from extractor import charts
    charts.available()                               # altair + vl-convert-python installed?
    for c in charts.family_charts(conn, doc_id):     # a plan beside its parent (or its children)
        c["title"], c["svg"]                         # one chart per content area
    charts.province_charts(conn, "Quảng Trị")        # one indicator across the province's districts

Built with Altair (Vega-Lite) and rendered to SVG by ``vl-convert-python``, which
runs Vega in-process: no browser, no network, no JavaScript in the page.  Both are
in the ``serve`` extra; without them ``available()`` is False and callers show a
note instead of a chart.

Which figures are compared: targets whose ``indicator`` (filled from
``rules/indicators.yml``) is the same in the parent plan and a child plan; when no
indicator is known yet, the pairs the cross-check flagged (``flags``: the child's
passage against the parent's).  A child's bar takes the colour of the most severe
open finding on that figure.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Iterable, Optional

from .rules import topic_label

SEVERITY_COLORS = {"error": "#c53030", "warning": "#d69e2e", "info": "#63b3ed"}
PARENT = "Cấp trên / Parent"
PLAN = "Không có cảnh báo / No finding"
SEVERITY_LABELS = {"error": "Lỗi / Error", "warning": "Cảnh báo / Warning", "info": "Thông tin / Info"}
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
MAX_CHARTS = 12
LABEL_CHARS = 90
FACET_WIDTH = 190  # pixels per indicator panel; its title is cut to this width


def available() -> bool:
    """True when Altair and vl-convert-python can be imported."""
    try:
        import altair  # noqa: F401
        import vl_convert  # noqa: F401
    except ImportError:
        return False
    return True


MISSING_NOTE = ("Biểu đồ cần altair và vl-convert-python / charts need altair and vl-convert-python: "
                "pip install -e '.[serve]'")


def _conn(db: Any) -> sqlite3.Connection:
    return getattr(db, "conn", db)


def _rows(conn, sql: str, params: Iterable = ()) -> list[dict]:
    cur = conn.execute(sql, list(params))
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _short(s: Optional[str], n: int = LABEL_CHARS) -> str:
    s = " ".join((s or "").split())
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"


def _doc_label(d: dict) -> str:
    place = d.get("commune") or d.get("district") or d.get("province") or ""
    num = d.get("number") or f"#{d['id']}"
    return _short(f"{place} ({num})" if place else num, 30)


def _worst(flags: list[dict], rec: dict) -> Optional[str]:
    """The most severe open flag whose child passage covers the record's figure."""
    best = None
    for f in flags:
        if f["child_document_id"] != rec["document_id"] or f["child_start"] is None:
            continue
        if f["child_start"] <= rec["start"] < max(f["child_end"] or 0, f["child_start"] + 1) or (
            rec["start"] <= f["child_start"] < rec["end"]
        ):
            if best is None or SEVERITY_RANK.get(f["severity"], 9) < SEVERITY_RANK.get(best, 9):
                best = f["severity"]
    return best


def _targets(conn, doc_ids: list[int]) -> list[dict]:
    if not doc_ids:
        return []
    marks = ", ".join("?" for _ in doc_ids)
    return _rows(conn, "SELECT id, document_id, type, value, unit, year, topic, indicator, indicator_name, subject, "
                       f"quote, start, \"end\" FROM records WHERE document_id IN ({marks}) AND type IN ('target', 'status') "
                       "AND value IS NOT NULL ORDER BY document_id, start", doc_ids)


def _flags(conn, doc_ids: list[int]) -> list[dict]:
    if not doc_ids:
        return []
    marks = ", ".join("?" for _ in doc_ids)
    try:
        return _rows(conn, f"SELECT * FROM flags WHERE status = 'open' AND child_document_id IN ({marks})", doc_ids)
    except sqlite3.OperationalError:
        return []


def _pick(recs: list[dict]) -> dict:
    """The figure to show for one indicator of one plan: targets before results, the latest year."""
    return sorted(recs, key=lambda r: (r["type"] != "target", -(r["year"] or 0), r["start"]))[0]


def _by_indicator(parent: dict, children: list[dict], recs: list[dict], flags: list[dict]) -> list[dict]:
    by_key: dict[str, dict[int, list[dict]]] = {}
    for r in recs:
        if r["indicator"]:  # one indicator in one unit: 80% and 8 xã are not one bar chart
            by_key.setdefault((r["indicator"], r["unit"]), {}).setdefault(r["document_id"], []).append(r)
    points = []
    child_ids = {c["id"] for c in children}
    for key, per_doc in by_key.items():
        if parent["id"] not in per_doc or not child_ids & per_doc.keys():
            continue
        p = _pick(per_doc[parent["id"]])
        label = _short(p["indicator_name"] or key[0]) + (f" ({p['unit']})" if p["unit"] else "")
        group = p["topic"] or "other"
        points.append(_point(group, label, parent, p, None))
        for c in children:
            if c["id"] in per_doc:
                r = _pick(per_doc[c["id"]])
                points.append(_point(group, label, c, r, _worst(flags, r)))
    return points


def _by_flags(parent: dict, children: list[dict], recs: list[dict], flags: list[dict]) -> list[dict]:
    """Pairs the cross-check flagged: the child's figure against the parent's."""
    at = {(r["document_id"], r["start"]): r for r in recs}
    docs = {c["id"]: c for c in children}
    points, seen = [], set()
    for f in sorted(flags, key=lambda f: SEVERITY_RANK.get(f["severity"], 9)):
        c = at.get((f["child_document_id"], f["child_start"]))
        p = at.get((f["parent_document_id"], f["parent_start"]))
        if not c or not p or f["child_document_id"] not in docs or f["parent_document_id"] != parent["id"]:
            continue
        if (c["id"], p["id"]) in seen or c["unit"] != p["unit"]:
            continue
        seen.add((c["id"], p["id"]))
        words = (p["subject"] or "").split()
        label = _short(" ".join(words) if len(words) >= 3 else p["quote"].lstrip("-–•+ ")) + (
            f" ({p['unit']})" if p["unit"] else "")
        group = p["topic"] or "other"
        if (p["id"], parent["id"]) not in seen:
            seen.add((p["id"], parent["id"]))
            points.append(_point(group, label, parent, p, None))
        points.append(_point(group, label, docs[f["child_document_id"]], c, f["severity"]))
    return points


def _point(group: str, label: str, doc: dict, rec: dict, severity: Optional[str]) -> dict:
    is_parent = severity is None and doc.get("_role") == "parent"
    return {
        "group": group,
        "indicator": label,
        "plan": doc["_label"],
        "value": rec["value"],
        "year": rec["year"],
        "finding": PARENT if is_parent else SEVERITY_LABELS.get(severity or "", PLAN),
    }


def _documents(conn, where: str, params: list) -> list[dict]:
    return _rows(conn, "SELECT id, number, level, province, district, commune, parent_id FROM documents "
                       f"WHERE COALESCE(superseded, 0) = 0 AND {where} ORDER BY district, commune, id", params)


def family_data(db: Any, doc_id: int) -> list[dict]:
    """Points (``group``, ``indicator``, ``plan``, ``value``, ``year``, ``finding``) for the plan
    ``doc_id`` beside its parent, or, when it has children, the plan beside each child."""
    conn = _conn(db)
    me = _documents(conn, "id = ?", [doc_id])
    if not me:
        return []
    me = me[0]
    children = _documents(conn, "parent_id = ?", [doc_id])
    if children:
        parent = me
    elif me["parent_id"]:
        found = _documents(conn, "id = ?", [me["parent_id"]])
        if not found:
            return []
        parent, children = found[0], [me]
    else:
        return []
    parent["_role"], parent["_label"] = "parent", "▲ " + _doc_label(parent)
    for c in children:
        c["_role"], c["_label"] = "child", _doc_label(c)
    ids = [parent["id"]] + [c["id"] for c in children]
    recs, flags = _targets(conn, ids), _flags(conn, ids)
    return _by_indicator(parent, children, recs, flags) or _by_flags(parent, children, recs, flags)


def _chart(points: list[dict], title: str, x: str, columns: Optional[str]):
    import altair as alt

    domain = [PARENT, SEVERITY_LABELS["error"], SEVERITY_LABELS["warning"], SEVERITY_LABELS["info"], PLAN]
    palette = ["#718096", SEVERITY_COLORS["error"], SEVERITY_COLORS["warning"], SEVERITY_COLORS["info"], "#38a169"]
    used = {p["finding"] for p in points}
    present = [d for d in domain if d in used]  # the legend names only the colours drawn
    colors = [c for d, c in zip(domain, palette) if d in used]
    base = alt.Chart(alt.Data(values=points)).mark_bar().encode(
        x=alt.X(f"{x}:N", title=None, sort=None, axis=alt.Axis(labelAngle=-30, labelLimit=160)),
        y=alt.Y("value:Q", title=None),
        color=alt.Color("finding:N", title=None, scale=alt.Scale(domain=present, range=colors),
                        legend=alt.Legend(orient="bottom", columns=2, labelLimit=200)),
        tooltip=["plan:N", "indicator:N", "value:Q", "year:O", "finding:N"],
    ).properties(width=FACET_WIDTH if columns else alt.Step(26), height=120)
    if columns:
        base = base.facet(facet=alt.Facet(f"{columns}:N", title=None,
                                          header=alt.Header(labelLimit=FACET_WIDTH, labelFontSize=11)),
                          columns=3).resolve_scale(y="independent", x="independent")
    return base.properties(title=alt.Title(title, fontSize=12, anchor="start"))


def to_svg(chart) -> str:
    """Render an Altair chart to an SVG string (in-process, offline)."""
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(chart.to_dict())
    # inline in HTML: no XML prolog, and no namespace URLs (HTML knows <svg> and xlink:href)
    svg = svg[svg.find("<svg"):] if "<svg" in svg else svg
    return svg.replace(' xmlns="http://www.w3.org/2000/svg"', "").replace(
        ' xmlns:xlink="http://www.w3.org/1999/xlink"', "")


_CACHE: dict[tuple, list[dict]] = {}
_CACHE_MAX = 256


def _signature(conn) -> tuple:
    """Changes whenever records or findings change (a re-ingest, a re-check)."""
    try:
        return tuple(conn.execute(
            "SELECT (SELECT COUNT(*) || ':' || COALESCE(MAX(id), 0) FROM records), "
            "(SELECT COUNT(*) || ':' || COALESCE(MAX(last_seen), '') || ':' || COALESCE(SUM(status = 'open'), 0) "
            "FROM flags), (SELECT COUNT(*) || ':' || COALESCE(SUM(parent_id), 0) FROM documents)").fetchone())
    except sqlite3.OperationalError:
        return ()


def family_charts(db: Any, doc_id: int, limit: int = MAX_CHARTS, only_findings: bool = False) -> list[dict]:
    """One chart per content area (``topic``): for each indicator, the parent's figure and
    each child's side by side.  ``[{"title", "svg", "points"}]``; [] when there is nothing to
    compare or the chart libraries are missing.  ``only_findings``: only the indicators with a
    finding on some plan's figure (the review page).  Rendered charts are cached until the
    database's records, findings or links change."""
    if not available():
        return []
    return _cached(_conn(db), ("family", doc_id, limit, only_findings),
                   lambda conn: _family_charts(conn, doc_id, limit, only_findings))


def _cached(conn, what: tuple, build) -> list[dict]:
    path = next((row[2] for row in conn.execute("PRAGMA database_list") if row[1] == "main"), "")
    if not path:  # an in-memory database: nothing to key the cache on
        return build(conn)
    key = (path, *what, _signature(conn))
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_MAX:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = build(conn)
    return _CACHE[key]


def _family_charts(db: Any, doc_id: int, limit: int, only_findings: bool = False) -> list[dict]:
    points = family_data(db, doc_id)
    if only_findings:
        flagged = {(p["group"], p["indicator"]) for p in points if p["finding"] in SEVERITY_LABELS.values()}
        points = [p for p in points if (p["group"], p["indicator"]) in flagged]
    groups: dict[str, list[dict]] = {}
    for p in points:
        groups.setdefault(p["group"], []).append(p)
    out = []
    for group, pts in sorted(groups.items(), key=lambda kv: -len(kv[1]))[:limit]:
        title = f"{topic_label(group)}: cấp trên và cấp dưới / parent and plans"
        out.append({"title": title, "group": group, "points": pts,
                    "svg": to_svg(_chart(pts, title, "plan", "indicator"))})
    return out


def province_data(db: Any, province: str) -> dict[str, list[dict]]:
    """For each indicator set in two or more district plans of ``province``: one point per district."""
    conn = _conn(db)
    docs = _documents(conn, "province = ? AND level = 'huyen'", [province])
    if len(docs) < 2:
        return {}
    ids = [d["id"] for d in docs]
    recs, flags = _targets(conn, ids), _flags(conn, ids)
    by_key: dict[tuple, dict[int, list[dict]]] = {}
    for r in recs:
        if r["indicator"]:
            by_key.setdefault((r["indicator"], r["unit"]), {}).setdefault(r["document_id"], []).append(r)
    out: dict[str, list[dict]] = {}
    for key, per_doc in sorted(by_key.items(), key=lambda kv: -len(kv[1])):
        if len(per_doc) < 2:
            continue
        first = _pick(next(iter(per_doc.values())))
        label = _short(first["indicator_name"] or key[0], 60) + (f" ({first['unit']})" if first["unit"] else "")
        pts = []
        for d in docs:
            if d["id"] in per_doc:
                r = _pick(per_doc[d["id"]])
                pts.append({"group": label, "indicator": label, "plan": _doc_label(d), "value": r["value"],
                            "year": r["year"], "finding": SEVERITY_LABELS.get(_worst(flags, r) or "", PLAN)})
        out[label] = pts
    return out


def province_charts(db: Any, province: str, limit: int = 6) -> list[dict]:
    """One chart per indicator: that indicator across the province's district plans (cached
    like ``family_charts``)."""
    if not available():
        return []
    return _cached(_conn(db), ("province", province, limit), lambda conn: _province_charts(conn, province, limit))


def _province_charts(db: Any, province: str, limit: int) -> list[dict]:
    out = []
    for label, pts in list(province_data(db, province).items())[:limit]:
        title = f"{_short(label, 70)} — các huyện / districts of {province}"
        out.append({"title": title, "group": label, "points": pts, "svg": to_svg(_chart(pts, title, "plan", None))})
    return out
