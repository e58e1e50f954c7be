"""Split stage: where the documents of one file begin, and the front matter of each.

A file may hold several documents: a district guide followed by the provincial plan it
was sent with, a plan followed by the decision approving it, ...  A new document
starts at a document-type heading line (``KẾ HOẠCH``, ``HƯỚNG DẪN``, ... alone on a
line, the types marked ``heading: true`` in ``rules/doc_types.yml``), or at the
letterhead block right above it, when

* the previous document has closed: a ``Nơi nhận`` line, a signature line
  (``TM. ỦY BAN NHÂN DÂN``, ``T/M BAN THƯỜNG VỤ``, ``CHỦ TỊCH``, ...) or a paragraph
  ending in ``./.`` came after the previous heading; or
* a letterhead block (``Số: ...``, ``CỘNG HÒA XÃ HỘI ...``, an organisation in capitals)
  stands right above the heading even though no closing block was seen.

Words like "Kế hoạch này" or headings such as "V. KẾ HOẠCH VỐN" never split: only a
line holding nothing but the type does.  Appendices ("PHỤ LỤC", "Biểu số 01",
"(Kèm theo Kế hoạch ...)") after a closing block stay with their document: a heading
inside them does not split unless a letterhead block stands above it.

``front_matter(text)`` finds, in one document's text, its letterhead zone, its
doc-type heading, its title and its preamble (the Căn cứ/Thực hiện paragraphs before
section I); the metadata and citation stages read from these spans.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from . import rx as regex

from .normalise import canonical, is_caps_line
from .rules import load_rules

Span = tuple[int, int]


def paragraphs(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, line)`` for every non-blank paragraph (line) of the text."""
    out = []
    pos = 0
    for line in text.split("\n"):
        n = len(line)
        s = line.strip()
        if len(s) == n:  # the usual line of normalised text: nothing to strip
            if n:
                out.append((pos, pos + n, line))
        elif s:
            lead = n - len(line.lstrip())
            out.append((pos + lead, pos + lead + len(s), s))
        pos += n + 1
    return out


def _bare(line: str) -> str:
    """The line without markdown emphasis and surrounding punctuation."""
    return line.strip().strip("*_#").strip().rstrip(":.").strip().strip("*_").strip()


@functools.lru_cache(maxsize=1)
def _heading_names() -> dict[str, str]:
    out = {}
    for t in load_rules("doc_types")["doc_types"]:
        if t.get("heading"):
            out[canonical(t["name"]).upper()] = t["name"]
    return out


def heading_type(line: str) -> str | None:
    """The document type when ``line`` is a doc-type heading (the type alone, in capitals)."""
    if line.strip().strip("*_ ").endswith(":"):
        return None  # "QUYẾT ĐỊNH:" before Điều 1 enacts; it heads nothing
    b = _bare(line)
    if not b or b != b.upper():
        return None
    b = " ".join(canonical(b).split())
    return _heading_names().get(b)


