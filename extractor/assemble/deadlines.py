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

from .. import rx as re

from ..model import Deadline
from ..recognise import CITATION_RE, find_dates, find_values
from ..rules import load_rules
from .agencies import agency_of_section
from .context import Context, clause_start, part_year, topic_of
from .roles import RESULT

_TASK_MAX = 200


@functools.lru_cache(maxsize=1)
def _rules():
    r = load_rules("deadlines")
    return {
        "goal": re.compile(f"(?:{r['goal_words']})|(?:{r['status_words']})", re.I),
        "status": re.compile(r["status_words"], re.I),
        "designated": re.compile(r["designated_goal"]),
        "event": re.compile(r["event_cues"], re.I),
        "cut_off_lead": re.compile(r["cut_off_lead"], re.I),
        "state": re.compile(r["state_words"], re.I),
        "list_edit": re.compile(r["list_edit"], re.I),
        "not_before": {k: re.compile(p, re.I) for k, p in r["not_before"].items()},
        "past": re.compile(r["past_words"], re.I),
        "future": re.compile(r["future_words"], re.I),
    }


_CLAUSE_MARKS = re.compile(r"[(\[)\],;]")


@functools.lru_cache(maxsize=64)  # asked several times for each date of a sentence
def _clauses(text: str) -> tuple[tuple[int, int], ...]:
    """Comma/semicolon clauses of a sentence (outside brackets), as spans."""
    out, depth, start = [], 0, 0
    for m in _CLAUSE_MARKS.finditer(text):
        c, i = m.group(), m.start()
        if c in "([":
            depth += 1
        elif c in ")]":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append((start, i))
            start = i + 1
    out.append((start, len(text)))
    return tuple(out)


def _has_figure(text: str, a: int, b: int, dates) -> bool:
    """Is there a figure (number + unit) in text[a:b], date phrases left out?"""
    chunk = list(text[a:b])
    for d in dates:
        for i in range(max(a, d.start), min(b, d.end)):
            chunk[i - a] = " "
    return bool(find_values("".join(chunk)))


def _goal_clause(text: str, d, dates) -> tuple[int, int] | None:
    """The clause holding the completion or status the date is for, if it has one.

    A goal before the date in its clause (``đạt chuẩn … vào năm 2020``); else one after it
    that no later date claims (``UBND xã trong tháng 6/2019 hoàn thành …``); else, when the
    date leads the sentence (``Sang năm 2023, …``), the main clause after it.  For a year,
    or a month after "vào"/"trong", the clause must carry no figure (else it is a target)."""
    goal_re = _rules()["goal"]
    spans = _clauses(text)
    idx = next(i for i, (a, b) in enumerate(spans) if a <= d.start <= b)
    a, b = spans[idx]
    found = None
    if goal_re.search(text[a:d.start]):
        found = (a, b)
    else:
        g = goal_re.search(text[d.end:b])
        if g and not any(d.end + g.end() <= o.start < b for o in dates):
            found = (a, b)
        elif not g and _leads(text, d) and idx + 1 < len(spans):
            nxt = spans[idx + 1]  # the main clause after a leading date
            found = nxt if goal_re.search(text[nxt[0]:nxt[1]]) else None
    if found and (d.precision == "year" or d.kind != "before" and d.precision != "day") and _has_figure(text, found[0], found[1], dates):
        return None
    return found


def _place_status(text: str) -> bool:
    """A named territory to reach the NTM standard (``huyện Cam Lộ đạt chuẩn …``), not a
    generic one (``các xóm … đạt chuẩn``)."""
    for m in _rules()["status"].finditer(text):
        if re.search(r"(?<!các\s|những\s)(?:xã|huyện|tỉnh|thị\s+xã|thành\s+phố)(?:\s+\p{Lu}\p{Ll}*)*\s*$", text[max(0, m.start() - 40):m.start()]):
            return True
    return False


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
    """Superseded, effective and (after an "at" cue) cut-off dates and plan names' horizons."""
    before = text[max(0, d.start - 80):d.start]
    return any(rx.search(before) for k, rx in _rules()["not_before"].items() if k not in _AT_ONLY or d.kind == "at")


_AT_ONLY = ("cut_off", "plan_name")  # "báo cáo … trước ngày 15/6" and "ban hành Kế hoạch này trước ngày 25/8" are due dates


