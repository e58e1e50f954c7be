"""PDF reader: pypdfium2 for the text layer, Tesseract OCR for scanned pages,
pdfplumber (optional, slow) for tables.

One text :class:`Block` per page, ``page`` 1-based.  A page with (almost) no
text layer but with an image is rendered at 300 dpi and OCR'd (``RawText.ocr``
is then True).  Tables (``tables=True``): only a page whose drawing has ruling
lines (pypdfium2 path objects, counted while the text is read) or whose text
has column-aligned figures is read again with pdfplumber (~50x slower than
pypdfium2), so text-only pages keep the fast path.  A ruled page goes through
pdfplumber's table finder and is split into text and ``kind="table"`` blocks in
reading order; on an unruled tabular page pdfplumber's words are grouped into
lines and cells by their gaps and aligned columns are read as text tables are
(:mod:`extractor.tables.text`).
"""

from __future__ import annotations

import os
import re
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Optional

from ..errors import LimitExceeded, ReadError
from ..model import Block, RawText
from ..tables.header import render_rows
from . import count_chars, legacy, ocr as ocr_mod

MIN_TEXT_CHARS = 20  # a page with less text than this (and an image) is a scan
OCR_DPI = 300
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffe\uffff]")
_NUMBER_RE = re.compile(r"\(?\d(?:[\d.,]*\d)?%?\)?")
_THREE_DIGITS_RE = re.compile(r"\d\D*\d\D*\d")  # a cell figure: no list comma after it ("13.2,")


def _open(path: str):
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code == 4:  # FPDF_ERR_PASSWORD
            raise ReadError("PDF được mã hoá (encrypted PDF): cannot read without the password") from e
        if code == 3:  # FPDF_ERR_FORMAT
            raise ReadError(
                "PDF hỏng hoặc bị cắt cụt (damaged or truncated PDF): its structure cannot be read; "
                "download or export the file again"
            ) from e
        if code == 6:  # FPDF_ERR_SECURITY
            raise ReadError("PDF dùng kiểu bảo mật không hỗ trợ (unsupported PDF security handler)") from e
        raise ReadError(f"không mở được PDF (cannot open PDF): {e}") from e


def _has_image(page) -> bool:
    import pypdfium2.raw as pdfium_c

    for _ in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=4):
        return True
    return False


def _looks_tabular(text: str) -> bool:
    """Three or more lines made of three or more numbers (at least a third of their words)."""
    rows = 0
    for line in text.splitlines():
        if not _THREE_DIGITS_RE.search(line):
            continue  # three numbers need three digits
        words = line.split()
        numbers = sum(1 for w in words if _NUMBER_RE.fullmatch(w))
        if numbers >= 3 and numbers * 3 >= len(words):
            rows += 1
            if rows >= 3:
                return True
    return False


RULED_MIN_PATHS = 4  # path objects (lines, rectangles) on a page before pdfplumber looks for a table


def _ruled(page) -> bool:
    """Does the page draw lines (a ruled table's grid)?  Raw pdfium calls on the top-level
    objects (~0.04 ms a page, no wrapper objects); stops counting at the threshold."""
    import pypdfium2.raw as pdfium_c

    raw = page.raw
    hits = 0
    for k in range(pdfium_c.FPDFPage_CountObjects(raw)):
        if pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(raw, k)) == pdfium_c.FPDF_PAGEOBJ_PATH:
            hits += 1
            if hits >= RULED_MIN_PATHS:
                return True
    return False


def _tail_has_eof(path: str) -> bool:
    with open(path, "rb") as f:
        f.seek(max(0, os.path.getsize(path) - 2048))
        return b"%%EOF" in f.read()


