"""``export_xlsx(db, tables, out)``: tables or views of the store as one Excel workbook.

One sheet per table (named after it), a bold frozen header row, column widths fitted
to the contents (quotes capped and wrapped), numbers as numbers.  Record tables carry
their document's context columns (``store.export_cursor``).  Needs ``XlsxWriter``
(in the ``serve`` extra).  Cells hold at most 32 767 characters (Excel's limit): a
longer value (a document's full text) is cut and the cut is said in the cell.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Union

from .errors import KehoachError
from .store import export_cursor

EXCEL_CELL_MAX = 32_767
CUT_NOTE = " … [cắt bớt / cut: see kehoach export --format csv]"
WIDE = {"quote", "task", "title", "message", "message_en", "child_quote", "parent_quote", "purpose", "error"}


def _cell(value: Any) -> Any:
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, str) and len(value) > EXCEL_CELL_MAX:
        return value[: EXCEL_CELL_MAX - len(CUT_NOTE)] + CUT_NOTE
    return value


def export_xlsx(db: Any, tables: Union[str, Iterable[str]], out: Union[str, Path, None]) -> dict[str, int]:
    """Write ``tables`` (one name or several, each one of ``store.TABLES``) to the workbook
    ``out``; return ``{table: rows}``."""
    if out is None or hasattr(out, "write"):
        raise KehoachError("XLSX is a binary format: give a file with --out FILE.xlsx")
    try:
        import xlsxwriter
    except ImportError:
        raise KehoachError("XLSX export needs XlsxWriter: pip install XlsxWriter (or pip install -e '.[serve]')") from None
    names = [tables] if isinstance(tables, str) else list(tables)
    cursors = {name: export_cursor(db, name) for name in names}  # unknown tables fail before the file is made
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with xlsxwriter.Workbook(str(out), {"strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False}) as book:
        bold = book.add_format({"bold": True, "bg_color": "#EDF2F7", "border": 1})
        wrap = book.add_format({"text_wrap": True, "valign": "top"})
        top = book.add_format({"valign": "top"})
        for name, cursor in cursors.items():
            sheet = book.add_worksheet(name[:31])
            columns = [d[0] for d in cursor.description]
            widths = [len(c) + 2 for c in columns]
            for j, col in enumerate(columns):
                sheet.write(0, j, col, bold)
            n = 0
            for n, values in enumerate(cursor, start=1):
                for j, value in enumerate(values):
                    value = _cell(value)
                    if value is None:
                        continue
                    sheet.write(n, j, value, wrap if columns[j] in WIDE else top)
                    widths[j] = max(widths[j], min(len(str(value)) + 2, 60 if columns[j] in WIDE else 30))
            for j, w in enumerate(widths):
                sheet.set_column(j, j, w)
            sheet.freeze_panes(1, 0)
            if n:
                sheet.autofilter(0, 0, n, len(columns) - 1)
            counts[name] = n
    return counts
