"""Reading stage: turn a source file into :class:`~extractor.model.RawText` blocks.

    from extractor.read import read_file
    raw = read_file("ke-hoach 47.pdf")        # RawText(format="pdf", blocks=[...], pages=12)

The format is chosen from the file's content (magic bytes) first, its suffix
second: ``%PDF`` → PDF, a zip holding ``word/document.xml`` → .docx, an OLE2
container (``D0 CF 11 E0``) or RTF → .doc (via LibreOffice), HTML (a ``.html``
/ ``.htm`` file, or a ``.txt`` whose content is an HTML page: Word's "Save as Web
Page") → :mod:`.html`, anything else → text.  Every failure is a :class:`~extractor.errors.ReadError` (or
:class:`~extractor.errors.LimitExceeded`) with a message a clerk can act on.

One reader per format: :mod:`.txt`, :mod:`.html`, :mod:`.docx`, :mod:`.pdf`,
:mod:`.doc`; legacy Vietnamese encodings in :mod:`.legacy`, OCR in :mod:`.ocr`.

The characters read from one file are capped (``max_chars``), counted while
reading: the readers call :func:`count_chars` as text comes in, so a small file
that expands enormously (a zip bomb inside a .docx, a PDF page with a huge text
layer) stops early with :class:`~extractor.errors.LimitExceeded`.
"""

from __future__ import annotations

import contextvars
import os
import re
import zipfile
from pathlib import Path
from typing import Union

from ..errors import LimitExceeded, ReadError
from ..model import RawText

__all__ = ["read_file", "sniff", "count_chars", "DEFAULT_MAX_CHARS"]

DEFAULT_MAX_CHARS = 5_000_000  # ~2 000 pages; storing that holds the write lock ~1 s
_MAX_CHARS: contextvars.ContextVar[int] = contextvars.ContextVar("kehoach_max_chars", default=DEFAULT_MAX_CHARS)


def max_chars() -> int:
    """The character cap of the file being read (``read_file(max_chars=...)``)."""
    return _MAX_CHARS.get()


def count_chars(total: int, what: str = "") -> None:
    """Raise LimitExceeded when ``total`` characters read so far pass the cap."""
    cap = _MAX_CHARS.get()
    if total > cap:
        raise LimitExceeded(
            f"quá nhiều chữ / {what or 'the file'} holds over {cap:,} characters of text, "
            "over the limit (setting KEHOACH_MAX_CHARS): split the file or raise the limit"
        )


_HTML_START = re.compile(rb"^(?:\s|<!--.*?-->)*<(?:!doctype\s+html|html[\s>]|\?xml[^>]*>\s*<html|head[\s>]|body[\s>])",
                         re.IGNORECASE | re.DOTALL)


