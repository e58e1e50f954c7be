"""Normalise stage: raw reader blocks -> one clean document text with a source map.

What it does, in order, per page/block:

* Unicode NFC (NFD input, combining marks, is composed);
* drops page-number lines (``12``, ``- 3 -``, ``Trang 4``) and page headers/footers
  that repeat on several pages;
* unwraps hard line breaks inside paragraphs (PDF text, double-spaced text):
  a line starts a new paragraph only when it opens with a list/section marker, is
  a heading in capitals, or follows a line that ended a sentence;
* joins hyphenated breaks (``2021-`` + newline + ``2025`` -> ``2021-2025``);
* splits glued markdown headings (``MỤC TIÊU**1. Mục tiêu**``).

Characters are never changed otherwise, so a quote cut from the text is the
source's own characters (only white space may differ).  ``Text.locate`` maps any
offset back to (page, block, offset in the block's NFC text).

``canonical`` gives the text with one tone placement (``hoà`` -> ``hòa``,
``thuỷ`` -> ``thủy``) and the same length, for matching lexicons.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from .model import RawText

# A line that opens a paragraph: bullets, roman/arabic/letter markers.
_UPPER = "A-ZĐÀ-ỸÂĂÊÔƠƯ"
MARKER_RE = re.compile(
    r"""^\s*(?:\*\*)?(?:
        [-+•–—*]\s*(?=\S)                                   # bullet
      | [IVXLC]{1,6}\s*[.)/]\s+                               # roman: I.  II)
      | \d{1,2}(?:\.\d{1,2}){0,3}\s*[.)]\s*(?=[""“'(%s])   # 1.  2.1.  3)
      | \d{1,2}\.\d{1,2}(?:\.\d{1,2})?\s+(?=[%s])          # 2.1 Tiêu đề
      | [a-zđ]\s*[)]\s*                                      # a)  b)
      | (?:Điều|Mục|Phần|Chương)\s+(?:\d{1,3}|[IVXLC]{1,6})\b[.:]?\s*   # Điều 1.
    )""" % (_UPPER, _UPPER),
    re.X,
)
PAGE_NUMBER_RE = re.compile(r"^\s*(?:[-–]\s*)?(?:Trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*[-–])?\s*$", re.I)
_LETTERHEAD_START_RE = re.compile(  # matched at the start of a line
    r"(?:Số\s*:?\s*\d*\s*/\s*[A-ZĐ]|Số\s*:?\s*\d+\s*-\s*[A-ZĐ]{2}|[A-ZĐ][\w .]{1,30},\s*ngày\s+\d{1,2}\s+tháng)"
    # a web page's dateline, maybe with a time or a by-line: "16:46, 29/09/2022", "VĂN MẾN 09/08/2016 07:50"
    r"|(?:[^\d\n]{1,40}\s)?(?:\d{1,2}:\d{2}(?::\d{2})?,?\s*)?\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d\d(?:\s*\|?\s*\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?)?\s*$"
)
_MOTTO_RE = re.compile(r"Độc\s+lập\s*-\s*Tự\s+do\s*-\s*Hạnh\s+phúc")


@functools.lru_cache(maxsize=256)  # each line is asked about twice: as the line, then as the previous one
def is_letterhead_line(line: str) -> bool:
    """A number line, a place-and-date line, the motto, or a web dateline."""
    return bool((_may_open_letterhead(line) and _LETTERHEAD_START_RE.match(line)) or _MOTTO_RE.search(line))


def _may_open_letterhead(line: str) -> bool:
    """What every branch of ``_LETTERHEAD_START_RE`` needs, cheap to ask: the line opens
    with ``Số``, has ``ngày``, or ends (white space aside) with a digit or the M of AM/PM."""
    last = line.rstrip()[-1:]
    return line.startswith("Số") or "ngày" in line or last.isdecimal() or last == "M"


_BLANKS_RE = re.compile(r"[ \t]+")
SEPARATOR_RE = re.compile(r"^\s*[-_*=~.…]{1,}\s*$")


def ends_sentence(s: str) -> bool:
    """Does ``s`` end a sentence: ``.``, ``:``, ``!``, ``?``, ``…`` or ``./.``, maybe inside a
    closing quote, then only white space?  (Reads the end of ``s`` only.)  ``;`` ends list
    items inside a paragraph far more often than paragraphs: not a break by itself."""
    t = s.rstrip()
    if t.endswith((".", ":", "!", "?", "…")):
        return True
    return bool(t) and t[-1] in "\"”'" and t[:-1].rstrip().endswith((".", ":"))


GLUED_HEADING_RE = re.compile(r"(?<=[^\s*])(\*\*)(?=\s*(?:\d{1,2}(?:\.\d{1,2})*\.|[IVX]{1,5}\.)\s)")
HYPHEN_BREAK_RE = re.compile(r"[\w/][-‐]$")


@functools.lru_cache(maxsize=4096)
def is_caps_line(line: str) -> bool:
    """A line in capitals (letterhead, document type, roman-numbered heading)."""
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) / len(letters) > 0.85


@dataclass
class Text:
    """The normalised text of one file and its map back to the source."""

    text: str
    # sorted list of (text_offset, block_index, page, offset_in_block) at each piece start
    anchors: list[tuple[int, int, int | None, int]] = field(default_factory=list)
    page_starts: list[tuple[int, int]] = field(default_factory=list)  # (text_offset, page)
    ocr: bool = False

    def locate(self, offset: int) -> dict:
        """Where a text offset came from: page, block and offset in the block's text."""
        keys = [a[0] for a in self.anchors]
        i = bisect.bisect_right(keys, offset) - 1
        if i < 0:
            return {"page": None, "block": None, "offset": None}
        start, block, page, src = self.anchors[i]
        return {"page": page, "block": block, "offset": src + (offset - start)}

    def page_of(self, offset: int) -> int | None:
        return self.locate(offset)["page"]


