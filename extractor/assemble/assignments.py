"""Agency assignments: which agency answers for which national criteria, per criteria set.

An agency is a section heading (``2. Phòng Nông nghiệp và PTNT``) or a bullet
head (``- Phòng Tài chính - KH huyện: …``).  Inside its passage each criterion
number belongs to the set named next to it: after a head phrase
(``Đối với Bộ tiêu chí xã nông thôn mới nâng cao, gồm: …``) or before a tail phrase
(``… của Bộ tiêu chí xã nông thôn mới``).  One record per (agency, set); criteria
with no set named are gathered into one record with ``criteria_set``
"unspecified".  ``thuộc tiêu chí số 13`` after a list of indicators names their
parent and is not itself assigned.
"""

from __future__ import annotations

import regex as re

from ..model import Assignment
from ..recognise import find_criteria
from .agencies import agency_name
from .context import Context
from .criteria import find_sets


def _passages(ctx: Context):
    """(agency, start, paragraph indexes) for each agency passage."""
    out = []
    for sec in ctx.sections:
        name = agency_name(sec.title)
        if not name:
            continue
        paras = [i for i, p in enumerate(ctx.paras) if sec.start <= p.start < sec.end]
        sub = [s for s in ctx.sections if s is not sec and sec.start < s.start < sec.end]
        if sub:  # nested agencies are their own passages
            paras = [i for i in paras if ctx.paras[i].start < sub[0].start]
        out.append((name, sec.start, paras))
    covered = {i for _, _, ps in out for i in ps}
    for i, p in enumerate(ctx.paras):
        if i in covered or p.kind != "bullet":
            continue
        body = p.text[p.body_start - p.start:]
        if ":" in body[:100]:
            name = agency_name(body.split(":", 1)[0])
            if name:
                out.append((name, p.start, [i]))
    return out


def _set_of(pos: int, end: int, sets, text: str) -> tuple[str | None, int | None, int | None]:
    """The set a criterion at [pos, end) belongs to, and the phrase's span."""
    # a tail phrase after it, before any head phrase or sentence end
    for a, b, name, role in sets:
        if a < end:
            continue
        if role == "head" or re.search(r"\.\s", text[end:a]):
            break
        return name, a, b
    # else the nearest head phrase before it
    best = None
    for a, b, name, role in sets:
        if b <= pos and role == "head":
            best = (name, a, b)
        if a >= pos:
            break
    if best and not any(r == "tail" and best[2] <= a2 and b2 <= pos for a2, b2, _, r in sets):
        return best
    return None, None, None


def assignments_in(ctx: Context) -> list[Assignment]:
    out: list[Assignment] = []
    for agency, a_start, para_ids in _passages(ctx):
        groups: dict[str, dict] = {}  # set -> {nums, names, start, end}
        order: list[str] = []
        carry = None  # the set of a list item that ended with ";" runs on into the next line
        for i in para_ids:
            p = ctx.paras[i]
            sets = find_sets(p.text)
            last_set = None
            for c in find_criteria(p.text):
                set_name, sa, sb = _set_of(c.start, c.end, sets, p.text)
                if set_name is None and carry and not sets:
                    set_name = carry
                last_set = set_name or last_set
                key = set_name or "unspecified"
                g = groups.get(key)
                if g is None:
                    g = groups[key] = {"nums": [], "names": [], "start": None, "end": None}
                    order.append(key)
                if c.name:
                    g["names"].append({"number": c.number, "name": c.name, "start": p.start + c.name_start, "end": p.start + c.name_end})
                if c.parent_ref:
                    continue
                if c.number not in g["nums"]:
                    g["nums"].append(c.number)
                lo = p.start + min(c.start, sa if sa is not None else c.start)
                hi = p.start + max(c.name_end or c.end, sb if sb is not None else c.end)
                g["start"] = lo if g["start"] is None else min(g["start"], lo)
                g["end"] = hi if g["end"] is None else max(g["end"], hi)
            carry = last_set if p.text.rstrip().endswith((";", ",")) else None
        first = True
        for key in order:
            g = groups[key]
            if not g["nums"]:
                continue
            start = a_start if first else _passage_start(ctx.text, g["start"], a_start)
            end = _passage_end(ctx.text, g["end"])
            first = False
            set_name, also = key, []
            if key == "both":
                set_name, also = "xa_ntm", ["xa_ntm_nang_cao"]
            sec = ctx.section(start)
            out.append(
                Assignment(
                    quote=ctx.text[start:end],
                    start=start,
                    end=end,
                    section=sec.label if sec else None,
                    confidence=0.85 if key != "unspecified" else 0.7,
                    topic="administration_law",
                    agency=agency,
                    criteria=g["nums"],
                    criteria_set=set_name,
                    also_sets=also,
                    criteria_names=g["names"],
                )
            )
    return out


def _passage_start(text: str, pos: int, floor: int = 0) -> int:
    """Back to the start of the sentence or list item holding ``pos`` (not before ``floor``)."""
    last = None
    for m in re.finditer(r"[.!?]\s+|\n", text[floor:pos]):
        last = m
    return floor + last.end() if last else floor


def _passage_end(text: str, pos: int) -> int:
    """On to the end of the clause holding ``pos``."""
    m = re.compile(r"[;.\n]").search(text, pos)
    return m.start() + (1 if m and text[m.start()] in ".;" else 0) if m else len(text)
