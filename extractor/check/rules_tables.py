"""Sums inside tables: row and column sums against the totals the table states.

Funding tables (records with ``role_reason`` "table row: …" and a ``breakdown``):

* a row's per-year (or per-source) cells against the row's total cell;
* a year column of the rows that break a total down against the total row's
  cell of that year; the total column itself when the rows are items (the
  components of a total are ``rules_funding``'s work).

→ ``funding_sum_mismatch``, the stated total cell and the summed cells quoted.

Count tables (targets with ``role_reason`` "table cell: row … × column …"):
a row's year cells against its total column, and a column's cells against the
total row (``Tổng cộng``) → ``count_mismatch``.
"""

from __future__ import annotations

from typing import Optional

import regex

from .config import section
from .data import Doc
from .flags import Flag, Passage, fmt_vnd

_CELL = regex.compile(r"^table cell: row (?P<row>.*) × column (?P<col>.*)$", regex.S)
_MAX_SPAN = 1500
_CUMULATIVE = regex.compile(r"(?:lũy|luỹ)\s+kế|tích\s+(?:lũy|luỹ)|cộng\s+dồn", regex.I)


def _table_rules():
    from ..tables.header import rules

    r = rules()
    return r["rows"]["total"], r["cols"]["total"]


def _span(doc: Doc, cells: list[dict]) -> Optional[Passage]:
    cells = [c for c in cells if isinstance(c.get("value_start"), int) and isinstance(c.get("value_end"), int)]
    if not cells:
        return None
    a = min(c["value_start"] for c in cells)
    b = max(c["value_end"] for c in cells)
    if b - a > _MAX_SPAN:
        big = max(cells, key=lambda c: c.get("amount_vnd") or c.get("value") or 0)
        a, b = big["value_start"], big["value_end"]
    return Passage.of_span(doc, a, b)


def _cell_passage(doc: Doc, rec: dict) -> Passage:
    vs, ve = rec.get("value_start"), rec.get("value_end")
    if isinstance(vs, int) and isinstance(ve, int) and vs < ve:
        return Passage.of_span(doc, vs, ve)
    return Passage.of_record(doc, rec)


def _money_flag(doc: Doc, total: dict, stated: int, parts: list[dict], rounding: float) -> Optional[Flag]:
    s = sum(int(p.get("amount_vnd") or 0) for p in parts)
    if s == stated or len(parts) < 2:
        return None
    gap = abs(s - stated)
    vals = {"components": " + ".join(fmt_vnd(p.get("amount_vnd")) for p in parts), "sum": fmt_vnd(s),
            "total": fmt_vnd(stated), "gap": fmt_vnd(gap)}
    return Flag("funding_sum_mismatch", _cell_passage(doc, total), _span(doc, parts), values=vals,
                severity="info" if gap <= rounding * stated else None)


def _funding(doc: Doc) -> list[Flag]:
    rounding = float(section("funding").get("rounding_share", 0.0001))
    rows = [r for r in doc.of_type("funding") if str(r.get("role_reason") or "").startswith("table row")]
    out: list[Flag] = []
    for r in rows:  # row sums: the years of a row against its total cell
        years = [b for b in (r.get("breakdown") or []) if isinstance(b, dict) and b.get("year")]
        if len(years) >= 2 and r.get("amount_vnd"):
            f = _money_flag(doc, r, int(r["amount_vnd"]), years, rounding)
            if f:
                out.append(f)
    by_id = {r["id"]: r for r in rows}
    children: dict[int, list[dict]] = {}
    for r in rows:
        pid = r.get("parent_record_id")
        if pid in by_id and pid != r["id"]:
            children.setdefault(pid, []).append(r)
    for pid, kids in children.items():  # column sums: the rows under a total, column by column
        parent = by_id[pid]
        for b in parent.get("breakdown") or []:
            if not isinstance(b, dict) or not b.get("year"):
                continue
            cells = [c for k in kids for c in (k.get("breakdown") or []) if isinstance(c, dict) and c.get("year") == b["year"]]
            f = _money_flag(doc, b, int(b.get("amount_vnd") or 0), cells, rounding)
            if f:
                out.append(f)
        if any(k.get("role") == "item" for k in kids) and parent.get("amount_vnd"):
            f = _money_flag(doc, parent, int(parent["amount_vnd"]), kids, rounding)
            if f:
                out.append(f)
    return out


def _count_tables(doc: Doc) -> list[list[list[dict]]]:
    """Table-cell targets grouped by row, rows grouped by table (rows with nothing between)."""
    # counts only: a column of rates or amounts per head has an average, not a sum, in its total row
    cells = [r for r in doc.targets() if _CELL.match(str(r.get("role_reason") or "")) and r.get("unit") != "%"
             and "/" not in str(r.get("unit") or "")]
    by_row: dict[tuple, list[dict]] = {}
    for c in cells:
        by_row.setdefault((c["start"], c["end"]), []).append(c)
    tables: list[list[list[dict]]] = []
    last_end = None
    for (s, e), row in sorted(by_row.items()):
        if last_end is not None and not doc.text[last_end:s].strip():
            tables[-1].append(row)
        else:
            tables.append([row])
        last_end = e
    return tables


def _count_flag(doc: Doc, total: dict, parts: list[dict], where: tuple[str, str]) -> Optional[Flag]:
    s = sum(float(p.get("value") or 0) for p in parts)
    stated = float(total.get("value") or 0)
    if len(parts) < 2 or abs(s - stated) < 1e-9:
        return None
    n = lambda x: str(int(x)) if float(x).is_integer() else str(x)  # noqa: E731
    vals = {"what": f"Bảng: {where[0]} cộng lại được {n(s)}, khác tổng đã ghi {n(stated)}.",
            "what_en": f"Table: {where[1]} add up to {n(s)}, not the stated total {n(stated)}."}
    return Flag("count_mismatch", _cell_passage(doc, total), _span(doc, parts), values=vals)


def _counts(doc: Doc) -> list[Flag]:
    row_total, col_total = _table_rules()
    out: list[Flag] = []
    for table in _count_tables(doc):
        labels = {}
        for row in table:
            for c in row:
                m = _CELL.match(c["role_reason"])
                labels[id(c)] = (m.group("row"), m.group("col"))
        if any(_CUMULATIVE.search(lab) for pair in labels.values() for lab in pair):
            continue  # cumulative figures ("lũy kế") do not add up across years
        for row in table:  # a row's years against its total column
            tot = [c for c in row if col_total.search(labels[id(c)][1])]
            rest = [c for c in row if c not in tot]
            if len(tot) == 1:
                label = labels[id(tot[0])][0]
                f = _count_flag(doc, tot[0], rest, (f"các ô của hàng «{label}»", f"the cells of row «{label}»"))
                if f:
                    out.append(f)
        totals = [row for row in table if row and row_total.match(labels[id(row[0])][0])]
        if len(totals) != 1:
            continue
        others = [row for row in table if row is not totals[0]]
        for t in totals[0]:  # a column against the total row
            col = labels[id(t)][1]
            parts = [c for row in others for c in row if labels[id(c)][1] == col]
            f = _count_flag(doc, t, parts, (f"các ô của cột «{col}»", f"the cells of column «{col}»"))
            if f:
                out.append(f)
    return out


def table_mismatches(doc: Doc) -> list[Flag]:
    """Row and column sums of the document's tables against their stated totals."""
    return _funding(doc) + _counts(doc)
