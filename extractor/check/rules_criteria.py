"""Criterion rules: names given to criterion numbers, and who answers for each criterion.

* ``criterion_name_mismatch``: a criterion number given a name that is not its name
  in the set the passage speaks of (names written beside numbers in assignments,
  ``criteria_names``, and ``tiêu chí số 5 về Y tế`` anywhere in the text; an
  assignment of set ``unspecified`` is read as the commune set ``xa_ntm``);
* ``criterion_unassigned``: in a set the document assigns (at least
  ``criteria.min_assigned`` numbers), a criterion nobody answers for -- covered when
  it, one of its indicators, or its name (``tiêu chí Văn hóa``) is assigned;
* ``criterion_multiply_assigned``: one criterion or indicator number assigned to two
  agencies in the same set.  A number that an assignment passage mentions only as the
  subject of a cited document (``Quyết định số 94/QĐ-ĐCT ... hướng dẫn thực hiện
  chỉ tiêu 17.8``) is not an assignment.
"""

from __future__ import annotations

import functools

import regex

from ..assemble.criteria import criteria_sets, name_matches, set_in
from ..fold import fold
from ..normalise import canonical
from .config import fold_word, rx, section, set_label
from .data import Doc
from .flags import Flag, Passage

_SETS_OF = {"unspecified": ["xa_ntm"], "both": ["xa_ntm", "xa_ntm_nang_cao"], None: ["xa_ntm"]}


def _sets(rec: dict) -> list[str]:
    s = rec.get("criteria_set")
    base = _SETS_OF.get(s, [s])
    extra = [x for x in (rec.get("also_sets") or []) if x]
    out = []
    for x in base + extra:
        for y in _SETS_OF.get(x, [x]):
            if y not in out:
                out.append(y)
    return out


def _criterion_name(set_name: str, number: str) -> str:
    c = (criteria_sets().get(set_name) or {}).get("criteria") or {}
    return (c.get(number.split(".")[0]) or {}).get("name") or "?"


# --------------------------------------------------------------------------- names


def _mentions(doc: Doc) -> list[dict]:
    """Criterion numbers written with a name: from assignments, then from the text."""
    out: list[dict] = []
    for r in doc.of_type("assignment"):
        for cn in r.get("criteria_names") or []:
            num = str(cn.get("number") or "")
            if not num or "." in num or not cn.get("name"):
                continue
            if _NOT_NAME.search(canonical(cn["name"])):
                continue  # not a name: the passage was cut at the wrong place
            out.append({"number": num.lstrip("0") or num, "name": cn["name"], "start": cn.get("start"),
                        "end": cn.get("end"), "sets": _sets(r), "from": "assignment"})
    pat = rx(section("criteria").get("name_pattern"))
    for m in pat.finditer(doc.canon):
        s, e = m.start("name"), m.end("name")
        if any(x.get("start") is not None and x["start"] < e and s < (x.get("end") or s) for x in out):
            continue
        if _NOT_NAME.search(m.group("name")):
            continue
        tail_end = e
        while tail_end < len(doc.canon) and doc.canon[tail_end] not in ",;.\n" and tail_end - e < 120:
            tail_end += 1
        found = set_in(doc.canon[e:tail_end])
        sets = _SETS_OF.get(found, [found]) if found else None
        out.append({"number": m.group("n"), "name": doc.text[s:e], "start": s, "end": e,
                    "sets": sets, "from": "text"})
    return out


_NAMES: tuple = (None, {})


def _name_matches(set_name: str, number: str, written: str) -> bool | None:
    """``name_matches``, remembered while the criteria rules stay the same."""
    global _NAMES
    sets = criteria_sets()
    if _NAMES[0] is not sets:
        _NAMES = (sets, {})
    memo = _NAMES[1]
    k = (set_name, number, written)
    if k not in memo:
        memo[k] = name_matches(set_name, number, written)
    return memo[k]


def name_mismatches(doc: Doc) -> list[Flag]:
    out: list[Flag] = []
    seen: set[tuple] = set()
    for x in _mentions(doc):
        sets = x["sets"]
        strict = sets is not None
        if not strict:
            # no set named: wrong only if wrong in every set a plan speaks of
            sets = ["xa_ntm", "xa_ntm_nang_cao", "huyen_ntm"]
        results = [_name_matches(s, x["number"], x["name"]) for s in sets]
        known = [r for r in results if r is not None]
        if not known or any(known):
            continue
        key = (x["number"], fold(x["name"]).strip(), x["start"])
        if key in seen:
            continue
        seen.add(key)
        set_name = sets[0]
        s, e = doc.sentence_bounds(x["start"], x["end"])
        lab_vi, lab_en = set_label(set_name)
        vals = {"criterion": x["number"], "written": x["name"].strip(), "set_label": lab_vi, "set_label_en": lab_en,
                "name": _criterion_name(set_name, x["number"])}
        out.append(Flag("criterion_name_mismatch", Passage.of_span(doc, s, e), None,
                        criterion=x["number"], set=set_name, values=vals))
    return out


# --------------------------------------------------------------------------- coverage


_NOT_NAME = regex.compile(r"\d|tiêu\s+chí|chỉ\s+tiêu", regex.I)
_CLAUSE_END = regex.compile(r"[;\n]|\.(?!\d)")
_NON_WORD = regex.compile(r"[^\w]+")


