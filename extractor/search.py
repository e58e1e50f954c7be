"""Diacritic-insensitive search over stored records (and section text).

    from extractor.search import search
    hits = search(db, "nuoc sach", level="huyen", year=2025)
    hits[0]["quote"], hits[0]["match"]      # '... nước sạch ...', 'exact' | 'phrase' | 'words'

How it matches: the query is folded like the stored text (``extractor.fold.fold``:
lower case, every diacritic dropped, đ -> d; NFC or NFD input alike), its words
are looked up in the FTS5 index over the folded column (``records_fts`` over
``records.quote_folded``, ``sections_fts`` over ``sections.text_folded``) and
every word must occur.  Hits are ranked:

1. ``exact``  -- the query's words, with their diacritics, occur as a phrase in the
   quote (case-insensitive; old and new tone placement ``hoà``/``hòa`` compare equal);
2. ``phrase`` -- the folded words occur as a phrase;
3. ``words``  -- every word occurs somewhere;

then by FTS5's bm25 rank.  Superseded documents are left out unless asked for.

``register_functions(conn)`` adds the same matching to an SQLite connection
(``kehoach_fold(text)``, ``kehoach_fts(query)``, ``kehoach_match_class(quote, query)``)
so Datasette's canned "search" query ranks exactly like ``kehoach search``.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from typing import Any, Optional, Union

import regex

from .errors import KehoachError
from .fold import fold
from .normalise import canonical

RECORD_TYPES = ("target", "status", "deadline", "assignment", "funding")
SEARCH_TYPES = RECORD_TYPES + ("section",)
MATCH_CLASSES = ("exact", "phrase", "words")
MATCH_EXPLAINED = {
    "exact": "đúng từng chữ, cả dấu / the exact words, diacritics and all",
    "phrase": "đúng cụm từ khi bỏ dấu / the same phrase once diacritics are ignored",
    "words": "có đủ các từ nhưng không liền nhau / every word, but not together",
}
ELSEWHERE = ("; các từ ở phần khác của câu, không nói về con số này / "
             "the words are in another part of the sentence, not about this figure")

_WORD = regex.compile(r"\w+")
# how many FTS candidates are re-ranked in Python before the limit is applied
_CANDIDATES = 2000


# --------------------------------------------------------------------------- matching helpers


def words(s: Optional[str]) -> list[str]:
    """The folded words of ``s`` (the tokens FTS5 sees in the folded columns)."""
    return _WORD.findall(fold(s))


def _exact_words(s: Optional[str]) -> list[str]:
    """Words of ``s`` with diacritics kept: NFC, one tone placement, lower case, đ kept."""
    if not s:
        return []
    return _WORD.findall(canonical(unicodedata.normalize("NFC", s)).lower())


def fts_query(query: Optional[str]) -> str:
    """An FTS5 MATCH expression requiring every folded word of ``query``
    (each quoted, so FTS5 operators and punctuation in the query are inert).
    A query without words gives ``'""'``, which matches nothing."""
    toks = words(query)
    if not toks:
        return '""'
    base = " ".join(f'"{t}"' for t in toks)
    # other names of what the query names (rules/indicators.yml): "bao hiem y te" <-> "BHYT"
    from .indicators import expand_query

    alts = [" ".join(f'"{t}"' for t in words(a)) for a in expand_query(query)]
    alts = [a for a in alts if a and a != base]
    return " OR ".join(f"({x})" for x in [base, *alts]) if alts else base


def _contains(hay: list[str], needle: list[str]) -> bool:
    if not needle:
        return False
    n = len(needle)
    return any(hay[i : i + n] == needle for i in range(len(hay) - n + 1))


def match_class(text: Optional[str], query: Optional[str]) -> int:
    """0 = exact (diacritics and all), 1 = folded phrase, 2 = the words only."""
    if _contains(_exact_words(text), _exact_words(query)):
        return 0
    if _contains(words(text), words(query)):
        return 1
    return 2


def register_functions(conn: sqlite3.Connection) -> None:
    """Add ``kehoach_fold``, ``kehoach_fts`` and ``kehoach_match_class`` to a connection."""
    conn.create_function("kehoach_fold", 1, fold, deterministic=True)
    conn.create_function("kehoach_fts", 1, fts_query, deterministic=True)
    conn.create_function("kehoach_match_class", 2, match_class, deterministic=True)


# --------------------------------------------------------------------------- search


def _conn(db: Any) -> sqlite3.Connection:
    return getattr(db, "conn", db)


def _norm_type(t: Optional[str]) -> Optional[str]:
    if not t:
        return None
    t = fold(t).strip()
    t = {"targets": "target", "deadlines": "deadline", "assignments": "assignment",
         "sections": "section", "chi tieu": "target", "thoi han": "deadline",
         "phan cong": "assignment", "kinh phi": "funding", "von": "funding", "results": "status",
         "result": "status", "ket qua": "status"}.get(t, t)
    if t not in SEARCH_TYPES:
        raise KehoachError(f"unknown type {t!r}; choose one of: {', '.join(SEARCH_TYPES)}")
    return t


def _doc_filters(level, province, district, include_superseded) -> tuple[list[str], list[Any]]:
    where, params = [], []
    if not include_superseded:
        where.append("COALESCE(d.superseded, 0) = 0")
    if level:
        where.append("kehoach_fold(d.level) = ?")
        params.append(fold(level).strip())
    if province:
        where.append("instr(kehoach_fold(d.province), ?) > 0")
        params.append(fold(province).strip())
    if district:
        where.append("instr(kehoach_fold(d.district), ?) > 0")
        params.append(fold(district).strip())
    return where, params


def _snippet(text: str, start: int, end: int, width: int = 160) -> tuple[str, int, int]:
    a = max(0, start - width // 2)
    b = min(len(text), end + width // 2)
    return text[a:b].strip(), a, b


def search(
    db: Any,
    query: str,
    *,
    level: Optional[str] = None,
    province: Optional[str] = None,
    district: Optional[str] = None,
    topic: Optional[str] = None,
    year: Union[int, str, None] = None,
    type: Optional[str] = None,
    limit: int = 50,
    include_superseded: bool = False,
) -> list[dict]:
    """Records (or, with ``type="section"``, section passages) matching ``query``.

    ``db`` is a ``sqlite_utils.Database`` or an ``sqlite3.Connection``.  Filters:
    ``level`` (tinh | huyen | xa ...; accents ignored), ``province`` / ``district``
    (accent-insensitive substring), ``topic`` (records.topic), ``year`` (the target
    year, or a deadline's year), ``type`` (target | deadline | assignment | funding |
    section).  Each hit is a dict with ``type``, ``quote``, ``source`` (file name),
    ``number`` (document number), ``value``, ``unit``, ``year`` and more (see
    ``_record_hit``), plus ``match`` (exact | phrase | words)."""
    toks = words(query)
    if not toks:
        raise KehoachError("the search query has no words")
    rtype = _norm_type(type)
    conn = _conn(db)
    register_functions(conn)
    if rtype == "section":
        if topic:
            raise KehoachError("--topic applies to records, not to --type section")
        hits = _search_sections(conn, query, level, province, district, year, include_superseded)
    else:
        hits = _search_records(conn, query, rtype, level, province, district, topic, year, include_superseded)
    hits.sort(key=lambda h: (h["_class"], not h.get("about_figure", True), h["_rank"],
                             h.get("document_id") or 0, h.get("start") or 0))
    out = []
    for h in hits[: max(0, limit)]:
        h["match"] = MATCH_CLASSES[h.pop("_class")]
        h["match_explained"] = MATCH_EXPLAINED[h["match"]] + ("" if h.get("about_figure", True) else ELSEWHERE)
        h.pop("_rank")
        out.append(h)
    return out


def _fetch(conn: sqlite3.Connection, sql: str, params: list[Any]) -> list[dict]:
    cur = conn.execute(sql, params)
    cols = [c[0] for c in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]


def _search_records(conn, query, rtype, level, province, district, topic, year, include_superseded) -> list[dict]:
    where, params = _doc_filters(level, province, district, include_superseded)
    where.insert(0, "records_fts MATCH ?")
    params.insert(0, fts_query(query))
    if rtype:
        where.append("r.type = ?")
        params.append(rtype)
    if topic:
        where.append("(r.topic = ? OR kehoach_fold(r.topic) = ?)")
        params += [topic, fold(topic).strip()]
    if year not in (None, ""):
        where.append("COALESCE(r.year, CAST(substr(r.date, 1, 4) AS INTEGER)) = ?")
        params.append(int(year))
    sql = (
        "SELECT r.id AS record_id, r.type, r.quote, r.value, r.value_max, r.comparator, r.unit, r.year, "
        "r.date, r.agency, r.amount_vnd, r.role, r.source_of_funds, r.criterion, r.topic, r.section, "
        "r.start, r.\"end\", r.extra, r.indicator, r.indicator_name, r.document_id, d.number, d.doc_type, d.title, d.level, d.province, "
        "d.district, d.commune, d.date AS document_date, s.name AS source, s.path AS source_path, "
        "records_fts.rank AS _rank "
        "FROM records_fts JOIN records r ON r.id = records_fts.rowid "
        "JOIN documents d ON d.id = r.document_id LEFT JOIN sources s ON s.id = d.source_id "
        f"WHERE {' AND '.join(where)} ORDER BY records_fts.rank LIMIT {_CANDIDATES}"
    )
    rows = _fetch(conn, sql, params)
    for row in rows:
        row["_class"] = match_class(row["quote"], query)
        _figure_fields(row, query)
    return rows


def _figure_fields(row: dict, query: str) -> None:
    """``value_start``/``value_end`` (document offsets of the record's own figure, from
    ``extra``) and ``about_figure``: do the query's words sit in the clause of this figure
    (bounded by the figures and clause breaks around it), rather than elsewhere in the sentence?"""
    import json

    try:
        extra = json.loads(row.pop("extra") or "{}")
    except ValueError:
        extra = {}
    vs, ve = extra.get("value_start"), extra.get("value_end")
    quote, start = row.get("quote") or "", row.get("start")
    if not (isinstance(vs, int) and isinstance(ve, int) and isinstance(start, int)
            and 0 <= vs - start < ve - start <= len(quote)):
        return
    row["value_start"], row["value_end"] = vs, ve
    a, b = vs - start, ve - start
    stops = [(m.start(), m.end()) for m in _FIGURE.finditer(quote) if not _YEAR.fullmatch(m.group().strip())]
    stops += [(m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(quote)]
    left = max([e for s, e in stops if e <= a] + [0])
    right = min([s for s, e in stops if s >= b] + [len(quote)])
    clause = words(quote[left:right])
    row["about_figure"] = all(t in clause for t in words(query))


_FIGURE = regex.compile(r"\d+(?:[.,/]\d+)*\s?%?")
_YEAR = regex.compile(r"(?:19|20)\d\d")
# where one figure's clause ends: ; : , or . before a space, brackets, "trong đó" (of which)
_CLAUSE_BREAK = regex.compile(r"[;:()]|[,.](?=\s)|\btrong\s+đó\b", regex.IGNORECASE)


def _search_sections(conn, query, level, province, district, year, include_superseded) -> list[dict]:
    where, params = _doc_filters(level, province, district, include_superseded)
    where.insert(0, "sections_fts MATCH ?")
    params.insert(0, fts_query(query))
    if year not in (None, ""):
        where.append("instr(COALESCE(d.period, '') || ' ' || COALESCE(d.date, ''), ?) > 0")
        params.append(str(int(year)))
    sql = (
        "SELECT sec.id AS section_id, sec.label, sec.title AS section_title, sec.start AS sec_start, "
        "sec.\"end\" AS sec_end, sec.text_folded, sec.document_id, d.text AS doc_text, d.number, d.doc_type, "
        "d.title, d.level, d.province, d.district, d.commune, d.date AS document_date, "
        "s.name AS source, s.path AS source_path, sections_fts.rank AS _rank "
        "FROM sections_fts JOIN sections sec ON sec.id = sections_fts.rowid "
        "JOIN documents d ON d.id = sec.document_id LEFT JOIN sources s ON s.id = d.source_id "
        f"WHERE {' AND '.join(where)} ORDER BY sections_fts.rank LIMIT {_CANDIDATES}"
    )
    out = []
    toks = words(query)
    for row in _fetch(conn, sql, params):
        text = row.pop("doc_text") or ""
        folded = row.pop("text_folded") or ""
        s0, s1 = row.pop("sec_start") or 0, row.pop("sec_end") or len(text)
        # fold keeps the length of NFC text, so a position in the folded text is one in the text
        pos, ln = -1, 0
        if 0 < len(folded) <= s1 - s0:  # the section's own text (up to its first subsection)
            m = regex.search(r"\b" + r"\W+".join(regex.escape(t) for t in toks) + r"\b", folded)
            if m is None:
                m = regex.search(regex.escape(toks[0]), folded)
            if m is not None:
                pos, ln = m.start(), m.end() - m.start()
        start, end = (s0 + pos, s0 + pos + ln) if pos >= 0 else (s0, min(s1, s0 + 80))
        quote, a, b = _snippet(text, start, end)
        row.update(type="section", quote=quote, start=start, end=end, value=None, unit=None, year=None,
                   record_id=None, snippet_start=a, snippet_end=b,
                   _class=match_class(quote, query))
        out.append(row)
    return out
