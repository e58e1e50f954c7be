"""Agency assignments: which agency answers for which national criteria, per criteria set.

An agency is a section heading (``2. Phòng Nông nghiệp và PTNT``) or a bullet
head (``- Phòng Tài chính - KH huyện: …``).  Inside its passage, each paragraph
that names a set (``Đối với Bộ tiêu chí xã nông thôn mới nâng cao, gồm: …``) gives
one record; criteria listed with no set named are gathered into one record per
agency with ``criteria_set`` "unspecified".  ``thuộc tiêu chí số 13`` after a
list of indicators names their parent and is not itself assigned.
"""

from __future__ import annotations

from ..model import Assignment
from ..recognise import find_criteria
from .agencies import agency_name
from .context import Context
from .criteria import set_in


def _passages(ctx: Context):
    """(agency, start, end, paragraph indexes) for each agency passage."""
    out = []
    for sec in ctx.sections:
        name = agency_name(sec.title)
        if not name:
            continue
        # the passage ends at the next section of the same or higher level
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


def assignments_in(ctx: Context) -> list[Assignment]:
    out: list[Assignment] = []
    for agency, a_start, para_ids in _passages(ctx):
        unspecified: list[str] = []
        unspec_names: list[dict] = []
        unspec_end = None
        first = True
        for i in para_ids:
            p = ctx.paras[i]
            crits = find_criteria(p.text)
            nums = []
            names = []
            for c in crits:
                if c.parent_ref:
                    continue
                if c.number not in nums:
                    nums.append(c.number)
                if c.name:
                    names.append({"number": c.number, "name": c.name, "start": p.start + c.name_start, "end": p.start + c.name_end})
            # names of parent criteria also count for name checks
            for c in crits:
                if c.parent_ref and c.name:
                    names.append({"number": c.number, "name": c.name, "start": p.start + c.name_start, "end": p.start + c.name_end})
            if not nums:
                continue
            set_name = set_in(p.text)
            if set_name is None:
                unspecified.extend(n for n in nums if n not in unspecified)
                unspec_names.extend(names)
                unspec_end = p.end
                continue
            also = []
            if set_name == "both":
                set_name, also = "xa_ntm", ["xa_ntm_nang_cao"]
            start = a_start if first else p.start
            first = False
            rec = Assignment(
                quote=ctx.text[start:p.end],
                start=start,
                end=p.end,
                section=ctx.section(p.start).label if ctx.section(p.start) else None,
                confidence=0.85,
                topic="administration_law",
                agency=agency,
                criteria=nums,
                criteria_set=set_name,
                also_sets=also,
                criteria_names=names,
            )
            out.append(rec)
        if unspecified:
            rec = Assignment(
                quote=ctx.text[a_start:unspec_end],
                start=a_start,
                end=unspec_end,
                section=ctx.section(a_start).label if ctx.section(a_start) else None,
                confidence=0.7,
                topic="administration_law",
                agency=agency,
                criteria=unspecified,
                criteria_set="unspecified",
                criteria_names=unspec_names,
            )
            out.append(rec)
    return out
