"""The store's tables, columns and views: what ``m001_initial`` and later migrations create,
and the document context (``RECORD_CONTEXT``) every record view and export carries."""

from __future__ import annotations

from typing import Iterable

# columns holding JSON text; decoded by export_table(..., "jsonl") and describe_document
JSON_COLUMNS = {"provenance", "fraction", "criteria", "also_sets", "extra", "warnings"}

TABLES = [
    "sources",
    "documents",
    "sections",
    "citations",
    "records",
    "targets",
    "results",
    "deadlines",
    "assignments",
    "funding",
    "flags",
    "reviews",
    "indicator_matrix",  # built by extractor.check.matrix (a column per plan), not a stored table
]

SOURCES = {
    "id": int,
    "path": str,
    "name": str,
    "sha256": str,
    "size": int,
    "status": str,  # ok | skipped | failed
    "error": str,
    "format": str,
    "encoding": str,
    "ocr": int,
    "pages": int,
    "version": int,
    "superseded_by": int,
    "duplicate_of": int,  # skipped: the source that already holds this content
    "n_documents": int,
    "warnings": str,  # JSON list
    "ingested_at": str,
    "seconds_read": float,
    "seconds_extract": float,
    "seconds_store": float,
}

DOCUMENTS = {
    "id": int,
    "source_id": int,
    "part": int,
    "start": int,
    "end": int,
    "doc_type": str,
    "number": str,
    "date": str,
    "issuer": str,
    "level": str,
    "province": str,
    "district": str,
    "commune": str,
    "title": str,
    "period": str,
    "signer": str,
    "attached_to": str,
    "provenance": str,  # JSON object
    "text": str,
    "ocr": int,
    "superseded": int,
    "superseded_by": int,  # document id of the re-issued document, when known
    "parent_id": int,  # filled by the cross-check stage
    "parent_by": str,
}

SECTIONS = {
    "id": int,
    "document_id": int,
    "label": str,
    "title": str,
    "marker": str,
    "start": int,
    "end": int,
    "level": int,
    "title_folded": str,
    "text_folded": str,
}

CITATIONS = {
    "id": int,
    "document_id": int,
    "doc_type": str,
    "number": str,
    "date": str,
    "issuer": str,
    "quote": str,
    "start": int,
    "end": int,
    "relation": str,
}

RECORDS = {
    "id": int,
    "document_id": int,
    "type": str,
    "quote": str,
    "start": int,
    "end": int,
    "section": str,
    "confidence": float,
    "topic": str,
    # target
    "value": float,
    "value_max": float,
    "unit": str,
    "comparator": str,
    "year": int,
    "subject": str,
    "criterion": str,
    "criteria_set": str,
    "scope": str,
    "fraction": str,  # JSON
    "baseline": str,
    # deadline
    "date": str,
    "task": str,
    "agency": str,
    # assignment
    "criteria": str,  # JSON
    "also_sets": str,  # JSON
    # funding
    "amount_vnd": int,
    "role": str,
    "source_of_funds": str,
    "parent_record_id": int,
    "purpose": str,
    # status (a result already achieved), and the indicator any figure is linked to
    "as_of": str,
    "indicator": str,
    "indicator_name": str,
    "indicator_match": str,
    "role_reason": str,
    # search and the rest
    "quote_folded": str,
    "extra": str,  # JSON: the record's remaining fields (value_text, value_start, ...)
}

FLAGS = {
    "id": str,  # stable hash
    "rule": str,
    "severity": str,
    "message": str,
    "message_en": str,
    "child_document_id": int,
    "child_quote": str,
    "child_start": int,
    "child_end": int,
    "parent_document_id": int,
    "parent_quote": str,
    "parent_start": int,
    "parent_end": int,
    "criterion": str,
    "set_name": str,
    "status": str,  # open | resolved
    "first_seen": str,
    "last_seen": str,
}

REVIEWS = {
    "id": int,
    "flag_id": str,
    "decision": str,
    "comment": str,
    "who": str,
    "at": str,
}

VIEW_COLUMNS = {
    "targets": (
        "target",
        ["value", "value_max", "unit", "comparator", "year", "subject", "criterion", "criteria_set",
         "scope", "fraction", "baseline"],
    ),
    "deadlines": ("deadline", ["date", "task", "agency"]),
    "assignments": ("assignment", ["agency", "criteria", "criteria_set", "also_sets"]),
    "funding": ("funding", ["amount_vnd", "role", "source_of_funds", "parent_record_id", "purpose"]),
}

# Added by m003: results already achieved (record type ``status``) and indicator links.
VIEW_COLUMNS_M003 = {
    "targets": (
        "target",
        ["value", "value_max", "unit", "comparator", "year", "indicator", "indicator_name", "subject",
         "criterion", "criteria_set", "scope", "fraction", "baseline", "role_reason"],
    ),
    "results": (
        "status",
        ["value", "value_max", "unit", "as_of", "indicator", "indicator_name", "subject", "criterion",
         "criteria_set", "scope", "fraction", "role_reason"],
    ),
    "funding": ("funding", ["amount_vnd", "role", "source_of_funds", "parent_record_id", "purpose", "role_reason"]),
}


def _view_sql(rtype: str, columns: list[str]) -> str:
    cols = ", ".join(f'r."{c}"' for c in columns)
    return (
        'SELECT r.id, r.document_id, d.number AS document_number, d.superseded, r.section, '
        f'r.quote, r.start, r."end", r.confidence, r.topic, {cols}, r.extra '
        "FROM records r JOIN documents d ON d.id = r.document_id "
        f"WHERE r.type = '{rtype}'"
    )


# Columns every record view (and every record export) carries about its document.
RECORD_CONTEXT = ["source", "document_number", "issuer", "level", "province", "district", "commune",
                  "year", "indicator", "ocr"]
_CONTEXT_SQL = {
    "source": "s.name AS source", "document_number": "d.number AS document_number", "issuer": "d.issuer",
    "level": "d.level", "province": "d.province", "district": "d.district", "commune": "d.commune",
    "year": "COALESCE({r}.year, CAST(substr({r}.date, 1, 4) AS INTEGER)) AS year", "indicator": "{r}.indicator",
    "ocr": "COALESCE(d.ocr, s.ocr, 0) AS ocr",
}


def context_sql(have: Iterable[str], rec: str = "r") -> list[str]:
    """SELECT terms for the ``RECORD_CONTEXT`` columns not in ``have`` (aliases: ``rec`` the
    records table or view, ``d`` documents, ``s`` sources)."""
    have = set(have)
    return [_CONTEXT_SQL[c].format(r=rec) for c in RECORD_CONTEXT if c not in have]


RECORD_TABLES = ("records", "targets", "results", "deadlines", "assignments", "funding")
