"""Records from tables: funding rows and target cells (see extractor/tables).

Funding tables give one record per row: the row's total cell (``Tổng số``,
``Số tiền``, the only amount column), its role read from the row label (a total
row ``Tổng cộng`` → ``total``, a source of money → ``component``, a task →
``item``) and ``parent`` the total or item row it breaks down.  The row's other
money cells (per year, per source) stay in the record's ``breakdown``.  A table
without a total column gives one record per source cell instead.

Target tables give one target per figure cell: ``year`` from the column (or from
the row when rows are years), ``subject`` from the row (or the column header).

Every record quotes its row (``start``/``end`` cover the row) and points at its
cell (``value_start``/``value_end``).
"""

from __future__ import annotations

from typing import Optional

from ..model import Funding, Status, Target
from ..normalise import canonical
from ..recognise import find_money
from ..tables.header import Layout, RowInfo, measure_of, number_of, read_layout, rules
from ..tables.model import Cell, Row, Table
from .context import Context, topic_of


def table_records(ctx: Context, tables: list[Table]) -> tuple[list, list[tuple[int, int]], list[tuple[int, int]]]:
    """Records from the tables of one document, the text ranges they claim (the
    sentence-level assemblers skip those), and the cells of columns of national
    thresholds ("Chỉ tiêu theo quy định"), whose figures are no records even where the
    sentences read the table."""
    records: list = []
    claimed: list[tuple[int, int]] = []
    standards: list[tuple[int, int]] = []
    for t in _join_continued(tables, ctx.text):
        layout = read_layout(t, ctx.text)
        standards += [(cell.start, cell.end) for c in layout.of_kind("standard")
                      for row in t.rows[layout.header_rows:] if (cell := _cell(row, c.index))]
        if layout.kind == "funding":
            recs = _funding(ctx, t, layout)
        elif layout.kind == "target":
            recs = _targets(ctx, t, layout)
        else:
            recs = []
        if recs:
            base = len(records)
            for r in recs:
                if isinstance(r, Funding) and r.parent is not None:
                    r.parent += base
            records.extend(recs)
            claimed.append((t.start, t.end))
    return records, claimed, standards


MAX_BETWEEN = 60  # characters between two parts of one table split by a page break (page number, running head)


def _join_continued(tables: list[Table], text: str) -> list[Table]:
    """A table carried over to the next page without its header is one table with the part before it."""
    from dataclasses import replace

    from ..tables.header import _header_count

    out: list[Table] = []
    for t in tables:
        prev = out[-1] if out else None
        if (prev is not None and prev.width == t.width and _header_count(t) == 0
                and len(text[prev.end:t.start].strip(" \n|")) <= MAX_BETWEEN):
            out[-1] = replace(prev, rows=prev.rows + t.rows, end=t.end)
        else:
            out.append(t)
    return out


def _cell(row: Row, i: int) -> Optional[Cell]:
    return row.cells[i] if i < len(row.cells) and row.cells[i].text else None


def _quote(ctx: Context, row: Row) -> str:
    return ctx.text[row.start:row.end]


def _section(ctx: Context, offset: int) -> Optional[str]:
    s = ctx.section(offset)
    return s.label if s else None


# --------------------------------------------------------------------------- funding


def _amount(cell: Cell, scale: Optional[int]) -> Optional[int]:
    """The cell's amount in đồng: a bare figure times the scale, or a figure with its
    own unit (``168.450 triệu đồng``)."""
    n = number_of(cell.text)
    if n is None:
        m = find_money(cell.text)
        return m[0].amount_vnd if len(m) == 1 and len(m[0].text) >= len(cell.text.strip(" .;,")) - 2 else None
    if scale is None:
        return None
    return int(round(n[0] * scale))


def _parent(stack: list[tuple[int, int, str]], level: int) -> Optional[tuple[int, int, str]]:
    """The nearest open row above at a shallower level: (level, record index, kind)."""
    while stack and stack[-1][0] >= level:
        stack.pop()
    return stack[-1] if stack else None