def _task(text: str, cstart: int, d, goal) -> str | None:
    """The words the date is attached to: its clause up to the date (or the goal clause
    when the date leads), without a list marker, cut at a clause or word boundary."""
    task = text[cstart:d.start]
    task = re.sub(r"^\s*(?:[-+•]+|\(?\d{1,2}[.)]|\(?[a-zđ]\))\s*", "", task).strip(" ,(:")
    if not task:  # a leading date: what follows it
        task = (text[goal[0]:goal[1]] if goal else text[d.end:]).strip(" ,;.:")
    if len(task) > _TASK_MAX:
        cut = len(task) - _TASK_MAX
        m = re.compile(r"[,;]\s+").search(task, cut) or re.compile(r"(?<![\p{L}\p{N}])(?=[\p{L}\p{N}])").search(task, cut)
        task = task[m.end():] if m else task[cut:]
    return task or None


def _fill_year(ctx: Context, sent_start: int, date: str) -> str | None:
    """A date written without its year (``trước ngày 30-8``, ``vào cuối năm``): the year of
    a heading above it (``NHIỆM VỤ NĂM 2024``, a ``Phần thứ hai`` part heading), else the
    plan's own year, else the year of the document's date; moved on a year when the day
    would fall before the issue date."""
    chain = ctx.chain(sent_start)
    for sec in reversed(chain):
        if sec.start + len(sec.title) >= sent_start:
            continue  # the sentence is this heading's own text
        ys = re.findall(r"năm\s+((?:19|20)\d\d)(?!\s*[-–]\s*\d)", sec.title, re.I)
        if len(set(ys)) == 1:
            year = int(ys[0])
            break
    else:
        year = (part_year(ctx, chain[0].start) if chain else None) or ctx.plan_year
        if not year and ctx.meta.date:
            year = int(ctx.meta.date[:4])
        if not year:
            return None
        if ctx.meta.date and date != "--" and f"{year}{date[1:]}" < ctx.meta.date:
            year += 1  # a due day is never before the document was issued
    return str(year) if date == "--" else f"{year}{date[1:]}"


def _leads(text: str, d) -> bool:
    """The date opens its clause (a list marker or a word or two may come first)."""
    a, _b = _clause_of(text, d)
    before = re.sub(r"^\s*(?:[-+•*]+|\(?\d{1,2}[.)]|\(?[a-zđ]\))", "", text[a:d.start])
    return len(before.split()) <= 2


def _figure_near(text: str, d, dates) -> bool:
    """A figure in the date's clause, or in the clause after a leading date."""
    spans = _clauses(text)
    idx = next(i for i, (a, b) in enumerate(spans) if a <= d.start <= b)
    near = [spans[idx]] + ([spans[idx + 1]] if _leads(text, d) and idx + 1 < len(spans) else [])
    return any(_has_figure(text, a, b, dates) for a, b in near)


def _cited(text: str, d) -> bool:
    """The date belongs to a cited document's description (``Kế hoạch số 12 … về …``)."""
    clause_before = text[clause_start(text, d.start):d.start]
    cites = list(CITATION_RE.finditer(clause_before))
    if not cites:
        return False
    tail = clause_before[cites[-1].end():]
    return bool(re.search(r"\b(?:về|việc)\b|\bngày\s*$", tail)) and not re.search(r",\s*(?:để|nhằm|phấn\s+đấu|quyết\s+tâm|bảo\s+đảm|đảm\s+bảo)", tail)


_COMPLETE_BEFORE = re.compile(r"\bhoàn\s+thành\s*$", re.I)


def _reports_result(ctx: Context, sent) -> bool:
    """The sentence's figures were read as results (``ctx.roles``, set by the target assembler)."""
    role = ctx.roles.get(sent.start)
    return role is not None and role.role == RESULT


