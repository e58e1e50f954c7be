"""Aggregation: a parent target stated as a count or share of lower units
(``khoảng 47 xã nâng cao``, ``40% số xã``) against what the lower plans in the
database commit, with the plans counted and those not yet received."""

from __future__ import annotations

from typing import Optional

from .align import Ind, analyse
from .config import level_rank, section
from .figures import figures, written
from .data import Doc
from .flags import Flag, Passage, fmt_value
from .link import Link


def _bases(doc: Doc, unit_key: str) -> list[int]:
    out = []
    for i in analyse(doc):
        fr = i.rec.get("fraction")
        if i.kind == "count" and i.unit_key == unit_key and isinstance(fr, list) and len(fr) == 2:
            out += [int(x) for x in fr if x]
    return out


def _units(doc: Doc, ind: Ind) -> Optional[tuple[float, float]]:
    """What a target commits, in units: (low, high)."""
    hi = ind.value_max if ind.value_max is not None else ind.value
    if ind.kind == "count":
        return ind.value, hi
    if ind.kind == "%":
        bases = _bases(doc, ind.unit_key)
        if not bases:
            return None
        b = max(bases)
        return ind.value * b / 100.0, hi * b / 100.0
    return None


def _expected_children(parent: Doc, child_level: Optional[str]) -> Optional[int]:
    """How many lower plans the parent expects: its count of units of the children's level."""
    key = {"huyen": "huyen", "xa": "xa", "thon": "thon"}.get(child_level or "")
    if not key:
        return None
    nums = []
    for i in analyse(parent):
        if i.kind == "count" and i.unit_key == key:
            fr = i.rec.get("fraction")
            nums += [int(x) for x in fr if x] if isinstance(fr, list) else [int(i.value)]
    return max(nums) if nums else None


def _pick(inds: list[Ind], year: Optional[int]) -> Optional[Ind]:
    if not inds:
        return None
    same = [i for i in inds if i.year == year] or [i for i in inds if i.year is None or year is None]
    pool = same or inds
    counts = [i for i in pool if i.kind == "count"]
    return (counts or pool)[0]


def _name_of(doc: Doc, rec: dict) -> tuple[str, str]:
    """The indicator name of a parent figure (linked by the catalogue)."""
    for f in figures(doc):
        if f.rec is rec:
            return f.name, f.name_en
    return rec.get("subject") or "chỉ tiêu", rec.get("subject") or "target"


def _indicator_of(doc: Doc, rec: dict) -> Optional[str]:
    for f in figures(doc):
        if f.rec is rec:
            return f.indicator
    return None


def aggregates(docs: list[Doc], links: dict[int, Link]) -> tuple[list[dict], list[Flag]]:
    if not section("aggregate").get("enabled", True):
        return [], []
    children_of: dict[int, list[Doc]] = {}
    for link in links.values():
        if link.parent is not None and link.by != "attachment":
            children_of.setdefault(link.parent.id, []).append(link.child)
    by_id = {d.id: d for d in docs}
    reports: list[dict] = []
    flags: list[Flag] = []
    for pid, kids in children_of.items():
        parent = by_id.get(pid)
        if parent is None:
            continue
        groups: dict[tuple, list[Ind]] = {}
        for p in analyse(parent):
            if not p.unit_key or not p.key or p.kind not in ("count", "%") or p.delta or p.result:
                continue
            if p.criterion is None and p.status not in ("ntm", "nang_cao", "kieu_mau"):
                continue  # "100% xã đạt tiêu chí ...": which criterion is not said
            groups.setdefault((p.cover_key, p.year), []).append(p)
        for (ckey, year), inds in groups.items():
            p = _pick(inds, year)
            target = _units(parent, p)
            if target is None:
                continue
            lu = level_rank(p.unit_level)
            counted, silent = [], []
            lo = hi = 0.0
            for k in kids:
                lk = level_rank(k.level)
                if lu is None or lk is None or lk >= lu:
                    continue
                mine = [c for c in analyse(k) if c.cover_key == ckey and c.key and not c.delta and not c.result]
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
                "key": _indicator_of(parent, p.rec), "indicator_name": _name_of(parent, p.rec)[0],
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
            nm = _name_of(parent, p.rec)
            vals = {"n_children": len(counted), "children": ", ".join(k.label for k, _, _ in counted),
                    "sum": sum_txt, "parent_value": fmt_value(p.rec), "parent_written": written(parent, p.rec),
                    "name": nm[0], "name_en": nm[1], "year": year or "—",
                    "gap": f"{gap:g}" if isinstance(gap, float) else gap,
                    "missing": "?" if missing is None else missing}
            flags.append(Flag(rule, Passage.of_record(parent, p.rec), None, values=vals))
    return reports, flags
