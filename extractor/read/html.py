"""HTML reader: Word's "Save as Web Page" (``.htm``/``.html``), and HTML that arrives as ``.txt``.

Block elements (``p``, ``div``, ``h1``..``h6``, ``li``, ...) become text
:class:`Block`\\ s; ``<br>`` is a line break inside one; whitespace runs are
collapsed as a browser would; ``script``, ``style``, ``head`` and comments
(Word's ``<!--[if ...]>`` included) are dropped; entities are decoded.  A
``<table>`` becomes a ``kind="table"`` block with ``rows``, as in the .docx
reader.  The charset comes from a BOM, the ``<meta charset>`` / ``http-equiv``
declaration (Vietnamese Word pages often say ``windows-1258``), else UTF-8, else
Windows-1252; text typed in ``.VnTime`` / ``VNI`` fonts is converted (see
:mod:`.legacy`).  Characters are counted while parsing (``count_chars``).

Uses the standard library's :mod:`html.parser` only.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from html.parser import HTMLParser
from typing import Optional

from ..errors import ReadError
from ..model import Block, RawText
from . import count_chars, legacy

BLOCK_TAGS = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote", "pre", "section",
    "article", "header", "footer", "center", "address", "dl", "dt", "dd", "hr", "body", "form",
}
SKIP_TAGS = {"script", "style", "head", "title", "noscript", "template", "xml"}
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_LEGACY_FONT = re.compile(r"font-family\s*:\s*[\"']?\s*(\.vn|vni)", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\n\f\u00a0]+")
_FEED = 1 << 16  # characters fed to the parser at a time (counted as they go)


def decode_html(data: bytes) -> tuple[str, str]:
    """Bytes of an HTML page → (text, encoding)."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec.replace("-sig", "")
    m = _META_CHARSET.search(data[:4096])
    if m:
        name = m.group(1).decode("ascii", "replace").lower()
        try:
            codecs.lookup(name)
        except LookupError:
            name = ""
        if name:
            # cp1258 spells tones as combining marks: compose them
            return unicodedata.normalize("NFC", data.decode(name, errors="replace")), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


class _Collector(HTMLParser):
    """Collects blocks: ("text", str) for paragraphs, ("table", rows) for tables."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[str, object]] = []
        self.skip = 0
        self.buf: list[str] = []
        self.tables: list[dict] = []  # stack: {"rows": [...], "row": [...] | None, "cell": [...] | None}
        self.chars = 0

    # -- where text goes
    def _sink(self) -> list[str]:
        if self.tables and self.tables[-1]["cell"] is not None:
            return self.tables[-1]["cell"]
        return self.buf

    def _flush(self) -> None:
        text = _lines(self.buf)
        self.buf = []
        if text:
            self.items.append(("text", text))

    # -- parser callbacks
    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in SKIP_TAGS:
            self.skip += 1
            return
        if self.skip:
            return
        if tag == "br":
            self._sink().append("\n")
        elif tag == "table":
            if self.tables and self.tables[-1]["cell"] is not None:
                self.tables[-1]["cell"].append("\n")  # a nested table stays inside its cell's text
                self.tables.append({"nested": True, "rows": [], "row": None, "cell": None})
                return
            self._flush()
            self.tables.append({"nested": False, "rows": [], "row": None, "cell": None})
        elif tag == "tr" and self.tables:
            self._end_row()
            self.tables[-1]["row"] = []
        elif tag in ("td", "th") and self.tables:
            self._end_cell()
            if self.tables[-1]["row"] is None:
                self.tables[-1]["row"] = []
            self.tables[-1]["cell"] = []
        elif tag in BLOCK_TAGS:
            self._block_break()

    def _block_break(self) -> None:
        """A paragraph ends: outside tables the text so far is one block, inside a cell a line."""
        sink = self._sink()
        if sink is self.buf:
            self._flush()
        else:
            sink.append("\n")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in ("br", "hr", "td", "th", "tr", "table", "p", "div"):
            self.handle_starttag(tag, attrs)
            if tag not in ("br", "hr"):
                self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_TAGS:
            self.skip = max(self.skip - 1, 0)
            return
        if self.skip:
            return
        if tag == "table" and self.tables:
            self._end_row()
            table = self.tables.pop()
            rows = table["rows"]
            if table.get("nested"):
                target = self.tables[-1]["cell"] if self.tables and self.tables[-1]["cell"] is not None else self.buf
                target.append("\n".join(" | ".join(r) for r in rows))
            elif any(any(c for c in r) for r in rows):
                self.items.append(("table", rows))
        elif tag in ("td", "th") and self.tables:
            self._end_cell()
        elif tag == "tr" and self.tables:
            self._end_row()
        elif tag in BLOCK_TAGS:
            self._block_break()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        self.chars += len(data)
        count_chars(self.chars, "the HTML page")
        self._sink().append(data)

    # -- tables
    def _end_cell(self) -> None:
        t = self.tables[-1]
        if t["cell"] is not None:
            if t["row"] is None:
                t["row"] = []
            t["row"].append(_lines(t["cell"]))
            t["cell"] = None

    def _end_row(self) -> None:
        t = self.tables[-1]
        self._end_cell()
        if t["row"] is not None:
            t["rows"].append(t["row"])
            t["row"] = None

    def finish(self) -> list[tuple[str, object]]:
        self.close()
        while self.tables:
            self.handle_endtag("table")
        self._flush()
        return self.items


def _lines(parts: list[str]) -> str:
    """Browser whitespace: runs collapse to one space; ``<br>`` and block ends are line breaks."""
    lines = [_SPACES.sub(" ", line).strip() for line in "".join(parts).split("\n")]
    return "\n".join(line for line in lines if line)


def parse_html(text: str) -> list[tuple[str, object]]:
    """HTML text → ``[("text", paragraph) | ("table", rows), ...]`` in document order."""
    parser = _Collector()
    for i in range(0, len(text), _FEED):
        parser.feed(text[i : i + _FEED])
    return parser.finish()


def read_html(path: str, data: bytes) -> RawText:
    """Read an HTML page already loaded as ``data`` (the caller checked its size)."""
    text, encoding = decode_html(data)
    if "\x00" in text[:65536]:
        raise ReadError("tệp nhị phân, không phải văn bản / binary file, not HTML text (NUL bytes found)")
    items = parse_html(text)
    pieces: list[str] = []
    for kind, val in items:
        pieces.extend([val] if kind == "text" else [c for r in val for c in r])  # type: ignore[union-attr]
    hint: Optional[str] = None
    font = _LEGACY_FONT.search(text[:200_000])
    if font:
        hint = legacy.VNI if font.group(1).lower() == "vni" else legacy.TCVN3
    fixed, enc = legacy.fix_blocks(pieces, font_hint=hint)
    it = iter(fixed)
    blocks: list[Block] = []
    for kind, val in items:
        if kind == "text":
            blocks.append(Block(text=next(it)))
        else:
            rows = [[next(it) for _ in r] for r in val]  # type: ignore[union-attr]
            blocks.append(Block(kind="table", rows=rows, text="\n".join(" | ".join(r) for r in rows)))
    if not any(b.text.strip() for b in blocks):
        raise ReadError("trang HTML không có chữ / the HTML page holds no text")
    return RawText(path=path, format="html", blocks=blocks, encoding=enc or encoding)