_UP = "A-ZĐÀ-ỸÂĂÊÔƠƯ"
_MOTTO_RE = regex.compile(
    r"^(?:CỘNG\s+HÒA\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM"
    r"|Độc\s+lập\s*[-–]\s*Tự\s+do\s*[-–]\s*Hạnh\s+phúc)",
    regex.I,
)
_NUMBER_LINE_RE = regex.compile(r"^Số\s*:?\s*[\w.…]*\s*[-/]\s*[%s]" % _UP)
DATE_LINE_RE = regex.compile(  # "Lạc Dương, ngày 05 tháng 7 năm 2022", "Thu Lũm, ngày 5/7/2022"
    r"^(?P<place>(?:TP\.?\s*)?\p{Lu}[\p{L}'’]*(?:[ \t]*-?[ \t]*\p{Lu}[\p{L}'’]*){0,4}),\s*ngày\s+(?P<d>[\d.…_ ]{1,4}?)\s*(?:tháng\s+|[/.-]\s*)(?P<m>[\d.…_ ]{1,4}?)"
    r"\s*(?:,?\s*năm\s+|[/.-]\s*)(?P<y>\d{4})",
)
_ORG_LINE_RE = regex.compile(
    r"^(?:ĐẢNG\s+BỘ|(?:HUYỆN|TỈNH|THÀNH|THỊ|QUẬN|ĐẢNG)\s+ỦY|ỦY\s+BAN|UBND|HỘI\s+ĐỒNG|HĐND|BAN\s|SỞ\s|PHÒNG\s"
    r"|BCĐ|VĂN\s+PHÒNG|TỈNH\s|HUYỆN\s|XÃ\s|THÀNH\s+PHỐ|THỊ\s+XÃ|THỊ\s+TRẤN|PHƯỜNG\s|QUẬN\s|CHI\s+BỘ"
    r"|MẶT\s+TRẬN|ỦY\s+BAN\s+MẶT\s+TRẬN|TRUNG\s+TÂM|BỘ\s|CHÍNH\s+PHỦ|QUỐC\s+HỘI|THỦ\s+TƯỚNG)"
)
SIGNATURE_PREFIX_RE = regex.compile(r"^(?:TM|T/M|T\.M|KT|K/T|K\.T|TL|T/L|TUQ|Q|TQ)\s*[.:]?\s*[%s]" % _UP)
SIGNATURE_ROLE_RE = regex.compile(
    r"^(?:PHÓ\s+)?(?:CHỦ\s+TỊCH|BÍ\s+THƯ|TRƯỞNG\s+BAN|GIÁM\s+ĐỐC|TRƯỞNG\s+PHÒNG|CHÁNH\s+VĂN\s+PHÒNG"
    r"|THỦ\s+TƯỚNG|BỘ\s+TRƯỞNG|TRƯỞNG\s+ĐOÀN|CHÁNH\s+ÁN|VIỆN\s+TRƯỞNG|THỨ\s+TRƯỞNG|TRƯỞNG\s+THÔN|TRƯỞNG\s+BẢN"
    r"|THƯỜNG\s+TRỰC)(?:\s+\p{Lu}+){0,3}$"
)
_RECIPIENTS_RE = regex.compile(r"^\W*Nơi\s+nhận\b", regex.I)
# "Nơi nhận:" glued to the end of the last body line by a lost line break
RECIPIENTS_ANY_RE = regex.compile(r"(?:^\W*|(?<=[\s.)]))Nơi\s+nhận\s*:", regex.I)
_END_MARK_RE = regex.compile(r"\./\.\W*$|[^\d\s]/\.\W*$")
_APPENDIX_RE = regex.compile(
    r"^\W*(?:PHỤ\s+LỤC|Phụ\s+lục)\b"
    r"|^\W*(?:BIỂU|Biểu)(?:\s+(?:số|SỐ|mẫu|MẪU|tổng|TỔNG|\d|[IVX]+\b)|\s*$|\s*[:.])"
    r"|^\(\s*(?:Ban\s+hành\s+)?[Kk]èm\s+theo\b"
)
SECTION_START_RE = regex.compile(
    r"^\W{0,3}(?:[IVXLC]{1,6}\s*[.)/:-]\s*\S|(?:PHẦN|Phần|CHƯƠNG|Chương|ĐIỀU|Điều|MỤC|Mục)\s+(?:\d|[IVXLC]+\b|thứ)"
    r"|[A-D]\s*[.)]\s+\S|\d{1,2}\s*[.)]\s*\S)"
)


def is_signature_line(line: str) -> bool:
    """A signature line in capitals: ``TM. ỦY BAN NHÂN DÂN``, ``KT. CHỦ TỊCH``, ``BÍ THƯ``."""
    b = _bare(line)
    if not b or b != b.upper():  # canonical() keeps the case of every letter: test before it
        return False
    b = canonical(b)
    return bool(SIGNATURE_PREFIX_RE.match(b) or SIGNATURE_ROLE_RE.match(b))


