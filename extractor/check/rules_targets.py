"""Target rules: a child plan against its parent, and one plan against itself.

* ``threshold_below_parent`` / ``exceeds_parent``: same indicator, same year, the
  child asks less / more (for ``<=`` targets: a higher / lower ceiling);
* ``deadline_after_parent``: same indicator, the child's year is later;
* ``missing_parent_target``: an objective of the parent that applies at the child's
  level has no counterpart in the child;
* ``internal_conflict``: one document gives one indicator two values.
"""

from __future__ import annotations

import regex

from .align import Ind, analyse, applicable_to, best_match, strictness
from .config import rx, section
from .data import Doc
from .flags import Flag, Passage, fmt_value


def _year_txt(y) -> str:
    return str(y) if y else "—"


def _values(c: Ind, p: Ind, parent_doc: Doc | None = None) -> dict:
    return {
        "child_value": fmt_value(c.rec),
        "parent_value": fmt_value(p.rec),
        "key": c.key,
        "year": _year_txt(c.year or p.year),
        "parent_doc": parent_doc.label if parent_doc else "",
        "child_when": _year_txt(c.year),
        "parent_when": _year_txt(p.year),
    }


def compare_with_parent(child: Doc, parent: Doc) -> list[Flag]:
    """Threshold, exceeds and deadline findings of one child against its parent."""
    a = section("alignment")
    tol = float(a.get("value_tolerance", 1e-6))
    pinds = [p for p in analyse(parent) if p.key and not p.helper and not p.extensive and not p.result]
    by_key: dict[str, list[Ind]] = {}
    for p in pinds:
        by_key.setdefault(p.key, []).append(p)
    out: list[Flag] = []
    seen: set[tuple] = set()
    cinds = [c for c in analyse(child) if c.key and not c.helper and not c.extensive and not c.result]
    dated = {c.key for c in cinds if c.year}
    for c in cinds:
        if c.year is None and c.key in dated:
            continue  # the same indicator with a year says what the plan commits to
        p = best_match(c, by_key.get(c.key, []))
        if p is None:
            continue
        pair = (c.rec["id"], p.rec["id"])
        if pair in seen:
            continue
        seen.add(pair)
        vals = _values(c, p, parent)
        cp, pp = Passage.of_record(child, c.rec), Passage.of_record(parent, p.rec)
        if c.year and p.year and c.year > p.year:
            out.append(Flag("deadline_after_parent", cp, pp, values=vals))
            continue
        if c.year and p.year and c.year < p.year:
            continue  # an earlier milestone of the same target
        cv, pv = strictness(c, p)
        if p.comparator == "<=" or c.comparator == "<=":
            below, above = cv > pv + tol, cv < pv - tol
        else:
            below, above = cv < pv - tol, cv > pv + tol
        if below:
            out.append(Flag("threshold_below_parent", cp, pp, values=vals))
        elif above:
            out.append(Flag("exceeds_parent", cp, pp, values=vals))
    return out


def _objective_inds(parent: Doc) -> list[Ind]:
    """The parent's targets in its objectives section(s), or all when it has none."""
    pat = rx(section("alignment").get("objectives_section") or r"mục\s+tiêu")
    tops = [s for s in parent.sections if (s.get("level") or 1) == 1 and pat.search(s.get("title") or "")]
    inds = analyse(parent)
    if not tops:
        return inds
    return [i for i in inds if any(s["start"] <= (i.rec.get("start") or 0) < s["end"] for s in tops)]


def _horizon(child: Doc) -> tuple[int | None, int | None]:
    """(first, last) year the child plan covers: its period, else its targets' years."""
    years = [i.year for i in analyse(child) if i.year]
    lo = hi = None
    period = child.period or ""
    m = regex.findall(r"(?:19|20)\d\d", period)
    if m:
        lo, hi = int(m[0]), int(m[-1])
    if years:
        hi = max(hi or 0, max(years))
        lo = lo or (int(child.date[:4]) if child.date and child.date[:4].isdigit() else None)
    return lo, hi


def missing_targets(child: Doc, parent: Doc) -> list[Flag]:
    a = section("alignment")
    if (child.doc_type or "") in set(a.get("no_target_types") or []):
        return []
    cinds = [c for c in analyse(child) if c.key]
    if len(child.targets()) < int(a.get("min_child_targets", 5)):
        return []
    covered = {c.cover_key for c in cinds} | {c.key for c in cinds}
    lo, hi = _horizon(child)
    out: list[Flag] = []
    done: set[str] = set()
    for p in _objective_inds(parent):
        if p.result or not applicable_to(p, child):
            continue
        if p.key in done:
            continue
        if p.year and hi and p.year > hi:
            continue  # beyond the child plan's horizon
        if p.year and lo and p.year < lo:
            continue  # already past when the child plan starts
        if p.key in covered or p.cover_key in covered or p.key.replace("|sub", "") in covered:
            continue
        done.add(p.key)
        vals = {"parent_value": fmt_value(p.rec), "key": p.key, "year": _year_txt(p.year),
                "parent_doc": parent.label}
        out.append(Flag("missing_parent_target", Passage(child), Passage.of_record(parent, p.rec), values=vals))
    return out


