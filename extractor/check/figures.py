"""Figures as the target rules see them: each target linked to its indicator
(``rules/indicators.yml``), with the unit family, what kind of figure it is (a level,
a change, a yearly change), the year it is for, the part of the territory it covers,
and the direction rule that says which of two figures is the stricter commitment.

    figs = figures(doc)             # cached on the document
    key(fig)                        # (indicator, family, measure, scope): comparable figures share it
    direction(pol, child, parent)   # "weaker" | "stricter" | None
    period(doc)                     # (first year, last year) the plan covers
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import regex

from .. import indicators as ind
from ..fold import fold
from ..normalise import canonical as canonical_text
from ..recognise import open_paren_before
from .config import cfg, fold_word, level_rank, rx, section
from .data import Doc, FigureValues

_YEAR = regex.compile(r"(?:19|20)\d\d")
_PLACE = regex.compile(
    r"(?<![\p{L}])(xã|phường|thị\s+trấn|thôn|bản|làng|xóm|ấp|huyện|thị\s+xã)\s+"
    r"((?-i:\p{Lu})[\p{L}\-']*(?:\s+(?-i:\p{Lu})[\p{L}\-']*){0,3})", regex.I)  # "Huyện Phù Mỹ:" opens an item
# "Các huyện miền núi An Lão, Vĩnh Thạnh, Vân Canh": a unit word, then named places further on
_PLACES_LIST = regex.compile(r"(?i)(?<![\p{L}])(?:các\s+)?(?:xã|huyện|thị\s+xã|thành\s+phố|thị\s+trấn)\b[^:;]{0,40}?(?-i:\p{Lu})\p{L}+")
_UNIT_LEVEL = {"xa": "xa", "phuong": "xa", "thi tran": "xa", "thon": "thon", "ban": "thon", "lang": "thon",
               "xom": "thon", "ap": "thon", "huyen": "huyen", "thi xa": "huyen"}


@dataclass
class Fig(FigureValues):
    doc: Doc
    rec: dict
    indicator: Optional[str]
    family: Optional[str]
    measure: str  # level | change | change_year
    year: Optional[int]
    scope: Optional[str]  # a named part of the territory, None for the whole
    helper: bool  # restates another figure inside parentheses
    result: bool  # in a section that reports results
    info: Optional[ind.Indicator] = None  # the catalogue's entry for ``indicator``
    is_intensive: bool = False  # ``ind.intensive(family)``

    @property
    def comparator(self) -> Optional[str]:
        c = self.rec.get("comparator")
        if c in ("increase", "decrease") and self.measure == "level":
            return "="  # "giảm xuống 2,8%": the level it reaches
        return c

    @property
    def polarity(self) -> str:
        return self.info.polarity if self.info else "neither"

    @property
    def name(self) -> str:
        return (self.info.name if self.info else None) or (self.rec.get("subject") or "chỉ tiêu")

    @property
    def name_en(self) -> str:
        i = self.info
        return ((i.name_en or i.name) if i else None) or (self.rec.get("subject") or "target")

    @property
    def of_level(self) -> Optional[str]:
        """The level of the administrative units this figure is a share/count of."""
        return self.info.of if self.info else None

    @property
    def intensive(self) -> bool:
        """A level that lower plans restate (a rate, money per head ...), not an amount added up."""
        return self.is_intensive

    @property
    def comparable(self) -> bool:
        return bool(self.indicator) and self.intensive and not self.helper and not self.result

    @property
    def written(self) -> str:
        return written(self.doc, self.rec)


def period(doc: Doc) -> tuple[Optional[int], Optional[int]]:
    """(first, last) year of the plan: its period, else its targets' years."""
    ys = [int(y) for y in _YEAR.findall(doc.period or "")]
    if ys:
        return min(ys), max(ys)
    years = [r.get("year") for r in doc.targets() if isinstance(r.get("year"), int)]
    if years:
        return None, max(years)
    return None, None


# words that start how a figure is worded ("còn dưới 6%", "đạt từ 65% trở lên")
_CUES = {"dat", "con", "giam", "tang", "duy", "giu", "it", "toi", "tren", "duoi", "khong", "co", "tu", "len",
         "xuong", "o", "khoang", "gap", "bao", "phan", "la", "chiem", "muc"}


_LETTER = regex.compile(r"\p{L}")
_TAIL = regex.compile(r"\s*(trở\s+lên|trở\s+xuống)")