def read_pdf(path: str, *, max_pages: int = 500, ocr: bool = True, tables: bool = False,
             display_path: Optional[str] = None) -> RawText:
    """Read a PDF: text layer per page, OCR for scanned pages, tables on request."""
    pdf = _open(path)
    warnings: list[str] = []
    try:
        n = len(pdf)
        if n == 0:
            raise ReadError("PDF không có trang nào (PDF has no pages): damaged file?")
        if n > max_pages:
            raise LimitExceeded(f"PDF quá nhiều trang / PDF has {n} pages, over the limit of {max_pages} (max_pages)")
        if not _tail_has_eof(path):
            warnings.append("PDF có thể bị cắt cụt / PDF may be truncated (no %%EOF at the end): some pages may be missing")

        texts: dict[int, str] = {}
        scanned: list[int] = []
        ruled: set[int] = set()  # pages with ruling lines: maybe a table
        total_chars = 0
        for i in range(n):
            try:
                page = pdf[i]
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                textpage.close()
            except Exception as e:
                raise ReadError(f"PDF hỏng ở trang {i + 1} (damaged PDF: page {i + 1} cannot be read): {e}") from e
            text = _CONTROL_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
            if len(text.strip()) < MIN_TEXT_CHARS and _has_image(page):
                scanned.append(i)
            elif tables and _ruled(page):
                ruled.add(i)
            texts[i] = text
            total_chars += len(text)
            count_chars(total_chars, f"the PDF (by page {i + 1})")  # per page, not after the whole file
            page.close()

        ocr_used = False
        if scanned:
            if not ocr:
                warnings.append(f"trang ảnh quét chưa OCR / scanned pages not OCR'd (ocr=False): {_pages(scanned)}")
            else:
                try:
                    ocr_texts = _ocr_pages(pdf, scanned)
                except ReadError as e:
                    if len(scanned) * 2 >= n:
                        raise
                    warnings.append(f"trang ảnh quét chưa OCR / scanned pages {_pages(scanned)} not read: {e}")
                else:
                    texts.update(ocr_texts)
                    ocr_used = True
    finally:
        pdf.close()

    # legacy .VnTime / VNI fonts in the text layer
    layer = [i for i in range(n) if not (ocr_used and i in scanned)]
    fixed, enc = legacy.fix_blocks([texts[i] for i in layer])
    texts.update(zip(layer, fixed))

    candidates = set() if not tables else {
        i for i in range(n) if texts[i].strip() and not (ocr_used and i in scanned)
        and (i in ruled or _looks_tabular(texts[i]))}
    blocks = _page_blocks(path, texts, n, candidates, ruled, enc)
    if not blocks:
        hint = "" if ocr else " (OCR is off)"
        raise ReadError(f"PDF không có chữ (PDF holds no text){hint}: blank pages or images only")
    return RawText(path=display_path or path, format="pdf", blocks=blocks, encoding=enc, ocr=ocr_used,
                   pages=n, warnings=warnings)


def _page_blocks(path: str, texts: dict[int, str], n: int, candidates: set[int], ruled: set[int],
                 enc: Optional[str]) -> list[Block]:
    """One text block per page; a candidate page for tables (ruled, or figures in columns) is
    read again with pdfplumber and split into text and table blocks when a table is found."""
    blocks: list[Block] = []
    plumber = None
    try:
        for i in range(n):
            text = texts[i]
            if not text.strip():
                continue
            if i in candidates:
                if plumber is None:
                    import pdfplumber

                    plumber = pdfplumber.open(path)
                split = _table_blocks(plumber.pages[i], i + 1, enc) if i in ruled else None
                if not split and _looks_tabular(text):
                    split = _layout_blocks(plumber.pages[i], i + 1, enc)
                if split:
                    blocks.extend(split)
                    continue
            blocks.append(Block(text=text, page=i + 1))
    finally:
        if plumber is not None:
            plumber.close()
    return blocks


def _pages(idx: list[int]) -> str:
    return ", ".join(str(i + 1) for i in idx)


def _ocr_pages(pdf, pages: list[int]) -> dict[int, str]:
    """Render the given pages at 300 dpi and OCR them, several tesseract processes at once."""
    exe = ocr_mod.tesseract_path()
    results: dict[int, Future] = {}
    with tempfile.TemporaryDirectory(prefix="kehoach-ocr-") as tmp, \
            ThreadPoolExecutor(max_workers=ocr_mod.workers()) as pool:
        for i in pages:
            page = pdf[i]
            image = page.render(scale=OCR_DPI / 72, grayscale=True).to_pil()
            page.close()
            png = os.path.join(tmp, f"page-{i + 1:04d}.png")
            image.save(png)
            del image
            results[i] = pool.submit(ocr_mod.ocr_image_file, png, exe=exe)
        return {i: f.result() for i, f in results.items()}


def _table_blocks(page, page_no: int, enc: Optional[str]) -> list[Block]:
    """Split one pdfplumber page into text bands and tables, top to bottom."""
    found = page.find_tables()
    if not found:
        return []
    found.sort(key=lambda t: t.bbox[1])
    blocks: list[Block] = []
    top = page.bbox[1]

    def band(y0: float, y1: float) -> None:
        if y1 - y0 < 1:
            return
        text = page.crop((page.bbox[0], y0, page.bbox[2], y1)).extract_text() or ""
        if enc:
            text = legacy.to_unicode(text, enc)
        if text.strip():
            blocks.append(Block(text=text, page=page_no))

    for table in found:
        x0, t_top, x1, t_bottom = table.bbox
        band(top, max(top, t_top))
        rows = [[(c or "").strip() for c in row] for row in table.extract()]
        if enc:
            rows = [[legacy.to_unicode(c, enc) for c in row] for row in rows]
        rows = [r for r in rows if any(r)]
        if rows:
            blocks.append(Block(kind="table", rows=rows, page=page_no, text=render_rows(rows)))
        top = max(top, t_bottom)
    band(top, page.bbox[3])
    return blocks


def _layout_blocks(page, page_no: int, enc: Optional[str]) -> list[Block]:
    """An unruled page whose figures stand in columns: pdfplumber's words grouped into
    lines and cells by their gaps, then read for aligned columns like a text table."""
    from ..tables.text import split_lines, word_lines

    words = page.extract_words(x_tolerance=1.5, y_tolerance=3)
    if enc:
        words = [dict(w, text=legacy.to_unicode(w["text"], enc)) for w in words]
    lines, parts = word_lines(words)
    return split_lines(lines, parts, page_no) or []
