"""One self-contained HTML report of a database, for emailing.

    from extractor.report import build_report, render_report
    build_report(db, "output/report.html")            # -> Path; db: sqlite_utils.Database or path
    html = render_report(db, documents=[3, 4])        # a subset of plans

Per plan (current documents, by province / level / place): its metadata, its flags
side by side with the parent plan's words (and the review decisions taken), and its
records with each quote highlighted in its surrounding text.  Inline CSS, no
scripts, images, fonts or links outside the file (works offline); every piece of
document text is escaped (Jinja autoescape + ``extractor.serve.passages``).
Template: ``extractor/templates/report.html.j2``.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Optional, Union

import sqlite_utils
from jinja2 import Environment, FileSystemLoader

from .errors import KehoachError
from .rules import topic_label
from .serve.passages import figures, in_context, message_vi, plan_label

TEMPLATES = Path(__file__).parent / "templates"
TYPE_TITLES = {
    "target": "Chỉ tiêu / Targets",
    "status": "Kết quả đã đạt / Results achieved",
    "deadline": "Thời hạn / Deadlines",
    "assignment": "Phân công / Assignments",
    "funding": "Kinh phí / Funding",
}
META_FIELDS = [
    ("doc_type", "Loại / Type"), ("number", "Số / Number"), ("date", "Ngày / Date"),
    ("issuer", "Ban hành / Issuer"), ("level", "Cấp / Level"), ("province", "Tỉnh / Province"),
    ("district", "Huyện / District"), ("commune", "Xã / Commune"), ("title", "Trích yếu / Title"),
    ("period", "Giai đoạn / Period"), ("signer", "Người ký / Signer"), ("source_name", "Tệp / File"),
]
DECISIONS = {"accept": "Xác nhận / Accepted", "dismiss": "Bác bỏ / Dismissed", "comment": "Ghi chú / Comment"}
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
STATUSES = {"open": "Đang mở / Open", "resolved": "Đã hết / Resolved"}
REVIEW_STATES = {"unreviewed": "Chưa xem xét / Unreviewed", "accept": DECISIONS["accept"],
                 "dismiss": DECISIONS["dismiss"], "comment": "Chỉ có ghi chú / Comments only"}
COMPARATOR_WORDS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "", "range": "",
                    "maintain": "duy trì / maintain", "increase": "tăng / increase", "decrease": "giảm / decrease"}


def flag_state(status: Optional[str], review: str) -> tuple[str, str]:
    """(css key, label) of a finding's state: a reviewer's decision replaces "open"."""
    if status == "resolved":
        return "resolved", STATUSES["resolved"] + (f" · {REVIEW_STATES[review]}" if review in REVIEW_STATES
                                                   and review != "unreviewed" else "")
    if review in ("accept", "dismiss"):
        return review, REVIEW_STATES[review]
    if review == "comment":
        return "comment", "Đang mở, có ghi chú / Open, commented"
    return "open", STATUSES["open"]


def _db(db: Union[sqlite_utils.Database, str, Path, None]) -> sqlite_utils.Database:
    if isinstance(db, sqlite_utils.Database):
        return db
    from .store import open_db

    return open_db(db, must_exist=True)


def _num(v: Any) -> str:
    """A number the Vietnamese way: ``1.234`` thousands, ``1,5`` decimals."""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, int):
        return f"{v:,}".replace(",", ".")  # Vietnamese thousands separator
    if isinstance(v, float):
        whole, _, frac = f"{abs(v):.6f}".rstrip("0").partition(".")
        return ("-" if v < 0 else "") + _num(int(whole)) + ("," + frac if frac else "")
    return str(v).replace(".", ",")


def figure_text(r: dict) -> str:
    """A target's or result's figure: ``≥ 80%``, ``2–3 xã``, ``giảm / decrease 1–1,5%``, ``35 triệu đồng``."""
    value = _num(r.get("value"))
    if r.get("value_max") is not None and r.get("value_max") != r.get("value"):
        value = f"{value}–{_num(r.get('value_max'))}"
    unit = r.get("unit") or ""
    if unit:
        value = f"{value}{unit}" if unit.startswith("%") else f"{value} {unit}"
    word = COMPARATOR_WORDS.get(r.get("comparator") or "", r.get("comparator") or "")
    return f"{word} {value}".strip()


def record_value(r: dict) -> str:
    """A record's main value as a short text (``≥ 80% (2025)``, ``2–3 xã``, ``2023-06-30``, ``120.000.000.000 đ``)."""
    t = r.get("type")
    if t == "target":
        text = figure_text(r)
        return text + (f" ({r['year']})" if r.get("year") else "")
    if t == "status":
        text = figure_text(r)
        when = r.get("as_of") or r.get("year")
        return text + (f" (đã đạt / achieved {when})" if when else " (đã đạt / achieved)")
    if t == "deadline":
        return " ".join(x for x in (r.get("date") or "", r.get("agency") or "") if x)
    if t == "assignment":
        crit = r.get("criteria")
        try:
            crit = json.loads(crit) if isinstance(crit, str) else crit
        except ValueError:
            pass
        crit_text = ", ".join(map(str, crit)) if isinstance(crit, list) else (crit or "")
        return ": ".join(x for x in (r.get("agency") or "", crit_text) if x)
    if t == "funding":
        amount = r.get("amount_vnd")
        text = f"{_num(amount)} đ" if amount is not None else ""
        extra = ", ".join(x for x in (r.get("role") or "", r.get("source_of_funds") or "") if x)
        return f"{text} ({extra})" if extra else text
    return ""