def _funding(ctx: Context, t: Table, L: Layout) -> list[Funding]:
    totals = L.of_kind("total")
    amount_col = totals[0] if totals else (L.of_kind("value")[0] if len(L.of_kind("value")) == 1 else None)
    other = [c for c in L.columns if c.kind in ("year", "source", "total", "value") and c is not amount_col]
    out: list[Funding] = []
    stack: list[tuple[int, int, str]] = []  # open rows: (level, record index, kind)
    grand: Optional[int] = None
    group_label = ""
    for info in L.rows:
        row = t.rows[info.index]
        scale = info.scale or L.scale
        if info.kind in ("blank", "opener"):
            continue
        if amount_col is None:
            out.extend(_per_source(ctx, t, L, info, row, scale, grand))
            continue
        cell = _cell(row, amount_col.index)
        amount = _amount(cell, amount_col.scale or scale) if cell else None
        if not amount:  # no figure, or 0: nothing to fund
            if info.kind == "item":  # a group heading without a figure: purpose of the rows below
                group_label = info.label
                _parent(stack, info.level)
            continue
        up = _parent(stack, info.level)
        if info.kind == "total":
            role, parent, reason = "total", None, "table row: " + info.label
            if grand is not None and out[grand].amount_vnd != amount:
                role, parent = "component", grand  # a second total row: a subtotal
        elif info.kind == "source":
            role, parent = "component", (up[1] if up else grand)
            reason = "table row: source " + info.label
        else:
            role = "item"
            parent = up[1] if up and up[2] == "item" else (grand if grand is not None else None)
            reason = "table row: item " + info.label
        purpose = info.label if role == "item" else (out[parent].purpose if parent is not None and out[parent].role == "item" else group_label or None)
        breakdown = _breakdown(row, other, L, scale)
        out.append(Funding(
            quote=_quote(ctx, row), start=row.start, end=row.end, section=_section(ctx, row.start),
            confidence=0.85, topic=topic_of(info.label + " " + (purpose or ""), [L.caption]),
            amount_vnd=amount, role=role, source=info.source if role == "component" else None,
            parent=parent, purpose=purpose, amount_text=cell.text, value_start=cell.start, value_end=cell.end,
            role_reason=reason, breakdown=breakdown or None,
        ))
        if role == "total" and grand is None:
            grand = len(out) - 1
        else:
            stack.append((info.level, len(out) - 1, role))
    if grand is not None:  # a total row under the rows it adds up ("Tổng cộng" last)
        for r in out[:grand]:
            if r.parent is None and r.role != "total":
                r.parent = grand
    return out


def _breakdown(row: Row, cols, L: Layout, scale: Optional[int]) -> list[dict]:
    out = []
    for c in cols:
        cell = _cell(row, c.index)
        amount = _amount(cell, c.scale or scale) if cell else None
        if amount is None:
            continue
        key = {"year": c.year} if c.kind == "year" else {"source": c.source} if c.kind == "source" else {"column": c.header}
        out.append({**key, "amount_vnd": amount, "amount_text": cell.text,
                    "value_start": cell.start, "value_end": cell.end})
    return out


def _per_source(ctx, t: Table, L: Layout, info: RowInfo, row: Row, scale, grand) -> list[Funding]:
    """A table without a total column: each source (or year) cell is its own amount."""
    out = []
    for c in L.of_kind("source", "year", "value"):
        cell = _cell(row, c.index)
        amount = _amount(cell, c.scale or scale) if cell else None
        if amount is None:
            continue
        role = "total" if info.kind == "total" else "component" if c.kind == "source" or info.kind == "source" else "item"
        out.append(Funding(
            quote=_quote(ctx, row), start=row.start, end=row.end, section=_section(ctx, row.start),
            confidence=0.75, topic=topic_of(info.label, [L.caption]), amount_vnd=amount, role=role,
            source=c.source or info.source, purpose=info.label if info.kind == "item" else None,
            amount_text=cell.text, value_start=cell.start, value_end=cell.end,
            role_reason=f"table cell: {info.label} × {c.header}",
            breakdown=[{"year": c.year}] if c.year else None,
        ))
    return out


# --------------------------------------------------------------------------- targets


def _unit(*texts: str) -> Optional[str]:
    for t in texts:
        if not t:
            continue
        can = canonical(t)
        for rx, unit in rules()["units"]:
            if rx.search(can):
                return unit
    return None


