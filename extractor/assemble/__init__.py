"""Assemble stage: mentions + context -> records (targets, deadlines, funding, assignments).

One module per record type; ``context`` holds what a reader carries along
(section, years, the plan's own year, clause boundaries).
"""

from __future__ import annotations

from ..model import DocMeta, Record
from .assignments import assignments_in
from .context import build_context
from .deadlines import deadlines_in
from .funding import funding_in
from .targets import targets_in


def assemble(text: str, meta: DocMeta, sections, paras, sents) -> list[Record]:
    """All records of one document, in text order (funding parents are list indexes)."""
    ctx = build_context(text, meta, sections, paras, sents)
    records: list[Record] = []
    for s in sents:
        if any(ch.isdigit() for ch in s.text):
            records.extend(targets_in(ctx, s))
            records.extend(deadlines_in(ctx, s))
    funding = funding_in(ctx)
    assignments = assignments_in(ctx)
    # keep funding parents valid after merging: they index into the final list
    base = len(records)
    for f in funding:
        if f.parent is not None:
            f.parent += base
    records.extend(funding)
    records.extend(assignments)
    return records