def _repeated_furniture(pages: list[list[str]]) -> set[str]:
    """Header/footer lines that repeat on at least 3 pages (and half of them)."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        edge = [ln.strip() for ln in lines if ln.strip()]
        edge = edge[:2] + edge[-2:]
        counts.update(set(edge))
    return {
        ln
        for ln, n in counts.items()
        if n >= 3 and n >= len(pages) / 2 and len(ln) < 120 and not MARKER_RE.match(ln)
    }


_HEADING_START_RE = re.compile(r"^(?:[IVXLC]{1,6}|\d{1,2}(?:\.\d{1,2}){0,3}|[a-zđ])\s*[.)]\s")
_NAME_CONT = ("Nam", "Tỉnh", "Huyện", "Ủy", "Uỷ", "Đảng", "Nhà", "Quốc", "Chính", "Nhân", "Hội", "Mặt")


def _starts_paragraph(prev: str, line: str, prev_short: bool = False, para_head: str = "") -> bool:
    """Does ``line`` open a new paragraph after ``prev`` (both stripped, non-empty)?

    ``prev_short``: the previous line is clearly shorter than the page's full
    lines, so it ended a paragraph or a heading even without punctuation.
    """
    if prev.endswith("**") or line.startswith("**"):
        return True
    if is_letterhead_line(line) or is_letterhead_line(prev):
        return True  # "Số: 12/KH-UBND", "Gio Linh, ngày 24 tháng 6 năm 2022" stand alone
    prev_ends = ends_sentence(prev)
    if prev_short and (line[:1].isupper() or line[:1] in "(\"“'"):
        return True
    # a numbered heading ends where a capitalised sentence begins: "4. Giảm nghèo" + "Thực hiện ..."
    if (
        para_head
        and para_head == prev  # only a one-line paragraph can be a heading
        and _HEADING_START_RE.match(para_head)
        and not prev_ends
        and not prev.endswith(",")
        and line[:1].isupper()
        and prev.split()[-1][:1].islower()
        and not line.startswith(_NAME_CONT)
        and not line.split()[0].isupper()  # acronyms continue a phrase: "xây dựng" + "NTM theo"
    ):
        return True
    m = MARKER_RE.match(line)
    if m:
        rest = line[m.end():]
        if line.lstrip()[0] in "-+–—" and rest[:1].islower() and not prev_ends:
            return False  # "sáng" + "- xanh - sạch" is a wrapped phrase, not a bullet
        if line.lstrip()[0] in "-–" and rest[:1].isdigit() and prev[-1:].isdigit():
            return False  # "giai đoạn 2021" + "- 2025 trên địa bàn": a range, not a bullet
        return True
    if is_caps_line(line) != is_caps_line(prev):
        return True
    if is_caps_line(line) and is_caps_line(prev):
        # a wrapped numbered heading joins; letterhead lines stay apart
        return not (re.match(r"^[IVXLC]{1,6}\.\s", prev) and not prev_ends)
    if prev_ends and (line[:1].isupper() or line[:1].isdigit() or line[:1] in "(\"“'"):
        return True
    return False


def _full_width(widths: list[int]) -> int:
    """The width of a full line (sorted ``widths``): the 75th percentile; in a text of
    fewer than four lines, its longest line when that is a paragraph's (a web page's
    headline, dateline and first paragraph)."""
    if len(widths) >= 4:
        return widths[int(len(widths) * 0.75)]
    return widths[-1] if widths and widths[-1] >= 120 else 0


def normalise(raw: RawText) -> Text:
    """Turn a reader's blocks into one NFC text with paragraphs separated by ``\\n``."""
    block_lines: list[list[str]] = []
    for block in raw.blocks:
        t = unicodedata.normalize("NFC", block.text)
        t = t.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\ufeff", "")
        if "**" in t:  # what GLUED_HEADING_RE splits at
            t = GLUED_HEADING_RE.sub("\n\\1", t)
        block_lines.append(t.split("\n"))

    furniture = _repeated_furniture(
        [lines for lines, b in zip(block_lines, raw.blocks) if b.kind == "text" and b.page]
    )

    out: list[str] = []  # pieces of the final text
    length = 0
    anchors: list[tuple[int, int, int | None, int]] = []
    page_starts: list[tuple[int, int]] = []
    prev_line = ""  # last line added (stripped), "" at a hard boundary

    def emit(piece: str, bi: int, page, src: int) -> None:
        nonlocal length
        anchors.append((length, bi, page, src))
        out.append(piece)
        length += len(piece)

    # A Word file whose paragraphs are really hard-wrapped lines (converted from PDF)
    # is read as one stream of lines; otherwise each Word paragraph is a paragraph.
    text_blocks = [b.text.strip() for b in raw.blocks if b.kind == "text" and b.text.strip()]
    open_ended = sum(1 for t in text_blocks if not ends_sentence(t) and not t.endswith(";"))
    stream = raw.format == "docx" and len(text_blocks) >= 10 and open_ended / len(text_blocks) > 0.5
    if stream:
        widths = sorted(len(t) for t in text_blocks if len(t) > 20)
        full = _full_width(widths)
        prev_width, para_head = 0, ""
    for bi, (block, lines) in enumerate(zip(raw.blocks, block_lines)):
        if block.page and (not page_starts or page_starts[-1][1] != block.page):
            page_starts.append((length, block.page))
        if block.kind == "table":
            # one paragraph per row, cells joined as the block text has them
            for ln in lines:
                s = ln.strip()
                if not s:
                    continue
                if out:
                    emit("\n", bi, block.page, 0)
                emit(re.sub(r"[ \t]+", " ", s), bi, block.page, 0)
            prev_line = ""
            continue
        src = 0
        if not stream:
            widths = sorted(len(ln.strip()) for ln in lines if len(ln.strip()) > 20)
            full = _full_width(widths)
            prev_width = 0
            para_head = ""
        for ln in lines:
            line_src = src
            src += len(ln) + 1
            s = ln.strip()
            if not s:
                continue
            if PAGE_NUMBER_RE.match(s) or s in furniture:
                continue
            if SEPARATOR_RE.match(s):
                prev_line = ""  # "-----" under a title: a hard boundary
                continue
            prev_short = bool(full) and prev_width < 0.6 * full
            lead = len(ln) - len(ln.lstrip())
            s_clean = _BLANKS_RE.sub(" ", s) if ("  " in s or "\t" in s) else s
            if not out:
                emit(s_clean, bi, block.page, line_src + lead)
                para_head = s
            elif prev_line and not _starts_paragraph(prev_line, s, prev_short, para_head) and not (
                raw.format == "docx" and not stream and line_src == 0 and not s[:1].islower()
            ):  # a Word paragraph is a paragraph unless the next one plainly continues it
                if prev_line.endswith(("-", "‐")) and HYPHEN_BREAK_RE.search(prev_line) and s[:1].isalnum():
                    emit(s_clean, bi, block.page, line_src + lead)  # 2021- + 2025
                else:
                    emit(" ", bi, block.page, line_src)
                    emit(s_clean, bi, block.page, line_src + lead)
            else:
                emit("\n", bi, block.page, line_src)
                emit(s_clean, bi, block.page, line_src + lead)
                para_head = s
            prev_line = s
            prev_width = len(s)
    text = "".join(out)
    return Text(text=text, anchors=anchors, page_starts=page_starts, ocr=raw.ocr)