def _unit_in_brackets(*texts: str) -> Optional[str]:
    """A unit written after a label: ``Thu nhập bình quân (triệu đồng/người/năm)``."""
    import re

    for t in texts:
        m = re.search(r"\(([^()\d]{1,30})\)\s*$", t or "")
        if m:
            return m.group(1).strip()
    return None


def _comparator(label: str, cell_cmp: Optional[str]) -> str:
    if cell_cmp:
        return cell_cmp
    can = canonical(label)
    for rx, comp in rules()["comparators"]:
        if rx.search(can):
            return comp
    return "="


def _targets(ctx: Context, t: Table, L: Layout) -> list[Target]:
    start = _period_start(ctx, L.caption)
    years = [c for c in L.of_kind("year") if not (start and c.year < start)]  # a baseline year: not a target
    year_rows = [r for r in L.rows if r.kind == "year"]
    out: list[Target] = []
    if len(year_rows) * 2 >= len([r for r in L.rows if r.kind != "blank"]) and year_rows:
        cols = [c for c in L.of_kind("value", "total", "source") if c.index != L.label_col]
        for info in year_rows:
            for c in cols:
                out += _target(ctx, t, L, info, c, info.year, subject=c.header, unit_from=(c.header, L.caption))
        return out
    cols = years + [c for c in L.of_kind("total", "value") if c not in years]
    end_year = max((c.year for c in years), default=None)
    caption_years = rules()["cols"]["year"].findall(L.caption)
    default_year = int(caption_years[-1]) if caption_years else ctx.plan_year
    row_year = next(iter(L.of_kind("row_year")), None)
    for info in L.rows:
        if info.kind in ("blank", "opener"):
            continue
        own = _row_year(t, info, row_year)
        for c in cols:
            year = c.year if c.kind == "year" else (c.year or own or end_year or default_year)
            out += _target(ctx, t, L, info, c, year, subject=info.label, unit_cell=info.unit,
                           unit_from=(info.label, c.header, " ".join(h.header for h in L.columns), L.caption))
        for c in L.of_kind("status"):
            out += _status(ctx, t, L, info, c)
    return out


def _row_year(t: Table, info: RowInfo, col) -> Optional[int]:
    """The year a row's targets are for, from a "Năm hoàn thành" column."""
    cell = _cell(t.rows[info.index], col.index) if col is not None else None
    return _year_in(cell.text) if cell else None


def _year_in(text: str) -> Optional[int]:
    import re

    m = re.search(r"(?:19|20)\d\d", text)
    return int(m.group()) if m else None


def _figure(cell: Optional[Cell]):
    """``(value, comparator, unit or None)`` of a figure cell, bare or with its counted words."""
    if cell is None:
        return None
    n = number_of(cell.text)
    if n is not None:
        value, cmp, pct = n
        return value, cmp, "%" if pct else None
    m = measure_of(cell.text)
    if m is None:
        return None
    value, cmp, pct, words = m
    return value, cmp, "%" if pct else _measure_unit(words)


def _row_figure(t: Table, info: RowInfo, c):
    """(row, cell, (value, comparator, unit or None)) of the figure in row ``info`` × column ``c``, or None."""
    row = t.rows[info.index]
    cell = _cell(row, c.index)
    got = _figure(cell)
    return (row, cell, got) if got is not None else None


def _measure_unit(words: str) -> str:
    """The unit of "58,5 triệu đồng/người/năm" or "01 HTX hoạt động hiệu quả": a known unit
    at the start of the words, else their first word."""
    from ..recognise import find_values

    got = find_values("1 " + words)
    if got and got[0].start == 0:
        return got[0].unit
    return words.split()[0]


def _place_row(L: Layout, info: RowInfo) -> Optional[str]:
    """The place a row is about, when the label column lists places ("Xã", "Đơn vị"):
    each commune's row is its own scope, not a second value for the same one."""
    import re

    head = L.columns[L.label_col].header if L.label_col < len(L.columns) else ""
    m = re.fullmatch(r"\s*(?:tên\s+)?(?P<unit>xã|thôn|bản|huyện|đơn\s+vị|địa\s+phương)\s*", head, re.I)
    if not m or not info.label:
        return None
    unit = m.group("unit").lower()
    if unit in ("xã", "thôn", "bản", "huyện") and not info.label.lower().startswith(unit):
        return f"{unit} {info.label}"  # "xã Thanh Thủy": a place the check recognises as one
    return info.label