def _overlap(a: Ind, b: Ind, tol: float) -> bool:
    a0, a1 = a.value, a.value_max if a.value_max is not None else a.value
    b0, b1 = b.value, b.value_max if b.value_max is not None else b.value
    return a0 <= b1 + tol and b0 <= a1 + tol


def internal_conflicts(doc: Doc) -> list[Flag]:
    """One indicator given two values in one document (same key; same year, or one
    of them without year).  Shares and counts of units are compared only when both
    name the same criterion; counts of things never."""
    if not section("internal").get("enabled", True):
        return []
    tol = float(section("alignment").get("value_tolerance", 1e-6))
    groups: dict[str, list[Ind]] = {}
    for i in analyse(doc):
        if not i.key or i.helper or i.extensive or i.result:
            continue
        if i.unit_key and i.criterion is None:
            continue
        groups.setdefault(i.key, []).append(i)
    out: list[Flag] = []
    for key, inds in groups.items():
        inds.sort(key=lambda i: i.rec["value_start"])
        reported: set[tuple] = set()
        for j, b in enumerate(inds):
            for a in inds[:j]:
                if a.year and b.year and a.year != b.year:
                    continue
                if a.rec.get("start") == b.rec.get("start"):
                    continue  # one sentence: a range or a restatement
                if _overlap(a, b, tol):
                    continue
                pair = tuple(sorted(((a.value, a.value_max), (b.value, b.value_max)), key=str))
                if pair in reported:
                    break
                reported.add(pair)
                vals = {"child_value": fmt_value(a.rec), "parent_value": fmt_value(b.rec), "key": key,
                        "year": _year_txt(a.year or b.year)}
                out.append(Flag("internal_conflict", Passage.of_record(doc, a.rec),
                                Passage.of_record(doc, b.rec), values=vals))
                break
    return out


# --------------------------------------------------------------------------- dated tasks

_RECURRING = r"hằng\s+năm|hàng\s+năm|định\s+kỳ|mỗi\s+năm|hằng\s+quý|hàng\s+quý|hằng\s+tháng|hàng\s+tháng"
_LEVEL_WORDS = {"xa": r"\bxã\b", "huyen": r"\bhuyện\b", "tinh": r"\btỉnh\b"}


def _section_title(doc: Doc, offset: int) -> str:
    best = None
    for s in doc.sections:
        if s["start"] <= offset < s["end"] and (best is None or s["start"] >= best["start"]):
            best = s
    return (best or {}).get("title") or ""


def _task_words(doc: Doc, rec: dict) -> tuple[set[str], set[str]]:
    """(content words of a dated task, the levels it names)."""
    from .align import _words

    task = rec.get("task") or rec.get("quote") or ""
    around = " ".join([task, rec.get("agency") or "", _section_title(doc, rec.get("start") or 0)])
    levels = {k for k, p in _LEVEL_WORDS.items() if rx(p).search(around)}
    return _words(task), levels


def _date_later(a: str, b: str) -> bool | None:
    """Is ISO date ``a`` later than ``b``?  None when their precisions leave it open."""
    n = min(len(a), len(b))
    if a[:n] == b[:n]:
        return None if len(a) != len(b) else False
    return a[:n] > b[:n]


def deadline_conflicts(child: Doc, parent: Doc) -> list[Flag]:
    """A dated task of the child that is the parent's task (same words, same level)
    with a later date."""
    a = section("alignment")
    need = float(a.get("deadline_min_similarity", 0.6))
    rec_re = rx(_RECURRING)
    pdl = [r for r in parent.of_type("deadline") if r.get("date") and not rec_re.search(r.get("quote") or "")]
    out: list[Flag] = []
    for c in child.of_type("deadline"):
        if not c.get("date") or rec_re.search(c.get("quote") or ""):
            continue
        cw, cl = _task_words(child, c)
        if len(cw) < 3:
            continue
        best, score = None, 0.0
        for p in pdl:
            pw, pl = _task_words(parent, p)
            if len(pw) < 3 or (cl and pl and cl != pl):
                continue
            j = len(cw & pw) / len(cw | pw)
            if j > score:
                best, score = p, j
        if best is None or score < need:
            continue
        if _date_later(c["date"], best["date"]):
            vals = {"child_when": c["date"], "parent_when": best["date"], "key": (c.get("task") or "")[:60],
                    "parent_doc": parent.label}
            out.append(Flag("deadline_after_parent", Passage.of_record(child, c), Passage.of_record(parent, best),
                            values=vals))
    return out
