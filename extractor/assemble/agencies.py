"""Agencies: section headings and bullet heads that name a responsible agency."""

from __future__ import annotations

import functools

import regex as re

from ..rules import load_rules


@functools.lru_cache(maxsize=1)
def _agency_re():
    r = load_rules("agencies")
    heads = "|".join(f"(?:{h})" for h in r["agency_heads"])
    return re.compile(r"^(?:" + heads + r")\b"), re.compile(r["agency_prefix"], re.I), re.compile(r["sentence_starts"])


def agency_name(title: str) -> str | None:
    """The agency a heading names (``Phòng Nông nghiệp và PTNT``), else None."""
    head_re, prefix_re, verb_re = _agency_re()
    t = prefix_re.sub("", title.strip().strip("*").strip())
    m = verb_re.search(t)
    if m:
        t = t[: m.start()]
    t = re.split(r":\s", t + " ", maxsplit=1)[0].strip().rstrip(":").strip()
    if head_re.match(t) and len(t) <= 90:
        return t
    return None


def agency_of_section(ctx, offset: int) -> str | None:
    """The agency whose section (innermost first) holds ``offset``."""
    for sec in reversed(ctx.chain(offset)):
        name = agency_name(sec.title)
        if name:
            return name
        m = re.match(r"^(?:(?:Ủy|Uỷ)\s+ban\s+nhân\s+dân|UBND)(?:\s+(?:các\s+)?(?:xã|huyện|tỉnh|thị\s+trấn|phường|thành\s+phố)(?:\s+[A-ZĐÀ-Ỹ]\w*)*)?", sec.title)
        if m:
            return m.group(0)
    return None
