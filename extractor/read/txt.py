"""Plain-text reader: UTF-8 (with or without BOM), UTF-16/32, legacy TCVN3/VNI.

The text is returned as one :class:`Block` per page, line breaks intact
(``\\r\\n`` and ``\\r`` become ``\\n``).  A form feed ``\\f`` starts a new page; a
file without form feeds has no page numbers.  Tables written as text (pipe tables,
columns aligned with spaces or tabs, as PDF-to-text tools print them) become
``kind="table"`` blocks (:mod:`extractor.tables.text`).
"""

from __future__ import annotations

import codecs
from typing import Optional

from ..errors import ReadError
from ..model import Block, RawText
from . import count_chars, legacy

_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
]

# control characters that never occur in real text (tab, LF, VT, FF, CR and ESC-free)
_CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\x0b", "\f", "\r"} | {"\x7f"}


def _sniff_utf16(data: bytes) -> Optional[str]:
    """Guess BOM-less UTF-16 from the NUL pattern of mostly-ASCII text."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    z_even = even.count(0) / len(even)
    z_odd = odd.count(0) / len(odd)
    if z_odd > 0.3 and z_even < 0.05:
        return "utf-16-le"
    if z_even > 0.3 and z_odd < 0.05:
        return "utf-16-be"
    return None


def _control_share(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    bad = sum(1 for c in sample if c in _CONTROL or 0x80 <= ord(c) < 0xA0 or c == "\ufffd")
    return bad / len(sample)


def decode(data: bytes) -> tuple[str, str]:
    """Decode file bytes to text: returns (text, encoding name).

    Tries BOMs, BOM-less UTF-16, strict UTF-8, then Windows-1252 read as a legacy
    Vietnamese font encoding.  Anything else (binary data, an unknown 8-bit code
    page) raises :class:`ReadError` rather than returning mojibake.
    """
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec), name
            except UnicodeDecodeError as e:
                raise ReadError(f"tệp văn bản hỏng / damaged {name} text: undecodable bytes at offset {e.start}") from e
    codec = _sniff_utf16(data)
    if codec:
        try:
            return data.decode(codec), "utf-16"
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:65536]:
        raise ReadError("tệp nhị phân, không phải văn bản / binary file, not text (NUL bytes found)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        utf8_error = e
    text = data.decode("cp1252", errors="replace")
    enc = legacy.detect(text)
    if enc is not None and _control_share(text) < 0.001:
        return text, "cp1252"
    raise ReadError(
        "không giải mã được văn bản / cannot decode text: not UTF-8 "
        f"(invalid byte 0x{data[utf8_error.start]:02x} at offset {utf8_error.start}), UTF-16, TCVN3 or VNI; "
        "save the file as UTF-8"
    )


def read_txt(path: str, data: bytes) -> RawText:
    """Read a text file already loaded as ``data`` (the caller checked its size)."""
    text, encoding = decode(data)
    count_chars(len(text), "the text file")
    if _control_share(text) > 0.01:
        raise ReadError("tệp nhị phân, không phải văn bản / binary file, not text (control characters found)")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ReadError("tệp không có chữ / file holds no text (only blanks)")
    return text_raw(text, path, encoding)


def text_raw(text: str, path: str = "text.txt", encoding: Optional[str] = None) -> RawText:
    """Decoded text as a reader's output: legacy fonts converted, pages at form feeds,
    and text tables (pipes, aligned columns) as ``kind="table"`` blocks."""
    text, leg = legacy.fix(text)
    if leg:
        encoding = leg
    pages = text.split("\f")
    paged = len(pages) > 1
    from ..tables.text import split_tables

    blocks = []
    for i, page in enumerate(pages, start=1):
        if page.strip():
            no = i if paged else None
            blocks += split_tables(page, no) or [Block(text=page, page=no)]  # text tables: kind="table"
    return RawText(path=path, format="txt", blocks=blocks, encoding=encoding, pages=len(pages) if paged else None)
