"""Word .docx reader (python-docx): paragraphs and tables in document order.

Each non-empty paragraph becomes a text :class:`Block`; each table a
``kind="table"`` block with ``rows`` (one list of cell strings per row, one
entry per grid column, merged cells included) and a ``text`` of one line per row
(:func:`extractor.tables.render_rows`: a table of figures has its cells apart by
white space, other tables by " | ").  Word has no fixed pages, so
``page`` is None.  Text typed in legacy ``.VnTime`` (TCVN3) or ``VNI-Times`` fonts
is converted to Unicode (see :mod:`.legacy`).
"""

from __future__ import annotations

import zipfile
from typing import Iterator, Optional

from ..errors import LimitExceeded, ReadError
from ..model import Block, RawText
from ..tables.header import render_rows
from . import legacy

MAX_UNCOMPRESSED = 200_000_000  # bytes, all members together
MAX_RATIO = 100  # uncompressed / compressed, for any member over 1 MB
MAX_MEMBERS = 10_000

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def check_zip(path: str, *, max_uncompressed: int = MAX_UNCOMPRESSED) -> None:
    """Refuse a file that is not a Word zip, or whose contents would unpack too large."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except zipfile.BadZipFile as e:
        raise ReadError(f"tệp .docx hỏng, không phải zip / damaged .docx: not a zip archive ({e})") from e
    if len(infos) > MAX_MEMBERS:
        raise LimitExceeded(f"tệp .docx có quá nhiều phần / .docx has {len(infos)} parts, over the limit of {MAX_MEMBERS}")
    names = {i.filename for i in infos}
    if "word/document.xml" not in names:
        raise ReadError("không phải tệp Word / zip file without word/document.xml: not a Word .docx")
    total = sum(i.file_size for i in infos)
    if total > max_uncompressed:
        raise LimitExceeded(
            f"tệp .docx giải nén quá lớn / .docx would unpack to {total:,} bytes, "
            f"over the limit of {max_uncompressed:,} bytes (max_uncompressed; possible zip bomb)"
        )
    for i in infos:
        if i.file_size > 1_000_000 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            raise LimitExceeded(
                f"tệp .docx đáng ngờ (zip bomb) / .docx part {i.filename} expands "
                f"{i.file_size // max(i.compress_size, 1)}x, over the compression ratio limit of {MAX_RATIO}"
            )


def _walk_text(el, out: list[str]) -> None:
    """Collect the visible text under ``el`` (runs, tabs, breaks), skipping fallbacks."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag == MC_FALLBACK:
            continue
        if tag == W + "t":
            out.append(child.text or "")
        elif tag == W + "tab":
            out.append("\t")
        elif tag in (W + "br", W + "cr"):
            out.append("\n")
        elif tag == W + "softHyphen":
            out.append("\u00ad")  # also the TCVN3 code for ư
        elif tag == W + "noBreakHyphen":
            out.append("-")
        elif tag == W + "p":  # a paragraph nested in a text box: its own line
            if out and out[-1] != "\n":
                out.append("\n")
            _walk_text(child, out)
        else:
            _walk_text(child, out)


def _para_text(p) -> str:
    out: list[str] = []
    _walk_text(p, out)
    return "".join(out)


def _cell_text(tc) -> str:
    return "\n".join(t for t in (_para_text(p) for p in tc.iter(W + "p")) if t.strip()).strip()


def _body_items(parent) -> Iterator[tuple[str, object]]:
    """Yield ("p", element) and ("tbl", element) in document order, entering content controls."""
    for child in parent:
        if child.tag == W + "p":
            yield "p", child
        elif child.tag == W + "tbl":
            yield "tbl", child
        elif child.tag in (W + "sdt", W + "customXml"):
            content = child.find(W + "sdtContent")
            yield from _body_items(content if content is not None else child)


def _int_attr(el, path: str, default: int = 0) -> int:
    found = el.find(path)
    try:
        return int(found.get(W + "val")) if found is not None else default
    except (TypeError, ValueError):
        return default


def _table_rows(tbl) -> list[list[str]]:
    """One list of cell texts per row, one entry per grid column: a cell merged across
    columns (``gridSpan``) gives its text once and "" for the columns it covers; a
    cell continuing a vertical merge (``vMerge``) gives ""."""
    rows = []
    for tr in tbl.iter(W + "tr"):
        if tr.getparent() is not tbl:
            continue  # nested table rows stay inside their cell's text
        cells = [tc for tc in tr if tc.tag == W + "tc" or tc.tag == W + "sdt"]
        texts: list[str] = [""] * _int_attr(tr, f"{W}trPr/{W}gridBefore")
        for tc in cells:
            if tc.tag == W + "sdt":
                inner = tc.findall(f"{W}sdtContent/{W}tc")
                if not inner:
                    continue
                tc = inner[0]
            vmerge = tc.find(f"{W}tcPr/{W}vMerge")
            cont = vmerge is not None and vmerge.get(W + "val") in (None, "continue")
            texts.append("" if cont else _cell_text(tc))
            texts.extend([""] * (max(1, _int_attr(tc, f"{W}tcPr/{W}gridSpan", 1)) - 1))
        rows.append(texts)
    return rows




