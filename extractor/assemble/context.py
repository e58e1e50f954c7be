"""What a reader carries from one sentence to the next: section, years, plan year, clauses."""

from __future__ import annotations

import bisect
import functools
from dataclasses import dataclass, field

from .. import rx as re

from ..model import DocMeta, Section
from ..normalise import canonical, is_caps_line
from ..recognise import find_years, quoted_spans
from ..rules import load_rules
from ..sections import Paragraph, enclosing, section_at
from ..segment import Sentence
from .tail import tail_rx

_PERIOD_RE = re.compile(r"(?:giai\s+đoạn|nhiệm\s+kỳ)\s+((?:19|20)\d\d)\s*[-–]\s*((?:19|20)\d\d)", re.I)
_SINGLE_YEAR_RE = re.compile(r"(?<!giai\s+đoạn\s+\d{4}\s*[-–]\s*)\bnăm\s+((?:19|20)\d\d)\b(?!\s*[-–])", re.I)


@dataclass
class Context:
    text: str
    can: str  # canonical tone placement, same length as text
    meta: DocMeta
    sections: list[Section]
    paras: list[Paragraph]
    sents: list[Sentence]
    plan_year: int | None = None
    body_start: int = 0
    _quotes: list = field(default_factory=list)
    sent_index: dict = field(default_factory=dict)  # sentence start -> position in sents
    by_para: dict = field(default_factory=dict)  # paragraph index -> its sentences
    sent_starts: list = field(default_factory=list)
    para_starts: list = field(default_factory=list)
    part_years: dict = field(default_factory=dict)
    sent_years: dict = field(default_factory=dict)  # sentence start -> the year its targets are for
    roles: dict = field(default_factory=dict)  # sentence start -> Role its last figure took from a cue
    _chains: dict = field(default_factory=dict)  # offset -> its sections (chain)
    body_end: int = 1 << 62  # a web page's "Tin liên quan": the article ends there
    standard_cells: list = field(default_factory=list)  # (start, end) of table cells holding national thresholds

    @property
    def doc_year(self) -> int | None:
        """The year the document was issued or published (for past/future years and ``đến nay``)."""
        if self.meta.date and self.meta.date[:4].isdigit():
            return int(self.meta.date[:4])
        return self.plan_year

    @functools.cached_property
    def planning_doc(self) -> bool:
        """The document is itself a plan, resolution, guidance … (not a report or an article)."""
        from .roles import PLANNING_TYPES

        return (self.meta.doc_type or "").upper() in PLANNING_TYPES

    def sentence_at(self, offset: int) -> Sentence | None:
        """The sentence holding ``offset``."""
        i = bisect.bisect_right(self.sent_starts, offset) - 1
        if i >= 0 and self.sents[i].start <= offset < self.sents[i].end:
            return self.sents[i]
        return None

    def section(self, offset: int) -> Section | None:
        return section_at(self.sections, offset)

    def chain(self, offset: int) -> tuple[Section, ...]:
        """The sections holding ``offset``, outermost first (asked once per offset: every
        stage asks for the same sentence and paragraph starts)."""
        got = self._chains.get(offset)
        if got is None:
            got = self._chains[offset] = tuple(enclosing(self.sections, offset))
        return got

    def in_quotes(self, s: int, e: int) -> bool:
        return any(a <= s and e <= b for a, b in self._quotes)


@functools.lru_cache(maxsize=1)
def target_rules():
    t = load_rules("targets")
    out = {k: re.compile(v, re.I) if isinstance(v, str) else v for k, v in t.items()}
    out["not_target_before"] = tail_rx(out["not_target_before"])  # asked yes/no of the words before a figure
    return out


_REPORT_LEAD_RE = re.compile(r"\s*(?:Đến\s+nay|Tính\s+đến|Hiện\s+nay|Đến\s+thời\s+điểm\s+này)\b")


