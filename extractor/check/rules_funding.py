"""``funding_sum_mismatch``: the components of a stated total (funding records with
role ``component`` whose ``parent`` is that total or item) do not add up to it.  A
breakdown by year (components with ``split == "year"``) is summed on its own."""

from __future__ import annotations

import regex as re

from .config import section
from .data import Doc
from .flags import Flag, Passage, fmt_vnd

# a passage covering all components is quoted when it is at most this long
_MAX_SPAN = 1500


def _enclosing(doc: Doc, r: dict, funding: list[dict]) -> int | None:
    """A component written in parentheses right after another amount of the same
    sentence (``ngân sách trung ương: 2.150 triệu đồng (vốn đầu tư phát triển 1.600
    triệu đồng; vốn sự nghiệp 550 triệu đồng)``) breaks down that amount."""
    vs = r.get("value_start")
    if not isinstance(vs, int):
        return None
    t = doc.text
    for o in funding:
        ve = o.get("value_end")
        if o is r or not isinstance(ve, int) or ve > vs or o.get("start") != r.get("start"):
            continue
        between = t[ve:vs]
        closed_later = ")" in t[vs:r.get("end") or vs].split("(", 1)[0]
        if between.count("(") == 1 and ")" not in between and (";" not in between or closed_later) \
                and between.lstrip().startswith("("):
            return o["id"]
    return None


_APPROX = re.compile(r"(?:khoảng|hơn|gần|trên|ước|xấp\s+xỉ|dưới)\s*$", re.I)


def _approximate(doc: Doc, r: dict) -> bool:
    """An amount written as approximate ("khoảng hơn 532 tỷ đồng") cannot be summed to the đồng."""
    vs = r.get("value_start")
    return isinstance(vs, int) and bool(_APPROX.search(doc.text[max(0, vs - 14):vs]))


def funding_mismatches(doc: Doc) -> list[Flag]:
    cfg = section("funding")
    rounding = float(cfg.get("rounding_share", 0.0001))
    min_components = int(cfg.get("min_components", 2))
    funding = doc.of_type("funding")
    by_id = {r["id"]: r for r in funding}
    children: dict[int, list[dict]] = {}
    for r in funding:
        pid = r.get("parent_record_id")
        if r.get("role") == "component" and pid in by_id and pid != r["id"]:
            pid = _enclosing(doc, r, funding) or pid
            # a breakdown by year ("năm 2025 là …") sums to the total apart from the one by source
            children.setdefault((pid, r.get("split")), []).append(r)
    out: list[Flag] = []
    for (pid, _split), comps in children.items():
        total = by_id[pid]
        t = total.get("amount_vnd")
        if not t or _approximate(doc, total) or any(_approximate(doc, c) for c in comps):
            continue
        # one figure extracted twice is one component
        uniq: dict[tuple, dict] = {}
        for c in comps:
            uniq.setdefault((c.get("value_start"), c.get("amount_vnd")), c)
        comps = sorted(uniq.values(), key=lambda c: (c.get("value_start") or 0))
        s = sum(int(c.get("amount_vnd") or 0) for c in comps)
        if s == t:
            continue
        if len(comps) < min_components and s <= t:
            continue  # "trong đó: ngân sách trung ương X": a partial breakdown
        gap = abs(s - t)
        severity = "info" if gap <= rounding * t else None
        first, last = comps[0], comps[-1]
        if (last.get("end") or 0) - (first.get("start") or 0) <= _MAX_SPAN and first.get("start") is not None:
            other = Passage.of_span(doc, first["start"], last["end"])
        else:
            big = max(comps, key=lambda c: c.get("amount_vnd") or 0)
            other = Passage.of_record(doc, big)
        vals = {
            "components": " + ".join(fmt_vnd(c.get("amount_vnd")) for c in comps),
            "sum": fmt_vnd(s),
            "total": fmt_vnd(t),
            "gap": fmt_vnd(gap),
        }
        out.append(Flag("funding_sum_mismatch", Passage.of_record(doc, total), other, values=vals,
                        severity=severity))
    return out
