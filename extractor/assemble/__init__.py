"""Assemble stage: mentions + context -> records (targets, status, deadlines, funding, assignments).

One module per record type; ``context`` holds what a reader carries along
(section, years, the plan's own year, clause boundaries); ``roles`` decides
whether a figure is a commitment (target, funding), a result (status) or no record.
"""

from __future__ import annotations


from ..model import DocMeta, Record
from ..recognise import may_hold_value
from .assignments import assignments_in
from .context import build_context
from .deadlines import deadlines_in
from .funding import funding_in
from .status import headline_results
from .tables import in_claimed, table_records, without_tables
from .targets import targets_in


def assemble(text: str, meta: DocMeta, sections, paras, sents, tables=None) -> list[Record]:
    """All records of one document, in text order (funding parents are list indexes).

    ``tables`` (extractor.tables.Table, document offsets): records come from their
    cells, and the sentence-level target and funding assemblers skip the rows they claim."""
    ctx = build_context(text, meta, sections, paras, sents)
    table_recs, claimed, ctx.standard_cells = table_records(ctx, tables or [])
    records: list[Record] = []
    for s in sents:
        # a table row's figures are the table's; its dates are still read ("Thời gian: quý IV/2023")
        if may_hold_value(s.text) and not (claimed and in_claimed(claimed, s.start, s.end)):
            records.extend(targets_in(ctx, s))
        records.extend(deadlines_in(ctx, s))  # any sentence: "vào cuối năm" has no digit
    funding, money_results = funding_in(without_tables(ctx, claimed))
    records.extend(money_results)
    records = headline_results(ctx, records)
    assignments = assignments_in(ctx)
    # keep funding parents valid after merging: they index into the final list
    base = len(records)
    for f in funding:
        if f.parent is not None:
            f.parent += base
    records.extend(funding)
    base = len(records)
    for r in table_recs:
        if getattr(r, "parent", None) is not None:
            r.parent += base
    records.extend(table_recs)
    records.extend(assignments)
    return records
