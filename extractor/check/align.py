"""Figure geometry for the count rules: which figures are shares or counts of which
administrative units, and which count restates the share before it.

Comparisons between plans do not use this module: they link every figure to an
indicator of the catalogue (``extractor.indicators``, ``check.figures``).  This module
serves ``count_mismatch`` only (a count against the names listed after it, a share
against the fraction or count beside it), with the lexicon of ``rules/checks.yml``
(``indicators``): ``analyse(doc)`` gives each target its kind (``%``, ``count`` ...),
the administrative unit it is a share or count of, and whether it restates another
figure inside parentheses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

import regex

from ..fold import fold
from .config import content_words, rx, section
from .data import Doc, FigureValues


@dataclass
class Ind(FigureValues):
    """One target, analysed."""

    doc: Doc
    rec: dict
    kind: Optional[str] = None  # % | lan | count | tieu_chi | tieu_chi_xa | <folded unit>
    unit_key: Optional[str] = None  # xa | huyen | thon: a share/count of these units
    status: Optional[str] = None
    criterion: Optional[str] = None
    subject: Optional[str] = None
    quals: tuple = ()
    delta: bool = False
    sub: bool = False
    helper: bool = False  # a restatement inside parentheses
    result: bool = False  # in a section reporting results, not a commitment
    key: Optional[str] = None
    ctx: frozenset = field(default_factory=frozenset)
    before: str = ""
    after: str = ""

    @property
    def year(self) -> Optional[int]:
        return self.rec.get("year")

    @property
    def comparator(self) -> Optional[str]:
        return self.rec.get("comparator")

    @property
    def extensive(self) -> bool:
        """A count: added up over lower plans, never compared one to one."""
        return self.kind == "count"

    @property
    def unit_level(self) -> Optional[str]:
        if not self.unit_key:
            return None
        for u in _cfg().get("admin_units") or []:
            if u["key"] == self.unit_key:
                return u.get("level")
        return None

    @property
    def generic(self) -> bool:
        """A share/count of units with no criterion number and no specific subject."""
        return bool(self.unit_key) and self.criterion is None and self.status in (None, "tieu_chi", "ntm", "x")

    @property
    def cover_key(self) -> Optional[str]:
        """The key without its unit kind for shares/counts of units (a count of
        communes covers a share of communes)."""
        if not self.key:
            return None
        if self.unit_key:
            return self.key.split("|", 1)[1]
        return self.key


def _cfg() -> dict:
    return section("indicators")


# --------------------------------------------------------------------------- windows


def _stops(doc: Doc) -> list[int]:
    return sorted(r["value_start"] for r in doc.targets() if isinstance(r.get("value_start"), int))


def _after_window(doc: Doc, start: int, others: set[int], limit: int = 160) -> tuple[str, bool]:
    """Text after a figure up to its clause end or the next figure, parenthesised
    groups skipped.  Returns (text, ended inside parentheses)."""
    t = doc.canon
    out = []
    i = start
    n = len(t)
    end = min(n, start + limit)
    while i < end:
        c = t[i]
        if i in others and i != start:
            break
        if c in ";\n":
            break
        if c == "." and not (i > 0 and t[i - 1].isdigit() and i + 1 < n and t[i + 1].isdigit()):
            break
        if c == ")":
            return "".join(out), True
        if c == "(":
            j = t.find(")", i + 1, i + 200)
            if j < 0:
                break
            out.append(" ")
            i = j + 1
            continue
        if c == "," and rx(r",\s*trong\s+đó").match(t, i):
            break
        out.append(c)
        i += 1
    return "".join(out), False


def _before_window(doc: Doc, start: int, prev_stop: Optional[int], limit: int = 200) -> tuple[str, str, bool]:
    """(local, clause, inside parentheses): the text before a figure back to the
    previous figure (local) and back to the clause start (clause)."""
    t = doc.canon
    i = start
    lo = max(0, start - limit)
    local_start = None
    inside = False
    while i > lo:
        c = t[i - 1]
        if prev_stop is not None and i - 1 < prev_stop and local_start is None:
            local_start = i
        if c in ";\n":
            break
        if c == "." and not (i - 2 >= 0 and t[i - 2].isdigit() and i < len(t) and t[i].isdigit()):
            break
        if c == "(":
            inside = True
            break
        if c == ")":
            j = t.rfind("(", max(0, i - 200), i - 1)
            if j < 0:
                break
            i = j
            continue
        if c == ":" and not (i - 2 >= 0 and t[i - 2].isdigit()):
            break
        i -= 1
    clause = t[i:start]
    local = t[local_start:start] if local_start is not None and local_start > i else clause
    return local, clause, inside


# --------------------------------------------------------------------------- analysis


def _kind(unit: str) -> tuple[Optional[str], Optional[str]]:
    """(kind, admin unit key) of an extractor unit."""
    c = _cfg()
    u = (unit or "").strip()
    if not u:
        return None, None
    kinds = c.get("unit_kinds") or {}
    if u in kinds:
        return kinds[u], None
    if u.startswith("%"):
        return "%", None
    for a in c.get("admin_units") or []:
        if rx(r"^(?:%s)$" % a["pattern"]).match(u):
            return "count", a["key"]
    if u in (c.get("count_units") or []):
        return "count", None
    return "_".join(fold(u).split()), None


def _admin_after(text: str) -> Optional[str]:
    c = _cfg()
    lead = c.get("share_lead") or ""
    for a in c.get("admin_units") or []:
        if rx(lead + r"(?:%s)\b" % a["pattern"]).match(text):
            return a["key"]
    return None


def _admin_before(text: str) -> tuple[Optional[str], int]:
    """A "tỷ lệ xã ..." phrase in the text before a figure: (unit key, its end)."""
    c = _cfg()
    lead = c.get("share_before") or ""
    best = (None, -1)
    for a in c.get("admin_units") or []:
        for m in rx(lead + r"(?:%s)\b" % a["pattern"]).finditer(text):
            if m.start() > best[1]:
                best = (a["key"], m.end())
    return best


def _status(text: str) -> tuple[Optional[str], Optional[str]]:
    """(status, criterion number) named in a window."""
    crit = None
    m = rx(r"tiêu\s+chí\s+(?:số\s+)?0*(\d{1,2})(?![\d.,/])").search(text)
    if m:
        crit = m.group(1)
    for s in _cfg().get("statuses") or []:
        if rx(s["pattern"]).search(text):
            return s["key"], crit
    return None, crit


_SUBJECTS: tuple = (None, [], None)
_UNSAFE = regex.compile(r"\(\?[aiLmsuxVwfbre-]|\\\d|\(\?P?[<=]")  # inline flags, back-references, names


def _subjects() -> tuple[list[tuple[str, "regex.Pattern"]], Optional["regex.Pattern"]]:
    """(key, compiled pattern) of the lexicon's subjects, and one pattern that matches
    where any of them does (None when they cannot be joined); made once per lexicon."""
    global _SUBJECTS
    subs = _cfg().get("subjects") or []
    if _SUBJECTS[0] is not subs:
        pats = [(s["key"], rx(s["pattern"])) for s in subs]
        anyof = None
        if pats and not any(_UNSAFE.search(s["pattern"]) for s in subs):
            try:
                anyof = rx("|".join(f"(?:{s['pattern']})" for s in subs))
            except regex.error:
                anyof = None
        _SUBJECTS = (subs, pats, anyof)
    return _SUBJECTS[1], _SUBJECTS[2]


def _subject_in(text: str, nearest_end: bool) -> tuple[Optional[str], int]:
    """The subject whose match is nearest the figure: (key, distance)."""
    best, dist = None, 10**9
    n = len(text)
    pats, anyof = _subjects()
    if anyof is not None and anyof.search(text) is None:
        return best, dist  # no subject anywhere in the window
    for key, pat in pats:
        if nearest_end:
            for m in pat.finditer(text):
                if n - m.end() < dist:
                    best, dist = key, n - m.end()
        else:
            m = pat.search(text)  # the first match is the nearest to the start
            if m is not None and m.start() < dist:
                best, dist = key, m.start()
    return best, dist


def _words(text: str) -> set[str]:
    return content_words(text)


def analyse(doc: Doc) -> list[Ind]:
    """Every target of a document with its indicator key and context (cached on the doc)."""
    cached = getattr(doc, "_inds", None)
    if cached is not None:
        return cached
    c = _cfg()
    delta_comps = set(c.get("delta_comparators") or [])
    stops = _stops(doc)
    stop_set = set(stops)
    from .config import cfg as _all

    results_re = rx(_all().get("results_section") or r"(?!)")
    ends = sorted((r["value_end"], r["value_start"]) for r in doc.targets() if isinstance(r.get("value_end"), int))
    out: list[Ind] = []
    for r in doc.targets():
        vs, ve = r.get("value_start"), r.get("value_end")
        ind = Ind(doc=doc, rec=r)
        out.append(ind)
        if not isinstance(vs, int) or not isinstance(ve, int) or ve <= vs:
            continue
        prev = [e for e, s in ends if e <= vs and s < vs]
        prev_stop = max(prev) if prev else None
        after, _closed = _after_window(doc, ve, stop_set)
        local, clause, inside = _before_window(doc, vs, prev_stop)
        ind.after, ind.before = after, local
        ind.helper = inside
        kind, unit_key = _kind(r.get("unit") or "")
        ind.kind = kind
        if kind is None:
            continue
        # ---- shares and counts of administrative units
        if kind == "%":
            unit_key = _admin_after(after)
            status_text = after
            if unit_key is None:
                k, pos = _admin_before(local)
                if k is not None:
                    unit_key = k
                    status_text = local[pos:] + " " + after
            if unit_key is not None:
                ind.unit_key = unit_key
                ind.status, ind.criterion = _status(status_text)
        elif kind == "count" and unit_key is not None:
            ind.unit_key = unit_key
            ind.status, ind.criterion = _status(after)
        if ind.criterion is None and ind.unit_key and r.get("criterion"):
            ind.criterion = str(r["criterion"]).split(".")[0]
        # ---- subject of rates, amounts and counts of things
        if not ind.unit_key or ind.status is None:
            sa = sb = None
            subj, d = _subject_in(doc.canon[vs:ve], True)
            if subj is None:
                sb, db_ = _subject_in(local, True)
                sa, da = _subject_in(after, False)
                subj = sb if (sb is not None and (sa is None or db_ <= da)) else sa
            if subj is None and clause != local:
                subj, d = _subject_in(clause, True)
            if subj is None:
                # the subject named earlier in the same sentence ("Tỷ lệ hộ nghèo giảm
                # 1,5%/năm; đến năm 2025 còn dưới 4%")
                s0 = r.get("start")
                if isinstance(s0, int) and s0 < vs:
                    subj, d = _subject_in(doc.canon[s0:vs], True)
            ind.subject = subj
            if subj is not None and subj == sa and sa is not None and subj != sb:
                # "100% hộ nghèo được hỗ trợ ...": the subject is what is covered
                m = None
                for s_ in _cfg().get("subjects") or []:
                    if s_["key"] == subj:
                        m = rx(s_["pattern"]).search(after)
                        break
                if m and rx(c.get("coverage_cue") or r"(?!)").search(after[m.end():]):
                    ind.quals = ("cov",)
        quals = list(ind.quals)
        for q in c.get("qualifiers") or []:
            if rx(q["pattern"]).search(local + " " + after):
                quals.append(q["key"])
        ind.quals = tuple(sorted(quals))
        ind.delta = (r.get("comparator") in delta_comps) or (r.get("unit") or "").replace(" ", "").startswith("%/năm")
        ind.key = _compose(ind)
        sent_start = r.get("start") or max(0, vs - 300)
        ind.ctx = frozenset(_words(doc.canon[sent_start:vs] + " " + after))
        top = doc.top_section(r.get("start") or vs)
        if top and results_re.search(top.get("title") or ""):
            ind.result = True
    # a count in parentheses restating the share before it ("40% số xã đạt chuẩn NTM
    # nâng cao (khoảng 32 xã)") measures the same units
    for i, a in enumerate(out):
        if not (a.helper and a.kind == "count" and a.unit_key and a.status is None):
            continue
        prev = [b for b in out[:i] if b.kind == "%" and b.unit_key == a.unit_key and not b.helper
                and b.rec.get("start") == a.rec.get("start") and b.rec.get("value_end", 0) <= a.rec["value_start"]]
        if prev:
            b = prev[-1]
            a.status, a.criterion = b.status, b.criterion
            a.key = _compose(a)
    # sub-indicators: "X đạt 99%, trong đó 60% ..." of the same key
    sub_cue = rx(c.get("sub_cue") or r"trong\s+đó")
    for i, a in enumerate(out):
        if not a.key:
            continue
        for b in out[:i]:
            if b.key == a.key and b.rec.get("start") == a.rec.get("start") and b.rec["value_end"] <= a.rec["value_start"]:
                if sub_cue.search(doc.canon[b.rec["value_end"] : a.rec["value_start"]]):
                    a.sub = True
                    a.key += "|sub"
                    break
    doc._inds = out  # type: ignore[attr-defined]
    return out


def _compose(ind: Ind) -> Optional[str]:
    kind = ind.kind
    if kind in (None, "tieu_chi"):
        return None
    parts = [kind]
    if ind.unit_key:
        parts.append(ind.unit_key)
        status = ind.status
        if status is None:
            status = ind.subject or "x"
        if status == "tc" and ind.criterion is None:
            status = "tieu_chi"
        if status == "tc" or (ind.criterion and status in ("nang_cao", "kieu_mau", "tieu_chi")):
            parts.append(f"{status if status != 'tieu_chi' else 'tc'}:{ind.criterion}")
        else:
            parts.append(status)
    elif kind == "tieu_chi_xa":
        pass
    else:
        if not ind.subject:
            if kind == "count":
                unit = ind.rec.get("unit") or ""
                parts.append("_".join(fold(unit).split()))
                if not ind.after.strip():
                    return None
            else:
                return None
        else:
            parts.append(ind.subject)
    if ind.delta:
        parts.append("delta")
    parts.extend(ind.quals)
    return "|".join(parts)
