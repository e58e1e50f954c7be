"""Aggregation: a parent target stated as a count or share of lower units
(``khoảng 47 xã nâng cao``, ``40% số xã``) against what the lower plans in the
database commit, with the plans counted and those not yet received."""

from __future__ import annotations

from typing import Optional

from .config import level_rank, section
from .figures import Fig, figures, written
from .data import Doc
from .flags import Flag, Passage, fmt_value
from .link import Link
from .rules_targets import next_cycle

_STATUSES = ("ntm", "nang_cao", "kieu_mau", "criterion")


def _of(f: Fig) -> Optional[str]:
    return f.of_level


def _bases(doc: Doc, of: Optional[str]) -> list[int]:
    """Totals of a unit the document states: the numbers of its fractions (``81/101 xã``)."""
    out = []
    for f in figures(doc):
        fr = f.rec.get("fraction")
        if f.family == "unit_count" and _of(f) == of and isinstance(fr, list) and len(fr) == 2:
            out += [int(x) for x in fr if x]
    return out


def _units(doc: Doc, f: Fig) -> Optional[tuple[float, float]]:
    """What a target commits, in units: (low, high)."""
    hi = f.value_max if f.value_max is not None else f.value
    if f.family == "unit_count":
        return f.value, hi
    if f.family == "percent":
        bases = _bases(doc, _of(f))
        if not bases:
            return None
        b = max(bases)
        return f.value * b / 100.0, hi * b / 100.0
    return None


def _expected_children(parent: Doc, child_level: Optional[str]) -> Optional[int]:
    """How many lower plans the parent expects: its count of units of the children's level."""
    if child_level not in ("huyen", "xa", "thon"):
        return None
    nums = []
    for f in figures(parent):
        if f.family == "unit_count" and _of(f) == child_level:
            fr = f.rec.get("fraction")
            nums += [int(x) for x in fr if x] if isinstance(fr, list) else [int(f.value)]
    return max(nums) if nums else None


def _pick(figs: list[Fig], year: Optional[int]) -> Optional[Fig]:
    if not figs:
        return None
    same = [f for f in figs if f.year == year] or [f for f in figs if f.year is None or year is None]
    pool = same or figs
    counts = [f for f in pool if f.family == "unit_count"]
    return (counts or pool)[0]


def _units_figure(f: Fig) -> bool:
    """A share or count of administrative units reaching a named status or criterion."""
    i = f.info
    return bool(i and i.of and i.status in _STATUSES and f.family in ("unit_count", "percent")
                and f.measure == "level" and not f.result and f.scope is None)


def children_of(links: dict[int, Link]) -> dict[int, list[Doc]]:
    """The documents linked to each parent (attachments left out), in link order."""
    out: dict[int, list[Doc]] = {}
    for link in links.values():
        if link.parent is not None and link.by != "attachment":
            out.setdefault(link.parent.id, []).append(link.child)
    return out


def aggregates(docs: list[Doc], links: dict[int, Link]) -> tuple[list[dict], list[Flag]]:
    if not section("aggregate").get("enabled", True):
        return [], []
    by_id = {d.id: d for d in docs}
    reports: list[dict] = []
    flags: list[Flag] = []
    for pid, kids in children_of(links).items():
        parent = by_id.get(pid)
        if parent is None:
            continue
        r, f = aggregate_parent(parent, kids)
        reports += r
        flags += f
    return reports, flags


def aggregate_parent(parent: Doc, kids: list[Doc]) -> tuple[list[dict], list[Flag]]:
    """The aggregate reports and findings of one parent over its linked children."""
    reports: list[dict] = []
    flags: list[Flag] = []
    groups: dict[tuple, list[Fig]] = {}
    for p in figures(parent):
        if _units_figure(p):
            groups.setdefault((p.indicator, p.year), []).append(p)
    for (iid, year), inds in groups.items():
        p = _pick(inds, year)
        target = _units(parent, p)
        if target is None:
            continue
        lu = level_rank(p.of_level)
        counted, silent = [], []
        lo = hi = 0.0
        for k in kids:
            lk = level_rank(k.level)
            if lu is None or lk is None or lk >= lu or next_cycle(k, parent):
                continue
            mine = [c for c in figures(k) if c.indicator == iid and _units_figure(c)]
            c = _pick(mine, year)
            got = _units(k, c) if c else None
            if got is None:
                silent.append(k)
                continue
            counted.append((k, c, got))
            lo += got[0]
            hi += got[1]
        if not counted:
            continue
        expected = _expected_children(parent, counted[0][0].level)
        received = len(counted) + len(silent)
        missing = max(0, expected - received) if expected else None
        report = {
            "parent": {"source": parent.source, "number": parent.number, "quote": p.rec.get("quote"),
                       "start": p.rec.get("start"), "end": p.rec.get("end")},
            "key": p.indicator, "indicator_name": p.name,
            "year": year, "target": list(target),
            "committed": [lo, hi],
            "children": [{"source": k.source, "number": k.number, "committed": list(g),
                          "quote": c.rec.get("quote")} for k, c, g in counted],
            "children_without_figure": [{"source": k.source, "number": k.number} for k in silent],
            "expected_children": expected, "not_received": missing,
        }
        reports.append(report)
        gap_lo, gap_hi = target[0] - hi, target[0] - lo
        if gap_lo > 1e-9:
            rule, gap = "aggregate_shortfall", gap_lo if gap_lo == gap_hi else f"{gap_lo:g}-{gap_hi:g}"
        elif lo - target[1] > 1e-9:
            rule, gap = "aggregate_surplus", lo - target[1]
        else:
            continue
        sum_txt = f"{lo:g}" if lo == hi else f"{lo:g}-{hi:g}"
        nm = (p.name, p.name_en)
        vals = {"n_children": len(counted), "children": ", ".join(k.label for k, _, _ in counted),
                "sum": sum_txt, "parent_value": fmt_value(p.rec), "parent_written": written(parent, p.rec),
                "name": nm[0], "name_en": nm[1], "year": year or "—",
                "gap": f"{gap:g}" if isinstance(gap, float) else gap,
                "missing": "?" if missing is None else missing}
        flags.append(Flag(rule, Passage.of_record(parent, p.rec), None, values=vals))
    return reports, flags
