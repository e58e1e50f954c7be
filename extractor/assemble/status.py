"""Results already achieved (``status`` records): the figure, and the date it holds at.

``as_of`` is read as a reader would: a date the sentence states (``tính đến
30/11/2023``, ``đến hết năm 2021``); else the document's own date for ``đến nay``
/ ``hiện có`` earlier in the paragraph; else a date the previous sentence of the
paragraph states; else ``6 tháng đầu năm (2025)`` before the figure (year-06); else the
year of the figure's own clause (``năm 2022``; never a base year, ``so với (cùng kỳ) năm
2020``); else ``N tháng đầu năm`` earlier in the paragraph; else the year in the section
title (``KẾT QUẢ NĂM 2023``); else the year the document is for; else its date; else null.
"""

from __future__ import annotations

from .. import rx as re

from ..model import Status
from ..recognise import Value, find_years
from .context import Context
from .roles import DEFAULT_COMMITMENT, Role

_DATE_RE = re.compile(r"\b(?:đến|tới|tính\s+đến|tại\s+thời\s+điểm|thời\s+điểm)\s+(?:ngày\s+)?(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>(?:19|20)\d\d)\b", re.I)
_YEAR_END_RE = re.compile(r"\b(?:đến|tới|tính\s+đến)\s+(?:(?:hết|cuối)\s+)?năm\s+(?P<y>(?:19|20)\d\d)\b|\b(?:hết|cuối)\s+năm\s+(?P<y2>(?:19|20)\d\d)\b", re.I)
_MONTH_RE = re.compile(r"\b(?:đến|tới|tính\s+đến)\s+(?:(?:hết|cuối)\s+)?tháng\s+(?P<m>\d{1,2})(?:\s*[/.-]\s*|\s+năm\s+)(?P<y>(?:19|20)\d\d)\b", re.I)
_NOW_RE = re.compile(r"\b(?:đến\s+nay|hiện\s+(?:nay|có|tại|đạt)|tính\s+đến\s+nay|đến\s+thời\s+điểm\s+(?:này|hiện\s+tại))\b", re.I)
_DATA_NOTE_RE = re.compile(r"\(\s*(?:số\s+liệu|tính\s+đến)[^()]{0,80}\)", re.I)
_CLAUSE_BREAK_RE = re.compile(r"[;]")
_PART_OF_YEAR_RE = re.compile(
    r"\b(?:(?P<n>\d{1,2})\s+tháng\s+đầu\s+năm|(?<=\b(?:trong|sau)\s+)(?P<n2>\d{1,2})\s+tháng(?!\s+(?:tới|tiếp|cuối|sau))|đầu\s+năm(?=\s+(?:19|20)\d\d))"
    r"(?:\s+(?P<y>(?:19|20)\d\d))?", re.I)
_PERIOD_END_RE = re.compile(r"\b(?:giai\s+đoạn|nhiệm\s+kỳ)\s+(?:19|20)\d\d\s*[-–]\s*(?P<y>(?:19|20)\d\d)\s*,", re.I)
# a year leading the paragraph dates what it reports: "Theo đó, năm 2023, kinh tế … đạt …"
_LEAD_YEAR_RE = re.compile(r"^\W*(?:(?:theo\s+đó|trong|sau)\s*,?\s*)?năm\s+(?P<y>(?:19|20)\d\d)\s*,", re.I)
_YEAR_RE = re.compile(r"\bnăm\s+(?P<y>(?:19|20)\d\d)\b(?!\s*[-–])", re.I)
# a base year ("so với cuối năm 2023") or a period is not the date a figure holds at
_BASE_RE = re.compile(r"\bso\s+(?:với\s+)?(?:cùng\s+kỳ\s+)?(?:(?:cuối|đầu|hết)\s+)?(?:năm\s+)?(?:19|20)\d\d|\b(?:giai\s+đoạn|nhiệm\s+kỳ)\s+(?:19|20)\d\d"
                      r"|\btừ\s+(?:năm\s+)?(?:19|20)\d\d(?=\s*(?:đến|tới)\s+nay)", re.I)  # "Từ năm 2013 đến nay": a span's start


def _date_in(text: str) -> str | None:
    """The date nearest the end of ``text`` that a result is reported at: a day, a month
    (``tính đến tháng 11/2022``) or a year end (``đến hết năm 2021``); base years excluded."""
    text = _BASE_RE.sub(lambda m: " " * len(m.group(0)), text)  # "so với cuối năm 2021" is a base
    found: list[tuple[int, str]] = []
    for m in _DATE_RE.finditer(text):
        d, mo = int(m.group("d")), int(m.group("m"))
        if 1 <= d <= 31 and 1 <= mo <= 12:
            found.append((m.end(), f"{m.group('y')}-{mo:02d}-{d:02d}"))
    for m in _MONTH_RE.finditer(text):
        mo = int(m.group("m"))
        if 1 <= mo <= 12:
            found.append((m.end(), f"{m.group('y')}-{mo:02d}"))
    for m in _YEAR_END_RE.finditer(text):
        found.append((m.end(), m.group("y") or m.group("y2")))
    return max(found)[1] if found else None


def _part_of_year(ctx: Context, text: str, start_of_year: bool = True) -> str | None:
    """``6 tháng đầu năm (2025)``, ``trong 6 tháng`` or ``đầu năm 2025`` in ``text``: the year and
    month those months end with (January for the start of the year)."""
    m = _PART_OF_YEAR_RE.search(text)
    if not m or not start_of_year and not (m.group("n") or m.group("n2")):
        return None  # "đầu năm 2025" dates its own sentence only
    year = m.group("y") or ctx.plan_year or ctx.doc_year
    n = m.group("n") or m.group("n2")
    month = int(n) if n else 1
    return f"{year}-{month:02d}" if year else None


