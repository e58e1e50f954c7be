"""Agency assignments: which agency answers for which national criteria, per criteria set.

An agency is a section heading (``2. Phòng Nông nghiệp và PTNT``) or a bullet
head (``- Phòng Tài chính - KH huyện: …``).  Inside its passage each criterion
number belongs to the set named next to it: after a head phrase
(``Đối với Bộ tiêu chí xã nông thôn mới nâng cao, gồm: …``) or before a tail phrase
(``… của Bộ tiêu chí xã nông thôn mới``).  One record per (agency, set); criteria
with no set named are gathered into one record.  ``thuộc tiêu chí số 13`` after a
list of indicators names their parent and is not itself assigned.

An agency may also be the subject of a clause in running text: ``Sở X chịu trách
nhiệm … tiêu chí số 1, 6``, ``Giao Sở X chủ trì thực hiện tiêu chí …``, two agencies
in one line split by ``;``.  The criteria of ``chủ trì, phối hợp với Sở B …`` stay
with the lead agency.  Criteria with no set named take the set an enclosing heading
names (``1. Phân công … Bộ tiêu chí … nâng cao``), else the one the plan names for
itself (its title or lead: ``Bộ tiêu chí “Ấp nông thôn mới”`` -> ``thon``; a commune's
NTM plan -> ``xa_ntm``), else "unspecified".  The same agency, set and criteria said
twice is one record.
"""

from __future__ import annotations

import bisect
import functools

from .. import rx as re

from ..model import Assignment
from ..recognise import find_criteria
from ..rules import load_rules
from .agencies import agency_name, agency_subjects
from .context import Context
from .criteria import find_sets, may_name_criteria, set_in


def _passages(ctx: Context):
    """(agency, start, [(offset, text)]) for each agency passage: headings and bullet heads
    (whole paragraphs), then clause subjects in the other paragraphs."""
    heads = _head_passages(ctx)
    out = []
    for name, start, ids in heads:
        if len(ids) == 1 and ctx.paras[ids[0]].start == start:  # a bullet head: maybe several agencies
            out.extend(_bullet_passages(name, ctx.paras[ids[0]]))
        else:
            out.append((name, start, [(ctx.paras[i].start, ctx.paras[i].text) for i in ids]))
    covered = {i for _, _, ids in heads for i in ids}
    for i, p in enumerate(ctx.paras):
        if i not in covered and may_name_criteria(p.text):
            out.extend(_criterion_first_passages(p.start, p.text) or _clause_passages(p.start, p.text))
    asks = _request_sections()
    # the innermost section decides: "IV. KẾT LUẬN VÀ KIẾN NGHỊ" may hold "3. Các nội dung … cần hoàn thiện"
    out = [x for x in out if not (ctx.chain(x[1]) and asks.search(ctx.chain(x[1])[-1].title))]
    out.sort(key=lambda x: x[1])
    return out


@functools.lru_cache(maxsize=1)
def _request_sections():
    return re.compile(load_rules("agencies")["request_sections"], re.I)


def _bullet_passages(name: str, p):
    """One list item's passages: ``- Công an xã: chỉ tiêu 19.2; Ban Chỉ huy Quân sự xã: chỉ tiêu 19.1``
    or ``9. Công an huyện chủ trì chỉ tiêu 19.2; Ban Chỉ huy Quân sự huyện chủ trì chỉ tiêu 19.1``
    names two agencies, each answering for what follows its own name."""
    out = [(name, p.start, [])]
    pos = 0
    for m in _NEXT_HEAD_RE.finditer(p.text):
        other = agency_name(m.group("head"))
        if not other:
            continue
        out[-1][2].append((p.start + pos, p.text[pos:m.start()]))
        pos = m.start("head")
        out.append((other, p.start + pos, []))
    out[-1][2].append((p.start + pos, p.text[pos:]))
    return out


_NEXT_HEAD_RE = re.compile(r"[;.]\s+(?P<head>[^;:.]{3,90}?)(?::|(?=\s+(?:chủ\s+trì|phụ\s+trách)\b))")


# "Tiêu chí 1 - Quy hoạch: Phòng Kinh tế - Hạ tầng (chủ trì), UBND các xã (phối hợp)";
# "riêng chỉ tiêu 17.8 và 17.9: Phòng Y tế (chủ trì)": the criterion first, then who answers for it
_CRIT_FIRST_RE = re.compile(
    r"(?P<head>(?:riêng\s+)?(?:tiêu\s+chí|chỉ\s+tiêu)\s+(?:số\s+)?\d{1,2}(?:\.\d{1,2})?(?:\s*(?:,|và)\s*\d{1,2}(?:\.\d{1,2})?)*)"
    r"(?:\s*[-–]\s*[^:;]{1,90})?\s*:\s*(?P<who>[^;]+)", re.I)
