"""A finding (``Flag``) with its two passages, its stable identity and its JSON shape."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Optional

from .config import message, severity
from .data import Doc


def _norm_quote(q: Optional[str]) -> str:
    if not q:
        return ""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", q)).strip().lower()


@dataclass
class Passage:
    doc: Doc
    quote: Optional[str] = None
    start: Optional[int] = None
    end: Optional[int] = None

    @classmethod
    def of_record(cls, doc: Doc, rec: dict) -> "Passage":
        return cls(doc, rec.get("quote"), rec.get("start"), rec.get("end"))

    @classmethod
    def of_span(cls, doc: Doc, start: int, end: int) -> "Passage":
        return cls(doc, doc.text[start:end], start, end)

    def public(self) -> dict:
        return {
            "source": self.doc.source,
            "part": self.doc.part,
            "document_id": self.doc.id,
            "number": self.doc.number,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
        }


@dataclass
class Flag:
    rule: str
    child: Passage
    parent: Optional[Passage] = None
    criterion: Optional[str] = None
    set: Optional[str] = None
    values: dict = field(default_factory=dict)  # message placeholders and details
    severity: Optional[str] = None  # default: rules/checks.yml
    # set only when two findings would share an id (two figures of one sentence pair,
    # each with its counterpart in one parent sentence): the indicator and both figures
    distinct: str = ""
    _id: Optional[tuple] = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.severity is None:
            self.severity = severity(self.rule)

    @property
    def id(self) -> str:
        """Stable identity: rule, child document identity, both quotes normalised,
        criterion and set -- never offsets or database ids (computed once per content)."""
        what = (self.rule, self.child.doc.identity, self.child.quote, self.parent.quote if self.parent else None,
                self.criterion, self.set, self.distinct)
        if self._id is not None and self._id[0] == what:
            return self._id[1]
        parts = [
            self.rule,
            self.child.doc.identity,
            _norm_quote(self.child.quote),
            _norm_quote(self.parent.quote) if self.parent else "",
            str(self.criterion or ""),
            str(self.set or ""),
        ]
        if self.distinct:
            parts.append(self.distinct)
        fid = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
        self._id = (what, fid)
        return fid

    @property
    def messages(self) -> tuple[str, str]:
        return message(self.rule, **self.values)

    def public(self) -> dict[str, Any]:
        vi, en = self.messages
        return {
            "id": self.id,
            "rule": self.rule,
            "severity": self.severity,
            "message": f"{vi}\n{en}",
            "message_vi": vi,
            "message_en": en,
            "child": self.child.public(),
            "parent": self.parent.public() if self.parent else None,
            "criterion": self.criterion,
            "set": self.set,
        }


def fmt_value(rec: dict) -> str:
    """A target's figure as a reader would say it: ``>= 40 %``, ``2-3 xã``."""
    v = rec.get("value")
    vm = rec.get("value_max")

    def n(x):
        if x is None:
            return ""
        if isinstance(x, float) and x.is_integer():
            return str(int(x))
        return str(x).replace(".", ",")

    s = n(v) if vm is None else f"{n(v)}-{n(vm)}"
    unit = rec.get("unit") or ""
    comp = rec.get("comparator")
    pre = {">=": "≥ ", "<=": "≤ ", "maintain": "duy trì ", "increase": "tăng ", "decrease": "giảm "}.get(comp, "")
    return f"{pre}{s}{'' if unit.startswith('%') else ' '}{unit}".strip()


def fmt_vnd(x: int | float | None) -> str:
    if x is None:
        return "—"
    return f"{int(round(x)):,}".replace(",", ".")