def written(doc: Doc, rec: dict) -> str:
    """The figure as the text words it: the words before it in its clause from the first
    wording cue among the last five (``còn``, ``đạt``, ``ít nhất`` ...), the
    figure, and "trở lên"/"trở xuống" right after it ("còn dưới 6%", "đạt từ 65% trở lên")."""
    t = doc.text
    vs, ve = rec.get("value_start"), rec.get("value_end")
    s0 = rec.get("start") or 0
    if not isinstance(vs, int) or not isinstance(ve, int) or ve <= vs:
        return " ".join((rec.get("value_text") or str(rec.get("value"))).split())
    lo = max(s0, vs - 60)
    head = t[lo:vs]
    cut = max(head.rfind(c) for c in ";:(\n")
    if cut >= 0:
        head, lo = head[cut + 1:], lo + cut + 1
    elif lo > s0 and t[lo - 1].isalnum():
        k = head.find(" ")
        head = head[k + 1:] if k >= 0 else ""
    comma = head.rfind(",")
    if comma >= 0 and len(head[comma + 1:].split()) >= 2:
        head = head[comma + 1:]
    words = head.split()[-5:]
    cue = next((i for i, w in enumerate(words) if fold_word(w.strip(",.;")) in _CUES), None)
    words = words[cue:] if cue is not None else words[-3:]
    while words and not _LETTER.search(words[0]):
        words = words[1:]
    tail = _TAIL.match(t[ve:ve + 16])
    out = " ".join(words + [t[vs:ve]]) + (" " + " ".join(tail.group(1).split()) if tail else "")
    return " ".join(out.split()).strip(" ,.;")


def _inside_parens(t: str, lo: int, pos: int) -> bool:
    return open_paren_before(t, pos, max(lo, pos - 300)) is not None


def _scope(doc: Doc, rec: dict) -> Optional[str]:
    """A named place narrower than the plan's territory in the figure's clause."""
    sc = rec.get("scope")
    if sc and (_PLACE.search(canonical_text(str(sc))) or _PLACES_LIST.search(canonical_text(str(sc)))):
        return str(sc)  # the extractor named a place; "toàn huyện", "khu vực nông thôn" are the whole
    vs = rec.get("value_start")
    s0 = rec.get("start") or 0
    if not isinstance(vs, int):
        return None
    t = doc.canon
    lo = max(s0, vs - 120)
    for stop in ";\n":
        k = t.rfind(stop, lo, vs)
        if k >= 0:
            lo = k + 1
    lc = level_rank(doc.level)
    own = {fold_word(x) for x in (doc.commune, doc.district, doc.province) if x}
    best = None
    for m in _PLACE.finditer(t, lo, vs):
        unit = _UNIT_LEVEL.get(" ".join(fold_word(m.group(1)).split()))
        lu = level_rank(unit)
        if lu is None or lc is None or lu <= lc or fold_word(m.group(2)) in own:
            continue
        best = f"{m.group(1)} {m.group(2)}"
    return best


_LEVEL_LEAD = regex.compile(r"(?:xuống(?:\s+còn)?|còn|lên(?:\s+(?:đến|tới|mức))?|đạt|ở\s+mức)\s*$", regex.I)


def _level_worded(doc: Doc, rec: dict) -> bool:
    """A rise or fall worded as the level it reaches ("giảm xuống 2,8%", "tăng lên 95%")."""
    vs = rec.get("value_start")
    if not isinstance(vs, int):
        return False
    return bool(_LEVEL_LEAD.search(doc.canon[max(rec.get("start") or 0, vs - 20):vs]))


def _measure(rec: dict, fam: Optional[str], doc: Doc) -> str:
    comp = rec.get("comparator")
    unit = fold_word(rec.get("unit") or "")
    if comp in ("increase", "decrease") and fam != "percent_per_year" and _level_worded(doc, rec):
        return "level"
    if comp in ("increase", "decrease") or fam == "percent_per_year":
        s0, vs = rec.get("start") or 0, rec.get("value_start") or 0
        clause = fold(doc.text[s0:(rec.get("value_end") or vs) + 12])
        yearly = fam == "percent_per_year" or "/nam" in unit or bool(_per_year_rx().search(clause))
        return "change_year" if yearly else "change"
    return "level"


_PER_YEAR: tuple = (None, None)


def _per_year_rx() -> "regex.Pattern":
    """One pattern for the catalogue's "per year" words (folded), made once per catalogue."""
    global _PER_YEAR
    words = ind.catalogue().settings.get("per_year") or []
    if _PER_YEAR[0] is not words:
        alts = "|".join(regex.escape(fold(w)) for w in words)
        _PER_YEAR = (words, regex.compile(r"(?<!\w)(?:" + alts + r")(?!\w)" if alts else r"(?!)"))
    return _PER_YEAR[1]


