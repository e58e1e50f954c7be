"""The indicator matrix: what each plan sets on each indicator and year, side by side.

``kehoach export --table indicator_matrix`` (``matrix_cursor``): one row per indicator
and year (``id`` numbers the rows); a column per plan holding its figures as written (a parent's column comes
right before its children's, so each child's value stands beside its parent's), and
for every plan that has a parent a column with the finding on that row, if any.

The Datasette canned query ``indicator_matrix`` (``CANNED_QUERY``) gives the same in
long form (one row per indicator, year and plan, with its parent's figure and the
open finding), because SQL cannot add a column per plan.
"""

from __future__ import annotations

from typing import Any, Iterator

from .figures import figures

TARGET_RULES = ("threshold_below_parent", "exceeds_parent", "deadline_after_parent", "internal_conflict",
                "missing_parent_target")

CANNED_SQL = (
    "SELECT c.indicator_name AS indicator_name, c.year,\n"
    "  COALESCE(cd.number, s.name, '#' || cd.id) AS plan, cd.level,\n"
    "  c.comparator AS plan_comparator, c.value AS plan_value, c.value_max AS plan_value_max, c.unit,\n"
    "  COALESCE(pd.number, '#' || pd.id) AS parent_plan,\n"
    "  p.comparator AS parent_comparator, p.value AS parent_value, p.value_max AS parent_value_max,\n"
    "  (SELECT group_concat(f.message, ' | ') FROM flags f WHERE f.child_document_id = cd.id\n"
    "     AND f.status = 'open' AND f.child_start = c.start AND f.rule IN ("
    + ", ".join(f"'{r}'" for r in TARGET_RULES) + ")) AS finding,\n"
    "  c.quote AS plan_quote, p.quote AS parent_quote, c.indicator\n"
    "FROM records c JOIN documents cd ON cd.id = c.document_id LEFT JOIN sources s ON s.id = cd.source_id\n"
    "LEFT JOIN documents pd ON pd.id = cd.parent_id\n"
    "LEFT JOIN records p ON p.document_id = pd.id AND p.type = 'target' AND p.indicator = c.indicator\n"
    "  AND p.year IS c.year AND p.unit IS c.unit\n"
    "WHERE c.type = 'target' AND c.indicator IS NOT NULL AND COALESCE(cd.superseded, 0) = 0\n"
    "  AND (:indicator = '' OR c.indicator = :indicator\n"
    "       OR instr(kehoach_fold(c.indicator_name), kehoach_fold(:indicator)) > 0)\n"
    "ORDER BY c.indicator_name, c.year, cd.level, plan, c.start"
)

CANNED_QUERY = {
    "title": "Ma trận chỉ tiêu theo chỉ số / Indicator matrix",
    "description": (
        "Mỗi chỉ số và năm: chỉ tiêu của từng kế hoạch bên cạnh chỉ tiêu của kế hoạch cấp trên, với cảnh báo "
        "nếu có. Nhập tên chỉ số (ví dụ: hộ nghèo) hoặc để trống. / For each indicator and year: every plan's "
        "figure beside its parent's, with the finding if any. Give an indicator name (e.g. ho ngheo) or leave empty."
    ),
    "sql": CANNED_SQL,
    "params": ["indicator"],
}


class _Rows:
    """A cursor-like object (``description`` + iteration) for ``store.export_cursor``."""

    def __init__(self, columns: list[str], rows: list[tuple]):
        self.description = [(c, None, None, None, None, None, None) for c in columns]
        self._rows = rows

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._rows)

    def fetchall(self) -> list[tuple]:
        return list(self._rows)


def _tree_order(result) -> list:
    """Documents with each parent followed by its children (depth first)."""
    kids: dict[int, list] = {}
    roots = []
    for d in result.docs:
        link = result.links.get(d.id)
        if link and link.parent is not None and link.by != "attachment":
            kids.setdefault(link.parent.id, []).append(d)
        else:
            roots.append(d)
    out: list = []
    seen: set[int] = set()

    def walk(d):
        if d.id in seen:
            return
        seen.add(d.id)
        out.append(d)
        for k in kids.get(d.id, []):
            walk(k)

    for r in roots:
        walk(r)
    for d in result.docs:
        walk(d)
    return out


def matrix(db) -> tuple[list[str], list[tuple]]:
    """(columns, rows) of the indicator matrix over the database's current documents."""
    from . import run

    result = run(db)
    docs = [d for d in _tree_order(result) if any(f.indicator and not f.result for f in figures(d))]
    findings: dict[tuple, list[str]] = {}
    for f in result.flags:
        if f.rule in TARGET_RULES and f.child.start is not None:
            findings.setdefault((f.child.doc.id, f.child.start), []).append(f.messages[0])
    cells: dict[tuple, dict[int, list[str]]] = {}
    notes: dict[tuple, dict[int, list[str]]] = {}
    names: dict[str, str] = {}
    for d in docs:
        for f in figures(d):
            if not f.indicator or f.result:
                continue
            row = (f.indicator, f.year)
            names[f.indicator] = f.name
            txt = f.written + ("" if f.scope is None else f" ({f.scope})")
            cell = cells.setdefault(row, {}).setdefault(d.id, [])
            if txt not in cell:
                cell.append(txt)
            for msg in findings.get((d.id, f.rec.get("start")), []):
                if msg not in notes.setdefault(row, {}).setdefault(d.id, []):
                    notes[row][d.id].append(msg)
    has_parent = {d.id for d in docs if (result.links.get(d.id) and result.links[d.id].parent is not None)}
    columns = ["id", "indicator", "indicator_name", "year"]
    order: list[tuple[str, int]] = []
    for d in docs:
        columns.append(d.label)
        order.append(("value", d.id))
        if d.id in has_parent:
            columns.append(f"{d.label}: phát hiện / finding")
            order.append(("finding", d.id))
    rows = []
    for n, (iid, year) in enumerate(sorted(cells, key=lambda k: (names[k[0]], k[1] or 0)), start=1):
        vals: list[Any] = [n, iid, names[iid], year]
        for kind, did in order:
            src = cells[(iid, year)] if kind == "value" else notes.get((iid, year), {})
            vals.append(" / ".join(src.get(did, [])) or None)
        rows.append(tuple(vals))
    return columns, rows


def matrix_cursor(db) -> _Rows:
    """The matrix as a cursor for ``store.export_cursor`` (CSV, JSONL, Parquet, XLSX)."""
    columns, rows = matrix(db)
    return _Rows(columns, rows)