def build_context(text: str, meta: DocMeta, sections, paras, sents) -> Context:
    ctx = Context(text=text, can=canonical(text), meta=meta, sections=sections, paras=paras, sents=sents)
    ctx._quotes = quoted_spans(text)
    ctx.sent_index = {s.start: i for i, s in enumerate(sents)}
    ctx.sent_starts = [s.start for s in sents]
    ctx.para_starts = [p.start for p in paras]
    for s in sents:
        ctx.by_para.setdefault(s.para, []).append(s)
    # the body starts at the first numbered section (title and preamble come before)
    firsts = [s.start for s in sections if s.level == 1]
    ctx.body_start = firsts[0] if firsts else 0
    # a letter's preamble may already report ("Đến nay, toàn huyện có 15/17 xã …") before its points
    lead = next((p.start for p in paras if p.start < ctx.body_start and _REPORT_LEAD_RE.match(p.text)), None)
    if lead is not None:
        ctx.body_start = lead
    related = target_rules()["related_news"]
    ctx.body_end = next((p.start for p in paras if p.start > ctx.body_start and related.match(p.text)), len(text))
    ctx.plan_year = _plan_year(meta, text[: ctx.body_start or 1500])
    return ctx


def _plan_year(meta: DocMeta, head: str) -> int | None:
    """The single year a plan is for (``năm 2025`` in its title or period), else None."""
    period = (meta.period or "").strip()
    if period:
        return int(period) if re.fullmatch(r"\d{4}", period) else None
    # no period from metadata: look at the title area (before any Căn cứ)
    title = re.split(r"\n(?:Căn\s+cứ|(?:Thực\s+hiện|Thi\s+hành)\s+(?:Kế\s+hoạch|Quyết\s+định|Nghị\s+quyết|Chỉ\s+thị|Hướng\s+dẫn|Công\s+văn)\s+(?:số\s+)?\d)", head, maxsplit=1)[0]
    title = re.sub(r"ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}|so\s+(?:với\s+)?(?:(?:cuối|đầu)\s+)?năm\s+\d{4}", " ", title)
    if _PERIOD_RE.search(title):
        return None
    years = {int(m.group(1)) for m in _SINGLE_YEAR_RE.finditer(title)}
    return years.pop() if len(years) == 1 else None


_CLAUSE_MARKS_BACK = re.compile(r"(?r)[();]")  # searched backwards


def clause_start(text: str, pos: int, stop_at_trong_do: bool = True) -> int:
    """Start of the clause holding ``pos``: after the last ``;`` (outside brackets) or ``trong đó``."""
    depth = 0
    for m in _CLAUSE_MARKS_BACK.finditer(text, 0, pos):  # from pos backwards
        c = m.group()
        if c == ")":
            depth += 1
        elif c == "(":
            if depth == 0:
                return m.end()  # inside a parenthesis: it is its own clause
            depth -= 1
        elif depth == 0:  # ";"
            return m.end()
    return 0


def trong_do_start(text: str, start: int, pos: int) -> int:
    """Move a clause start past the last ``trong đó`` before ``pos``."""
    last = None
    for m in re.finditer(r"trong\s+đó|Trong\s+đó", text[start:pos]):
        last = m
    return start + last.end() if last else start


def year_before(ctx: Context, sent: Sentence, pos: int) -> int | None:
    """The nearest year expression before ``pos`` in the sentence (sentence offsets)."""
    ys = [y for y in find_years(sent.text) if y.start < pos]
    return ys[-1].year if ys else None


_PART_RE = re.compile(r"^\s*(?:Phần|PHẦN)\s+(?:thứ\s+|THỨ\s+)?\w+\s*[:.]?\s*$")


def part_year(ctx: Context, top_start: int) -> int | None:
    """The year of the part heading right above a top-level section (caps lines, ``Phần thứ …``)."""
    if top_start in ctx.part_years:
        return ctx.part_years[top_start]
    year = None
    i = bisect.bisect_right(ctx.para_starts, top_start) - 2  # the paragraph before the section's title
    while i >= 0 and top_start - ctx.paras[i].start < 600:
        t = ctx.paras[i].text.strip()
        if not (is_caps_line(t) or _PART_RE.match(t)) or ctx.paras[i].kind in ("roman", "arabic"):
            break
        ys = find_years(t)
        if ys:
            year = ys[-1].year
            break
        i -= 1
    ctx.part_years[top_start] = year
    return year


