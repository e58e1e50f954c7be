"""Target rules: a child plan against its parent, and one plan against itself.

Figures are compared only when they are linked to the same indicator
(``rules/indicators.yml``) and have the same unit family, the same kind (a level, a
change, a yearly change) and the same scope (the whole territory, or one named
commune), for a year inside both plans' periods.  Status records (results) and
figures in results sections are never commitments.

* ``threshold_below_parent`` / ``exceeds_parent``: same year, the child's figure is
  weaker / stricter; which way is weaker comes from the indicator's polarity and the
  comparators (a poverty-rate ceiling of 6% is weaker than one of 4%);
* ``deadline_after_parent``: the child reaches the parent's figure only in a later year
  (the parent's year has no figure in the child);
* ``parent_period_ended`` (info): the child plans a later cycle than its parent; its
  years after the parent's period are not compared;
* ``missing_parent_target``: the parent sets an objective on an indicator that applies
  at the child's level, for a year the child covers, and the child sets nothing on it;
* ``internal_conflict``: one document gives one indicator, year and scope two values.
"""

from __future__ import annotations

from typing import Optional

from .config import content_words, rx, section
from .data import Doc
from .figures import Fig, applies_to, direction, figures, key, period, tolerance
from .flags import Flag, Passage, fmt_value

_POL_VI = {"higher_better": "với chỉ số này, càng cao càng tốt", "lower_better": "với chỉ số này, càng thấp càng tốt"}
_POL_EN = {"higher_better": "for this indicator higher is better", "lower_better": "for this indicator lower is better"}


def _year_txt(y) -> str:
    return str(y) if y else "—"


def _values(c: Fig, p: Fig, parent_doc: Optional[Doc] = None) -> dict:
    pol = c.polarity
    return {
        "indicator": c.indicator, "name": c.name, "name_en": c.name_en,
        "child_written": c.written, "parent_written": p.written,
        "child_value": fmt_value(c.rec), "parent_value": fmt_value(p.rec),
        "year": _year_txt(c.year or p.year),
        "parent_doc": parent_doc.label if parent_doc else "",
        "child_when": _year_txt(c.year), "parent_when": _year_txt(p.year),
        "why": _POL_VI.get(pol, ""), "why_en": _POL_EN.get(pol, ""),
    }


def _within(year: Optional[int], span: tuple) -> bool:
    lo, hi = span
    if year is None:
        return False
    return (lo is None or year >= lo) and (hi is None or year <= hi)


def next_cycle(child: Doc, parent: Doc) -> bool:
    """Does the child plan a cycle that starts after the parent's period ends?"""
    clo, chi = period(child)
    plo, phi = period(parent)
    start = clo if clo is not None else chi
    return start is not None and phi is not None and start > phi and bool(parent.period)


def _comparable(doc: Doc) -> dict[tuple, list[Fig]]:
    """Comparable figures by key, in text order (cached on the document: read-only)."""
    cached = getattr(doc, "_comparable", None)
    if cached is not None:
        return cached
    out: dict[tuple, list[Fig]] = {}
    for f in figures(doc):
        if f.comparable and f.polarity != "neither":
            out.setdefault(key(f), []).append(f)
    doc._comparable = out  # type: ignore[attr-defined]
    return out