def is_closing_line(line: str) -> bool:
    """A line that only appears at the end of a document (recipients, signature, ./.)."""
    s = line.strip()
    return bool(
        _RECIPIENTS_RE.match(s)
        or (":" in s and RECIPIENTS_ANY_RE.search(s))  # "Nơi nhận:" anywhere: look for the colon first
        or ("/." in s and _END_MARK_RE.search(s))  # the search tries every position: look for "/." first
        or is_signature_line(s)
    )


# OCR reads the "*" under a letterhead as "*%", "*'", "%*" ...: a run of symbols holding a star
_OCR_MARK_RE = regex.compile(r"^(?=[^\p{L}\p{N}\s]*\*)[^\p{L}\p{N}\s]{1,6}(?:\s+|$)")


def strip_mark(line: str) -> str:
    """The line without a leading letterhead star and the OCR noise around it."""
    s = line.strip()
    if "*" not in s[:6]:  # the mark is at most 6 symbols, a star among them
        return s
    return _OCR_MARK_RE.sub("", s, count=1).strip()


def letterhead_kind(line: str) -> str | None:
    """``motto`` | ``number`` | ``date`` | ``org`` | ``mark`` for a letterhead-like line, else None."""
    raw = line.strip()
    if raw and len(raw) <= 8 and not any(c.isalnum() for c in raw):
        return "mark"  # "*", "---", and OCR's "*%", "* ,"
    b = strip_mark(raw).strip("*_").strip()
    if not b:
        return None
    if not b.strip("*-_=~.… "):  # nothing but these
        return "mark"
    # what each kind needs, read before canonical() (which keeps the case of every letter
    # and moves only tone marks, turning Ð into Đ): a motto starts with C/Đ (any case), a
    # number with "Số", a date line is "<Place>, ngày ...", an organisation with capitals
    first = b[0]
    motto = first in "CcĐđÐð"
    number = first == "S"
    date = first.isupper() and "," in b
    org = b[:2].isupper()
    if not (motto or number or date or org):
        return None
    b = canonical(b)
    if motto and _MOTTO_RE.match(b):
        return "motto"
    if number and _NUMBER_LINE_RE.match(b):
        return "number"
    if date and DATE_LINE_RE.match(b):
        return "date"
    if org and len(b) < 160 and not SIGNATURE_PREFIX_RE.match(b) and _ORG_LINE_RE.match(b):
        return "org"
    return None


def is_appendix_line(line: str) -> bool:
    return bool(_APPENDIX_RE.match(line.strip()))


def _letterhead_start(paras: list[tuple[int, int, str]], i: int) -> tuple[int, bool]:
    """Index of the first line of the letterhead block right above paragraph ``i``, and
    whether that block holds a line only a letterhead has (number, motto, organisation)."""
    j = i
    strong = False
    while j > 0:
        kind = letterhead_kind(paras[j - 1][2])
        if kind is None:
            break
        strong = strong or kind in ("motto", "number", "org")
        j -= 1
    return j, strong


def split_documents(text: str) -> list[Span]:
    """Character ranges ``[start, end)`` of the documents in one file's normalised text.

    The ranges are contiguous and cover the whole text (the first starts at 0).
    """
    if not text:
        return [(0, 0)]
    paras = paragraphs(text)
    starts = [0]
    closed = False  # a closing line came after it
    in_appendix = False
    body_seen = False  # something other than letterhead since the last start
    for i, (_s, _e, line) in enumerate(paras):
        if heading_type(line):
            j, strong = _letterhead_start(paras, i)
            start = paras[j][0]
            after_close = closed and not in_appendix
            if start > starts[-1] and body_seen and (after_close or strong):
                starts.append(start)
            closed = in_appendix = body_seen = False
            continue
        if letterhead_kind(line) is None:
            body_seen = True
        if is_closing_line(line):
            closed = True
            in_appendix = False
        elif closed and is_appendix_line(line):
            in_appendix = True
    ends = starts[1:] + [len(text)]
    return list(zip(starts, ends))


