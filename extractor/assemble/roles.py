"""What a figure is, before it becomes a record: a commitment, a result, or nothing.

A reader tells ``phấn đấu có thêm 10 xã`` (a commitment: a target) from ``hiện có
299 xã`` (a result: a ``status`` record) by the words around the figure, the
sentence before it, and the section it sits in.  The cue words live in
``rules/roles.yml``; this module applies them in the order that file describes and
says which cue decided (``Role.reason``, stored as the record's ``role_reason``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NamedTuple

from .. import rx as re

from ..rules import load_rules
from .tail import tail_rx

COMMITMENT, RESULT, NONE = "commitment", "result", "none"
DEFAULT_COMMITMENT = "từ cam kết / commitment word"  # no cue: a commitment word (đạt, có …) in the sentence


@dataclass(frozen=True)
class Role:
    role: str  # commitment | result | none
    reason: str  # the cue that decided, in words


@dataclass(frozen=True)
class _Cue:
    name: str
    role: str
    rx: re.Pattern
    future_year: bool = False
    strong: bool = False  # decides even inside a results section
    relative: bool = False  # after the figure in its clause it describes the counted noun
    past_period: bool = False  # a result only when the year it speaks of has passed
    weak: bool = False  # only where nothing commits and the document is no plan
    follows: bool = False  # takes the role of an earlier cue in the sentence
    strict_year: bool = False  # a year after the document's commits, before it reports, its own says nothing


@functools.lru_cache(maxsize=1)
def _rules():
    r = load_rules("roles")
    cues = [
        _Cue(c["name"], RESULT, re.compile(c["pattern"], re.I), relative=bool(c.get("relative")),
             past_period=bool(c.get("past_period")), weak=bool(c.get("weak")), follows=bool(c.get("follows")))
        for c in r["result_cues"]
    ]
    cues += [
        _Cue(c["name"], COMMITMENT, re.compile(c["pattern"], re.I), bool(c.get("future_year")), bool(c.get("strong")),
             strict_year=bool(c.get("strict_year")))
        for c in r["commitment_cues"]
    ]
    nr = r["not_record"]
    return {
        "cues": cues,
        "before": [(c["name"], c.get("unit"), tail_rx(re.compile(c["pattern"], re.I)),
                    re.compile(c["then"], re.I) if c.get("then") else None) for c in nr["before"]],
        "after": [(c["name"], c.get("unit"), re.compile(c["pattern"], re.I)) for c in nr["after"]],
        "full_set_fraction": bool(nr.get("full_set_fraction")),
        "anecdote": re.compile(r["anecdote"]),
        "list_value": re.compile(r["indicator_list_value"], re.I),
        "weak_off": re.compile(r["weak_cancelled_by"], re.I),
    }


def list_value_re() -> re.Pattern:
    """A figure that is the value of an indicator-list item: ``Tỷ lệ hộ nghèo: dưới 3%``."""
    return _rules()["list_value"]


_YEAR_RE = re.compile(r"\b(?:19|20)\d\d\b")
PAREN_RE = re.compile(r"\([^()]*\)")  # a bracket with no bracket inside
PLANNING_TYPES = {"KẾ HOẠCH", "ĐỀ ÁN", "NGHỊ QUYẾT", "CHƯƠNG TRÌNH", "HƯỚNG DẪN", "QUYẾT ĐỊNH", "CHỈ THỊ", "PHƯƠNG ÁN"}


class Hit(NamedTuple):
    """One cue found in a sentence."""

    start: int
    end: int
    role: str  # commitment | result
    name: str  # what role_reason says
    strong: bool = False
    relative: bool = False


@functools.lru_cache(maxsize=1024)  # targets and funding ask for the same sentences
def cue_hits(can: str, doc_year: int | None, planning_doc: bool = False) -> tuple[Hit, ...]:
    """Every role cue in ``can`` (canonical text), in text order.

    A ``đến năm YYYY`` cue is a commitment when YYYY is not before the document's
    year (or the document is undated), and a result when it is.
    """
    hits = []
    for cue in _rules()["cues"]:
        if cue.weak and planning_doc:
            continue
        first = cue.rx.search(can)  # most cues are absent: a search costs less than a finditer
        if first is None:
            continue
        for m in cue.rx.finditer(can, first.start()):  # no match starts before the first
            role = cue.role
            if cue.strict_year:
                y = int(m.group("year"))
                if not doc_year or y == doc_year:
                    continue
                if y < doc_year:
                    hits.append(Hit(m.start(), m.end(), RESULT, f"năm {y} đã qua"))
                    continue
            if cue.future_year:
                y = int(m.group("year"))
                if doc_year and y < doc_year:
                    hits.append(Hit(m.start(), m.end(), RESULT, f"năm {y} đã qua"))
                    continue
            if cue.past_period:
                years = [int(y) for y in _YEAR_RE.findall(can[: m.start()])]
                if years and (doc_year is None or years[-1] >= doc_year):
                    continue  # "năm 2025 ước đạt …" in a 2025 plan: an estimate of what is to come
            hits.append(Hit(m.start(), m.end(), role, cue.name, cue.strong, cue.relative))
    hits.sort()
    follows = {c.name for c in _rules()["cues"] if c.follows}
    # a weak cue counts only where nothing commits: no commitment cue, no floor or ceiling
    # ("Có ít nhất 38 đơn vị … được Thủ tướng công nhận"); dropped before a `follows` cue takes a role
    if any(h.role == COMMITMENT for h in hits) or _rules()["weak_off"].search(can):
        weak = {c.name for c in _rules()["cues"] if c.weak}
        hits = [h for h in hits if h.name not in weak]
    if follows:
        kept = []
        for h in hits:
            if h.name in follows:
                earlier = [k for k in kept if k.name not in follows]
                if not earlier:
                    continue  # alone it decides nothing
                h = h._replace(role=earlier[-1].role, name=f"{h.name} ({earlier[-1].name})")
            kept.append(h)
        hits = kept
    return tuple(hits)


def not_a_record(can: str, start: int, end: int, prev_end: int | None, unit: str | None, fraction) -> str | None:
    """Why the figure at ``can[start:end]`` is no record (scope, set description …), or None."""
    R = _rules()
    before = can[max(0, start - 240):start]  # the patterns look at most ~200 characters back
    after = can[end:end + 80]
    for name, only, rx, then in R["before"]:
        if (only is None or only == unit) and rx.search(before) and (then is None or then.search(after)):
            return name
    for name, only, rx in R["after"]:
        if (only is None or only == unit) and rx.search(after):
            return name
    if R["full_set_fraction"] and fraction and unit == "tiêu chí" and fraction[0] == fraction[1]:
        # "48/85 xã đạt chuẩn 19/19 tiêu chí": the standard the counted units meet
        if prev_end is not None and re.fullmatch(r"[^,;.]{0,40}", can[prev_end:start]):
            return "N/N tiêu chí (định nghĩa chuẩn)"
    return None


def _describes_earlier(can: str, h: Hit, figures, pos: int) -> bool:
    """Does cue ``h`` follow, in the same clause, a figure before ``pos`` (its noun only between)?"""
    return any(fe <= h.start and fs < pos and h.start - fe <= 60 and re.fullmatch(r"[^,;]*", PAREN_RE.sub("", can[fe:h.start]))
               for fs, fe in figures)


def is_anecdote(para_can_before: str) -> bool:
    """A paragraph that, up to the figure, tells of one person, household or donor."""
    return bool(_rules()["anecdote"].search(para_can_before))


def _in_closed_paren(can: str, start: int, pos: int) -> bool:
    """The cue at ``start`` is inside brackets that close before ``pos``: a plan quoted for
    comparison, "(chỉ tiêu là 61 xã); 29 xã …", commits nothing after its bracket."""
    return any(m.start() < start < m.end() <= pos for m in PAREN_RE.finditer(can, 0, pos))


def role_in_sentence(hits, pos: int, *, strong_only: bool = False, can: str | None = None,
                     figures: tuple = ()) -> Role | None:
    """The nearest cue before ``pos``; else the one kind of cue the sentence holds.

    ``strong_only`` (inside a results section): a commitment needs a strong cue.
    ``figures``: (start, end) of the sentence's figures; a `relative` cue right after an
    earlier one ("Giữ vững 17 tiêu chí đã đạt; hoàn thành thêm 02 …") describes that
    figure's noun and decides nothing for the figures after it.
    """
    if strong_only:
        hits = [h for h in hits if h.role == RESULT or h.strong]
    before = [h for h in hits if h.start < pos]
    if can is not None and figures:
        before = [h for h in before if not (h.relative and _describes_earlier(can, h, figures, pos))]
    if can is not None and "(" in can and before:
        before = [h for h in before if h.role == RESULT or not _in_closed_paren(can, h.start, pos)]
    if before:
        h = max(before, key=lambda h: h.end)
        return Role(h.role, h.name)
    after = hits
    if can is not None:  # "02 xã (Lê Lai, Đức Long) đã được công nhận": describes what is counted
        after = [h for h in hits if not (h.relative and re.fullmatch(r"[^,;]*", PAREN_RE.sub("", can[pos:h.start])))]
    kinds = {h.role for h in after}
    if len(kinds) == 1:
        h = after[0]
        if strong_only and h.role == COMMITMENT:
            return None  # in a results section a plan named after a figure does not make it one
        return Role(h.role, f"{h.name} (cùng câu / same sentence)")
    return None
