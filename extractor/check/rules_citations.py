"""``citation_conflict``: one document number cited with different dates.

The right date of a number is the cited document's own date when it is in the
database, else the date most citations give (in all documents).  A citation with
another date in the same year (or the same day and month: a mistyped year) is the
odd one out; a date in another year may be another document (numbers restart each
year) and is left alone.
"""

from __future__ import annotations

from collections import Counter

from .data import Doc, number_key
from .flags import Flag, Passage


def _dmy(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{int(d)}/{int(m)}/{y}"


def _related(a: str, b: str) -> bool:
    """Could two dates be one document's date mistyped?"""
    return a[:4] == b[:4] or a[4:] == b[4:]


def citation_conflicts(docs: list[Doc]) -> list[Flag]:
    by_number: dict[str, list[tuple[Doc, dict]]] = {}
    own: dict[str, tuple[Doc, str]] = {}
    for d in docs:
        if d.number and d.date:
            own.setdefault(number_key(d.number), (d, d.date))
        for c in d.citations:
            if c.get("number") and c.get("date"):
                by_number.setdefault(number_key(c["number"]), []).append((d, c))
    out: list[Flag] = []
    for key, cits in by_number.items():
        dates = Counter(c["date"] for _, c in cits)
        right = None
        source = None
        if key in own:
            right, source = own[key][1], own[key][0]
        if right is None:
            if len(dates) < 2:
                continue
            (top, n1), (_, n2) = dates.most_common(2)
            right = top if n1 > n2 else cits[0][1]["date"]
        if all(c["date"] == right for _, c in cits):
            continue
        for d, c in cits:
            if c["date"] == right or not _related(c["date"], right):
                continue
            # the other passage: a citation with the right date, in this document first
            good = [(x, y) for x, y in cits if y["date"] == right]
            good.sort(key=lambda xy: (xy[0].id != d.id, xy[0].id, xy[1].get("start") or 0))
            other = Passage(good[0][0], good[0][1].get("quote"), good[0][1].get("start"), good[0][1].get("end")) \
                if good else None
            if source is not None:
                where = f"ngày ban hành của chính văn bản {source.label}"
                where_en = f"the document's own date, {source.label}"
            else:
                where = f"{dates[right]} lần trích dẫn khác"
                where_en = f"{dates[right]} other citations"
            vals = {"number": c["number"], "odd_date": _dmy(c["date"]), "date": _dmy(right),
                    "where": where, "where_en": where_en}
            out.append(Flag("citation_conflict", Passage(d, c.get("quote"), c.get("start"), c.get("end")),
                            other, values=vals))
    return out
