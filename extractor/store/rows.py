"""One document's rows, prepared (folded, serialised) before the write lock is taken:
``prepare_document``; and the ``sources`` row of a file (``_source_row``)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Optional

from ..fold import fold
from .tables import CITATIONS, JSON_COLUMNS, RECORDS, SOURCES

if TYPE_CHECKING:  # the model imports pydantic
    from ..model import Document


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


_ENCODER = json.JSONEncoder(ensure_ascii=False)  # json.dumps(value, ensure_ascii=False), built once


def _json(value: Any) -> Optional[str]:
    """``value`` as JSON text (``None`` stays ``None``)."""
    if value is None:
        return None
    return _ENCODER.encode(value)


def _source_row(source_info: dict) -> dict:
    info = {k: v for k, v in source_info.items() if k in SOURCES and k != "id"}
    if not info.get("path"):
        raise ValueError("source_info needs a path")
    info["path"] = str(info["path"])
    info.setdefault("name", os.path.basename(info["path"]))
    if "ocr" in info and info["ocr"] is not None:
        info["ocr"] = int(bool(info["ocr"]))
    if isinstance(info.get("warnings"), (list, tuple)):
        info["warnings"] = _json(list(info["warnings"])) if info["warnings"] else None
    info["ingested_at"] = _now()
    return info


# Each table's prepared values, in this column order (``_sql_value`` applied); the
# columns ``store_documents`` fills itself (ids, ``document_id``, ``parent_record_id``) are not here.
META_COLUMNS = ("doc_type", "number", "date", "issuer", "level", "province", "district", "commune", "title",
                "period", "signer", "attached_to")
DOCUMENT_COLUMNS = ("part", "start", "end", *META_COLUMNS, "provenance", "text", "ocr", "superseded")
_IDENTITY = tuple(DOCUMENT_COLUMNS.index(c) for c in ("doc_type", "number", "issuer", "date"))
SECTION_COLUMNS = ("label", "title", "marker", "start", "end", "level", "title_folded", "text_folded")
CITATION_COLUMNS = tuple(c for c in CITATIONS if c not in ("id", "document_id"))
RECORD_COLUMNS = tuple(c for c in RECORDS if c not in ("id", "document_id", "parent_record_id"))
_RECORD_INDEX = {c: i for i, c in enumerate(RECORD_COLUMNS)}
# where a record's fields go: a column of their own (a funding ``source`` in ``source_of_funds``),
# or, when not listed here, the JSON object ``extra``
_FIELD_INDEX = {c: i for c, i in _RECORD_INDEX.items() if c not in ("extra", "quote_folded")}
_FIELD_INDEX["source"] = _RECORD_INDEX["source_of_funds"]


def _sql_value(value: Any) -> Any:
    """``value`` as SQLite stores it: lists and dicts as JSON text, other objects as text."""
    if value is None or isinstance(value, (str, int, float, bytes)):
        return value
    if isinstance(value, (dict, list, tuple)):
        return _json(value)
    return str(value)


def _record_split(record) -> tuple[tuple, Optional[int]]:
    """A record's values (``RECORD_COLUMNS``) and the index of its parent record, if any."""
    data = record.model_dump()
    parent = data.pop("parent", None)
    values: list[Any] = [None] * len(RECORD_COLUMNS)
    extra: dict[str, Any] = {}
    for key, value in data.items():
        i = _FIELD_INDEX.get(key)
        if i is None:
            if value is not None and value != []:
                extra[key] = value
        elif value is not None:
            values[i] = _json(value) if key in JSON_COLUMNS else _sql_value(value)
    values[_RECORD_INDEX["quote_folded"]] = fold(data.get("quote"))
    values[_RECORD_INDEX["extra"]] = _json(extra) if extra else None
    return tuple(values), parent


@dataclass(slots=True)
class _Prepared:
    """One document's rows, built before the write lock is taken: tuples of values in
    the order of ``DOCUMENT_COLUMNS``, ``SECTION_COLUMNS``, ``CITATION_COLUMNS`` and
    ``RECORD_COLUMNS``; ``parents[i]`` is the index of record i's parent record."""

    row: tuple
    sections: list[tuple]
    citations: list[tuple]
    records: list[tuple]
    parents: list[Optional[int]]

    def identity(self) -> tuple:
        """``(doc_type, number, issuer, date)``: what tells a re-issued document."""
        return tuple(self.row[i] for i in _IDENTITY)


def _prepare_document(doc: Document) -> _Prepared:
    """One document's rows: folded and serialised, in column order."""
    meta = doc.meta
    row = (doc.part, doc.start, doc.end, *(getattr(meta, k) for k in META_COLUMNS),
           _json(meta.provenance or {}), doc.text, int(bool(doc.ocr)), 0)
    sections = [
        (s.label, s.title, s.marker, s.start, s.end, s.level, fold(s.title), fold(doc.text[s.start : own_end]))
        for s, own_end in zip(doc.sections, own_ends(doc.sections))
    ]
    citations = []
    for cite in meta.cites or []:
        values = cite.model_dump(include=set(CITATION_COLUMNS))
        citations.append(tuple(_sql_value(values.get(c)) for c in CITATION_COLUMNS))
    records, parents = [], []
    for record in doc.records:
        rec, parent = _record_split(record)
        records.append(rec)
        parents.append(parent)
    return _Prepared(tuple(_sql_value(v) for v in row), [tuple(map(_sql_value, s)) for s in sections],
                     citations, records, parents)


def own_ends(sections: list) -> list[int]:
    """Where each section's own text ends: at the start of the next section (its first
    subsection, or the next one at any level), never past its ``end``.

    ``sections.text_folded`` holds only this own text, so the table grows with the
    document, not with its depth of nesting; a search finds a subsection's words in the
    subsection itself."""
    import bisect

    starts = sorted({s.start for s in sections})
    out = []
    for s in sections:
        i = bisect.bisect_right(starts, s.start)
        nxt = starts[i] if i < len(starts) else s.end
        out.append(max(s.start, min(s.end, nxt)))
    return out


def prepare_document(doc: Document) -> _Prepared:
    """One document's rows, ready for ``store_documents`` (which also takes documents):
    a pool worker prepares them, so that the one writer only inserts."""
    return _prepare_document(doc)
