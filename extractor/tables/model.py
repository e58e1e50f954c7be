"""Tables located in the normalised text: every row and cell with its offsets."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Optional

from ..model import RawText

_WS = re.compile(r"\s+")


@dataclass
class Cell:
    text: str  # the cell's text as the document text has it (white space collapsed)
    start: int  # offsets in the document text (start == end for an empty cell)
    end: int


@dataclass
class Row:
    cells: list[Cell]
    start: int
    end: int
    page: Optional[int] = None

    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass
class Table:
    rows: list[Row]
    start: int
    end: int
    page: Optional[int] = None
    fmt: str = ""  # docx | pdf | txt: where the table came from
    extra: dict = field(default_factory=dict)

    @property
    def width(self) -> int:
        return max((len(r.cells) for r in self.rows), default=0)

    def shifted(self, delta: int) -> "Table":
        rows = [
            replace(r, start=r.start - delta, end=r.end - delta,
                    cells=[replace(c, start=c.start - delta, end=c.end - delta) for c in r.cells])
            for r in self.rows
        ]
        return replace(self, rows=rows, start=self.start - delta, end=self.end - delta)


def clean_cell(s: str) -> str:
    """A cell's text in the form the document text has it: NFC, white space collapsed."""
    s = unicodedata.normalize("NFC", s or "").replace("\u00a0", " ").replace("\ufeff", "")
    return _WS.sub(" ", s).strip()


def _cells_in(line: str, base: int, cells: list[str]) -> list[Cell]:
    """Find each cell of a row, in order, in the row's line of the document text."""
    out: list[Cell] = []
    pos = 0
    for raw in cells:
        c = clean_cell(raw)
        if not c:
            out.append(Cell("", base + pos, base + pos))
            continue
        i = line.find(c, pos)
        if i < 0:
            out.append(Cell(c, base + pos, base + pos))
            continue
        out.append(Cell(c, base + i, base + i + len(c)))
        pos = i + len(c)
    return out


def locate_tables(raw: RawText, norm) -> list[Table]:
    """Every table block of ``raw`` with its rows and cells found in ``norm.text``.

    ``normalise`` writes one line per non-empty line of a table block's text, each
    starting at an anchor of that block; readers write one line per row.
    """
    text = norm.text
    starts: dict[int, list[int]] = {}
    anchors = norm.anchors
    for k, (off, bi, _page, _src) in enumerate(anchors):
        if bi < len(raw.blocks) and raw.blocks[bi].kind == "table" and off < len(text) and text[off] != "\n":
            starts.setdefault(bi, []).append(k)
    tables: list[Table] = []
    for bi, ks in starts.items():
        block = raw.blocks[bi]
        rows_src = [r for r in (block.rows or []) if any(clean_cell(c) for c in r)]
        if len(rows_src) != len(ks):
            continue  # the laid-out lines do not pair with the rows: leave the table to prose
        rows: list[Row] = []
        for k, cells in zip(ks, rows_src):
            off = anchors[k][0]
            end = anchors[k + 1][0] if k + 1 < len(anchors) else len(text)
            line = text[off:end]
            rows.append(Row(_cells_in(line, off, cells), off, off + len(line.rstrip()), block.page))
        if rows:
            tables.append(Table(rows, rows[0].start, rows[-1].end, block.page, raw.format))
    tables.sort(key=lambda t: t.start)
    return tables


def tables_in(tables: list[Table], start: int, end: int) -> list[Table]:
    """The tables inside one document part, with offsets relative to the part."""
    return [t.shifted(start) for t in tables if start <= t.start and t.end <= end]