def compare_with_parent(child: Doc, parent: Doc) -> list[Flag]:
    """Threshold, exceeds and deadline findings of one child against its parent."""
    tol = tolerance()
    cspan, pspan = period(child), period(parent)
    out: list[Flag] = []
    if next_cycle(child, parent):
        vals = {"child_period": child.period or _year_txt(cspan[1]), "parent_period": parent.period,
                "parent_doc": parent.label, "parent_end": _year_txt(pspan[1])}
        return [Flag("parent_period_ended", Passage(child), None, values=vals)]
    pgroups = _comparable(parent)
    for k, cfigs in _comparable(child).items():
        pfigs = pgroups.get(k)
        if not pfigs:
            continue
        pyears = {p.year for p in pfigs if p.year}
        cyears = {c.year for c in cfigs if c.year}
        for c in cfigs:
            if not _within(c.year, pspan) or not _within(c.year, cspan):
                continue
            same = [p for p in pfigs if p.year == c.year]
            if same:
                p = same[0]
                d = direction(c.polarity, (c.comparator, c.value, c.value_max),
                              (p.comparator, p.value, p.value_max), tol)
                if d:
                    rule = "threshold_below_parent" if d == "weaker" else "exceeds_parent"
                    out.append(Flag(rule, Passage.of_record(child, c.rec), Passage.of_record(parent, p.rec),
                                    values=_values(c, p, parent)))
                continue
            # the parent sets this indicator only for earlier years: does the child get there later?
            if c.comparator == "maintain":
                continue
            earlier = [p for p in pfigs if p.year and p.year < c.year and _within(p.year, cspan)
                       and not any(y <= p.year for y in cyears)]
            for p in sorted(earlier, key=lambda p: -p.year)[:1]:
                if c.year in pyears:
                    break
                d = direction(c.polarity, (c.comparator, c.value, c.value_max),
                              (p.comparator, p.value, p.value_max), tol)
                if d != "stricter":
                    out.append(Flag("deadline_after_parent", Passage.of_record(child, c.rec),
                                    Passage.of_record(parent, p.rec), values=_values(c, p, parent)))
    return out


def _objective_figs(parent: Doc) -> list[Fig]:
    """The parent's targets in its objectives section(s), or all when it has none."""
    pat = rx(section("alignment").get("objectives_section") or r"mục\s+tiêu")
    tops = [s for s in parent.sections if (s.get("level") or 1) == 1 and pat.search(s.get("title") or "")]
    figs = figures(parent)
    if not tops:
        return figs
    return [f for f in figs if any(s["start"] <= (f.rec.get("start") or 0) < s["end"] for s in tops)]


def missing_targets(child: Doc, parent: Doc) -> list[Flag]:
    a = section("alignment")
    if (child.doc_type or "") in set(a.get("no_target_types") or []):
        return []
    if len(child.targets()) < int(a.get("min_child_targets", 5)) or next_cycle(child, parent):
        return []
    if child.period and parent.period and period(child) != period(parent):
        return []  # a plan for one year (or another span) is not asked for the whole period's goals
    covered = {f.indicator for f in figures(child) if f.indicator}
    cspan = period(child)
    out: list[Flag] = []
    done: set[str] = set()
    for p in _objective_figs(parent):
        if not p.comparable or not applies_to(p, child) or p.indicator in covered or p.indicator in done:
            continue
        if p.year and not _within(p.year, (cspan[0], cspan[1])):
            continue  # beyond the child plan's horizon, or already past when it starts
        if p.year is None:
            continue
        done.add(p.indicator)
        vals = {"indicator": p.indicator, "parent_written": p.written, "parent_value": fmt_value(p.rec), "name": p.name,
                "name_en": p.name_en, "year": _year_txt(p.year), "parent_doc": parent.label}
        out.append(Flag("missing_parent_target", Passage(child), Passage.of_record(parent, p.rec), values=vals))
    return out


def _overlap(a: Fig, b: Fig, tol: float) -> bool:
    a0, a1 = a.value, a.value_max if a.value_max is not None else a.value
    b0, b1 = b.value, b.value_max if b.value_max is not None else b.value
    return a0 <= b1 + tol and b0 <= a1 + tol


def _subgroup(doc: Doc, fig: Fig) -> bool:
    """The figure's sentence, or the lead just before it, narrows it to a sub-group
    (rules/checks.yml ``internal.subgroup``)."""
    pattern = section("internal").get("subgroup")
    vs, s0 = fig.rec.get("value_start"), fig.rec.get("start")
    if not pattern or not isinstance(vs, int) or not isinstance(s0, int):
        return False
    return bool(rx(pattern).search(doc.canon, max(0, s0 - 40), vs))


