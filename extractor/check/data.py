"""The documents of a database as the rules see them: metadata, text, records, citations.

``load_documents(db)`` reads every current (not superseded) document of an ``ok``
source with its records (JSON columns decoded, the ``extra`` fields merged in, the
funding ``parent`` as a record id), citations and sections.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from typing import Optional

import regex

from ..citations import extract_citations, issuer_code, normalise_number
from ..fold import fold
from ..normalise import canonical

_JSON = {"fraction", "criteria", "also_sets", "extra", "provenance"}


class FigureValues:
    """The figure of a target record (``self.rec``), read the same way by every check."""

    rec: dict

    @property
    def value(self) -> float:
        return float(self.rec.get("value") or 0.0)

    @property
    def value_max(self) -> Optional[float]:
        v = self.rec.get("value_max")
        return None if v is None else float(v)


@dataclass
class Doc:
    id: int
    source: str
    part: int
    text: str
    doc_type: Optional[str] = None
    number: Optional[str] = None
    date: Optional[str] = None
    issuer: Optional[str] = None
    level: Optional[str] = None
    province: Optional[str] = None
    district: Optional[str] = None
    commune: Optional[str] = None
    title: Optional[str] = None
    period: Optional[str] = None
    attached_to: Optional[str] = None
    parent_id: Optional[int] = None
    parent_by: Optional[str] = None
    source_id: Optional[int] = None
    records: list[dict] = field(default_factory=list)
    citations: list[dict] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)
    _canon: Optional[str] = None

    # ----------------------------------------------------------------- identity
    @property
    def identity(self) -> str:
        """What a finding is attached to: the number, else the file name and part."""
        if self.number:
            return "no:" + number_key(self.number)
        return f"src:{self.source}#{self.part}"

    @property
    def label(self) -> str:
        return self.number or (self.source if self.part == 1 else f"{self.source} (phần {self.part})")

    @property
    def canon(self) -> str:
        """The text with canonical tone placement (same length) for pattern matching."""
        if self._canon is None:
            self._canon = canonical(self.text)
        return self._canon

    def targets(self) -> list[dict]:
        return [r for r in self.records if r["type"] == "target"]

    def of_type(self, t: str) -> list[dict]:
        return [r for r in self.records if r["type"] == t]

    def record(self, rid: int) -> Optional[dict]:
        for r in self.records:
            if r["id"] == rid:
                return r
        return None

    # ----------------------------------------------------------------- geometry
    def top_section(self, offset: int) -> Optional[dict]:
        """The level-1 section holding ``offset`` (by offsets, labels may repeat)."""
        best = None
        for s in self.sections:
            if s["start"] <= offset < s["end"] and (s.get("level") or 1) == 1:
                if best is None or s["start"] >= best["start"]:
                    best = s
        return best

    def sentence_bounds(self, start: int, end: Optional[int] = None) -> tuple[int, int]:
        """The sentence (line or full stop bounded) around ``start``..``end``."""
        end = start if end is None else end
        t = self.text
        s = start
        while s > 0:
            c = t[s - 1]
            if c == "\n" or (c == "." and not (s - 2 >= 0 and t[s - 2].isdigit() and s < len(t) and t[s].isdigit())
                             and (s >= len(t) or t[s] in " \n")):
                break
            s -= 1
        e = end
        while e < len(t):
            c = t[e]
            if c == "\n":
                break
            if c == "." and (e + 1 >= len(t) or t[e + 1] in " \n"):
                e += 1
                break
            e += 1
        while s < e and t[s] in " \t":
            s += 1
        return s, e


@functools.lru_cache(maxsize=1 << 16)
def number_key(number: Optional[str]) -> str:
    """Matching form of a document number: accents, case and spaces ignored (cached)."""
    if not number:
        return ""
    n = normalise_number(number)
    return "".join(fold(n).split()).replace("đ", "d")


def _decode(row: dict) -> dict:
    out = dict(row)
    for k in _JSON & out.keys():
        if isinstance(out[k], str):
            try:
                out[k] = json.loads(out[k])
            except ValueError:
                pass
    extra = out.pop("extra", None)
    if isinstance(extra, dict):
        for k, v in extra.items():
            out.setdefault(k, v)
    return out


def _value_offsets(doc: Doc, r: dict) -> None:
    """Make sure a target/funding record has ``value_start``/``value_end`` in document offsets."""
    vs, ve = r.get("value_start"), r.get("value_end")
    text = doc.text
    if isinstance(vs, int) and isinstance(ve, int) and 0 <= vs < ve <= len(text):
        return
    vt = r.get("value_text") or r.get("amount_text")
    q0 = r.get("start") or 0
    if vt:
        i = text.find(vt, q0, (r.get("end") or len(text)) + 1)
        if i >= 0:
            r["value_start"], r["value_end"] = i, i + len(vt)
            return
    r["value_start"], r["value_end"] = q0, q0


_HEAD_NUMBER = regex.compile(r"(?m)^[ \t]*Số\s*:?\s*(\d{1,5}\s*(?:/\s*\d{4})?\s*[-/]\s*[\p{L}Đđ]+(?:\s*[-/]\s*[\p{L}Đđ&]+)*)")
_HEAD_DATE = regex.compile(r"(?i)ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})")
_TITLE_PLACE = regex.compile(
    r"(?i)(?:trên\s+)?địa\s+bàn\s+(tỉnh|huyện|thị\s+xã|thành\s+phố|quận|xã|phường|thị\s+trấn)\s+(\p{Lu}[\p{L}\-']*(?:\s+\p{Lu}[\p{L}\-']*){0,3})"
)
_UNIT_LEVEL = {"tỉnh": "tinh", "huyện": "huyen", "thị xã": "huyen", "quận": "huyen", "thành phố": "huyen",
               "xã": "xa", "phường": "xa", "thị trấn": "xa"}


def _fallback_meta(doc: Doc) -> None:
    """Fill missing number, date and level from the document head (the meta stage
    normally gives them; this keeps checks working on partial metadata)."""
    head = doc.text[:700]
    if not doc.number:
        m = _HEAD_NUMBER.search(head)
        if m:
            doc.number = normalise_number(m.group(1))
    if not doc.date:
        m = _HEAD_DATE.search(head)
        if m:
            from ..citations import iso_date

            doc.date = iso_date(*m.groups())
    if not doc.level:
        code = issuer_code(doc.number)
        if code and code.get("level"):
            doc.level = code["level"]
        else:
            m = _TITLE_PLACE.search(canonical(doc.text[:1500]))
            if m:
                doc.level = _UNIT_LEVEL.get(" ".join(m.group(1).lower().split()))


_CURRENT = ("FROM documents d JOIN sources s ON s.id = d.source_id "
            "WHERE COALESCE(d.superseded, 0) = 0 AND s.status = 'ok' AND s.superseded_by IS NULL")


def count_documents(db) -> int:
    """How many documents ``load_documents`` gives (for a progress bar)."""
    return db.execute("SELECT count(*) " + _CURRENT).fetchone()[0]


def load_documents(db, with_records: bool = True) -> list[Doc]:
    """Every current document of the database, with citations and (``with_records``)
    records and sections."""
    docs: list[Doc] = []
    rows = db.query("SELECT d.*, s.name AS source_name " + _CURRENT + " ORDER BY s.name, d.part, d.id")
    for row in rows:
        doc = Doc(
            id=row["id"], source=row["source_name"], part=row["part"] or 1, text=row["text"] or "",
            **{k: row.get(k) for k in ("doc_type", "number", "date", "issuer", "level", "province",
                                        "district", "commune", "title", "period", "attached_to",
                                        "parent_id", "parent_by", "source_id")},
        )
        docs.append(doc)
    by_id = {d.id: d for d in docs}
    if not by_id:
        return docs
    for c in _by_documents(db, "SELECT * FROM citations WHERE document_id IN ({marks}) "
                               "ORDER BY document_id, start, id", list(by_id)):
        by_id[c["document_id"]].citations.append(dict(c))
    if with_records:
        fill_records(db, docs)
    for doc in docs:
        if not doc.citations and doc.text:
            # the database holds no citations for this document: read them from its text
            doc.citations = [
                {"id": None, "document_id": doc.id, **c.model_dump()} for c in extract_citations(doc.text)
            ]
        _fallback_meta(doc)
    return docs


def _by_documents(db, sql: str, ids: list[int], size: int = 900):
    """Rows of ``sql`` (``IN ({marks})``) for ``ids``, a few hundred ids a query
    (SQLite limits the number of parameters)."""
    for i in range(0, len(ids), size):
        chunk = ids[i:i + size]
        yield from db.query(sql.format(marks=",".join("?" * len(chunk))), chunk)


def fill_records(db, docs: list[Doc]) -> None:
    """Load the records and sections of ``docs`` (JSON columns decoded, ``extra`` merged)."""
    by_id = {d.id: d for d in docs}
    ids = list(by_id)
    for d in docs:
        d.records, d.sections = [], []
    # every column but the folded quote (for search only)
    rcols = ", ".join(f"[{c}]" for c in db["records"].columns_dict if c != "quote_folded")
    sql = f"SELECT {rcols} FROM records WHERE document_id IN ({{marks}}) ORDER BY document_id, start, id"
    for r in _by_documents(db, sql, ids):
        rec = _decode(r)
        doc = by_id[rec["document_id"]]
        if rec["type"] in ("target", "funding"):
            _value_offsets(doc, rec)
        doc.records.append(rec)
    for s in _by_documents(db, "SELECT document_id, label, title, start, [end], level, marker FROM sections "
                               "WHERE document_id IN ({marks}) ORDER BY document_id, start, level", ids):
        by_id[s["document_id"]].sections.append(
            {k: s[k] for k in ("label", "title", "start", "end", "level", "marker")}
        )
