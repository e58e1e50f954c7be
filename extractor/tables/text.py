"""Tables in plain text: pipe tables and columns aligned with spaces or tabs.

PDF-to-text tools (``pdftotext -layout``) print a table as lines whose cells are
separated by runs of spaces; Markdown and some converters write ``| a | b |``.
:func:`split_tables` cuts one page of text into text blocks and ``kind="table"``
blocks.  A table block's ``text`` is the source lines themselves (so quotes keep
the source's characters) and its ``rows`` the cells of each line, one entry per
column found.
"""

from __future__ import annotations

import re
from typing import Optional

from ..model import Block

_GAP = re.compile(r"\t+|\s{2,}")
_NUM = re.compile(r"^[(]?[≥≤<>]?\s*\d{1,3}(?:\.\d{3})+(?:,\d+)?%?[)]?$|^[(]?[≥≤<>]?\s*\d+(?:,\d+)?%?[)]?$")
_PIPE_SEP = re.compile(r"^\s*[|+]?\s*:?-{3,}:?\s*(?:[|+]\s*:?-{3,}:?\s*)*[|+]?\s*$|^\s*[+=\-]{5,}\s*$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_MAYBE = re.compile(r"\S\s{2,}\d|\t|\|.*\|")

MIN_DATA_ROWS = 2


def _parts(line: str) -> list[tuple[int, int, str]]:
    """Cells of a space-aligned line: (start, end, text), split at tabs and 2+ spaces."""
    out = []
    pos = 0
    for m in _GAP.finditer(line):
        if m.start() > pos:
            out.append((pos, m.start(), line[pos:m.start()]))
        pos = m.end()
    if pos < len(line):
        out.append((pos, len(line), line[pos:]))
    return [(s, e, t.strip()) for s, e, t in out if t.strip()]


def _numeric(cells: list[str]) -> int:
    return sum(1 for c in cells if _NUM.match(c.strip()))


def _figures(cells: list[str]) -> int:
    """Figures that are not bare years (a header line of years is not a data line)."""
    return sum(1 for c in cells if _NUM.match(c.strip()) and not _YEAR.match(c.strip()))


# --------------------------------------------------------------------------- pipe tables


def _pipe_cells(line: str) -> list[str]:
    s = line.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [c.strip() for c in s.split("|")]


def _pipe_regions(lines: list[str]) -> list[tuple[int, int]]:
    out = []
    i = 0
    while i < len(lines):
        if lines[i].count("|") >= 2 or (lines[i].count("|") == 1 and not lines[i].strip().endswith("|")
                                         and i + 1 < len(lines) and lines[i + 1].count("|") >= 1):
            j = i
            while j < len(lines) and (lines[j].count("|") >= 1 or _PIPE_SEP.match(lines[j])) and lines[j].strip():
                j += 1
            rows = [_pipe_cells(ln) for ln in lines[i:j] if not _PIPE_SEP.match(ln)]
            if sum(1 for r in rows if _numeric(r) >= 1) >= MIN_DATA_ROWS and max(len(r) for r in rows) >= 2:
                out.append((i, j))
            i = max(j, i + 1)
        else:
            i += 1
    return out


# --------------------------------------------------------------------------- aligned tables


def _aligned_regions(lines: list[str], parts: list[list[tuple]]) -> list[tuple[int, int]]:
    """Runs of lines with 2+ cells of which at least MIN_DATA_ROWS hold 2+ figures."""
    data = [len(p) >= 3 and _figures([t for _, _, t in p]) >= 2 for p in parts]
    out = []
    i = 0
    n = len(lines)
    while i < n:
        if not data[i]:
            i += 1
            continue
        j = i
        while j < n:
            if data[j]:
                j += 1
            elif not lines[j].strip() and j + 1 < n and data[j + 1]:
                j += 1  # a blank line between rows
            elif len(parts[j]) == 1 and j + 1 < n and data[j + 1] and j > i:
                j += 1  # a wrapped label between two rows
            else:
                break
        if sum(data[i:j]) >= MIN_DATA_ROWS:
            # header lines just above: several cells, or a line of years
            h = i
            while h > 0 and i - h < 4 and lines[h - 1].strip() and (len(parts[h - 1]) >= 2 or h < i):
                if len(parts[h - 1]) < 2 and not re.search(r"\s{2,}", lines[h - 1].strip()):
                    break
                h -= 1
            out.append((h, j))
        i = max(j, i + 1)
    return out


def _columns(parts: list[list[tuple[int, int, str]]]) -> list[tuple[int, int]]:
    """Column intervals: the union of overlapping cell spans of the data lines."""
    spans = sorted((s, e) for p in parts for s, e, _ in p)
    cols: list[list[int]] = []
    for s, e in spans:
        if cols and s < cols[-1][1]:
            cols[-1][1] = max(cols[-1][1], e)
        else:
            cols.append([s, e])
    return [(a, b) for a, b in cols]


def _assign(cells: list[tuple[int, int, str]], cols: list[tuple[int, int]]) -> list[str]:
    row = [""] * len(cols)
    for s, e, t in cells:
        best, score = 0, None
        for k, (a, b) in enumerate(cols):
            overlap = min(e, b) - max(s, a)
            key = (overlap, -abs((s + e) / 2 - (a + b) / 2))
            if score is None or key > score:
                best, score = k, key
        row[best] = (row[best] + " " + t).strip()
    return row


def _aligned_rows(parts: list[list[tuple]]) -> list[list[str]]:
    data = [p for p in parts if len(p) >= 3 and _figures([t for _, _, t in p]) >= 2]
    cols = _columns(data)
    return [_assign(p, cols) for p in parts]


def _tabbed_rows(lines: list[str]) -> list[list[str]]:
    """Rows of a table whose cells are separated by tabs (an empty cell between two tabs
    keeps its place); a line typed with runs of spaces instead is split at those."""
    rows = [[c.strip() for c in (ln.split("\t") if "\t" in ln else _GAP.split(ln.strip()))] for ln in lines]
    width = max(len(r) for r in rows)
    return [r + [""] * (width - len(r)) for r in rows]


# --------------------------------------------------------------------------- page


def split_tables(text: str, page: Optional[int] = None) -> Optional[list[Block]]:
    """One page of text as text and table blocks, or None when it holds no table."""
    if not _MAYBE.search(text):
        return None
    lines = text.split("\n")
    return split_lines(lines, [_parts(ln) for ln in lines], page, pipes=True)


def split_lines(lines: list[str], parts: list[list[tuple]], page: Optional[int] = None, *,
                pipes: bool = False) -> Optional[list[Block]]:
    """Lines with their cells ``(x0, x1, text)`` (character columns for text, points for a
    PDF page's words) as text and table blocks, or None when no table is found."""
    regions = [(a, b, "pipe") for a, b in _pipe_regions(lines)] if pipes else []
    taken = {k for a, b, _ in regions for k in range(a, b)}
    regions += [(a, b, "aligned") for a, b in _aligned_regions(lines, parts)
                if not any(k in taken for k in range(a, b))]
    if not regions:
        return None
    regions.sort()
    blocks: list[Block] = []
    pos = 0
    for a, b, kind in regions:
        if a > pos:
            before = "\n".join(lines[pos:a])
            if before.strip():
                blocks.append(Block(text=before, page=page))
        keep = [k for k in range(a, b) if lines[k].strip() and not (
            kind == "pipe" and (_PIPE_SEP.match(lines[k]) or not any(_pipe_cells(lines[k]))))]
        body = [lines[k] for k in keep]
        if kind == "pipe":
            rows = [_pipe_cells(ln) for ln in body]
        elif sum("\t" in ln for ln in body) * 2 > len(body):
            rows = _tabbed_rows(body)  # pasted from Word: cells by their place between tabs
        else:
            rows = _aligned_rows([parts[k] for k in keep])
        blocks.append(Block(kind="table", text="\n".join(body), rows=rows, page=page))
        pos = b
    after = "\n".join(lines[pos:])
    if after.strip():
        blocks.append(Block(text=after, page=page))
    return blocks


# --------------------------------------------------------------------------- PDF words


def word_lines(words: list[dict], gap: float = 0.6) -> tuple[list[str], list[list[tuple]]]:
    """A PDF page's words (pdfplumber ``extract_words``) as lines and cells: words on one
    baseline form a line; a gap wider than ``gap`` × the text height starts a new cell."""
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - w["top"]) <= 3:
            lines[-1].append(w)
        else:
            lines.append([w])
    texts, parts = [], []
    for ln in lines:
        ln.sort(key=lambda w: w["x0"])
        cells: list[list] = []
        for w in ln:
            height = max(1.0, w["bottom"] - w["top"])
            if cells and w["x0"] - cells[-1][1] <= gap * height:
                cells[-1][1] = w["x1"]
                cells[-1][2] += " " + w["text"]
            else:
                cells.append([w["x0"], w["x1"], w["text"]])
        parts.append([(a, b, t) for a, b, t in cells])
        texts.append("  ".join(t for _, _, t in cells))
    return texts, parts