def _focus(r: dict) -> Optional[tuple]:
    """(value_start, value_end) from the record's ``extra`` JSON, if there."""
    try:
        extra = json.loads(r.get("extra") or "{}")
    except ValueError:
        return None
    if isinstance(extra, dict) and isinstance(extra.get("value_start"), int) and isinstance(extra.get("value_end"), int):
        return extra["value_start"], extra["value_end"]
    return None


def _documents(db: sqlite_utils.Database, ids: Optional[Iterable[int]], include_superseded: bool) -> list[dict]:
    where, params = [], []
    if ids is not None:
        ids = [int(i) for i in ids]
        if not ids:
            return []
        where.append(f"d.id IN ({', '.join('?' for _ in ids)})")
        params += ids
    if not include_superseded:
        where.append("COALESCE(d.superseded, 0) = 0")
    sql = (
        "SELECT d.*, s.name AS source_name, s.ocr AS source_ocr FROM documents d "
        "LEFT JOIN sources s ON s.id = d.source_id "
        + ("WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY COALESCE(d.province, ''), CASE d.level WHEN 'trung_uong' THEN 0 WHEN 'tinh' THEN 1 "
        "WHEN 'huyen' THEN 2 WHEN 'xa' THEN 3 WHEN 'thon' THEN 4 ELSE 5 END, COALESCE(d.district, ''), "
        "COALESCE(d.commune, ''), d.id"
    )
    return [dict(r) for r in db.query(sql, params)]


def _texts(db: sqlite_utils.Database, ids: Iterable[Optional[int]]) -> dict[int, dict]:
    ids = sorted({i for i in ids if i is not None})
    out: dict[int, dict] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for r in db.query(
            "SELECT d.*, s.name AS source_name FROM documents d LEFT JOIN sources s ON s.id = d.source_id "
            f"WHERE d.id IN ({', '.join('?' for _ in chunk)})", chunk,
        ):
            out[r["id"]] = dict(r)
    return out


def collect(
    db: sqlite_utils.Database,
    documents: Optional[Iterable[int]] = None,
    *,
    window: int = 160,
    include_superseded: bool = False,
    with_charts: bool = True,
) -> dict:
    """The report's data: ``{"plans": [...], "totals": {...}}`` (HTML pieces are Markup).
    ``with_charts``: inline SVG charts per plan (``extractor.charts``) when Altair is installed."""
    docs = _documents(db, documents, include_superseded)
    doc_ids = [d["id"] for d in docs]
    flags_by_doc: dict[int, list[dict]] = {}
    other_ids: set[int] = set()
    if doc_ids and db["flags"].exists():
        for i in range(0, len(doc_ids), 500):
            chunk = doc_ids[i : i + 500]
            for f in db.query(
                f"SELECT * FROM flags WHERE child_document_id IN ({', '.join('?' for _ in chunk)})", chunk
            ):
                f = dict(f)
                flags_by_doc.setdefault(f["child_document_id"], []).append(f)
                if f["parent_document_id"] is not None:
                    other_ids.add(f["parent_document_id"])
    other_ids |= {d["parent_id"] for d in docs if d.get("parent_id")}
    texts = {d["id"]: d for d in docs}
    texts.update(_texts(db, other_ids - set(texts)))
    reviews: dict[str, list[dict]] = {}
    if db["reviews"].exists():
        for r in db.query("SELECT * FROM reviews ORDER BY id DESC"):
            reviews.setdefault(r["flag_id"], []).append(dict(r, label=DECISIONS.get(r["decision"], r["decision"])))

    plans = []
    totals = {"plans": 0, "records": 0, "flags": 0, "open_flags": 0}
    in_report = set(doc_ids)
    chart_of = _charts(db, docs, with_charts)
    for d in docs:
        text = d.get("text") or ""
        parent = texts.get(d["parent_id"]) if d.get("parent_id") else None
        records = [dict(r) for r in db.query(
            "SELECT * FROM records WHERE document_id = ? ORDER BY start, id", [d["id"]])]
        groups = _record_groups(records, text, window)
        flags = [_flag_row(f, d, texts, reviews, in_report, window)
                 for f in sorted(flags_by_doc.get(d["id"], []),
                                 key=lambda f: (f["status"] != "open", SEVERITY_ORDER.get(f["severity"], 9),
                                                f["rule"] or "", f["child_start"] or 0))]
        meta = [(label, d.get(key)) for key, label in META_FIELDS if d.get(key)]
        plans.append({
            "id": d["id"],
            "anchor": f"plan-{d['id']}",
            "label": plan_label(d),
            "meta": meta,
            "ocr": bool(d.get("ocr") or d.get("source_ocr")),
            "superseded": bool(d.get("superseded")),
            "parent_label": plan_label(parent) if parent else None,
            "parent_anchor": f"plan-{parent['id']}" if parent and parent["id"] in in_report else None,
            "counts": {g["type"]: len(g["rows"]) for g in groups},
            "groups": groups,
            "flags": flags,
            "open_flags": sum(1 for f in flags if f["status"] == "open" and f["review"] != "dismiss"),
            **chart_of.get(d["id"], {"charts": [], "province_charts": [], "chart_note": None, "chart_parent": None}),
        })
        totals["plans"] += 1
        totals["records"] += len(records)
        totals["flags"] += len(flags)
        totals["open_flags"] += plans[-1]["open_flags"]
    return {"plans": plans, "totals": totals}


def _record_groups(records: list[dict], text: str, window: int) -> list[dict]:
    groups = []
    for rtype, title in TYPE_TITLES.items():
        rows = [{
            "id": r["id"], "value": record_value(r), "topic": r.get("topic"), "topic_label": topic_label(r.get("topic")) if r.get("topic") else None, "section": r.get("section"),
            "criterion": r.get("criterion"), "indicator": r.get("indicator_name") or r.get("indicator"),
            "html": in_context(text, r["start"], r["end"], window, quote=r["quote"], focus=_focus(r)),
        } for r in records if r["type"] == rtype]
        if rows:
            groups.append({"type": rtype, "title": title, "rows": rows})
    return groups


def _flag_row(f: dict, d: dict, texts: dict, reviews: dict, in_report: set, window: int) -> dict:
    pdoc = texts.get(f["parent_document_id"]) if f["parent_document_id"] is not None else None
    history = reviews.get(f["id"], [])
    final = next((r for r in history if r["decision"] in ("accept", "dismiss")), None)
    review = final["decision"] if final else ("comment" if history else "unreviewed")
    state, state_label = flag_state(f["status"], review)
    return {
        **{k: f[k] for k in ("id", "rule", "severity", "status", "message_en", "criterion", "set_name")},
        "message": message_vi(f["message"], f["message_en"]),
        "same_plan": f["parent_document_id"] is not None and f["parent_document_id"] == d["id"],
        "child_html": in_context(d.get("text") or "", f["child_start"], f["child_end"], window, quote=f["child_quote"]),
        "parent_html": (in_context(pdoc and pdoc.get("text"), f["parent_start"], f["parent_end"], window,
                                   quote=f["parent_quote"])
                        if (pdoc is not None or f["parent_quote"]) else None),
        "parent_label": plan_label(pdoc) if pdoc else None,
        "parent_anchor": f"plan-{pdoc['id']}" if pdoc and pdoc["id"] in in_report else None,
        "review": review,
        "review_label": REVIEW_STATES[review],
        "state": state,
        "state_label": state_label,
        "history": history,
    }


def _charts(db: sqlite_utils.Database, docs: list[dict], wanted: bool) -> dict[int, dict]:
    """Per plan: charts beside its parent / children; on a province plan, indicators across districts."""
    from . import charts

    if not wanted or not docs:
        return {}
    if not charts.available():
        return {d["id"]: {"charts": [], "province_charts": [], "chart_note": charts.MISSING_NOTE} for d in docs}
    out = {}
    in_report = {d["id"] for d in docs}
    for d in docs:
        province = (charts.province_charts(db, d["province"])
                    if d.get("level") == "tinh" and d.get("province") else [])
        if d.get("parent_id") in in_report:
            # its parent's section draws the parent beside every child, this one included
            family, note = [], "Biểu đồ ở kế hoạch cấp trên / charts at the parent plan"
        else:
            family, note = charts.family_charts(db, d["id"]), None
        out[d["id"]] = {"charts": family, "province_charts": province, "chart_note": note,
                        "chart_parent": f"plan-{d['parent_id']}" if note else None}
    return out


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["figures"] = figures
    return env


def render_report(
    db: Union[sqlite_utils.Database, str, Path, None] = None,
    documents: Optional[Iterable[int]] = None,
    *,
    title: str = "Báo cáo kế hoạch nông thôn mới / NTM plans report",
    window: int = 160,
    include_superseded: bool = False,
    with_charts: bool = True,
) -> str:
    """The report as one HTML string."""
    database = _db(db)
    data = collect(database, documents, window=window, include_superseded=include_superseded,
                   with_charts=with_charts)
    return _env().get_template("report.html.j2").render(
        title=title,
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        database=Path(database.conn.execute("PRAGMA database_list").fetchone()[2] or "").name,
        type_titles=TYPE_TITLES,
        **data,
    )


def build_report(
    db: Union[sqlite_utils.Database, str, Path, None],
    out: Union[str, Path] = "output/report.html",
    documents: Optional[Iterable[int]] = None,
    **kwargs: Any,
) -> Path:
    """Write the report to ``out`` (folders created); return its path."""
    out = Path(out)
    if out.exists() and out.is_dir():
        raise KehoachError(f"{out} is a folder; give a file name such as {out / 'report.html'}")
    html = render_report(db, documents, **kwargs)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(html, encoding="utf-8")
    return out