def as_of_for(ctx: Context, sent, pos: int) -> str | None:
    """The date or year a result at ``pos`` (sentence offsets) holds at."""
    before = sent.text[:pos]
    got = _date_in(before)
    if got:
        return got
    period = _PERIOD_END_RE.search(before)
    if period and not _BASE_RE.search(sent.text, max(0, period.start() - 12), period.end()):
        return period.group("y")  # "Giai đoạn 2021 - 2024, toàn xã đã huy động …": at the period's end
    para = ctx.paras[sent.para]
    if ctx.meta.date and _NOW_RE.search(before):
        return ctx.meta.date  # "đến nay", "hiện có": the document's own date
    i = ctx.sent_index.get(sent.start)
    prev = ctx.sents[i - 1] if i else None
    if prev is not None and prev.para == sent.para:  # "Tiến độ … đến 30/9/2015 - Tổng …: 1.286 tiêu chí"
        got = _date_in(prev.text)
        if got:
            return got
    earlier = ctx.text[para.start:sent.start]
    got = _date_in(earlier)  # "Đến hết năm 2024, xã đã đạt …. … đã cứng hóa 100% …": the paragraph's date
    if got:
        return got
    lead = _PERIOD_END_RE.match(earlier) or _LEAD_YEAR_RE.match(earlier) if earlier else None
    if lead:  # "Nhiệm kỳ 2020-2025, xã … đạt được …. Cụ thể, …": the paragraph's period or year
        return lead.group("y")
    text = _BASE_RE.sub(lambda m: " " * len(m.group(0)), sent.text)
    got = _part_of_year(ctx, text[:pos])
    if got:
        return got
    years = [m for m in _YEAR_RE.finditer(text)]
    if years:
        before_pos = [m for m in years if m.start() < pos and not _CLAUSE_BREAK_RE.search(text, m.end(), pos)]
        return (before_pos[-1] if before_pos else years[0]).group("y")  # the year of the figure's own clause
    got = _part_of_year(ctx, ctx.text[ctx.paras[sent.para].start:sent.start], start_of_year=False)
    if got:
        return got
    if ctx.meta.date and _NOW_RE.search(earlier):
        return ctx.meta.date  # "Hiện thôn đạt 7/10 tiêu chí. …": the paragraph speaks of now
    for sec in reversed(ctx.chain(sent.start)):
        note = _DATA_NOTE_RE.search(ctx.text, sec.start, min(sec.start + 300, sent.start))
        got = _date_in(sec.title) or (_date_in(note.group()) if note else None)
        if got:  # "4. Kết quả … (số liệu đến 30/11/2023)", or that note on the line under the heading
            return got
        ys = find_years(sec.title)
        if ys:
            return str(ys[-1].year)
    if ctx.plan_year:
        return str(ctx.plan_year)
    return ctx.meta.date


_APPROX_RE = re.compile(r"(?:hơn|gần|khoảng|trên|xấp\s+xỉ)\s*$", re.I)


def headline_results(ctx: Context, records: list) -> list:
    """A headline that restates a result of the body is a result too.

    "74% xã … đạt chuẩn" above "… đến nay cả nước đã có gần 74% xã đạt chuẩn": the
    headline has no cue of its own, and by default would read as a commitment.  It
    becomes a status record when the body reports the same figure (the same unit,
    the same value, or within one unit when the headline rounds: "hơn 51%")."""
    if ctx.sections or not ctx.paras:
        return records
    head = ctx.paras[0]
    if len(head.text) > 250:
        return records
    results = [r for r in records if r.type == "status" and r.start >= head.end]
    out = []
    for r in records:
        if r.type == "target" and r.start < head.end and r.role_reason == DEFAULT_COMMITMENT:
            approx = bool(_APPROX_RE.search(ctx.can[max(0, r.value_start - 12):r.value_start]))
            same = [s for s in results if s.unit == r.unit and (s.value == r.value or (approx and abs(s.value - r.value) < 1))]
            if same:
                role = Role("result", f"tiêu đề nhắc lại kết quả / headline restating a result ({same[0].value_text})")
                v = Value(r.value_start - r.start, r.value_end - r.start, 0, 0, r.value, r.value_max, r.unit, "", r.fraction, None, r.value_text or "")
                sent = ctx.sentence_at(r.start)
                if sent is not None:
                    out.append(status_record(ctx, sent, v, role, section=r.section, topic=r.topic, subject=r.subject,
                                             comparator=r.comparator, criterion=r.criterion, scope=r.scope))
                    continue
        out.append(r)
    return out


def status_record(ctx: Context, sent, v: Value, role: Role, *, section, topic, subject, comparator,
                  criterion=None, criteria_set=None, scope=None) -> Status:
    return Status(
        quote=sent.text,
        start=sent.start,
        end=sent.end,
        section=section,
        confidence=0.8,
        topic=topic,
        value=v.value,
        value_max=v.value_max,
        unit=v.unit,
        comparator=comparator,
        as_of=as_of_for(ctx, sent, v.start),
        subject=subject,
        criterion=criterion,
        criteria_set=criteria_set,
        scope=scope,
        fraction=v.fraction,
        value_text=v.text,
        value_start=sent.start + v.start,
        value_end=sent.start + v.end,
        role_reason=role.reason,
    )