def looks_like_html(head: bytes) -> bool:
    """Does the start of a file look like an HTML page (UTF-8, 8-bit or UTF-16)?"""
    for bom, codec in ((b"\xef\xbb\xbf", None), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            head = head[len(bom):]
            if codec:
                head = head[: len(head) // 2 * 2].decode(codec, "replace").encode("utf-8")
            break
    return bool(_HTML_START.match(head))

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OTHER_BINARY = {
    b"\x89PNG": "ảnh PNG / PNG image",
    b"\xff\xd8\xff": "ảnh JPEG / JPEG image",
    b"II*\x00": "ảnh TIFF / TIFF image",
    b"MM\x00*": "ảnh TIFF / TIFF image",
    b"GIF8": "ảnh GIF / GIF image",
    b"Rar!": "tệp nén RAR / RAR archive",
    b"7z\xbc\xaf": "tệp nén 7z / 7z archive",
    b"\x1f\x8b": "tệp nén gzip / gzip archive",
}


def sniff(path: Union[str, os.PathLike]) -> str:
    """Return the format to read ``path`` as: "pdf", "docx", "doc", "rtf", "html" or "txt".

    Raises ReadError for content that matches no supported format (images,
    archives, spreadsheets) or that contradicts a .pdf / .docx suffix.
    """
    suffix = Path(path).suffix.lower()
    with open(path, "rb") as f:
        head = f.read(1024)
    if b"%PDF" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile as e:
            raise ReadError(f"tệp nén hỏng / damaged zip file ({e})") from e
        if "word/document.xml" in names:
            return "docx"
        kind = ("bảng tính Excel / Excel .xlsx" if "xl/workbook.xml" in names
                else "tài liệu OpenDocument / OpenDocument file" if "mimetype" in names
                else "tệp nén zip / zip archive")
        raise ReadError(f"định dạng không hỗ trợ / unsupported format: {kind}, not a Word .docx")
    if head.startswith(_OLE2):
        return "doc"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    for magic, kind in _OTHER_BINARY.items():
        if head.startswith(magic):
            raise ReadError(f"định dạng không hỗ trợ / unsupported format: {kind}; scan it to PDF first")
    if suffix in (".html", ".htm") or looks_like_html(head):
        return "html"
    if suffix == ".pdf":
        raise ReadError("tệp .pdf nhưng không phải PDF (no %PDF header): damaged or misnamed file")
    if suffix == ".docx":
        raise ReadError("tệp .docx hỏng, không phải zip / damaged .docx: not a zip archive")
    return "txt"


def read_file(path: Union[str, os.PathLike], *, max_bytes: int = 50_000_000, max_pages: int = 500,
              ocr: bool = True, tables: bool = True, max_chars: int = DEFAULT_MAX_CHARS) -> RawText:
    """Read one source file into blocks of text and tables.

    ``max_bytes`` limits the file size (checked with ``os.stat`` before any
    reading), ``max_pages`` the pages of a PDF, ``max_chars`` the characters of
    text (counted while reading); all raise LimitExceeded.
    ``ocr`` allows Tesseract for scanned PDF pages; ``tables`` lets pdfplumber read the
    tables of PDF pages that have ruling lines or aligned figures (other pages stay fast).  Raises ReadError for missing, empty, damaged, encrypted
    or unsupported files.
    """
    shown = os.fspath(path)
    try:
        st = os.stat(path)
    except FileNotFoundError as e:
        raise ReadError(f"không tìm thấy tệp / file not found: {shown}") from e
    except OSError as e:
        raise ReadError(f"không đọc được tệp / cannot access file: {shown} ({e.strerror})") from e
    if not os.path.isfile(path):
        raise ReadError(f"không phải tệp / not a regular file: {shown}")
    if st.st_size > max_bytes:
        raise LimitExceeded(
            f"tệp quá lớn / file too large: {st.st_size:,} bytes, over the limit of {max_bytes:,} bytes (max_bytes)"
        )
    if st.st_size == 0:
        raise ReadError("tệp rỗng / empty file")
    token = _MAX_CHARS.set(max_chars)
    try:
        return _read(path, shown, max_bytes=max_bytes, max_pages=max_pages, ocr=ocr, tables=tables)
    finally:
        _MAX_CHARS.reset(token)


def _read(path, shown: str, *, max_bytes: int, max_pages: int, ocr: bool, tables: bool) -> RawText:
    try:
        fmt = sniff(path)
        if fmt == "pdf":
            from .pdf import read_pdf

            return read_pdf(shown, max_pages=max_pages, ocr=ocr, tables=tables)
        if fmt == "docx":
            from .docx import read_docx

            return read_docx(shown)
        if fmt in ("doc", "rtf"):
            from .doc import check_ole, read_doc

            if fmt == "doc":
                check_ole(shown)
            return read_doc(shown, suffix=".doc" if fmt == "doc" else ".rtf")
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
        if len(data) > max_bytes:  # grew since stat
            raise LimitExceeded(f"tệp quá lớn / file too large: over the limit of {max_bytes:,} bytes (max_bytes)")
        if fmt == "html":
            from .html import read_html

            return read_html(shown, data)
        from .txt import read_txt

        return read_txt(shown, data)
    except PermissionError as e:
        raise ReadError(f"không có quyền đọc tệp / permission denied: {shown}") from e
    except IsADirectoryError as e:
        raise ReadError(f"không phải tệp / not a regular file: {shown}") from e
