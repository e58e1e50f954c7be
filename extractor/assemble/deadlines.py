"""Deadlines: dated obligations (``trước ngày 20/9/2025``, ``trước tháng 10 năm 2022``)."""

from __future__ import annotations

import regex as re

from ..model import Deadline
from ..recognise import CITATION_RE, find_dates
from .agencies import agency_of_section
from .context import Context, clause_start, topic_of

_COMPLETE_RE = re.compile(r"hoàn\s+(?:thành|tất)|phê\s+duyệt|ban\s+hành|công\s+nhận|xong|trình|nộp|gửi|báo\s+cáo|đạt\s+chuẩn", re.I)


def deadlines_in(ctx: Context, sent) -> list[Deadline]:
    if sent.start < ctx.body_start:
        return []
    text = sent.text
    out = []
    for d in find_dates(text):
        if ctx.in_quotes(sent.start + d.start, sent.start + d.end):
            continue
        cstart = clause_start(text, d.start)
        clause_before = text[cstart:d.start]
        cites = list(CITATION_RE.finditer(clause_before))
        if cites:
            tail = clause_before[cites[-1].end():]
            if re.search(r"\b(?:về|việc)\b", tail) and not re.search(r",\s*(?:để|nhằm|phấn\s+đấu|quyết\s+tâm|bảo\s+đảm|đảm\s+bảo)", tail):
                continue  # the date belongs to a cited document's description
        date = d.date
        if d.kind == "within":
            if re.fullmatch(r"\d{4}", date) and (int(date) == ctx.plan_year or not _COMPLETE_RE.search(clause_before)):
                continue  # "trong năm 2025" of a 2025 plan is the plan's own period
        if date.startswith("--"):
            year = ctx.plan_year or (int(ctx.meta.date[:4]) if ctx.meta.date else None)
            if not year:
                continue
            date = f"{year}{date[1:]}"
        task = re.sub(r"^[-+•\s]+", "", clause_before).strip(" ,(:")
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
                task=task[-200:] or None,
                agency=agency_of_section(ctx, sent.start),
                date_text=text[d.start:d.end],
                value_start=sent.start + d.start,
                value_end=sent.start + d.end,
            )
        )
    return out
