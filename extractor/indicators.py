"""Indicators: what a figure measures, from the catalogue in ``rules/indicators.yml``.

    link_indicators(records, text)   # sets indicator, indicator_name, indicator_match
    polarity("ty_le_ho_ngheo")       # "lower_better"
    name("bhyt")                     # "Tỷ lệ người dân tham gia bảo hiểm y tế"
    aliases("bhyt")                  # folded words that name it ("bao hiem y te", "bhyt", ...)
    expand_query("bao hiem y te")    # ["bhyt"]: other names of what a search names

A figure is read from its own clause, never from a wide window:

* a percentage followed by an administrative unit (``40% số xã ...``, or ``tỷ lệ xã
  ... đạt 40%``) or a count of units (``05 xã``) is a share/count of those units; what
  they reach is read after the unit word: a criterion number (``tiêu chí số 2``), the
  criteria named after ``tiêu chí`` (``tiêu chí giao thông, thủy lợi``), advanced or
  model NTM, another named standard (``đạt chuẩn tiếp cận pháp luật``), or NTM.
  A share "at advanced level" in a sentence that names criteria (``100% xã đảm bảo
  tiêu chí về văn hóa; ít nhất 40% số xã đạt tiêu chí xã NTM nâng cao``) is the share
  meeting that advanced-set criterion, not the overall advanced-NTM share;
* any other figure takes the indicator whose alias is nearest to it: in the figure
  itself (``20 sản phẩm OCOP``), then in the clause before it back to the previous
  figure, then after it up to the next figure, then earlier in the sentence.
  Among the indicators an alias names, the one whose unit families fit the figure's
  unit wins (``thu nhập ... 52 triệu đồng/người/năm`` vs ``thu nhập ... gấp 1,6 lần``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Iterable, Optional

from . import rx as regex
from .fold import fold
from .indicator_catalogue import Catalogue, Indicator  # noqa: F401  (Indicator re-exported)
from .recognise import open_paren_before
from .rules import load_rules

_WORDS = regex.compile(r"[\w&/]+")
_SUB_CUE = regex.compile(r"(?<!\w)trong\s+do(?!\w)")


@dataclass
class Hit:
    ids: list  # indicator ids the matched words name, in catalogue order
    start: int  # offsets in the window searched
    end: int


@functools.lru_cache(maxsize=4)
def _catalogue(_key: int) -> Catalogue:
    return Catalogue(load_rules("indicators"))


def catalogue() -> Catalogue:
    """The catalogue (read once per rules file)."""
    return _catalogue(id(load_rules("indicators")))


# --------------------------------------------------------------------------- public API


def get(indicator_id: Optional[str]) -> Optional[Indicator]:
    return catalogue().by_id.get(indicator_id or "")


def polarity(indicator_id: Optional[str]) -> str:
    """``higher_better``, ``lower_better`` or ``neither`` (unknown ids: ``neither``)."""
    i = get(indicator_id)
    return i.polarity if i else "neither"


def name(indicator_id: Optional[str]) -> Optional[str]:
    i = get(indicator_id)
    return i.name if i else None


def name_en(indicator_id: Optional[str]) -> Optional[str]:
    i = get(indicator_id)
    return (i.name_en or i.name) if i else None


def aliases(indicator_id: Optional[str]) -> list[str]:
    """The folded words that name an indicator (abbreviations included)."""
    i = get(indicator_id)
    return [a.replace("…", " ") for a in i.aliases] if i else []


def family(unit: Optional[str]) -> Optional[str]:
    return catalogue().family(unit)


def intensive(fam: Optional[str]) -> bool:
    """Is a figure of this unit family a level (compared across plans), not an amount added up?"""
    return bool((catalogue().families.get(fam or "") or {}).get("intensive"))


def expand_query(query: str) -> list[str]:
    """Other folded wordings of a search query: each catalogue alias or abbreviation the
    query contains, replaced by the other names of the same thing."""
    q = " ".join(_WORDS.findall(fold(query)))
    if not q:
        return []
    cat = catalogue()
    groups: list[list[str]] = [[a, f] for a, f in cat.abbrev.items() if a != f]
    for ind in cat.by_id.values():
        plain = [a for a in ind.aliases if "…" not in a and len(a) > 2]
        short = [a for a in plain if len(a.split()) == 1 and a in cat.abbrev]
        if short:
            groups.append(plain)
    out: list[str] = []
    for g in groups:
        for a in sorted(g, key=len, reverse=True):
            pat = r"(?<!\w)" + regex.escape(a) + r"(?!\w)"
            if regex.search(pat, q):
                for b in g:
                    if b != a:
                        alt = regex.sub(pat, b, q)
                        if alt != q and q not in alt and alt not in out:  # no superset of the query itself
                            out.append(alt)
                break
    return out


# --------------------------------------------------------------------------- windows


_CLAUSE_END_BACK = regex.compile(r"(?r)[;\n.]")  # searched backwards


def _clause_start(t: str, lo: int, pos: int) -> int:
    """Start of the clause before ``pos`` (not before ``lo``): after ``;``, a line break, or
    a full stop that is no decimal point."""
    for m in _CLAUSE_END_BACK.finditer(t, lo, pos):
        i = m.end()
        if m.group() != "." or not (t[i - 2:i - 1].isdigit() and t[i:i + 1].isdigit()):
            return i
    return lo


_AFTER_MARK = regex.compile(r"[();\n.,]")
_TRONG_DO = regex.compile(r",\s*(?:trong\s+đó|trong\s+do)\b", regex.I)


def _after(t: str, pos: int, hi: int, stops: Iterable[int]) -> int:
    """End of the text after a figure: the next figure outside parentheses, a clause end,
    ``, trong đó`` or the ")" closing the group the figure sits in.  Parenthesised
    groups after the figure are skipped (left in the window, their figures ignored)."""
    limit = min(hi, pos + 220)
    stops = sorted(s for s in stops if pos < s < limit)
    k = 0  # the next stop
    i = pos
    while i < limit:
        m = _AFTER_MARK.search(t, i, limit)
        at = m.start() if m else limit
        while k < len(stops) and stops[k] < i:
            k += 1  # inside a parenthesised group skipped
        if k < len(stops) and stops[k] <= at:
            return stops[k]  # the next figure
        if not m:
            return limit
        c = m.group()
        if c == "(":
            j = t.find(")", at + 1, min(len(t), at + 300))
            if j < 0:
                return min(at, limit)
            i = j + 1
            continue
        if c in ");\n" or (c == "." and not (t[at - 1:at].isdigit() and t[at + 1:at + 2].isdigit())):
            return at
        if c == "," and _TRONG_DO.match(t[at:at + 14]):
            return at
        i = at + 1
    return min(i, limit)


def _inside_parens(t: str, lo: int, pos: int) -> Optional[int]:
    """Offset of the "(" a figure sits in (same sentence), else None."""
    if t.find("(", lo, pos) < 0:  # most figures: no bracket before them at all
        return None
    return open_paren_before(t, pos, lo)


@dataclass
class Clause:
    """The words around one figure, folded (same offsets as the text)."""

    figure: str
    before: str  # back to the previous figure or the clause start
    after: str  # up to the next figure or the clause end
    sentence: str  # the sentence up to the figure
    helper: bool  # the figure restates another inside parentheses
    b0: int = 0  # offset of ``before`` in the text
    a0: int = 0
    s0: int = 0


def clause_of(text: str, folded: str, start: int, end: int, vs: int, ve: int, others: list[tuple[int, int]]) -> Clause:
    lo = start
    paren = _inside_parens(text, lo, vs)
    prev_ends = [e for s, e in others if e <= vs and s < vs]
    b0 = max([_clause_start(text, lo, vs)] + prev_ends + ([paren + 1] if paren is not None else []))
    cue = [m.end() for m in _SUB_CUE.finditer(folded, b0, vs)]
    if cue:
        b0 = cue[-1]  # "X đạt 99%, trong đó 60% ...": the words before "trong đó" are X's
    a1 = _after(text, ve, max(end, ve), [s for s, _ in others if s >= ve])
    after = regex.sub(r"\([^()]*\)", lambda m: " " * len(m.group(0)), folded[ve:a1])
    return Clause(figure=folded[vs:ve], before=folded[b0:vs], after=after, sentence=folded[lo:vs],
                  helper=paren is not None, b0=b0, a0=ve, s0=lo)


# --------------------------------------------------------------------------- matching


_TOKEN = regex.compile(r"[\w&]+")


def _hits(cat: Catalogue, window: str) -> list[Hit]:
    """Every alias match in the window, in catalogue order (longest alias first).

    An alias pattern's words are bounded by non-word characters, so only the patterns
    whose words are all tokens of the window are tried."""
    toks = set(_TOKEN.findall(window))
    idx = {i for tok in toks for i in cat.alias_by_first.get(tok, ()) if cat.alias_words[i] <= toks}
    idx.update(i for i in cat.alias_slashed if cat.alias_first[i] in window)
    out = []
    for i in sorted(idx):
        p, ids = cat.alias_rx[i]
        for m in p.finditer(window):
            out.append(Hit(ids=ids, start=m.start(), end=m.end()))
    return out


def _fits(cat: Catalogue, ids: list[str], fam: Optional[str]) -> list[str]:
    fams = {fam, "percent"} if fam == "percent_per_year" else {fam}  # a yearly change of a rate
    if fam == "money":
        fams.add("money_per_head")  # "thu nhập bình quân đầu người: 62 triệu đồng"
    return [i for i in ids if fam is None or fams & set(cat.by_id[i].families)]


def _pick(cat: Catalogue, hits: list[Hit], fam: Optional[str], nearest_end: bool, window_len: int) -> Optional[tuple[str, Hit]]:
    """The indicator of the hit nearest the figure whose families fit the unit."""
    if not hits:
        return None
    key = (lambda h: (window_len - h.end, -(h.end - h.start))) if nearest_end else (lambda h: (h.start, -(h.end - h.start)))
    for h in sorted(hits, key=key):
        fit = _fits(cat, h.ids, fam)
        if fit:
            return fit[0], h
    return None


def _criteria_named(cat: Catalogue, setn: str, window: str) -> list[tuple[str, int, int]]:
    """Criteria of a set named in a window after "tiêu chí": [(number, start, end)]."""
    leads = [m.end() for p in cat.criterion_leads for m in p.finditer(window)]
    if not leads:
        return []
    first = min(leads)
    toks = set(_TOKEN.findall(window, first, first + 90))  # a name's words are whole tokens there
    found = []
    for p, num, words in cat.criterion_rx.get(setn, []):
        if not words <= toks:
            continue
        for m in p.finditer(window, first, first + 90):
            if not any(s <= m.start() < e for _, s, e in found):
                found.append((num, m.start(), m.end()))
    return found


def _lowest(nums: list[str]) -> str:
    return sorted(nums, key=lambda n: int(n))[0]


def _unit_share(cat: Catalogue, unit_key: str, cl: Clause, status_text: str, rec_criterion, rec_set,
                fam: Optional[str] = None, heading: Optional[str] = None) -> Optional[tuple[str, str]]:
    """(indicator id, matched folded words) of a share or count of administrative units."""
    base_set = {"huyen": "huyen_ntm"}.get(unit_key, "xa_ntm")
    adv = unit_key == "xa" and regex.search(r"nang\s+cao", status_text)
    m = cat.criterion_number.search(status_text)
    if m and unit_key in ("xa", "huyen"):
        setn = "xa_ntm_nang_cao" if adv else base_set
        iid = cat.by_criterion.get((setn, m.group(1).lstrip("0") or "0"))
        if iid:
            return iid, m.group(0)
    if unit_key in ("xa", "huyen") and regex.search(r"(?<!\w)tieu\s+chi(?!\w)", status_text):
        named = _criteria_named(cat, "xa_ntm_nang_cao" if adv else base_set, status_text)
        if named:
            num = _lowest([n for n, _, _ in named])
            setn = "xa_ntm_nang_cao" if adv else base_set
            return cat.by_criterion[(setn, num)], status_text[min(s for _, s, _ in named):max(e for _, _, e in named)]
    for key, pats in cat.statuses:
        if key == "ntm":
            continue
        for p in pats:
            sm = p.search(status_text)
            if not sm:
                continue
            if key == "nang_cao" and unit_key == "xa":
                named = _criteria_named(cat, "xa_ntm_nang_cao", cl.sentence)
                if named:
                    num = _lowest([n for n, _, _ in named])
                    return cat.by_criterion[("xa_ntm_nang_cao", num)], sm.group(0)
            iid = cat.by_status.get((unit_key, key))
            if iid:
                return iid, sm.group(0)
    hit = _pick(cat, _hits(cat, status_text), fam, False, len(status_text))
    if hit and cat.by_id[hit[0]].status is None:
        return hit[0], status_text[hit[1].start:hit[1].end]
    crit_id = heading
    if crit_id is None and rec_criterion and unit_key in ("xa", "huyen"):
        num = str(rec_criterion).split(".")[0].lstrip("0")
        setn = rec_set if rec_set in ("xa_ntm", "xa_ntm_nang_cao", "huyen_ntm") else base_set
        crit_id = cat.by_criterion.get((setn, num))
    for p in dict(cat.statuses).get("ntm", []):
        sm = p.search(status_text)
        if sm:
            if crit_id and not regex.search(r"nong\s+thon\s+moi|ntm", sm.group(0)):
                return crit_id, sm.group(0)  # a bare "đạt chuẩn" under a criterion's heading
            iid = cat.by_status.get((unit_key, "ntm"))
            if iid:
                return iid, sm.group(0)
    if hit:
        return hit[0], status_text[hit[1].start:hit[1].end]
    if crit_id:
        return crit_id, ""
    return None


_HEADING = regex.compile(r"^\s*(?:[ivx]+|\d{1,2}(?:\.\d{1,2})*|[a-zđ])\s*[.)/]\s*(.{3,160})$")


def _heading_criterion(cat: Catalogue, folded: str, start: int, unit_key: str) -> Optional[str]:
    """The criterion the heading above a passage is about ("2. Tiêu chí số 2 về Giao thông"):
    a bare "đạt chuẩn" under it means meeting that criterion."""
    if unit_key not in ("xa", "huyen"):
        return None
    lo = max(0, start - 1500)
    lines = folded[lo:start].split("\n")
    for line in reversed(lines[:-1] if len(lines) > 1 else []):
        m = _HEADING.match(line)
        if not m:
            continue
        head = m.group(1)
        if not regex.search(r"(?<!\w)tieu\s+chi(?!\w)", head):
            return None
        adv = unit_key == "xa" and regex.search(r"nang\s+cao", head)
        setn = "xa_ntm_nang_cao" if adv else ("huyen_ntm" if unit_key == "huyen" else "xa_ntm")
        n = cat.criterion_number.search(head)
        if n:
            return cat.by_criterion.get((setn, n.group(1).lstrip("0") or "0"))
        named = _criteria_named(cat, setn, head)
        return cat.by_criterion.get((setn, _lowest([x for x, _, _ in named]))) if named else None
    return None


def _variant(cat: Catalogue, iid: str, cl: Clause) -> str:
    for v in cat.variants.get(iid, []):
        if any(regex.search(r"(?<!\w)" + regex.escape(q) + r"(?!\w)", cl.before + " " + cl.figure + " " + cl.after)
               for q in v.qualifier):
            return v.id
    return iid


def _coverage(cat: Catalogue, after: str, end: int) -> bool:
    rest = after[end:end + 40]
    return any(p.match(rest) for p in cat.coverage_rx)


def _general(cat: Catalogue, cl: Clause, fam: Optional[str]) -> Optional[tuple[str, int, int]]:
    """(id, start, end in the text) of the alias nearest the figure."""
    comma = cl.after.find(",")
    after = cl.after if comma < 0 else cl.after[:comma]  # ", tỷ lệ ... đạt 95%" speaks of the next figure
    for window, base, nearest_end in ((cl.figure, None, True), (cl.before, cl.b0, True), (after, cl.a0, False)):
        hits = _hits(cat, window)
        if window is after:
            hits = [h for h in hits if not _coverage(cat, window, h.end)]
        got = _pick(cat, hits, fam, nearest_end, len(window))
        if got:
            iid, h = got
            off = (cl.a0 - len(cl.figure)) if base is None else base
            return iid, off + h.start, off + h.end
    got = _pick(cat, _hits(cat, cl.sentence), fam, True, len(cl.sentence))
    if got:
        iid, h = got
        return iid, cl.s0 + h.start, cl.s0 + h.end
    return None


def link_one(text: str, folded: str, rec: Any, others: list[tuple[int, int]]) -> tuple[Optional[str], str]:
    """(indicator id, the words of the text that matched) for one figure record."""
    cat = catalogue()
    g = rec.get if isinstance(rec, dict) else (lambda k, d=None: getattr(rec, k, d))
    vs, ve, s, e = g("value_start"), g("value_end"), g("start"), g("end")
    if not all(isinstance(x, int) for x in (vs, ve, s, e)) or not (s <= vs < ve <= len(text)):
        return None, ""
    cl = clause_of(text, folded, s, e, vs, ve, [o for o in others if o != (vs, ve)])
    unit = g("unit") or ""
    fam = cat.family(unit)
    unit_key = None
    status_text = cl.after
    if fam == "unit_count":
        hit = cat.admin_at(fold(unit), False)
        unit_key = hit[0] if hit else None
        if unit_key is None:
            got = cat.admin_at(cl.figure.split(None, 1)[-1] if " " in cl.figure else "", False)
            unit_key = got[0] if got else None
    elif fam == "percent":
        got = cat.admin_at(cl.after, True)
        if got:
            unit_key = got[0]
            status_text = cl.after[got[1]:]
        else:
            for lead_rx in cat.share_before_rx:
                for m in lead_rx.finditer(cl.before):
                    got = cat.admin_at(cl.before[m.end():], False)
                    if got:
                        unit_key = got[0]
                        status_text = cl.before[m.end() + got[1]:] + " " + cl.after
    if unit_key:
        r = _unit_share(cat, unit_key, cl, status_text, g("criterion"), g("criteria_set"), fam,
                        _heading_criterion(cat, folded, s, unit_key))
        if r is None and fam == "unit_count" and not cl.helper:
            r = _unit_share(cat, unit_key, cl, cl.before, g("criterion"), g("criteria_set"), fam)
        if r:
            iid, words = r
            i = folded.find(words, s, e) if words else -1
            return iid, (text[i:i + len(words)] if i >= 0 else words)
        if fam == "unit_count":
            return None, ""
    got = _general(cat, cl, fam)
    if not got:
        dflt = cat.default_for.get(fam or "")
        return (dflt, "") if dflt else (None, "")
    iid, a, b = got
    return _variant(cat, iid, cl), text[a:b]


def _restated(figs: list, r: Any, g) -> tuple[Optional[str], str]:
    """A figure in parentheses restating the share or count just before it in the same
    sentence ("80% số xã đạt chuẩn (81/101 xã)") measures the same units."""
    cat = catalogue()
    vs = g("value_start")
    best = None
    for o in figs:
        go = o.get if isinstance(o, dict) else (lambda k, d=None, o=o: getattr(o, k, d))
        if o is r or go("start") != g("start") or not isinstance(go("value_end"), int) or go("value_end") > vs:
            continue
        oid = go("indicator")
        if oid and (best is None or go("value_end") > best[0]):
            best = (go("value_end"), oid, go("indicator_match") or "")
    if best is None:
        return None, ""
    fam = cat.family(g("unit"))
    return (best[1], best[2]) if fam in cat.by_id[best[1]].families else (None, "")


def link_indicators(records: list, text: str) -> list:
    """Set ``indicator``, ``indicator_name`` and ``indicator_match`` on every target and
    status record (pydantic records or dicts) from its own clause; returns ``records``."""
    cat = catalogue()
    folded = fold(text)
    if len(folded) != len(text):  # fold keeps NFC length; guard against odd input
        folded = folded[: len(text)].ljust(len(text))
    figs = []
    for r in records:
        t = r.get("type") if isinstance(r, dict) else getattr(r, "type", None)
        if t in ("target", "status"):
            figs.append(r)
    by_quote: dict[tuple, list[tuple[int, int]]] = {}
    for r in figs:
        g = _getter(r)
        if isinstance(g("value_start"), int) and isinstance(g("value_end"), int):
            by_quote.setdefault((g("start"), g("end")), []).append((g("value_start"), g("value_end")))
    unlinked = []
    for r in figs:
        g = _getter(r)
        try:
            iid, words = link_one(text, folded, r, by_quote.get((g("start"), g("end")), []))
        except Exception:  # a bad record never stops the document
            iid, words = None, ""
        _set_link(cat, r, iid, words)
        if iid is None:
            unlinked.append(r)
    # then, in text order, a figure that restates one before it takes that one's indicator
    # (after every figure's own clause was read: the answer does not depend on record order)
    for r in sorted(unlinked, key=lambda r: _getter(r)("value_start") or 0):
        iid, words = _restated(figs, r, _getter(r))
        if iid is not None:
            _set_link(cat, r, iid, words)
    return records


def _getter(r):
    return r.get if isinstance(r, dict) else (lambda k, d=None, r=r: getattr(r, k, d))


def _set_link(cat: Catalogue, r, iid: Optional[str], words: str) -> None:
    ind = cat.by_id.get(iid) if iid else None
    vals = {"indicator": iid, "indicator_name": ind.name if ind else None,
            "indicator_match": (" ".join(words.split()) or None) if iid else None}
    for k, v in vals.items():
        if isinstance(r, dict):
            r[k] = v
        else:
            setattr(r, k, v)
