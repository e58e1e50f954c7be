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


def _json(value: Any) -> Optional[str]:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False)


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


def _record_split(record) -> tuple[dict, Optional[int]]:
    data = record.model_dump()
    row: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    parent = data.pop("parent", None)
    if "source" in data:
        row["source_of_funds"] = data.pop("source")
    for key, value in data.items():
        if key in RECORDS and key not in ("id", "document_id", "extra", "quote_folded", "parent_record_id"):
            row[key] = _json(value) if key in JSON_COLUMNS else value
        elif value is not None and value != []:
            extra[key] = value
    row["quote_folded"] = fold(data.get("quote"))
    row["extra"] = _json(extra) if extra else None
    return row, parent


@dataclass
class _Prepared:
    """One document's rows, built before the write lock is taken."""

    row: dict
    sections: list[dict]
    citations: list[dict]
    records: list[dict]
    parents: list[Optional[int]]


def _prepare_document(doc: Document) -> _Prepared:
    meta = doc.meta
    row = {
        "part": doc.part,
        "start": doc.start,
        "end": doc.end,
        **{
            k: getattr(meta, k)
            for k in ("doc_type", "number", "date", "issuer", "level", "province", "district",
                      "commune", "title", "period", "signer", "attached_to")
        },
        "provenance": _json(meta.provenance or {}),
        "text": doc.text,
        "ocr": int(bool(doc.ocr)),
        "superseded": 0,
    }
    sections = [
        {
            "label": s.label,
            "title": s.title,
            "marker": s.marker,
            "start": s.start,
            "end": s.end,
            "level": s.level,
            "title_folded": fold(s.title),
            "text_folded": fold(doc.text[s.start : own_end]),
        }
        for s, own_end in zip(doc.sections, own_ends(doc.sections))
    ]
    citations = [c.model_dump(include=set(CITATIONS)) for c in meta.cites or []]
    records, parents = [], []
    for record in doc.records:
        rec, parent = _record_split(record)
        records.append(rec)
        parents.append(parent)
    return _Prepared(row, sections, citations, records, parents)


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