# --------------------------------------------------------------------------- front matter


@dataclass
class FrontMatter:
    """Spans (relative to the document text) of the parts of a document's opening."""

    doc_type: str | None = None
    heading: Span | None = None
    letterhead: Span = (0, 0)  # everything before the heading
    title: Span | None = None
    preamble: Span = (0, 0)  # after the title, up to the first section marker
    closing: Span | None = None  # from "Nơi nhận" / first signature line to the end


_PREAMBLE_CUE_RE = regex.compile(r"^\W{0,3}(?:Căn\s+cứ|Thực\s+hiện|Triển\s+khai|Thi\s+hành|Trên\s+cơ\s+sở)\b", regex.I)


_GLUED_PREAMBLE_RE = regex.compile(r"(?<=[^\s,;(])\s+(?=(?:Căn\s+cứ|Thực\s+hiện)\s+\p{L})")
_NO_TITLE_RE = regex.compile(r"^\W{0,3}Căn\s+cứ\b", regex.I)


def is_section_start(line: str) -> bool:
    s = line.strip()
    if _PREAMBLE_CUE_RE.match(s):
        return False
    return bool(SECTION_START_RE.match(s))


_SUBJECT_LINE_RE = regex.compile(r"\s*(?:V/v|V/V|Về\s+việc)\s+\S")


def front_matter(text: str, max_heading_paras: int = 40) -> FrontMatter:
    """The spans of one document's opening (letterhead, heading, title, preamble) and closing."""
    paras = paragraphs(text)
    fm = FrontMatter()
    h = None
    for i, (s, e, line) in enumerate(paras[:max_heading_paras]):
        t = heading_type(line)
        if t:
            h = i
            fm.doc_type = t
            fm.heading = (s, e)
            fm.letterhead = (0, s)
            break
    if h is None:  # a letter (công văn) has no type heading: its "V/v …" line follows the letterhead
        for i, (s, e, line) in enumerate(paras[:12]):
            if _SUBJECT_LINE_RE.match(line):
                h = i - 1
                fm.doc_type = "CÔNG VĂN"
                fm.heading = (s, s)
                fm.letterhead = (0, s)
                break
    k = 0 if h is None else h + 1
    pre_from = None
    if h is not None and k < len(paras):
        line = paras[k][2]
        if not _NO_TITLE_RE.match(line) and not is_section_start(line) and not is_closing_line(line):
            t_end = k
            if is_caps_line(line):  # a title in capitals keeps its lines apart: join them
                while (
                    t_end + 1 < len(paras)
                    and is_caps_line(paras[t_end + 1][2])
                    and not is_section_start(paras[t_end + 1][2])
                    and letterhead_kind(paras[t_end + 1][2]) is None
                ):
                    t_end += 1
            fm.title = (paras[k][0], paras[t_end][1])
            k = t_end + 1
            # a title glued to the first Căn cứ/Thực hiện sentence (lost line break)
            glued = _GLUED_PREAMBLE_RE.search(text, fm.title[0] + 1, fm.title[1])
            if glued:
                fm.title = (fm.title[0], glued.start())
                pre_from = glued.start() + 1
    pre_start = paras[k][0] if k < len(paras) else len(text)
    if pre_from is not None:
        pre_start = pre_from
    pre_end = pre_start if pre_from is None else paras[k - 1][1]  # the rest of a glued line
    for _s, e, line in paras[k : k + 20]:
        if is_section_start(line) or is_closing_line(line):
            break
        pre_end = e
    fm.preamble = (pre_start, max(pre_start, pre_end))
    # closing zone: the first recipients/signature line after the body
    body_from = fm.preamble[1]
    for s, _e, line in paras:
        if s < body_from:
            continue
        m = RECIPIENTS_ANY_RE.search(line) if ":" in line else None
        if m:
            fm.closing = (s + m.start() + len(m.group()) - len(m.group().lstrip(" \t*-")), len(text))
            break
        if is_signature_line(line):
            fm.closing = (s, len(text))
            break
    return fm
