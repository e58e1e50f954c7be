"""Read a table as a reader does: its header rows, scale, column kinds and row kinds.

The words are data in ``rules/tables.yml`` (sources also from ``rules/funding.yml``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Optional

from .. import rx as re

from ..normalise import canonical
from ..rules import load_rules
from .model import Cell, Table

MAX_HEADER_ROWS = 4
CAPTION_CHARS = 500
FAR_CAPTION_CHARS = 1500


@functools.lru_cache(maxsize=1)
def rules() -> dict:
    r = load_rules("tables")
    c = lambda p: re.compile(p, re.I)  # noqa: E731
    ctx = r["scale_context"]
    scales = [(c(s["pattern"]), int(s["factor"]), s["name"]) for s in r["scales"]]
    sources = [(s["source"], c(s["pattern"])) for s in r["sources"]]
    try:
        sources += [(s["source"], c(s["pattern"])) for s in load_rules("funding").get("sources", [])]
    except Exception:  # pragma: no cover - funding rules missing: table sources alone
        pass
    return {
        "scales": scales,
        "scale_in": [(c(f"(?:{ctx})(?:{s['pattern']})"), int(s["factor"]), s["name"]) for s in r["scales"]],
        "cols": {k: c(v) for k, v in r["columns"].items()},
        "rows": {k: c(v) for k, v in r["rows"].items()},
        "funding_words": c(r["funding_words"]),
        "sources": sources,
        "units": [(c(u["pattern"]), u["unit"]) for u in r["target_units"]],
        "comparators": [(c(u["pattern"]), u["comparator"]) for u in r["comparators"]],
        "number": c(r["cell_number"]),
        "measure": c(r["cell_measure"]),
    }


@dataclass
class Column:
    index: int
    header: str  # the header rows' texts of this column, joined
    kind: str  # number | label | unit | total | year | source | status | note | value | text | row_year | standard
    year: Optional[int] = None
    source: Optional[str] = None
    scale: Optional[int] = None  # đồng per unit written in this column's header


@dataclass
class RowInfo:
    index: int  # index in table.rows
    label: str
    label_cell: Optional[Cell]
    kind: str  # total | source | item | opener | year | blank
    level: int  # nesting: 0 roman / total, 1 arabic, 2 letter / sub, 3 bullet "-", 4 "+"
    source: Optional[str] = None
    year: Optional[int] = None
    unit: Optional[str] = None  # the row's ĐVT cell
    scale: Optional[int] = None  # money scale of the row's ĐVT cell


@dataclass
class Layout:
    kind: Optional[str]  # funding | target | None (not a table of figures)
    header_rows: int
    columns: list[Column]
    rows: list[RowInfo]
    scale: Optional[int] = None
    scale_text: Optional[str] = None
    caption: str = ""
    label_col: int = 0
    notes: list[str] = field(default_factory=list)

    def of_kind(self, *kinds: str) -> list[Column]:
        return [c for c in self.columns if c.kind in kinds]


# --------------------------------------------------------------------------- cells


def number_of(text: str):
    """``(value, comparator)`` when a cell holds one figure (``168.450``, ``≥ 90%``), else None."""
    from ..recognise import parse_number

    m = rules()["number"].match(text or "")
    if not m:
        return None
    cmp = (m.group("cmp") or "").lower()
    comp = {"≥": ">=", ">=": ">=", ">": ">=", "trên": ">=", "tối thiểu": ">=",
            "≤": "<=", "<=": "<=", "<": "<=", "dưới": "<=", "tối đa": "<="}.get(" ".join(cmp.split()))
    try:
        value = parse_number(m.group("n").replace("\u00a0", " "))
    except ValueError:
        return None
    return value, comp, bool(m.group("pct"))


def measure_of(text: str):
    """``(value, comparator, percent, words)`` when a cell holds one figure and the words of
    what it counts (``48% hộ phân loại rác``, ``01 HTX hoạt động hiệu quả``), else None."""
    m = rules()["measure"].match(text or "")
    if not m:
        return None
    n = number_of((m.group("cmp") or "") + " " + m.group("n") + (m.group("pct") or ""))
    return (n[0], n[1], n[2], " ".join(m.group("words").split())) if n else None


def is_figure(text: str) -> bool:
    """A cell holding one figure, bare (``168.450``) or with a money unit (``168.450 triệu đồng``)."""
    if not text:
        return False
    if number_of(text) is not None:
        return True
    from ..recognise import find_money

    m = find_money(text)
    return len(m) == 1 and len(m[0].text) >= len(text.strip(" .;,")) - 2


def render_rows(rows: list[list[str]]) -> str:
    """A table block's text, one line per row, for the document text.

    A table of figures (two rows or more with a figure cell) is written as a
    PDF-to-text tool prints it: cells separated by white space (a tab, which the
    normalised text shows as one space), so a row reads ``Ngân sách tỉnh 40.000
    8.000``.  Other tables (letterheads, signature blocks, task lists) keep
    `` | `` between cells.  A row numbered ``I.`` / ``1.`` / ``a)`` keeps `` | `` after
    its number, so the row is not read as a section heading.  Line breaks inside a
    cell become spaces.
    """
    figures = sum(1 for r in rows if any(is_figure(" ".join(c.split())) for c in r))
    if figures < 2:
        return "\n".join(" | ".join(" ".join(c.split()) for c in r).strip(" |") for r in rows)
    lines = []
    for r in rows:
        cells = [" ".join(c.split()) for c in r]
        line = "\t".join(cells).strip(" \t")
        first = next((c for c in cells if c), "")
        if re.fullmatch(r"(?:[IVXLC]{1,6}|\d{1,2}(?:\.\d{1,2}){0,3}|[a-zđ])\s*[.)]", first):
            # "I." + "Hạ tầng" would read as a section heading: keep the marker apart
            line = line.replace(first + "\t", first + " | ", 1)
        lines.append(line)
    return "\n".join(lines)


def _year_of(text: str) -> Optional[int]:
    ys = rules()["cols"]["year"].findall(text)
    return int(ys[-1]) if ys else None


def _is_year(text: str) -> bool:
    return bool(re.fullmatch(r"\s*(?:năm\s+)?(?:19|20)\d\d\s*", text, re.I))


def _is_numbering(text: str) -> bool:
    return bool(rules()["rows"]["numbering"].match(text)) and len(text) <= 8


def _index_row(texts: list[str]) -> bool:
    """A row of column numbers under the header: ``1 | 2 | 3 | 4=5+6`` or ``(1) | (2)``."""
    vals = [t for t in texts if t]
    if len(vals) < 3:
        return False
    return all(re.fullmatch(r"\(?\s*(?:\d{1,2}|[A-Z])\s*\)?(?:\s*=\s*[\d+\-\s()]+)?", t) for t in vals)


def scale_in(text: str, *, bare: bool = False) -> Optional[tuple[int, str]]:
    """A money scale written in ``text`` (``ĐVT: triệu đồng``, ``(tỷ đồng)``); ``bare``: the
    whole text is a unit (a ĐVT cell)."""
    R = rules()
    if bare:
        for rx, factor, name in R["scales"]:
            if rx.fullmatch(text.strip(" .")):
                return factor, name
        return None
    for rx, factor, name in R["scale_in"]:
        m = rx.search(text)
        if m:
            return factor, name
    return None


def source_of(text: str) -> Optional[str]:
    can = canonical(text)
    for name, rx in rules()["sources"]:
        if rx.search(can):
            return name
    return None


# --------------------------------------------------------------------------- header


def _header_count(table: Table) -> int:
    n = 0
    for row in table.rows[:MAX_HEADER_ROWS + 1]:
        texts = row.texts()
        if not any(texts):
            n += 1
            continue
        if rules()["rows"]["total"].match(canonical(_first_text(texts))):
            break
        data = False
        for i, t in enumerate(texts):
            if not t or (i == 0 and _is_numbering(t)):
                continue
            if (is_figure(t) or measure_of(t)) and not _is_year(t):
                data = True
                break
        if data and not _index_row(texts):
            break
        n += 1
        if n > MAX_HEADER_ROWS:
            return _text_table_header(table)
    return n if n < len(table.rows) else _text_table_header(table)


def _text_table_header(table: Table) -> int:
    """No data row near the top: a table of text, whose first row is still its header when
    it opens with a numbering column ("TT | Tên tiêu chí | …")."""
    first = table.rows[0].texts() if table.rows else []
    return 1 if first and rules()["cols"]["number"].match(canonical(first[0].strip())) else 0


def _first_text(texts: list[str]) -> str:
    for i, t in enumerate(texts):
        if t and not (i == 0 and _is_numbering(t)) and number_of(t) is None:
            return t
    return ""


def _column_headers(table: Table, n: int) -> list[list[str]]:
    """Per column, the header texts top to bottom; a merged cell (empty, with a header
    below it) takes the text of its left neighbour in the same row."""
    width = table.width
    grid = [[(r.cells[c].text if c < len(r.cells) else "") for c in range(width)] for r in table.rows[:n]]
    grid = [g for g in grid if not _index_row(g)]
    for ri in range(len(grid) - 1):
        for c in range(1, width):
            below = any(grid[k][c] for k in range(ri + 1, len(grid)))
            if not grid[ri][c] and below and grid[ri][c - 1]:
                grid[ri][c] = grid[ri][c - 1]
    return [[grid[r][c] for r in range(len(grid)) if grid[r][c]] for c in range(width)]


def _classify(parts: list[str], body: list[str], index: int) -> Column:
    R = rules()
    C = R["cols"]
    header = " ".join(dict.fromkeys(parts))
    can = canonical(header)
    col = Column(index, header, "text")
    sc = scale_in(can)
    col.scale = sc[0] if sc else None
    measures = sum(1 for b in body if b and not is_figure(b) and measure_of(b))
    nums = sum(1 for b in body if b and is_figure(b)) + measures
    texts = sum(1 for b in body if b and not is_figure(b)) - measures
    if index == 0 and (C["number"].match(can.strip()) or (body and all(not b or _is_numbering(b) for b in body))) \
            and not C["label"].search(can):
        col.kind = "number"
        return col
    if C["unit"].match(can.strip()):
        col.kind = "unit"
        return col
    if body and any(body) and all(not b or _is_year(b) for b in body):
        # "Năm hoàn thành": the year each row's target is for; else rows are years ("Năm 2021", "2022")
        col.kind = "row_year" if C["row_year"].search(can) else "label"
        return col
    # the most specific header part decides (the bottom row of a multi-row header)
    for part in [canonical(p) for p in reversed(parts)] + [can]:
        y = _year_of(part)
        if C["standard"].search(part):
            col.kind = "standard"  # the national thresholds, not this document's figures
        elif C["status"].search(part) and nums >= texts:
            col.kind, col.year = "status", y
        elif y and nums >= texts:
            col.kind, col.year = "year", y
        elif C["total"].search(part) and nums >= texts:
            col.kind = "total"
            col.year = _year_of(re.sub(r"(?:19|20)\d\d\s*[-–]\s*", "", part)) if "-" in part or "–" in part else None
        elif source_of(part) and nums >= texts:
            col.kind, col.source = "source", source_of(part)
        elif C["note"].search(part) and nums <= texts:
            col.kind = "note"
        else:
            continue
        return col
    if nums and nums >= texts:
        col.kind = "value"
    elif C["label"].search(can) or texts:
        col.kind = "label" if texts else "text"
    return col


# --------------------------------------------------------------------------- rows


_LEVELS = {"roman": 0, "arabic": 1, "letter": 2}


def _numbering_level(mark: str) -> Optional[int]:
    m = rules()["rows"]["numbering"].match(mark or "")
    if not m:
        return None
    if m.group("roman"):
        return 0
    if m.group("arabic"):
        return 1 + m.group("arabic").count(".")
    if m.group("letter"):
        return 2
    return 4 if m.group("bullet") in "+" else 3


def _row_info(table: Table, ri: int, label_col: int, unit_col: Optional[int], num_col: Optional[int]) -> RowInfo:
    R = rules()["rows"]
    row = table.rows[ri]
    cells = row.cells
    cell = cells[label_col] if label_col < len(cells) else None
    if cell is None or not cell.text:
        cell = next((c for i, c in enumerate(cells) if c.text and i != num_col and number_of(c.text) is None
                     and not (i == 0 and _is_numbering(c.text))), None)
    label = cell.text if cell else ""
    can = canonical(label)
    level = None
    if num_col is not None and num_col < len(cells):
        level = _numbering_level(cells[num_col].text)
    m = R["label_marker"].match(label)
    if m:
        lv = _numbering_level(m.group(0).strip().rstrip(".)/"))
        level = lv if level is None else level
        label_body = label[m.end():]
    else:
        label_body = label
    info = RowInfo(ri, label_body.strip() or label, cell, "item", 1 if level is None else level)
    if unit_col is not None and unit_col < len(cells) and cells[unit_col].text:
        info.unit = cells[unit_col].text
        sc = scale_in(canonical(info.unit), bare=True)
        info.scale = sc[0] if sc else None
    if not label or (label[:1].islower() and m is None and not any(is_figure(c.text) for c in cells)):
        info.kind = "blank"  # nothing, or the wrapped end of the label above ("nông thôn")
    elif R["opener"].match(can):
        info.kind = "opener"
    elif R["total"].match(canonical(info.label)):
        info.kind, info.level = "total", -1
    elif R["year"].match(can):
        info.kind, info.year = "year", int(R["year"].match(can).group(1))
    else:
        src = source_of(info.label)
        if src:
            info.kind, info.source = "source", src
        if R["sub"].match(can) and m is None:
            info.level = max(info.level, 3)
    return info


# --------------------------------------------------------------------------- layout


def caption_of(table: Table, text: str) -> str:
    """The lines just above a table (``Biểu 01 … (ĐVT: triệu đồng)``), at most three."""
    before = text[max(0, table.start - CAPTION_CHARS):table.start]
    lines = [ln for ln in before.split("\n") if ln.strip()]
    return "\n".join(lines[-3:])


def read_layout(table: Table, text: str) -> Layout:
    """Header rows, scale, column kinds, row kinds and the kind of table."""
    R = rules()
    n = _header_count(table)
    caption = caption_of(table, text)
    heads = _column_headers(table, n)
    body_rows = table.rows[n:]
    columns = []
    for c, parts in enumerate(heads):
        body = [(r.cells[c].text if c < len(r.cells) else "") for r in body_rows]
        columns.append(_classify(parts, body, c))
    layout = Layout(None, n, columns, [], caption=caption)
    num_col = 0 if columns and columns[0].kind == "number" else None
    unit_col = next((c.index for c in columns if c.kind == "unit"), None)
    label_col = next((c.index for c in columns if c.kind in ("label", "text", "note") and c.index != num_col), 0)
    for c in columns:  # a label column is never read as figures
        if c.index == label_col and c.kind == "note":
            c.kind = "label"
    layout.label_col = label_col
    header_text = " ".join(r.cells[i].text for r in table.rows[:n] for i in range(len(r.cells)))
    # a title row inside the table ("ĐVT: triệu đồng") or the caption gives the scale
    sc = scale_in(canonical(header_text)) or scale_in(canonical(caption))
    if sc:
        layout.scale, layout.scale_text = sc
    layout.rows = [_row_info(table, ri, label_col, unit_col, num_col) for ri in range(n, len(table.rows))]
    # rows with a money unit (ĐVT "triệu đồng"): a money table only when most rows are
    money_rows = sum(1 for r in layout.rows if r.scale)
    united = sum(1 for r in layout.rows if r.unit)
    row_money = money_rows > 0 and money_rows * 2 > united
    money = layout.scale or any(c.scale for c in columns) or row_money or any(
        number_of(c.text) is None and is_figure(c.text) for r in body_rows for c in r.cells)
    figures = layout.of_kind("total", "year", "source", "value")
    moneyish = bool(R["funding_words"].search(canonical(header_text)) or layout.of_kind("source"))
    if figures and not money and moneyish:
        # a money table whose scale was written further up ("Đơn vị tính: triệu đồng" above a title)
        sc = scale_in(canonical(text[max(0, table.start - FAR_CAPTION_CHARS):table.start]))
        if sc:
            layout.scale, layout.scale_text = sc
            money = True
    if not figures or n == 0 and not money or moneyish and not money:
        layout.kind = None  # no figures, or money without a scale: left to the sentences
    elif money and (R["funding_words"].search(canonical(caption + " " + header_text))
                    or layout.of_kind("source") or any(r.kind == "source" for r in layout.rows) or row_money):
        layout.kind = "funding"
    else:
        layout.kind = "target"
    return layout