# --------------------------------------------------------------------------- tone placement

_TONES = "\u0300\u0301\u0303\u0309\u0323"


# letters typed for Vietnamese đ/Đ from other alphabets (Icelandic eth), and the glyph some PDF
# fonts give for ư/Ư (ƣ/Ƣ, U+01A3/U+01A2): same length
_LOOKALIKES = {0x00D0: 0x0110, 0x00F0: 0x0111, 0x01A3: 0x01B0, 0x01A2: 0x01AF}
_LOOKALIKE_RE = re.compile("[%s]" % "".join(map(chr, _LOOKALIKES)))


def canonical(s: str) -> str:
    """One tone placement (new style: ``hòa``, ``thủy``, ``khỏe``), NFC, same length.

    Used for matching only; quotes keep the source's characters.  Cached: the stages
    that read a document (split, meta, citations, assemble) ask for the same text and
    the same lines, and get the one computed copy.
    """
    if len(s) < 400:
        return _canonical_line(s)
    return _canonical_text(s)


@functools.lru_cache(maxsize=16384)
def _canonical_line(s: str) -> str:
    return _canonical(s)


@functools.lru_cache(maxsize=4)  # a few whole documents, so that memory stays flat in long batches
def _canonical_text(s: str) -> str:
    return _canonical(s)