# where such an item starts: the paragraph's start, or after ";" or ")" (lines run together)
_HEAD_AT_RE = re.compile(r"(?:^\s*(?:[-+•]\s*)?|[;)]\s*)(?P<head>(?:riêng\s+)?(?:tiêu\s+chí|chỉ\s+tiêu)\s+(?:số\s+)?\d)", re.I)
_PART_RE = re.compile(r"[^,(]+(?:\([^()]*\))?")
_LEAD_ROLE_RE = re.compile(r"\(\s*chủ\s+trì(?P<own>[^()]*)\)", re.I)
_PARTNER_RE = re.compile(r"\(\s*phối\s+hợp\b", re.I)


def _criterion_first_passages(offset: int, text: str):
    """Passages of a line that names the criterion first and the agency after it; the
    agency marked "(chủ trì)" answers for it (one marked "(chủ trì chỉ tiêu 19.1)" for
    those indicators), "(phối hợp)" partners do not; with no marks, the first agency."""
    out = []
    cuts = [m.start("head") for m in _HEAD_AT_RE.finditer(text)]
    for k, cut in enumerate(cuts):
        seg = text[cut:cuts[k + 1] if k + 1 < len(cuts) else len(text)]
        m = _CRIT_FIRST_RE.match(seg)
        if not m:
            continue
        base = offset + cut
        who_at = m.start("who")
        parts = [(p.start() + who_at, p.group()) for p in _PART_RE.finditer(m.group("who")) if p.group().strip(" ,")]
        leads = [(a, t) for a, t in parts if _LEAD_ROLE_RE.search(t)] or [
            (a, t) for a, t in parts[:1] if not _PARTNER_RE.search(t)]
        for a, t in leads:
            name = agency_name(t.strip(" ,"))
            if not name:
                continue
            own = _LEAD_ROLE_RE.search(t)
            if own and re.search(r"\d", own.group("own")):  # "(chủ trì chỉ tiêu 19.1)"
                chunk = (base + a + own.start("own"), own.group("own"))
                start = base + a + (len(t) - len(t.lstrip(" ,")))
            else:
                chunk = (base + m.start("head"), m.group("head"))
                start = base + m.start("head")
            out.append((name, start, [chunk]))
    return out


_CLAUSE_SPLIT_RE = re.compile(r";|\.\s+(?=[\p{Lu}\d(])|\.$")


def _clause_passages(offset: int, text: str):
    """Agencies that are the subject of a clause, each with the words after its duty verb
    up to the next subject or the clause end."""
    out = []
    start = 0
    for m in [*_CLAUSE_SPLIT_RE.finditer(text), None]:
        end = m.start() if m else len(text)
        clause = text[start:end]
        subjects = agency_subjects(clause)
        for k, (a, _b, name, duty_end) in enumerate(subjects):
            stop = subjects[k + 1][0] if k + 1 < len(subjects) else len(clause)
            out.append((name, offset + start + a, [(offset + start + duty_end, clause[duty_end:stop])]))
        start = m.end() if m else len(text)
    return out


def _head_passages(ctx: Context):
    """(agency, start, paragraph indexes) for each heading or bullet-head passage."""
    out = []
    for sec in ctx.sections:
        name = agency_name(sec.title)
        if not name:
            continue
        paras = list(range(bisect.bisect_left(ctx.para_starts, sec.start), bisect.bisect_left(ctx.para_starts, sec.end)))
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


def _groups(chunks) -> tuple[dict[str, dict], list[str]]:
    """Criteria of one passage grouped by the set each belongs to (None = not named)."""
    groups: dict[str, dict] = {}  # set -> {nums, names, start, end}
    order: list[str] = []
    carry = None  # the set of a list item that ended with ";" runs on into the next line
    for offset, text in chunks:
        crits = find_criteria(text)
        sets = find_sets(text) if crits else []
        last_set = None
        for c in crits:
            set_name, sa, sb = _set_of(c.start, c.end, sets, text)
            if set_name is None and carry and not sets:
                set_name = carry
            last_set = set_name or last_set
            g = groups.get(set_name)
            if g is None:
                g = groups[set_name] = {"nums": [], "names": [], "start": None, "end": None}
                order.append(set_name)
            if c.name:
                g["names"].append({"number": c.number, "name": c.name, "start": offset + c.name_start, "end": offset + c.name_end})
            if c.parent_ref:
                continue
            if c.number not in g["nums"]:
                g["nums"].append(c.number)
            lo = offset + min(c.start, sa if sa is not None else c.start)
            hi = offset + max(c.name_end or c.end, sb if sb is not None else c.end)
            g["start"] = lo if g["start"] is None else min(g["start"], lo)
            g["end"] = hi if g["end"] is None else max(g["end"], hi)
        carry = last_set if text.rstrip().endswith((";", ",")) else None
    return groups, order