_HORIZON_LEAD = re.compile(r"\b(?:đề\s+ra|đặt\s+ra|xác\s+định)\s+(?:\S+\s+){0,2}(?:chỉ\s+tiêu|mục\s+tiêu)\b", re.I)


def context_year(ctx: Context, sent: Sentence) -> tuple[int | None, str | None]:
    """The year a target without one in its sentence takes from context, and from where."""
    # a sentence continuing the previous one ("Trong đó: ...")
    i = ctx.sent_index[sent.start]
    if re.match(r"^\s*[-+]?\s*(?:Trong\s+đó|Cụ\s+thể|Bao\s+gồm)", sent.text) and i > 0 and ctx.sents[i - 1].para == sent.para:
        prev = ctx.sents[i - 1]
        ys = find_years(prev.text)
        if ys:
            return ys[-1].year, "previous_sentence"
    # the next sentence of the same paragraph: "… phấn đấu đến năm 2020 … chiếm 50%. Bình quân … 15 tiêu chí/xã"
    if i > 0 and ctx.sents[i - 1].para == sent.para and ctx.sent_years.get(ctx.sents[i - 1].start):
        return ctx.sent_years[ctx.sents[i - 1].start], "previous_sentence"
    # a lead sentence naming the horizon of what follows: "Nghị quyết đề ra 25 chỉ tiêu chủ yếu đến năm 2030 …. Phấn đấu …"
    if i > 0 and ctx.sents[i - 1].para == sent.para and _HORIZON_LEAD.search(ctx.sents[i - 1].text):
        ys = find_years(ctx.sents[i - 1].text)
        if ys:
            return ys[-1].year, "previous_sentence"
    chain = ctx.chain(sent.start)
    for sec in reversed(chain):
        ys = find_years(sec.title)
        if ys:
            return ys[-1].year, "section_title"
    if chain:  # a part heading above the numbered sections: "Phần thứ hai / PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2024"
        y = part_year(ctx, chain[0].start)
        if y:
            return y, "part_heading"
    # an intro paragraph ending in ":" right above ("Đến năm 2025, phấn đấu:")
    p = ctx.paras[sent.para]
    if p.kind == "bullet":  # walk back over the list's bullets to the lead ending in ":"
        k = sent.para - 1
        while k >= 0 and ctx.paras[k].kind == "bullet" and ctx.paras[k].marker == p.marker and sent.para - k < 12:
            k -= 1
        if k >= 0 and ctx.paras[k].text.rstrip().endswith(":"):
            ys = find_years(ctx.paras[k].text)
            if ys:
                return ys[-1].year, "intro"
    if ctx.plan_year:
        return ctx.plan_year, "plan_year"
    return None, None


@functools.lru_cache(maxsize=1)
def _topic_rx():
    """Every topic's keywords in one alternation, and each topic's keywords on their own, in the
    file's order.  The leftmost keyword wins, and at one position the topic listed first: one
    search finds the position, a match per topic there finds the first topic (an alternation
    without a named group a topic searches ~25 % faster)."""
    topics = list(load_rules("topics")["topics"].items())
    anywhere = re.compile("|".join(f"(?:{p})" for _, pats in topics for p in pats), re.I)
    each = [(name, re.compile("|".join(f"(?:{p})" for p in pats), re.I)) for name, pats in topics]
    return anywhere, each


def topic_of(text: str, fallbacks: list[str] = ()) -> str:
    """The first topic whose keywords occur in ``text``, else in each fallback (section titles)."""
    for t in [text, *fallbacks]:
        if t:
            got = _topic_in(t)
            if got:
                return got
    return "other"


@functools.lru_cache(maxsize=4096)  # section titles are asked again for every record under them
def _topic_in(t: str) -> str | None:
    anywhere, each = _topic_rx()
    m = anywhere.search(t)
    if m is None:
        return None
    return next(name for name, rx in each if rx.match(t, m.start()))
