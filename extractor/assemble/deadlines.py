"""Deadlines: dated obligations (``trước ngày 20/9/2025``, ``vào cuối tháng 03 năm 2019``).

A date phrase (``recognise.find_dates``) becomes a deadline when what it dates is
something to do or to reach, not a record of the past:

- ``before`` cues (``trước``, ``chậm nhất``) date a task whatever its verb;
- ``within`` and ``at`` cues (``trong``, ``vào``, ``sang``, ``đến``) need a completion or
  status word (``hoàn thành``, ``đạt chuẩn nông thôn mới``) in the clause they date;
- a date at year precision dates a status to reach only when that clause has no
  figure (a figure with a year is a target: ``có thêm 12 xã đạt chuẩn trong năm 2024``);
- never: citation, issue and effective dates, report cut-offs (``đến 30/9/2015``),
  superseded dates (``thay cho trước tháng 6.2020``), recurring dates (``… hằng năm``),
  past activities (``đã tổ chức …``, or a date before the document's own date).

Word lists are in ``rules/deadlines.yml``.
"""

from __future__ import annotations

import functools

import regex as re

from ..model import Deadline
from ..recognise import CITATION_RE, find_dates, find_values
from ..rules import load_rules
from .agencies import agency_of_section
from .context import Context, clause_start, topic_of

_TASK_MAX = 200


@functools.lru_cache(maxsize=1)
def _rules():
    r = load_rules("deadlines")
    return {
        "goal": re.compile(r["goal_words"], re.I),
        "not_before": [re.compile(p, re.I) for p in r["not_before"].values()],
        "rhythm": re.compile(r["rhythm_after"], re.I),
        "past": re.compile(r["past_words"], re.I),
        "future": re.compile(r["future_words"], re.I),
    }


def _clauses(text: str) -> list[tuple[int, int]]:
    """Comma/semicolon clauses of a sentence (outside brackets), as spans."""
    out, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c in "([":
            depth += 1
        elif c in ")]":
            depth = max(0, depth - 1)
        elif c in ",;" and depth == 0:
            out.append((start, i))
            start = i + 1
    out.append((start, len(text)))
    return out


def _has_figure(text: str, a: int, b: int, dates) -> bool:
    """Is there a figure (number + unit) in text[a:b], date phrases left out?"""
    chunk = list(text[a:b])
    for d in dates:
        for i in range(max(a, d.start), min(b, d.end)):
            chunk[i - a] = " "
    return bool(find_values("".join(chunk)))


def _goal_clause(text: str, d, dates) -> tuple[int, int] | None:
    """The clause holding the completion or status the date is for, if it has one.

    The date's own clause, or, when the date leads the sentence (``Sang năm 2023, …``),
    the first clause after it that names a goal.  For a year-precision date the clause
    must carry no figure (else the sentence is a target)."""
    rules = _rules()
    spans = _clauses(text)
    idx = next(i for i, (a, b) in enumerate(spans) if a <= d.start <= b)
    a, b = spans[idx]
    candidates = [(a, b)]
    if not rules["goal"].search(text[a:d.start]) and not rules["goal"].search(text[d.end:b]) and idx + 1 < len(spans):
        candidates.append(spans[idx + 1])  # the main clause after a leading date
    for a, b in candidates:
        if rules["goal"].search(text[a:b]):
            if d.precision == "year" and _has_figure(text, a, b, dates):
                return None
            return a, b
    return None


def _clause_of(text: str, d) -> tuple[int, int]:
    return next((a, b) for a, b in _clauses(text) if a <= d.start <= b)


def _is_past(ctx: Context, text: str, d, date: str, goal) -> bool:
    """A past activity: ``đã``/``vừa`` in the clause before the date (no planning word after
    it) or in the goal clause after it, or a date before the document's own date."""
    rules = _rules()
    a, b = _clause_of(text, d)
    before = text[a:d.start]
    past = None
    for past in rules["past"].finditer(before):
        pass
    if past and not rules["future"].search(before[past.end():]):
        return True
    after = text[d.end:max(b, goal[1] if goal else b)]
    past = rules["past"].search(after)
    if past and not rules["future"].search(after[: past.start()]):
        return True
    doc = ctx.meta.date or ""
    if doc and not date.startswith("--"):
        return date < doc[: len(date)]
    return False


def _excluded(text: str, d) -> bool:
    """Superseded, cut-off, effective or recurring dates."""
    rules = _rules()
    before = text[max(0, d.start - 80):d.start]
    if any(rx.search(before) for rx in rules["not_before"]):
        return True
    return bool(rules["rhythm"].match(text, d.end))


def _task(text: str, cstart: int, d, goal) -> str | None:
    """The words the date is attached to: its clause up to the date (or the goal clause
    when the date leads), without a list marker, cut at a clause or word boundary."""
    task = text[cstart:d.start]
    task = re.sub(r"^\s*(?:[-+•]+|\(?\d{1,2}[.)]|\(?[a-zđ]\))\s*", "", task).strip(" ,(:")
    if not task and goal:
        task = text[goal[0]:goal[1]].strip(" ,;.")
    if len(task) > _TASK_MAX:
        cut = len(task) - _TASK_MAX
        m = re.compile(r"[,;]\s+").search(task, cut) or re.compile(r"(?<![\p{L}\p{N}])(?=[\p{L}\p{N}])").search(task, cut)
        task = task[m.end():] if m else task[cut:]
    return task or None


def _document_year(ctx: Context) -> int | None:
    if ctx.meta.date:
        return int(ctx.meta.date[:4])
    return ctx.plan_year


def deadlines_in(ctx: Context, sent) -> list[Deadline]:
    if sent.start < ctx.body_start:
        return []
    text = sent.text
    dates = find_dates(text)
    out = []
    for d in dates:
        if ctx.in_quotes(sent.start + d.start, sent.start + d.end) or _excluded(text, d):
            continue
        cstart = clause_start(text, d.start)
        clause_before = text[cstart:d.start]
        cites = list(CITATION_RE.finditer(clause_before))
        if cites:
            tail = clause_before[cites[-1].end():]
            if re.search(r"\b(?:về|việc)\b|\bngày\s*$", tail) and not re.search(r",\s*(?:để|nhằm|phấn\s+đấu|quyết\s+tâm|bảo\s+đảm|đảm\s+bảo)", tail):
                continue  # the date belongs to a cited document's description
        goal = _goal_clause(text, d, dates)
        date = d.date
        if d.kind in ("at", "within") and d.precision == "year" and goal is None:
            continue
        if d.kind == "at" and goal is None:
            continue
        if d.kind == "within" and d.precision == "year" and int(date) == ctx.plan_year:
            continue  # "trong năm 2025" of a 2025 plan is the plan's own period
        if d.kind == "before" and d.precision == "year" and goal is None and _has_figure(text, *_clause_of(text, d), dates):
            continue  # a figure to reach before a year: a target
        if date.startswith("--"):
            year = _document_year(ctx)
            if not year:
                continue
            date = f"{year}{date[1:]}"
        if _is_past(ctx, text, d, date, goal):
            continue
        chain = ctx.chain(sent.start)
        out.append(
            Deadline(
                quote=text,
                start=sent.start,
                end=sent.end,
                section=chain[-1].label if chain else None,
                confidence=0.85 if not d.date.startswith("--") else 0.7,
                topic=topic_of(clause_before, [s.title for s in chain][::-1]),
                date=date,
                task=_task(text, cstart, d, goal),
                agency=agency_of_section(ctx, sent.start),
                date_text=text[d.start:d.end],
                value_start=sent.start + d.start,
                value_end=sent.start + d.end,
            )
        )
    return out