def _named_set(text: str) -> str | None:
    """The first criteria set ``text`` names as a set (``Bộ tiêu chí …``, village criteria)."""
    for a, _b, name, _r in find_sets(text):
        if re.match(r"Bộ\s+tiêu\s+chí", text[a:], re.I) or name == "thon":
            return name
    return None


def _set_by_names(groups: list[dict]) -> str | None:
    """The set whose criterion names the passages write beside the numbers ("tiêu chí số 14
    (Y tế)", "số 16 (Tiếp cận pháp luật)"): the one set that every written name fits, if
    only one does (the commune set and the advanced set number their criteria differently)."""
    from .criteria import name_matches

    written = [(n["number"], n["name"]) for g in groups for n in g["names"]]
    if len(written) < 2:
        return None
    fits = [s for s in ("xa_ntm", "xa_ntm_nang_cao", "huyen_ntm")
            if all(name_matches(s, num, name) is not False for num, name in written)
            and sum(1 for num, name in written if name_matches(s, num, name)) >= 2]
    return fits[0] if len(fits) == 1 else None


def _own_set(ctx: Context) -> str | None:
    """The criteria set the plan names for itself: in its title or first paragraph
    (``Bộ tiêu chí “Ấp nông thôn mới”``, ``Bộ tiêu chí quốc gia về xã nông thôn mới``),
    else the commune set for a commune's NTM plan."""
    head = " ".join(t for t in (ctx.meta.title, ctx.paras[0].text if ctx.paras else "") if t)
    named = _named_set(head)
    if named:
        return named
    if ctx.meta.level == "thon":
        return "thon"  # a village's plan answers to the province's village criteria
    if ctx.meta.level == "xa" and re.search(r"nông\s+thôn\s+mới|NTM", head + " " + ctx.text[:1500]):
        return set_in(head) if set_in(head) in ("xa_ntm_nang_cao", "xa_ntm_kieu_mau") else "xa_ntm"
    return None


_LEAD_RE = re.compile(r"^\s*(?:[-+•]\s*)?(?P<lead>(?:Đối\s+với|Về|Với)\s+[^:;]{3,120}):", re.I)


def _context_set(ctx: Context, agency: str, start: int, own: str | None) -> str | None:
    """The set for criteria a passage does not name a set for: the lead of its list item
    (``- Đối với các tiêu chí huyện nông thôn mới nâng cao: Phòng …``), else the nearest
    enclosing heading that names one (``1. Phân công … Bộ tiêu chí … nâng cao``), else the plan's."""
    para = ctx.paras[max(0, bisect.bisect_right(ctx.para_starts, start) - 1)]
    lead = ctx.text[para.start:start]
    m = _LEAD_RE.match(lead)
    if m and set_in(m.group("lead")):
        return set_in(m.group("lead"))
    for sec in reversed(ctx.chain(start)):
        if agency_name(sec.title) == agency:
            continue
        named = _named_set(sec.title)
        if named:
            return named
    return own


def assignments_in(ctx: Context) -> list[Assignment]:
    out: list[Assignment] = []
    seen = set()
    own = _own_set(ctx)
    passages = [(agency, a_start, *_groups(chunks)) for agency, a_start, chunks in _passages(ctx)]
    own = own or _set_by_names([g for *_, groups, _o in passages for g in groups.values()])
    for agency, a_start, groups, order in passages:
        first = True
        for key in order:
            g = groups[key]
            if not g["nums"]:
                continue
            set_name = key or _context_set(ctx, agency, a_start, own) or "unspecified"
            if (agency.lower(), set_name, tuple(g["nums"])) in seen:
                continue  # the same assignment said again
            seen.add((agency.lower(), set_name, tuple(g["nums"])))
            start = a_start if first else _passage_start(ctx.text, g["start"], a_start)
            end = _passage_end(ctx.text, g["end"])
            first = False
            also = []
            if set_name == "both":
                set_name, also = "xa_ntm", ["xa_ntm_nang_cao"]
            sec = ctx.section(start)
            out.append(
                Assignment(
                    quote=ctx.text[start:end],
                    start=start,
                    end=end,
                    section=sec.label if sec else None,
                    confidence=0.85 if key else (0.75 if own else 0.7),
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