def figures(doc: Doc) -> list[Fig]:
    """Every target of a document as a ``Fig`` (status records are results, never here)."""
    cached = getattr(doc, "_figs", None)
    if cached is not None:
        return cached
    recs = [r for r in doc.records if r.get("type") in ("target", "status")]
    ind.link_indicators(recs, doc.text)  # the catalogue as it is now
    results_re = rx(cfg().get("results_section") or r"(?!)")
    lo, hi = period(doc)
    single = lo is not None and lo == hi
    goals_re = rx(section("alignment").get("objectives_section") or r"(?!)")
    out = []
    for r in doc.targets():
        fam = ind.family(r.get("unit"))
        i = ind.get(r.get("indicator"))
        if fam == "money" and i and "money_per_head" in i.families:
            fam = "money_per_head"  # "thu nhập bình quân đầu người: 62 triệu đồng"
        top = doc.top_section(r.get("start") or 0)
        measure = _measure(r, fam, doc)
        year = r.get("year") if isinstance(r.get("year"), int) else None
        if year is None and (single or (doc.period and measure == "level" and top
                                          and goals_re.search(top.get("title") or ""))):
            year = hi  # a one-year plan's year; the objectives of a multi-year plan are for its last year
        vs = r.get("value_start")
        family = "percent" if fam == "percent_per_year" else fam
        out.append(Fig(
            doc=doc, rec=r, indicator=r.get("indicator"), info=i, is_intensive=ind.intensive(family),
            family=family,
            measure=measure, year=year, scope=_scope(doc, r),
            helper=isinstance(vs, int) and _inside_parens(doc.text, r.get("start") or 0, vs),
            result=bool(top and results_re.search(top.get("title") or "")),
        ))
    doc._figs = out  # type: ignore[attr-defined]
    return out


def key(f: Fig) -> tuple:
    return (f.indicator, f.family, f.measure, f.scope)


# --------------------------------------------------------------------------- direction

_LEVEL_FLOOR = {">=": "lo", "=": "lo", None: "lo", "maintain": "lo", "range": "lo", "<=": None}
_LEVEL_CEIL = {"<=": "hi", "=": "hi", None: "hi", "maintain": "hi", "range": "hi", ">=": None}


def guaranteed(polarity: str, comparator: Optional[str], value: float, value_max: Optional[float]) -> Optional[float]:
    """The worst outcome a figure still commits to, on the indicator's own scale: the
    floor of a higher-is-better level, the ceiling of a lower-is-better one, the
    smallest promised change in the good direction or the largest in the bad one.
    None when the figure bounds nothing in the direction that matters (``<= 90%`` of a
    higher-is-better rate) or the indicator has no better direction."""
    lo, hi = value, (value_max if value_max is not None else value)
    if polarity not in ("higher_better", "lower_better"):
        return None
    if comparator in ("increase", "decrease"):
        good = (comparator == "increase") == (polarity == "higher_better")
        return lo if good else hi
    side = (_LEVEL_FLOOR if polarity == "higher_better" else _LEVEL_CEIL).get(comparator, "lo")
    if side is None:
        return None
    return lo if side == "lo" else hi


def better_sign(polarity: str, comparator: Optional[str]) -> int:
    """+1 when a larger guaranteed figure is the stricter commitment, -1 when smaller is."""
    if comparator in ("increase", "decrease"):
        good = (comparator == "increase") == (polarity == "higher_better")
        return 1 if good else -1
    return 1 if polarity == "higher_better" else -1


def direction(polarity: str, child: tuple, parent: tuple, tol: float = 1e-6) -> Optional[str]:
    """Is the child's figure weaker or stricter than the parent's?  ``child`` and
    ``parent`` are (comparator, value, value_max).  None when equal or not comparable
    (a change against a level, an increase against a decrease, no better direction)."""
    cc, cv, cm = child
    pc, pv, pm = parent
    cchg, pchg = cc in ("increase", "decrease"), pc in ("increase", "decrease")
    if cchg != pchg or (cchg and cc != pc):
        return None
    g_c = guaranteed(polarity, cc, cv, cm)
    g_p = guaranteed(polarity, pc, pv, pm)
    if g_c is None or g_p is None:
        return None
    sign = better_sign(polarity, cc)
    d = (g_c - g_p) * sign
    if d < -tol:
        return "weaker"
    if d > tol:
        return "stricter"
    return None


def applies_to(f: Fig, child: Doc) -> bool:
    """Does a parent's figure apply at the child's level?  A share of communes applies
    to a district plan, not to a commune's; rates and money per head apply to all."""
    lv = f.of_level
    if not lv:
        return True
    lu, lc = level_rank(lv), level_rank(child.level)
    return lu is not None and lc is not None and lu > lc


def tolerance() -> float:
    return float(section("alignment").get("value_tolerance", 1e-6))