def _accept(ctx: Context, sent, d, dates) -> tuple[str, tuple[int, int] | None] | None:
    """(ISO date, goal clause) when date phrase ``d`` dates an obligation, else None."""
    text = sent.text
    if ctx.in_quotes(sent.start + d.start, sent.start + d.end) or _excluded(text, d) or _cited(text, d):
        return None
    cue = re.sub(r"\s+", " ", d.cue.strip())
    if d.precision in ("day", "month") and _rules()["event"].match(cue) and _leads(text, d):
        return None  # "Vào ngày 15/3/2024, UBND tỉnh ban hành …": an event
    if d.precision == "day" and _rules()["cut_off_lead"].match(cue) and _leads(text, d) \
            and _rules()["state"].search(text, d.end):
        return None  # "Đến ngày 4.1, Sở … vẫn chưa nhận được báo cáo": the state at a date
    if d.kind in ("at", "within") and d.precision != "day" and _figure_near(text, d, dates):
        return None  # "Trong tháng 9/2022, có thêm 5 xã …": a figure with its date is a target
    if d.kind in ("at", "within") and _reports_result(ctx, sent) \
            and not _rules()["future"].search(text, clause_start(text, d.start), d.start):
        return None  # "… đạt chuẩn vào năm 2018 (hoàn thành sớm 2 năm …)" in a sentence of results: when it was reached
    goal = _goal_clause(text, d, dates)
    date = d.date
    if d.kind == "at" and goal is None or d.kind == "within" and d.precision == "year" and goal is None:
        return None
    if d.kind == "within" and d.precision == "year" and date != "--" and int(date) == ctx.plan_year \
            and not _place_status(text[goal[0]:goal[1]]) \
            and not (not ctx.planning_doc and _COMPLETE_BEFORE.search(text, 0, d.start)):
        return None  # "trong năm 2025" of a 2025 plan is the plan's own period (a status goal is not,
        # nor a report's "phấn đấu hoàn thành trong năm 2025": the rest of its year)
    if d.kind == "before" and d.precision == "year" and goal is None and _has_figure(text, *_clause_of(text, d), dates):
        return None  # a figure to reach before a year: a target
    if date.startswith("--"):
        date = _fill_year(ctx, sent.start, date)
        if not date:
            return None
    if _is_past(ctx, text, d, date, goal):
        return None
    return date, goal


def _deadline(ctx: Context, sent, date: str, task_start: int, span: tuple[int, int], task: str | None, confidence: float) -> Deadline:
    chain = ctx.chain(sent.start)
    text = sent.text
    return Deadline(
        quote=text,
        start=sent.start,
        end=sent.end,
        section=chain[-1].label if chain else None,
        confidence=confidence,
        topic=topic_of(text[task_start:span[0]] or (task or ""), [s.title for s in chain][::-1]),
        date=date,
        task=task,
        agency=agency_of_section(ctx, sent.start),
        date_text=text[span[0]:span[1]],
        value_start=sent.start + span[0],
        value_end=sent.start + span[1],
    )


def deadlines_in(ctx: Context, sent) -> list[Deadline]:
    """Deadlines of one sentence (any sentence: ``vào cuối năm`` has no digit)."""
    if sent.start < ctx.body_start or sent.start >= ctx.body_end:
        return []
    text = sent.text
    dates = find_dates(text)
    if not dates:
        return _undated_goal(ctx, sent)
    out = []
    for d in dates:
        got = _accept(ctx, sent, d, dates)
        if got is None:
            continue
        date, goal = got
        cstart = clause_start(text, d.start)
        confidence = 0.85 if not d.date.startswith("--") else 0.7  # year taken from the document
        out.append(_deadline(ctx, sent, date, cstart, (d.start, d.end), _task(text, cstart, d, goal), confidence))
    return out


def _plan_period_end(ctx: Context) -> str | None:
    """The last year of the period the document's plan covers (``giai đoạn 2021-2025``)."""
    period = ctx.meta.period or ""
    m = re.fullmatch(r"(?:19|20)\d\d\s*[-–]\s*((?:19|20)\d\d)", period.strip())
    if m:
        return m.group(1)
    head = ctx.text[: max(ctx.body_start, 800)]
    ends = {m.group(1) for m in re.finditer(r"giai\s+đoạn\s+(?:19|20)\d\d\s*[-–]\s*((?:19|20)\d\d)", head, re.I)}
    return ends.pop() if len(ends) == 1 else None


def _undated_goal(ctx: Context, sent) -> list[Deadline]:
    """A named place designated to reach the NTM standard, with no date in the sentence
    (``Sau điều chỉnh, huyện X là huyện phấn đấu đạt chuẩn …``): due by the end of the
    plan's period.  Not list edits (``được bổ sung vào nhóm phấn đấu …``), not with a figure."""
    r = _rules()
    text = sent.text
    m = r["designated"].search(text)
    if not m or r["list_edit"].search(text) or find_values(text):
        return []
    end = _plan_period_end(ctx)
    if not end:
        return []
    task = text[m.start():].strip(" .;")
    return [_deadline(ctx, sent, end, m.start(), (m.start(), m.end()), task[:_TASK_MAX] or None, 0.6)]
