"""The national criteria sets (rules/criteria.yml): which set a passage names, names of criteria."""

from __future__ import annotations

import functools

from .. import rx as re

from ..normalise import canonical
from ..recognise import _CRIT_HEAD_RE, find_criteria
from ..rules import load_rules


@functools.lru_cache(maxsize=1)
def _set_res():
    return [(p["set"], re.compile(p["pattern"], re.I)) for p in load_rules("criteria")["set_patterns"]]


def set_in(text: str) -> str | None:
    """The criteria set a passage names (``both`` = xã NTM and xã NTM nâng cao), else None."""
    for name, rx in _set_res():
        if rx.search(text):
            return name
    return None


def find_sets(text: str) -> list[tuple[int, int, str, str]]:
    """Every place a passage names a criteria set: (start, end, set, role).

    ``role`` is "head" when the criteria follow (``Đối với Bộ tiêu chí … nâng cao:``)
    and "tail" when they come before (``… của Bộ tiêu chí xã nông thôn mới``).  Two
    sets joined by "và" are one mention of set "both".
    """
    spans: list[tuple[int, int, str]] = []
    for name, rx in _set_res():
        for m in rx.finditer(text):
            if all(m.end() <= a or m.start() >= b for a, b, _ in spans):
                spans.append((m.start(), m.end(), name))
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    for s in spans:
        if merged and re.fullmatch(r"\s*(?:và|,)\s*(?:(?:cả\s+)?Bộ\s+tiêu\s+chí\s*)?", text[merged[-1][1]:s[0]], re.I) and {merged[-1][2], s[2]} == {"xa_ntm", "xa_ntm_nang_cao"}:
            merged[-1] = (merged[-1][0], s[1], "both")
        else:
            merged.append(s)
    out = []
    for a, b, name in merged:
        # widen to "Bộ tiêu chí …" so a head phrase starts at its noun
        m = re.search(r"(?:Bộ\s+tiêu\s+chí[^;:.]{0,30})$", text[max(0, a - 40):a], re.I)
        a2 = a - len(m.group(0)) if m else a
        before = text[max(0, a2 - 25):a2]
        after = text[b:b + 12]
        if re.search(r"(?:của|thuộc|trong|theo)(?:\s+cả)?\s*$", before, re.I):
            role = "tail"
        elif re.search(r"(?:Đối\s+với|đối\s+với)\s*$", before) or re.match(r"\s*(?:,\s*)?(?:gồm|:)", after, re.I):
            role = "head"
        else:
            role = "tail"
        out.append((a2, b, name, role))
    return out


def may_name_criteria(text: str) -> bool:
    """False when ``find_criteria`` finds nothing in ``text`` nor in any part of it: every
    criterion number follows a criterion word (``tiêu chí``, ``chỉ tiêu`` …), found by a
    pattern with no look-behind, so a part of ``text`` holds such a word only if ``text`` does."""
    return _CRIT_HEAD_RE.search(text) is not None


def criterion_in(text: str) -> str | None:
    """The first criterion number a clause names (``đạt tiêu chí số 1 về quy hoạch`` -> "1")."""
    cs = [c for c in find_criteria(text) if not c.parent_ref]
    return cs[0].number if cs else None


def criteria_sets() -> dict:
    return load_rules("criteria")["sets"]


def _fold(s: str) -> str:
    return re.sub(r"[^\w]+", " ", canonical(s).lower()).strip()


def name_matches(set_name: str, number: str, written: str) -> bool | None:
    """Does ``written`` name criterion ``number`` of ``set_name``?  None when unknown."""
    crits = criteria_sets().get(set_name, {}).get("criteria") or {}
    c = crits.get(number.split(".")[0])
    if not c:
        return None
    names = [c["name"], *c.get("aliases", [])]
    w = _fold(written)
    for n in names:
        f = _fold(n)
        if f in w or w in f:
            return True
        if set(f.split()) == set(w.split()):
            return True
    return False


def number_for_name(set_name: str, written: str) -> str | None:
    """The criterion number whose name (or alias) is ``written`` exactly, in one set."""
    w = _fold(written)
    for num, c in (criteria_sets().get(set_name, {}).get("criteria") or {}).items():
        for n in [c["name"], *c.get("aliases", [])]:
            if _fold(n) == w:
                return num
    return None
