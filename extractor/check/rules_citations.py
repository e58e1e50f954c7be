"""``citation_conflict``: one document number cited with different dates.

The right date of a number is the cited document's own date when it is in the
database, else the date most citations give (in all documents).  A citation with
another date in the same year (or the same day and month: a mistyped year) is the
odd one out; a date in another year may be another document (numbers restart each
year) and is left alone.
"""

from __future__ import annotations

from collections import Counter

import regex

from ..fold import fold
from .data import Doc, number_key
from .flags import Flag, Passage
from .link import citation_level


def _places() -> list[str]:
    cached = getattr(_places, "_cache", None)
    if cached is None:
        from ..rules import gazetteer

        g = gazetteer()
        names = {fold(p) for p in g.province_type}
        for rows in g.districts.values():
            names.update(fold(r[1]) for r in rows)
        cached = sorted(names, key=len, reverse=True)
        _places._cache = cached  # type: ignore[attr-defined]
    return cached


def _signature(c: dict, citing: Doc | None = None) -> tuple:
    """(level, place) of a citation's issuer: numbers restart per issuer, so two
    citations of one number are one document only when these agree.  An issuer named
    without its place ("của UBND huyện") is the citing document's own at that level."""
    issuer = f" {fold(c.get('issuer') or '')} "
    place = None
    for p in _places():
        if f" {p} " in issuer:
            place = p
            break
    level = citation_level(c)
    if place is None and citing is not None and level is not None:
        own = {"tinh": citing.province, "huyen": citing.district, "xa": citing.commune}.get(level)
        place = fold(own) if own else None
    return level, place


def _doc_signature(d: Doc) -> tuple:
    place = {"tinh": d.province, "huyen": d.district, "xa": d.commune}.get(d.level or "")
    return d.level, fold(place) if place else None


def _compatible(a: tuple, b: tuple) -> bool:
    return all(x is None or y is None or x == y for x, y in zip(a, b))


def _dmy(iso: str) -> str:
    y, m, d = iso.split("-")
    return f"{int(d)}/{int(m)}/{y}"


def _related(a: str, b: str) -> bool:
    """Could two dates be one document's date mistyped?"""
    return a[:4] == b[:4] or a[4:] == b[4:]


_NUMBER_LINE = regex.compile(r"(?m)^[^\n]{0,80}?\bSố\s*:?[^\n]{0,120}$")
_DATE = regex.compile(r"(?i)ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4}")


def _letterhead(doc: Doc) -> Passage | None:
    """The cited document's own number and date as its letterhead gives them."""
    head = doc.text[:1500]
    m = _NUMBER_LINE.search(head)
    d = _DATE.search(head)
    if m and d and abs(d.start() - m.end()) < 400:
        s, e = min(m.start(), d.start()), max(m.end(), d.end())
        return Passage.of_span(doc, s, e)
    if d:
        return Passage.of_span(doc, *doc.sentence_bounds(d.start(), d.end()))
    return None


def citation_conflicts(docs: list[Doc]) -> list[Flag]:
    by_number: dict[str, list[tuple[Doc, dict]]] = {}
    own: dict[str, list[Doc]] = {}
    for d in docs:
        if d.number and d.date:
            own.setdefault(number_key(d.number), []).append(d)
        for c in d.citations:
            if c.get("number") and c.get("date"):
                by_number.setdefault(number_key(c["number"]), []).append((d, c))
    out: list[Flag] = []
    for key, cits in by_number.items():
        sigs = [_signature(c, d) for d, c in cits]
        if len({c["date"] for _, c in cits}) < 2 and not own.get(key):
            continue
        cache: dict[tuple, tuple] = {}
        for i, (d, c) in enumerate(cits):
            # the citations and the stored document that can be the same document as this one
            if sigs[i] not in cache:
                peers_ = [(x, y) for j, (x, y) in enumerate(cits) if _compatible(sigs[i], sigs[j])]
                self_ = [x for x in own.get(key, []) if _compatible(sigs[i], _doc_signature(x))]
                cache[sigs[i]] = (peers_, self_, Counter(y["date"] for _, y in peers_))
            peers, selfdocs, dates = cache[sigs[i]]
            source = selfdocs[0] if len(selfdocs) == 1 else None
            if source is not None:
                right = source.date
            else:
                if len(dates) < 2:
                    continue
                (top, n1), (_, n2) = dates.most_common(2)
                if n1 == n2:
                    right = peers[0][1]["date"]  # a tie: the first citation is taken as right
                else:
                    right = top
            if c["date"] == right or not _related(c["date"], right):
                continue
            good = [(x, y) for x, y in peers if y["date"] == right]
            good.sort(key=lambda xy: (xy[0].id != d.id, xy[0].id, xy[1].get("start") or 0))
            other = Passage(good[0][0], good[0][1].get("quote"), good[0][1].get("start"), good[0][1].get("end")) \
                if good else None
            if source is not None:
                other = _letterhead(source) or other
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
