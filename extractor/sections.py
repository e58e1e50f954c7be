"""Section tree: Roman (I.), arabic (1., 2.5.), letters (a), b)) headings.

Bullets (``-``, ``+``) are not sections; ``paragraphs`` reports them with their
marker so later stages can read list nesting (funding breakdowns).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Section

ROMAN_RE = re.compile(r"^(?:\*\*)?([IVXLC]{1,6})\s*[.)/]\s*(.*)$")
ARABIC_RE = re.compile(r"^(?:\*\*)?(\d{1,2}(?:\.\d{1,2}){0,3})\s*[.)]?\s+(?=\S)(.*)$")
LETTER_RE = re.compile(r"^(?:\*\*)?([a-zđ])\s*\)\s*(.*)$")
BULLET_RE = re.compile(r"^([-+•–—*])\s*(.*)$")
_UPPER_START = re.compile(r"^[\"“'(*]?[A-ZĐÀ-ỸÂĂÊÔƠƯ0-9]")


@dataclass
class Paragraph:
    start: int
    end: int
    text: str
    kind: str  # roman | arabic | letter | bullet | text
    marker: str | None
    body_start: int  # offset where the text after the marker starts


def paragraphs(text: str) -> list[Paragraph]:
    """The paragraphs of a document text (separated by ``\\n``) with their markers."""
    out: list[Paragraph] = []
    pos = 0
    for line in text.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            continue
        kind, marker, body = "text", None, 0
        m = ROMAN_RE.match(line)
        if m and _UPPER_START.match(m.group(2) or "X"):
            kind, marker = "roman", m.group(1)
            body = m.start(2)
        else:
            m = ARABIC_RE.match(line)
            if m and _UPPER_START.match(m.group(2)) and not re.match(r"^\d{1,2}\s+[a-zđ]", line):
                # "2. Mục tiêu" or "2.1. Đối với" (a bare number must carry a dot)
                if "." in line[: m.end(1) + 2] or line[m.end(1):m.end(1) + 1] == ")":
                    kind, marker = "arabic", m.group(1)
                    body = m.start(2)
            if kind == "text":
                m = LETTER_RE.match(line)
                if m and _UPPER_START.match(m.group(2) or "X"):
                    kind, marker = "letter", m.group(1)
                    body = m.start(2)
                else:
                    m = BULLET_RE.match(line)
                    if m and m.group(2):
                        kind, marker = "bullet", m.group(1)
                        body = m.start(2)
        out.append(Paragraph(start, end, line, kind, marker, start + body))
    return out


def _title(p: Paragraph) -> str:
    t = p.text[p.body_start - p.start:].strip().strip("*").strip()
    # a heading paragraph may carry its first sentence of text: keep the head
    m = re.match(r"^(.{3,160}?)(?::\s|\.\s|$)", t)
    t = m.group(1) if m else t[:160]
    return t.rstrip(" :.")


def build_sections(text: str, paras: list[Paragraph] | None = None) -> list[Section]:
    """Sections with full-path labels (``III.1``, ``II.2.a``) and character ranges."""
    paras = paras if paras is not None else paragraphs(text)
    sections: list[Section] = []
    stack: list[tuple[str, Section]] = []  # (kind, section) open sections, outermost first
    order = {"roman": 1, "arabic": 2, "letter": 4}

    def close_until(depth_kind_rank: int, at: int) -> None:
        while stack and _rank(stack[-1]) >= depth_kind_rank:
            _, sec = stack.pop()
            sec.end = at

    def _rank(entry: tuple[str, Section]) -> float:
        kind, sec = entry
        if kind == "arabic":
            return 2 + (sec.marker or "").count(".") * 0.5
        return order[kind]

    for p in paras:
        if p.kind not in order:
            continue
        if p.kind == "arabic":
            rank = 2 + p.marker.count(".") * 0.5
        else:
            rank = order[p.kind]
        close_until(rank, p.start)
        if p.kind == "arabic" and "." in p.marker:
            # "2.1" under "2": label by the full marker under the enclosing roman section
            parents = [s for k, s in stack if k == "roman"]
            label = ".".join([parents[-1].marker] if parents else []) + ("." if parents else "") + p.marker
        else:
            label = ".".join(s.marker for _, s in stack if s.marker and not (_ == "arabic" and "." in s.marker))
            if stack and stack[-1][0] == "arabic" and "." in (stack[-1][1].marker or ""):
                label = stack[-1][1].label
            label = f"{label}.{p.marker}" if label else p.marker
        sec = Section(
            label=label,
            title=_title(p),
            start=p.start,
            end=len(text),
            level=len(stack) + 1,
            marker=p.marker,
        )
        sections.append(sec)
        stack.append((p.kind, sec))
    return sections


def section_at(sections: list[Section], offset: int) -> Section | None:
    """The innermost section containing ``offset``."""
    best = None
    for s in sections:
        if s.start <= offset < s.end and (best is None or s.start >= best.start):
            best = s
    return best


def enclosing(sections: list[Section], offset: int) -> list[Section]:
    """All sections containing ``offset``, outermost first."""
    return sorted([s for s in sections if s.start <= offset < s.end], key=lambda s: s.start)