def _font_hint(document) -> Optional[str]:
    """A legacy encoding named by the fonts the document uses (.VnTime → tcvn3, VNI-Times → vni)."""
    fonts: set[str] = set()
    for root in (document.element, document.styles.element):
        for rf in root.iter(W + "rFonts"):
            for attr in ("ascii", "hAnsi"):
                name = rf.get(W + attr)
                if name:
                    fonts.add(name.strip().lower())
    if any(f.startswith("vni") for f in fonts):
        return legacy.VNI
    if any(f.startswith(".vn") for f in fonts):
        return legacy.TCVN3
    return None


def scan_document_xml(path: str) -> int:
    """Stream ``word/document.xml`` once before python-docx loads it whole: count its
    characters of text and its elements as they are parsed (lxml ``iterparse``,
    each element freed once read) and stop at the cap (``max_chars``; elements:
    half of that, at least two million), so a document that unpacks to
    hundreds of MB fails early with LimitExceeded in bounded memory.  Returns the
    characters of text."""
    from lxml import etree

    from . import count_chars, max_chars

    max_elements = max(2_000_000, max_chars() // 2)
    chars = elements = 0
    try:
        with zipfile.ZipFile(path) as zf, zf.open("word/document.xml") as fh:
            for _event, el in etree.iterparse(fh, events=("end",), resolve_entities=False, no_network=True):
                elements += 1
                if el.tag == W + "t" and el.text:
                    chars += len(el.text)
                    count_chars(chars, "the .docx")
                if elements > max_elements:
                    raise LimitExceeded(
                        f"tệp .docx quá phức tạp / the .docx body has over {max_elements:,} XML elements, "
                        "over the limit (half of KEHOACH_MAX_CHARS)"
                    )
                el.clear(keep_tail=True)
                parent = el.getparent()
                if parent is not None:
                    while el.getprevious() is not None:
                        del parent[0]
    except (etree.XMLSyntaxError, zipfile.BadZipFile, KeyError, EOFError, OSError) as e:
        raise ReadError(f"tệp .docx hỏng / damaged .docx: {type(e).__name__}: {e}") from e
    return chars


def read_docx(path: str, *, display_path: Optional[str] = None) -> RawText:
    """Read a .docx file into paragraph and table blocks (document order)."""
    import docx  # python-docx

    check_zip(path)
    scan_document_xml(path)  # bounded: before the whole tree is built
    try:
        document = docx.Document(path)
    except Exception as e:  # python-docx raises KeyError/ValueError/lxml errors on broken parts
        raise ReadError(f"tệp .docx hỏng / damaged .docx: {type(e).__name__}: {e}") from e

    items: list[tuple[str, object]] = []
    for kind, el in _body_items(document.element.body):
        if kind == "p":
            text = _para_text(el)
            if text.strip():
                items.append(("text", text))
        else:
            rows = _table_rows(el)
            if any(any(c for c in r) for r in rows):
                items.append(("table", rows))

    # legacy font encodings: convert paragraphs and cells as one document
    pieces: list[str] = []
    for kind, val in items:
        pieces.extend([val] if kind == "text" else [c for r in val for c in r])
    hint = _font_hint(document)
    fixed, enc = legacy.fix_blocks(pieces, font_hint=hint)
    it = iter(fixed)
    blocks: list[Block] = []
    for kind, val in items:
        if kind == "text":
            blocks.append(Block(text=_clean(next(it))))
        else:
            rows = [[_clean(next(it)) for _ in r] for r in val]
            rows = [r for r in rows if any(c.strip() for c in r)]
            blocks.append(Block(kind="table", rows=rows, text=render_rows(rows)))
    if not blocks:
        raise ReadError("tệp .docx không có chữ / the .docx holds no text")
    return RawText(path=display_path or path, format="docx", blocks=blocks, encoding=enc or "utf-8")


def _clean(text: str) -> str:
    """Drop Word soft hyphens: invisible in Unicode text (in TCVN3 text they were ư, converted by now)."""
    return text.replace("\u00ad", "")