def internal_conflicts(doc: Doc) -> list[Flag]:
    """One indicator, year and scope given two different figures in one document (a
    figure without a year is compared with those of every year); figures of one
    sentence (a range, a restatement), amounts added up, and a figure to keep
    (``maintain``) beside one to reach are left alone."""
    if not section("internal").get("enabled", True):
        return []
    tol = tolerance()
    out: list[Flag] = []
    for k, figs in _comparable(doc).items():
        figs = sorted(figs, key=lambda f: f.rec.get("value_start") or 0)
        reported: set[tuple] = set()
        for j, b in enumerate(figs):
            for a in figs[:j]:
                if a.year and b.year and a.year != b.year:
                    continue
                if a.rec.get("start") == b.rec.get("start") or _overlap(a, b, tol):
                    continue
                if (a.rec.get("comparator") == "maintain") != (b.rec.get("comparator") == "maintain"):
                    continue  # keeping what was reached ("100% số xã đã đạt chuẩn duy trì") beside a share to reach
                if _subgroup(doc, a) != _subgroup(doc, b):
                    continue  # "Riêng: - Các huyện, xã nghèo … 4%/năm" beside the whole's figure
                pair = tuple(sorted(((a.value, a.value_max), (b.value, b.value_max)), key=str))
                if pair in reported:
                    break
                reported.add(pair)
                vals = _values(a, b)
                vals["year"] = _year_txt(a.year or b.year)
                out.append(Flag("internal_conflict", Passage.of_record(doc, a.rec),
                                Passage.of_record(doc, b.rec), values=vals))
                break
    return out


# --------------------------------------------------------------------------- dated tasks

_RECURRING = r"hằng\s+năm|hàng\s+năm|định\s+kỳ|mỗi\s+năm|hằng\s+quý|hàng\s+quý|hằng\s+tháng|hàng\s+tháng"
_LEVEL_WORDS = {"xa": r"\bxã\b", "huyen": r"\bhuyện\b", "tinh": r"\btỉnh\b"}


def _words(text: str) -> set[str]:
    """Content words of a task (folded; stop words of checks.yml left out)."""
    return content_words(text)


def _section_title(doc: Doc, offset: int) -> str:
    best = None
    for s in doc.sections:
        if s["start"] <= offset < s["end"] and (best is None or s["start"] >= best["start"]):
            best = s
    return (best or {}).get("title") or ""


def _task_words(doc: Doc, rec: dict) -> tuple[set[str], set[str]]:
    """(content words of a dated task, the levels it names)."""
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
    if next_cycle(child, parent):
        return []  # one info finding (parent_period_ended) says so
    parent_end = period(parent)[1] if parent.period else None
    rec_re = rx(_RECURRING)
    pdl = [r for r in parent.of_type("deadline") if r.get("date") and not rec_re.search(r.get("quote") or "")]
    out: list[Flag] = []
    for c in child.of_type("deadline"):
        if not c.get("date") or rec_re.search(c.get("quote") or ""):
            continue
        if parent_end and c["date"][:4].isdigit() and int(c["date"][:4]) > parent_end:
            continue  # after the parent's period: the parent says nothing about it
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
            task = " ".join((c.get("task") or c.get("quote") or "").split())
            vals = {"child_when": c["date"], "parent_when": best["date"], "name": task[:80], "name_en": task[:80],
                    "child_written": " ".join((c.get("date_text") or c["date"]).split()),
                    "parent_written": " ".join((best.get("date_text") or best["date"]).split()),
                    "parent_doc": parent.label}
            out.append(Flag("deadline_after_parent", Passage.of_record(child, c), Passage.of_record(parent, best),
                            values=vals))
    return out