@functools.lru_cache(maxsize=256)
def _number_rx(number: str) -> "regex.Pattern":
    return regex.compile(r"(?<![\d.])%s(?![\d]|\.\d)" % regex.escape(number))


def _cited_only(doc: Doc, rec: dict, number: str) -> bool:
    """Is ``number`` mentioned in this assignment only as the subject of a cited document?"""
    t = doc.text
    s0, e0 = rec.get("start") or 0, rec.get("end") or 0
    occ = [m.start() for m in _number_rx(number).finditer(t[s0:e0])]
    if not occ:
        return False
    ends = [c.get("end") for c in doc.citations if isinstance(c.get("end"), int)]
    for o in occ:
        pos = s0 + o
        near = [x for x in ends if 0 <= pos - x <= 120]
        if not near:
            return False
        gap = t[max(near) : pos]
        if _CLAUSE_END.search(gap):
            return False
    return True


def _agency_key(a: str) -> str:
    return " ".join(_NON_WORD.sub(" ", fold_word(a or "")).split())


def _looked(doc: Doc, set_name: str) -> dict:
    """Where the coverage rule looked: the assignment passages of a set, by section."""
    recs = [r for r in doc.of_type("assignment") if set_name in _sets(r)]
    secs = []
    for r in recs:
        lab = r.get("section") or "—"
        if lab not in secs:
            secs.append(lab)
    where = ", ".join(secs[:8]) + (" …" if len(secs) > 8 else "")
    lab_vi, lab_en = set_label(set_name)
    return {"set_label": lab_vi, "set_label_en": lab_en, "n_places": len(recs),
            "where": f"mục {where}" if secs else "không có", "where_en": f"sections {where}" if secs else "none"}


_COVER: dict[tuple, tuple] = {}


def _cover_patterns(sets_def: dict, set_name: str, lead: str) -> list[tuple[str, "regex.Pattern"]]:
    """(criterion number, one pattern for "tiêu chí <name or alias>") of a set,
    compiled once per set (and again only when the rules are reloaded)."""
    crits = sets_def[set_name].get("criteria") or {}
    got = _COVER.get((set_name, lead))
    if got is not None and got[0] is crits:
        return got[1]
    out = []
    for num, cdef in crits.items():
        names = [regex.escape(nm).replace(r"\ ", r"\s+") for nm in [cdef["name"], *(cdef.get("aliases") or [])]]
        pat = lead + r"(?:số\s+\d+\s+)?(?:" + "|".join(names) + r")(?![\w])"
        out.append((num, regex.compile(pat, regex.I | regex.V1)))
    _COVER[(set_name, lead)] = (crits, out)
    return out


def coverage(doc: Doc) -> list[Flag]:
    cfg = section("criteria")
    kinds = cfg.get("coverage_doc_types")
    if kinds and doc.doc_type and doc.doc_type not in kinds:
        return []  # a report or a letter does not mean to assign every criterion
    min_assigned = int(cfg.get("min_assigned", 5))
    cover_lead = cfg.get("cover_pattern") or r"tiêu\s+chí\s+"
    sets_def = criteria_sets()
    assigned: dict[str, dict[str, list[tuple[str, dict]]]] = {}
    named: dict[str, set[str]] = {}
    for r in doc.of_type("assignment"):
        sets = [s for s in _sets(r) if s in sets_def]
        crits = [str(c) for c in (r.get("criteria") or []) if c]
        crits = [c for c in crits if not _cited_only(doc, r, c)]
        quote = doc.canon[(r.get("start") or 0) : (r.get("end") or 0)]
        for s in sets:
            per = assigned.setdefault(s, {})
            for c in crits:
                c = ".".join(p.lstrip("0") or "0" for p in c.split("."))
                per.setdefault(c, []).append((r.get("agency") or "", r))
            # names written as "tiêu chí <name>" cover their criterion
            for num, pat in _cover_patterns(sets_def, s, cover_lead):
                if pat.search(quote):
                    named.setdefault(s, set()).add(num)
    out: list[Flag] = []
    for s, per in assigned.items():
        if len(per) < min_assigned:
            continue
        crit_defs = sets_def[s].get("criteria") or {}
        nums = list(crit_defs)
        for n in nums:
            if n in per or any(k.split(".")[0] == n for k in per) or n in named.get(s, set()):
                continue
            vals = {"criterion": n, "name": crit_defs[n].get("name"), **_looked(doc, s)}
            out.append(Flag("criterion_unassigned", Passage(doc), None, criterion=n, set=s, values=vals))
        for n, holders in per.items():
            agencies: dict[str, tuple[str, dict]] = {}
            for a, r in holders:
                agencies.setdefault(_agency_key(a), (a, r))
            if len(agencies) < 2:
                continue
            (a1, r1), (a2, r2) = list(agencies.values())[:2]
            lab_vi, lab_en = set_label(s)
            vals = {"criterion": n, "set_label": lab_vi, "set_label_en": lab_en,
                    "agencies": ", ".join(a for a, _ in agencies.values())}
            out.append(Flag("criterion_multiply_assigned", Passage.of_record(doc, r1), Passage.of_record(doc, r2),
                            criterion=n, set=s, values=vals))
    return out
