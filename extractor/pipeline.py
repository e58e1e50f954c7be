"""The pipeline, top to bottom: read -> normalise -> split -> meta/sections -> segment -> assemble.

    extract_path(path)  = extract_raw(read_file(path))
    extract_raw(raw)    -> list[Document]   (one per document found in the file)
    extract_text(text)  -> list[Document]   (for text you already have)
"""

from __future__ import annotations

from pathlib import Path

from .assemble import assemble
from .indicators import link_indicators
from .model import DocMeta, Document, RawText
from .normalise import normalise
from .sections import build_sections, paragraphs
from .segment import sentences


def _split(text: str) -> list[tuple[int, int]]:
    try:
        from .split import split_documents
    except ImportError:  # pragma: no cover - during bootstrap
        return [(0, len(text))]
    return split_documents(text) or [(0, len(text))]


def _metas(full_text: str, parts: list[tuple[int, int]]) -> list[DocMeta]:
    """Metadata of every part (attachments learn their number from the cover's note)."""
    from .meta import extract_metas

    return extract_metas(full_text, parts)


def extract_raw(raw: RawText) -> list[Document]:
    """Every document in one read file, with metadata, sections and records."""
    norm = normalise(raw)
    full = norm.text
    from .tables import locate_tables, tables_in

    tables = locate_tables(raw, norm)
    docs: list[Document] = []
    name = Path(raw.path).name
    parts = _split(full)
    metas = _metas(full, parts)
    for i, ((s, e), meta) in enumerate(zip(parts, metas), start=1):
        text = full[s:e]
        paras = paragraphs(text)
        sections = build_sections(text, paras)
        sents = sentences(text, paras)
        records = assemble(text, meta, sections, paras, sents, tables=tables_in(tables, s, e))
        link_indicators(records, text)
        if raw.ocr:
            for r in records:
                r.confidence = round(r.confidence * 0.8, 3)
        docs.append(Document(source=name, part=i, start=s, end=e, text=text, meta=meta, sections=sections, records=records, ocr=raw.ocr))
    return docs


def extract_path(path, **read_kwargs) -> list[Document]:
    """Read a file (txt, docx, pdf, doc) and extract its documents."""
    from .read import read_file

    return extract_raw(read_file(path, **read_kwargs))


def extract_text(text: str, name: str = "text.txt") -> list[Document]:
    """Extract from text already in memory, as from a .txt file holding it."""
    from .read.txt import text_raw

    return extract_raw(text_raw(text.replace("\r\n", "\n").replace("\r", "\n"), name))


def record_docs(document: Document):
    """spaCy Docs (underthesea words as tokens) of the sentences that carry records,
    with each record's figure as a span in ``doc.spans["kh"]`` (label = record type).

    For displaCy, rule writing with spaCy's Matcher, or training data; the
    extraction itself reads the same sentences by character offsets.
    """
    from .recognise import attach
    from .segment import to_doc

    by_quote: dict[tuple[int, int], list] = {}
    for r in document.records:
        by_quote.setdefault((r.start, r.end), []).append(r)
    out = []
    for (s, e), recs in sorted(by_quote.items()):
        doc = to_doc(document.text[s:e])
        spans = []
        for r in recs:
            vs, ve = getattr(r, "value_start", None), getattr(r, "value_end", None)
            if vs is not None and ve is not None and s <= vs < ve <= e:
                spans.append((vs - s, ve - s, r.type))
        out.append(attach(doc, spans))
    return out
