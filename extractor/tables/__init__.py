"""Table stage: tables with their rows and cells located in the document text.

Readers hand tables over as ``kind="table"`` blocks with ``rows`` (DOCX tables,
PDF tables found by pdfplumber on ruled pages, text tables found in ``.txt`` by
:mod:`.text`).  ``normalise`` lays each table row out as one line of the document
text; :func:`locate_tables` finds every row and cell again in that text, so a
record read from a cell quotes its row and points at its cell.

    tables = locate_tables(raw, norm)            # offsets in the file's text
    part = tables_in(tables, start, end)         # one document part, offsets shifted
    layout = read_layout(table, text)            # header, scale, column and row kinds

:mod:`extractor.assemble.tables` makes records from the layout.
"""

from __future__ import annotations

from .model import Cell, Row, Table, locate_tables, tables_in
from .header import Layout, read_layout, render_rows

__all__ = ["Cell", "Row", "Table", "Layout", "locate_tables", "tables_in", "read_layout", "render_rows"]
