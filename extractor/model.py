"""The record schema shared by every stage (pydantic models).

The pipeline passes these objects from stage to stage:

    read      -> RawText        (blocks of text or table rows, with page numbers)
    normalise -> Text           (one NFC string + a map back to the source)
    split     -> Document parts (character ranges of Text)
    meta, sections, segment, recognise, assemble -> Document (meta, sections, records)

Field names that appear in ``kehoach extract --json`` are a fixed contract:
add fields freely, rename none.
"""

from __future__ import annotations

from typing import Literal, Optional, Union

from pydantic import BaseModel, Field

# --------------------------------------------------------------------------- reading


class Block(BaseModel):
    """One paragraph-like piece of a source file, or one table.

    ``text`` holds the raw text of a paragraph (hard line breaks kept, as the
    reader found them).  A table keeps its structure in ``rows`` (a list of rows,
    each a list of cell strings); its ``text`` has one line per row ("\\n" between
    rows), so text-only stages still see the figures: tables of figures separate
    their cells with white space, as a PDF-to-text dump does, other tables with
    " | " (see ``extractor.tables.render_rows``).
    """

    kind: Literal["text", "table"] = "text"
    text: str
    page: Optional[int] = None  # 1-based page number, when the format has pages
    rows: Optional[list[list[str]]] = None


class RawText(BaseModel):
    """What a reader returns for one file."""

    path: str
    format: str  # txt | docx | pdf | doc
    blocks: list[Block]
    encoding: Optional[str] = None  # detected text encoding or legacy font encoding (tcvn3, vni)
    ocr: bool = False  # some text came from OCR
    pages: Optional[int] = None
    warnings: list[str] = Field(default_factory=list)


# --------------------------------------------------------------------------- metadata


class Citation(BaseModel):
    doc_type: Optional[str] = None  # KẾ HOẠCH, QUYẾT ĐỊNH, NGHỊ QUYẾT, ... (upper case)
    number: Optional[str] = None  # 47-KH/TU, 263/QĐ-TTg
    date: Optional[str] = None  # ISO
    issuer: Optional[str] = None
    quote: str
    start: int
    end: int
    relation: Optional[str] = None  # implements (Thực hiện/Căn cứ ...), attached (Gửi kèm), mentions


class DocMeta(BaseModel):
    doc_type: Optional[str] = None
    number: Optional[str] = None
    date: Optional[str] = None
    issuer: Optional[str] = None
    level: Optional[str] = None  # trung_uong | tinh | huyen | xa | thon
    province: Optional[str] = None
    district: Optional[str] = None
    commune: Optional[str] = None
    title: Optional[str] = None
    period: Optional[str] = None  # "2021-2025" or "2025"
    signer: Optional[str] = None
    cites: list[Citation] = Field(default_factory=list)
    # where each field was read from: field -> "letterhead" | "title" | "signature" | ...
    provenance: dict[str, str] = Field(default_factory=dict)
    attached_to: Optional[str] = None  # number of the cover document this part was sent with


class Section(BaseModel):
    label: str  # full path label, e.g. "III.1" or "VI.2.a"
    title: str
    start: int
    end: int
    level: int = 1
    marker: Optional[str] = None  # the marker as printed: "I.", "2.5.", "a)"


# --------------------------------------------------------------------------- records


class RecordBase(BaseModel):
    type: str
    quote: str
    start: int
    end: int
    section: Optional[str] = None
    confidence: float = 0.8
    topic: Optional[str] = None


class IndicatorLink(BaseModel):
    """Fields every figure record (target, status) carries once linked to rules/indicators.yml."""

    indicator: Optional[str] = None  # catalogue id (ASCII), or None when no indicator matched
    indicator_name: Optional[str] = None  # its Vietnamese name
    indicator_match: Optional[str] = None  # the words of the text that matched


class Target(RecordBase, IndicatorLink):
    type: Literal["target"] = "target"
    value: float
    value_max: Optional[float] = None
    unit: Optional[str] = None
    comparator: Optional[str] = None  # >= <= = range maintain increase decrease
    year: Optional[int] = None
    subject: Optional[str] = None
    criterion: Optional[str] = None
    criteria_set: Optional[str] = None
    scope: Optional[str] = None
    fraction: Optional[list[int]] = None  # [5, 5] for "5/5 xã"
    baseline: Optional[str] = None
    value_text: Optional[str] = None  # the figure as printed
    value_start: Optional[int] = None
    value_end: Optional[int] = None
    role_reason: Optional[str] = None  # the signal that made this figure a commitment


class Status(RecordBase, IndicatorLink):
    """A figure the text reports as already achieved or observed (a result, never a target)."""

    type: Literal["status"] = "status"
    value: float
    value_max: Optional[float] = None
    unit: Optional[str] = None
    comparator: Optional[str] = None  # how the figure is worded (=, >=, increase ...)
    as_of: Optional[str] = None  # ISO date or year the figure holds at
    subject: Optional[str] = None
    criterion: Optional[str] = None
    criteria_set: Optional[str] = None
    scope: Optional[str] = None
    fraction: Optional[list[int]] = None
    value_text: Optional[str] = None
    value_start: Optional[int] = None
    value_end: Optional[int] = None
    role_reason: Optional[str] = None  # the signal that made this figure a result


class Deadline(RecordBase):
    type: Literal["deadline"] = "deadline"
    date: str
    task: Optional[str] = None
    agency: Optional[str] = None
    date_text: Optional[str] = None
    value_start: Optional[int] = None
    value_end: Optional[int] = None


class Assignment(RecordBase):
    type: Literal["assignment"] = "assignment"
    agency: str
    criteria: list[str]
    criteria_set: Optional[str] = None  # xa_ntm | xa_ntm_nang_cao | ... | "unspecified"
    also_sets: list[str] = Field(default_factory=list)
    # names written beside criterion numbers: {"number", "name", "start", "end"}
    criteria_names: list[dict] = Field(default_factory=list)


class Funding(RecordBase):
    type: Literal["funding"] = "funding"
    amount_vnd: int
    role: str  # total | component | item
    source: Optional[str] = None
    parent: Optional[int] = None  # index (in the document's records) of the total or item it breaks down
    purpose: Optional[str] = None
    amount_text: Optional[str] = None
    value_start: Optional[int] = None
    value_end: Optional[int] = None
    role_reason: Optional[str] = None  # why this role (total / component / item)
    # a table row's other cells: {"year" or "source", "amount_vnd", "amount_text", "value_start", "value_end"}
    breakdown: Optional[list[dict]] = None
    split: Optional[str] = None  # "year": one year's share of its parent, summed apart from the sources


Record = Union[Target, Status, Deadline, Assignment, Funding]


class Document(BaseModel):
    """One document found in a source file (a file may hold several)."""

    source: str  # file name
    part: int = 1
    start: int = 0  # range of this part in the file's normalised text
    end: int = 0
    text: str = ""  # this part's normalised text; every offset below is relative to it
    meta: DocMeta = Field(default_factory=DocMeta)
    sections: list[Section] = Field(default_factory=list)
    records: list[Record] = Field(default_factory=list)
    ocr: bool = False

    def public(self) -> dict:
        """The ``extract --json`` shape of this document."""
        return {
            "source": self.source,
            "part": self.part,
            "meta": self.meta.model_dump(),
            "sections": [s.model_dump() for s in self.sections],
            "records": [r.model_dump() for r in self.records],
        }