def _header_date(header: str) -> Optional[str]:
    """The day a results column holds at: "Số tiêu chí đạt đến 31/12/2023" -> 2023-12-31."""
    import re

    m = re.search(r"\b(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*((?:19|20)\d\d)\b", header or "")
    if not m or not (1 <= int(m.group(1)) <= 31 and 1 <= int(m.group(2)) <= 12):
        return None
    return f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}"


def _status(ctx, t: Table, L: Layout, info: RowInfo, c) -> list[Status]:
    """A cell of a column of results (``Hiện trạng năm 2024``): a status record."""
    got = _row_figure(t, info, c)
    if got is None:
        return []
    row, cell, (value, cmp, unit) = got
    unit = unit or info.unit or _unit(info.label, c.header, L.caption) or _unit_in_brackets(info.label, c.header)
    return [Status(
        quote=_quote(ctx, row), start=row.start, end=row.end, section=_section(ctx, row.start),
        confidence=0.75, topic=topic_of(info.label + " " + c.header, [L.caption]),
        value=value, unit=unit, comparator=cmp or "=", as_of=_header_date(c.header) or (str(c.year) if c.year else ctx.meta.date),
        subject=info.label or None, value_text=cell.text, value_start=cell.start, value_end=cell.end,
        role_reason=f"table cell: row {info.label} × column {c.header} (kết quả / results column)",
    )]


def _period_start(ctx: Context, caption: str = "") -> Optional[int]:
    """The first year of the plan's period (metadata, else the table's caption)."""
    import re

    m = re.match(r"\s*((?:19|20)\d\d)\s*[-–]", ctx.meta.period or "") or re.search(
        r"((?:19|20)\d\d)\s*[-–]\s*(?:19|20)\d\d", caption)
    return int(m.group(1)) if m else None


def _target(ctx, t: Table, L: Layout, info: RowInfo, c, year, *, subject, unit_from, unit_cell=None) -> list[Target]:
    got = _row_figure(t, info, c)
    if got is None:
        return []
    row, cell, (value, cmp, cell_unit) = got
    if value == 0:
        return []  # "0" in a year column: nothing to reach that year
    if unit_cell and unit_cell[1:2].islower():
        unit_cell = unit_cell[0].lower() + unit_cell[1:]  # "Xã" as a cell is the unit "xã"
    # the cell, the row's ĐVT, the row and column's own words and brackets, then the other headers and the caption
    unit = (cell_unit or unit_cell or _unit(*unit_from[:2]) or _unit_in_brackets(info.label, c.header)
            or _unit(*unit_from[2:]))
    return [Target(
        quote=_quote(ctx, row), start=row.start, end=row.end, section=_section(ctx, row.start),
        confidence=0.8, topic=topic_of(info.label + " " + c.header, [L.caption]),
        value=value, unit=unit, comparator=_comparator(info.label + " " + c.header, cmp), year=year, subject=subject or None,
        scope=_place_row(L, info),
        value_text=cell.text, value_start=cell.start, value_end=cell.end,
        role_reason=f"table cell: row {info.label} × column {c.header}",
    )]


# --------------------------------------------------------------------------- prose coordination


def in_claimed(claimed: list[tuple[int, int]], start: int, end: int) -> bool:
    """Does ``start``..``end`` overlap a table the table stage read?"""
    return any(start < b and a < end for a, b in claimed)


def without_tables(ctx: Context, claimed: list[tuple[int, int]]) -> Context:
    """The context with the claimed table rows blanked, so paragraph-level assemblers
    (funding) do not read them as sentences too."""
    if not claimed:
        return ctx
    from dataclasses import replace

    paras = [replace(p, text="", kind="text", marker=None) if in_claimed(claimed, p.start, p.end) else p
             for p in ctx.paras]
    by_para = {i: ([] if not paras[i].text and ctx.paras[i].text else ss) for i, ss in ctx.by_para.items()}
    return replace(ctx, paras=paras, by_para=by_para)
