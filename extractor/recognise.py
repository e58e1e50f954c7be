"""Recognise stage: typed mentions in a sentence, from the patterns in ``rules/``.

Each finder returns mentions with character offsets relative to the text it is
given.  ``attach`` puts them on a spaCy Doc as ``doc.spans["kh"]`` (aligned with
``char_span(alignment_mode="expand")``) for anyone who wants the Doc/Span view.

Vietnamese numbers: ``.`` groups thousands, ``,`` is the decimal mark
(``35.051`` = 35051, ``17,57`` = 17.57, ``80.178,119`` = 80178.119).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from . import rx as re

from .rules import load_rules

def per_text(finder):
    """A finder is a pure function of its text, and several stages ask for the same
    sentence's mentions (targets, deadlines, funding, context years): compute them once
    per text (a bounded cache, so memory stays flat in long batches) and hand out a
    fresh list each time.  The mentions themselves are frozen."""
    cached = functools.lru_cache(maxsize=4096)(lambda text: tuple(finder(text)))

    @functools.wraps(finder)
    def find(text: str):
        return list(cached(text))

    find.cache_clear = cached.cache_clear
    find.cache_info = cached.cache_info
    return find


NUM = r"(?:\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)"
_WORD_END = r"(?![\p{L}\p{N}])"


def parse_number(s: str) -> float:
    """Decode a Vietnamese-notation number: ``1.234,5`` -> 1234.5, ``02`` -> 2."""
    s = s.strip().replace(" ", "")
    if "," in s:
        s = s.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+", s):
        s = s.replace(".", "")
    return float(s)


# --------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Value:
    start: int  # whole mention (from "từ" of a range to the end of the unit)
    end: int
    num_start: int
    num_end: int
    value: float
    value_max: float | None
    unit: str
    kind: str  # rate | count | per_unit | multiple
    fraction: list[int] | None = None
    unit_comparator: str | None = None
    text: str = ""


@functools.lru_cache(maxsize=1)
def _units_any():
    """Every unit rule as one ordered alternation: the first rule that matches wins, as in
    the list (longest first), in one match call instead of one per rule."""
    units = load_rules("units")["units"]
    alts = "|".join(f"(?P<u{i}>(?:{u['pattern']}){_WORD_END})" for i, u in enumerate(units))
    return re.compile(r"\s*(?:" + alts + ")", re.I), units


def _unit_at(text: str, pos: int):
    """The unit starting at ``pos`` (after optional spaces), longest rule first."""
    rx, units = _units_any()
    m = rx.match(text, pos)
    if not m:
        return None
    u = units[int(m.lastgroup[1:])]
    canonical = u["canonical"]
    if "{0}" in canonical:
        canonical = canonical.format(m.group(0).strip().split("/")[0].strip())
    return m.end(), canonical, u


_RANGE_RE = re.compile(
    r"(?P<from>\btừ\s+)?(?P<a>" + NUM + r")\s*(?P<au>%)?\s*(?:(?<=\d\s*%?\s*)(?:đến|tới)\s+|[-–]\s*)(?P<b>" + NUM + r")(?!\s*/\s*\d)"
)
_INT = r"(?:\d{1,3}(?:\.\d{3})+|\d{1,4})"  # a whole number, maybe with thousands dots: 5.775
# the numerator may be an average: "bình quân đạt 12,6/19 tiêu chí"
_FRACTION_RE = re.compile(r"(?<![\d/.,])(?P<a>" + _INT + r"(?:,\d{1,2})?)\s*/\s*(?P<b>" + _INT + r")(?![\d/]|[.,]\d)")
_RANGE_OF_FRACTION_RE = re.compile(r"(?<![\d/.,])(?P<a>" + _INT + r")\s*[-–]\s*(?P<b>" + _INT + r")\s*/\s*(?P<d>" + _INT + r")(?![\d/]|[.,]\d)")
# "185 trong tổng số 220 xã", "12 trên tổng số 18 xã": a fraction in words
_OUT_OF_RE = re.compile(r"(?<![\d/.,])(?P<a>" + _INT + r")\s+(?:trong|trên)\s+(?:tổng\s+số\s+)(?P<b>" + _INT + r")(?![\d/]|[.,]\d)", re.I)
_NEXT_FRACTION_RE = re.compile(r"\s*(?:và|,)\s*" + _INT + r"\s*/\s*" + _INT)
_NUMBER_RE = re.compile(r"(?<![\d/.,])(?P<a>" + NUM + r")(?![\d/]|[.,]\d)")


def _fractions(text: str):
    """``48/85 xã`` and ``185 trong tổng số 220 xã``, in text order."""
    found = list(_FRACTION_RE.finditer(text))
    if "tổng" in text:
        found += _OUT_OF_RE.finditer(text)
        found.sort(key=lambda m: m.start())
    return found


@per_text
def find_values(text: str) -> list[Value]:
    """Figures followed by a known unit: rates, counts, per-unit amounts, multiples."""
    out: list[Value] = []
    taken: list[tuple[int, int]] = []

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for m in _RANGE_RE.finditer(text):
        u = _unit_at(text, m.end())
        if not u:
            continue
        # a range inside a date or document number is not a figure
        if re.search(r"[/]\s*$", text[: m.start("a")]) or (m.group("au") is None and u[1] != "%" and "/" in text[m.start():m.end()]):
            continue
        end, canonical, rule = u
        a, b = parse_number(m.group("a")), parse_number(m.group("b"))
        if b <= a or (m.group("from") is None and "-" not in text[m.end("a"):m.start("b")] and "–" not in text[m.end("a"):m.start("b")]):
            if b <= a:
                continue
        start = m.start("from") if m.group("from") else m.start("a")
        out.append(Value(start, end, m.start("a"), m.end("b"), a, b, canonical, rule["kind"], None, rule.get("comparator"), text[start:end]))
        taken.append((m.start("a"), end))

    for m in _RANGE_OF_FRACTION_RE.finditer(text):  # "các xã đều đạt 12-13/19 tiêu chí": a range out of 19
        u = _unit_at(text, m.end())
        if not u or not free(m.start(), u[0]):
            continue
        a, b = parse_number(m.group("a")), parse_number(m.group("b"))
        if not a < b <= parse_number(m.group("d")):
            continue
        end, canonical, rule = u
        out.append(Value(m.start(), end, m.start("a"), m.end("b"), a, b, canonical, rule["kind"], None, rule.get("comparator"), text[m.start():end]))
        taken.append((m.start(), end))

    for m in _fractions(text):
        if not free(m.start(), m.end()):
            continue
        u = _unit_at(text, m.end())
        if not u:  # "lần lượt 17/19 và 16/19 tiêu chí": the unit written once serves both
            nxt = _NEXT_FRACTION_RE.match(text, m.end())
            shared = _unit_at(text, nxt.end()) if nxt else None
            u = (m.end(), shared[1], shared[2]) if shared else None
        if not u or u[1] in ("%",):
            continue
        end, canonical, rule = u
        a, b = parse_number(m.group("a")), int(parse_number(m.group("b")))
        a = int(a) if a == int(a) else a
        if a > b or b == 0:
            continue
        fraction = [a, b] if isinstance(a, int) else None  # an average out of b is no count of b
        out.append(Value(m.start(), end, m.start("a"), m.end("a"), float(a), None, canonical, rule["kind"], fraction, rule.get("comparator"), text[m.start():end]))
        taken.append((m.start(), end))

    for m in _NUMBER_RE.finditer(text):
        if not free(m.start(), m.end()):
            continue
        u = _unit_at(text, m.end())
        if not u:
            continue
        end, canonical, rule = u
        # "35.051 triệu đồng" is money, "380 triệu đồng/ha/năm" a per-unit figure
        out.append(Value(m.start(), end, m.start(), m.end(), parse_number(m.group("a")), None, canonical, rule["kind"], None, rule.get("comparator"), text[m.start():end]))
        taken.append((m.start(), end))
    out.extend(_word_values(text, free))
    out.sort(key=lambda v: v.start)
    return out


@functools.lru_cache(maxsize=1)
def _number_words():
    w = load_rules("units").get("number_words") or {}
    values = w.get("values") or {}
    if not values:
        return None, {}, None, None, None
    rx = re.compile(r"(?<![\p{L}\p{N}])(?:" + "|".join(sorted(values, key=len, reverse=True)) + r")(?![\p{L}\p{N}])", re.I)
    return rx, values, re.compile(w["after"], re.I), re.compile(w["opening"]), re.compile(w["then"], re.I)


_DIGIT_ANY = re.compile(r"\d")


def may_hold_value(text: str) -> bool:
    """A cheap test: can ``text`` hold a figure (a digit, or a number written as a word)?"""
    if _DIGIT_ANY.search(text):
        return True
    rx = _number_words()[0]
    return bool(rx is not None and rx.search(text))


def _word_values(text: str, free) -> list[Value]:
    """Small counts written as words before a count unit: "ít nhất một huyện" (rules/units.yml)."""
    rx, values, after, opening, then = _number_words()
    if rx is None:
        return []
    out = []
    for m in rx.finditer(text):
        word = m.group().lower()
        u = _unit_at(text, m.end())
        if not u or u[2]["kind"] not in ("count", "multiple") or not free(m.start(), u[0]):
            continue
        if not after.search(text, max(0, m.start() - 30), m.start()) and not (
                opening.search(text[max(0, m.start() - 3):m.start()]) and then.match(text, u[0])):
            continue
        end, canonical, rule = u
        out.append(Value(m.start(), end, m.start(), m.end(), float(values[word]), None, canonical, rule["kind"], None,
                         rule.get("comparator"), text[m.start():end]))
    return out


@functools.lru_cache(maxsize=1)
def _per_forms():
    return [(re.compile(f["words"], re.I), dict(f["units"]), re.compile(f["unless"], re.I) if f.get("unless") else None)
            for f in load_rules("units").get("per_forms") or []]


def per_head_unit(unit: str, before: str) -> str:
    """The unit with the denominator its clause gives (rules/units.yml ``per_forms``):
    ``triệu đồng/năm`` of an income per head -> ``triệu đồng/người/năm``; an average count
    of criteria -> ``tiêu chí/xã`` (not in ``không còn xã dưới 15 tiêu chí``)."""
    for words, units, unless in _per_forms():
        if unit in units and words.search(before[-160:]) and not (unless and unless.search(before[-60:])):
            return units[unit]
    return unit


# --------------------------------------------------------------------------- money


@dataclass(frozen=True)
class Money:
    start: int
    end: int
    amount_vnd: int
    text: str


@functools.lru_cache(maxsize=1)
def _money_re():
    alts = "|".join(f"(?:{m['pattern']})" for m in load_rules("units")["money"])
    return re.compile(r"(?<![\d.,/])(?P<n>" + NUM + r")\s*(?P<u>" + alts + r")(?!\s*/)" + _WORD_END, re.I)


@per_text
def find_money(text: str) -> list[Money]:
    """Money amounts, decoded to đồng (``80.178,119 triệu đồng`` -> 80178119000)."""
    out = []
    rules = load_rules("units")["money"]
    for m in _money_re().finditer(text):
        unit = m.group("u")
        factor = next(r["factor"] for r in rules if re.fullmatch(r["pattern"], unit, re.I))
        out.append(Money(m.start(), m.end(), int(round(parse_number(m.group("n")) * factor)), m.group(0)))
    return out


# --------------------------------------------------------------------------- years and dates


@dataclass(frozen=True)
class YearMention:
    start: int
    end: int
    year: int


@functools.lru_cache(maxsize=1)
def _year_res():
    t = load_rules("targets")
    return [re.compile(p, re.I) for p in t["year_patterns"]], re.compile(t["year_not"], re.I)


_YEAR_POSSIBLE = re.compile(r"(?:19|20)\d\d")  # every year pattern ends in one
_DATE_CONTEXT_RE = re.compile(r"(?:tháng\s+\d{1,2}\s+(?:năm\s+)?|\d{1,2}/\d{1,2}/)$", re.I)


@per_text
def find_years(text: str) -> list[YearMention]:
    """Years a target is to be met by (``đến năm 2025``, ``đến hết 2022``, ``năm 2023``)."""
    if not _YEAR_POSSIBLE.search(text):
        return []
    pats, not_re = _year_res()
    out: dict[int, YearMention] = {}
    excluded = [(m.start(), m.end()) for m in not_re.finditer(text)]
    for rx in pats:
        for m in rx.finditer(text):
            s = m.start(1)
            if any(a <= s < b for a, b in excluded):
                continue
            if _DATE_CONTEXT_RE.search(text[: m.start()] + text[m.start():s]):
                continue
            if s not in out:
                out[s] = YearMention(m.start(), m.end(), int(m.group(1)))
    return sorted(out.values(), key=lambda y: y.start)


@dataclass(frozen=True)
class DateMention:
    start: int  # the whole expression, from the cue word ("trước", "vào", "từ")
    end: int
    date: str  # ISO, YYYY-MM or YYYY; "--MM-DD" / "--" when the year is the document's
    kind: str  # before | within | at | window (rules/deadlines.yml "cues")
    precision: str = "day"  # day | month | quarter | year
    cue: str = ""  # the cue as written


@functools.lru_cache(maxsize=1)
def _date_res():
    """(regex, precision) per date form, each led by any cue (rules/deadlines.yml)."""
    r = load_rules("deadlines")
    cues = "|".join(f"(?P<{kind}>{'|'.join(f'(?:{c})' for c in pats)})" for kind, pats in r["cues"].items())
    lead = r"(?<![\p{L}\p{N}])(?:" + cues + r")\s+(?:" + r["cue_modifier"] + r"\s+)?"
    out = [(re.compile(r"(?<![\p{L}\p{N}])(?P<window>" + r["window"] + ")" + _WORD_END, re.I), "day")]
    for precision in ("day", "month", "quarter", "year", "this_year"):
        out.append((re.compile(lead + "(?:" + r["forms"][precision] + ")" + _WORD_END, re.I), precision))
    return out, {str(k): v for k, v in r["quarter_end"].items()}


_DATE_POSSIBLE = re.compile(r"\d|năm", re.I)


@per_text
def find_dates(text: str) -> list[DateMention]:
    """Dates a task is due by: ``trước ngày 20/9/2025``, ``trong tháng 6 năm 2019``,
    ``vào cuối năm 2023``, ``trước tháng 9.2020``, ``từ ngày 16 - 22/3/2018`` (the end date)."""
    out: list[DateMention] = []
    if not _DATE_POSSIBLE.search(text):
        return out  # every date form holds a digit or the word "năm"
    taken: list[tuple[int, int]] = []
    res, q_end = _date_res()
    for rx, precision in res:
        for m in rx.finditer(text):
            if any(not (m.end() <= a or m.start() >= b) for a, b in taken):
                continue
            kind = next(k for k in ("window", "before", "within", "at") if m.groupdict().get(k))
            y = m.group("y")
            if precision == "day":
                d, mo = int(m.group("d")), int(m.group("m"))
                if not (1 <= d <= 31 and 1 <= mo <= 12):
                    continue
                date = f"{y}-{mo:02d}-{d:02d}" if y else f"--{mo:02d}-{d:02d}"
            elif precision == "month":
                mo = int(m.group("m"))
                if not 1 <= mo <= 12:
                    continue
                date = f"{y}-{mo:02d}"
            elif precision == "quarter":
                date = f"{y}-{q_end[m.group('q').upper()]:02d}"
            elif precision == "this_year":  # "vào cuối năm": the document's year
                date, precision = "--", "year"
            else:
                date = y
            cue = m.group(kind)
            out.append(DateMention(m.start(), m.end(), date, kind, precision, cue))
            taken.append((m.start(), m.end()))
    out.sort(key=lambda d: d.start)
    return out


# --------------------------------------------------------------------------- criteria


@dataclass(frozen=True)
class CriterionMention:
    start: int
    end: int
    number: str  # "3", "13.2" (leading zeros dropped)
    name: str | None = None  # name written beside it: về “Thủy lợi…”, (Giáo dục)
    name_start: int | None = None
    name_end: int | None = None
    parent_ref: bool = False  # "thuộc tiêu chí số 13": names the parent of listed indicators


_CRIT_HEAD_RE = re.compile(r"(?:tiêu\s+chí|chỉ\s+tiêu|nội\s+dung)(?:\s+số)?\s*:?\s*(?=\d)", re.I)
_CRIT_NUM_RE = re.compile(r"\d{1,2}(?:\.\d{1,2})?(?![\d/%])(?!\s*(?:%|xã|huyện|tiêu\s+chí|sản\s+phẩm|làng|xóm|thôn))")
_CRIT_SEP_RE = re.compile(r"\s*(?:,|và|;)?\s*(?:(?:(?:tiêu\s+chí|chỉ\s+tiêu)(?:\s+số)?|số)\s*)?")  # "tiêu chí số 6, số 8 và số 16"
_NAME_RE = re.compile(r"\s*(?:về\s*|:\s*)?[“\"](?P<n>[^”\"]{2,200})[”\"]|\s*\((?P<p>[^()]{2,60})\)|\s*:\s*(?P<c>[A-ZĐÀ-Ỹ][^;.,()]{2,50})")


def _norm_crit(n: str) -> str:
    return ".".join(str(int(p)) for p in n.split("."))


@per_text
def find_criteria(text: str) -> list[CriterionMention]:
    """Criterion and indicator numbers: ``Tiêu chí số 3``, ``các chỉ tiêu 13.2, 13.3``, ``tiêu chí số 05 (Giáo dục)``."""
    out: list[CriterionMention] = []
    for head in _CRIT_HEAD_RE.finditer(text):
        pos = head.end()
        parent_ref = bool(re.search(r"(?:thuộc|của)\s*$", text[max(0, head.start() - 12):head.start()], re.I))
        while True:
            m = _CRIT_NUM_RE.match(text, pos)
            if not m:
                break
            num = _norm_crit(m.group(0))
            nm = _NAME_RE.match(text, m.end())
            name = ()
            if nm:
                g = "n" if nm.group("n") else ("p" if nm.group("p") else "c")
                name = (nm.group(g).strip(), nm.start(g), nm.end(g))
            out.append(CriterionMention(m.start(), m.end(), num, *name, parent_ref=parent_ref and "." not in num))
            pos = nm.end() if nm else m.end()
            sep = _CRIT_SEP_RE.match(text, pos)
            if not sep or not _CRIT_NUM_RE.match(text, sep.end()):
                break
            # a new "tiêu chí" word after the list resets the parent marker
            if re.search(r"tiêu\s+chí|chỉ\s+tiêu", sep.group(0), re.I):
                parent_ref = False
            pos = sep.end()
    # de-duplicate overlapping heads
    seen, uniq = set(), []
    for c in sorted(out, key=lambda c: c.start):
        if c.start not in seen:
            seen.add(c.start)
            uniq.append(c)
    return uniq


# --------------------------------------------------------------------------- spans to skip


_QUOTE_RE = re.compile(r"“[^”]{0,300}”|\"[^\"]{0,300}\"|‘[^’]{0,200}’")
CITATION_RE = re.compile(
    r"(?:Kế\s+hoạch|Quyết\s+định|Nghị\s+quyết|Chỉ\s+thị|Hướng\s+dẫn|Thông\s+tư|Nghị\s+định|Công\s+văn|Thông\s+báo|Báo\s+cáo|Đề\s+án|Chương\s+trình|Luật)\s+(?:số\s+)?\d+[\w/.-]*(?!\s*%)(?:\s*-\s*[A-ZĐ][\w/]*)?",
    re.I,
)


def open_paren_before(text: str, pos: int, lo: int = 0) -> int | None:
    """Offset of the "(" still open at ``pos`` (looking back no further than ``lo``), else None."""
    depth = 0
    for i in range(pos - 1, lo - 1, -1):
        c = text[i]
        if c == ")":
            depth += 1
        elif c == "(":
            if depth == 0:
                return i
            depth -= 1
    return None


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Quoted names, titles and slogans (``Phong trào “…”``), whose figures are not the
    text's own.  Reported speech is not among them: a quote after a colon or opening a
    sentence (``… cho biết: “Năm 2024, huyện phấn đấu …”``) says what the speaker's body
    has done or will do."""
    return [(m.start(), m.end()) for m in _QUOTE_RE.finditer(text) if not _is_speech(text, m.start(), m.group())]


_SPEECH_BEFORE_RE = re.compile(r"(?:[:.!?…\n]|^)\s*$")


def _is_speech(text: str, start: int, quote: str) -> bool:
    return bool(_SPEECH_BEFORE_RE.search(text[max(0, start - 3):start] if start >= 3 else text[:start])) \
        and len(quote.split()) >= 6 and quote[1:2].isupper()


def attach(doc, mentions: list[tuple[int, int, str]]):
    """Put (start, end, label) mentions on ``doc.spans["kh"]``."""
    spans = []
    for s, e, label in mentions:
        sp = doc.char_span(s, e, label=label, alignment_mode="expand")
        if sp is not None:
            spans.append(sp)
    doc.spans["kh"] = spans
    return doc