# In NFC an old placement is o/u followed by a/e/y carrying the tone (one precomposed
# letter) at the end of a syllable: "oà" -> "òa", "uỷ" -> "ủy".  Not after q ("quà").
_MOVE_TONE = {
    unicodedata.normalize("NFC", v1 + v2 + tone): unicodedata.normalize("NFC", v1 + tone) + v2
    for v1 in "oOuU" for v2 in "aAeEyY" for tone in _TONES
}
# (the o/u first, then "not after q" looked back from it: the scan jumps from o/u to o/u
# instead of trying a look-behind at every character, ~3x faster; same matches)
_OLD_TONE_NFC_RE = re.compile(
    "[oOuU](?<![qQ].)[%s](?![\\w\u0300-\u036f])" % "".join(sorted({k[1] for k in _MOVE_TONE}))
)


def _canonical(s: str) -> str:
    if not unicodedata.is_normalized("NFC", s):
        s = unicodedata.normalize("NFC", s)
    s = _OLD_TONE_NFC_RE.sub(lambda m: _MOVE_TONE[m.group()], s)
    if _LOOKALIKE_RE.search(s):
        s = s.translate(_LOOKALIKES)
    return s


def collapse(s: str | None) -> str:
    """Unicode NFC, then every run of white space -> one space; nothing else.

    The text form ../shared/gold/FORMAT.md defines for anchors (no case folding,
    no trimming, no tone-mark repositioning).  ``None`` gives ``""``.
    """
    if s is None:
        return ""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s))
