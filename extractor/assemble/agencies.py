"""Agencies: section headings, bullet heads and sentence subjects that name a responsible agency."""

from __future__ import annotations

import functools

from .. import rx as re

from ..rules import load_rules


@functools.lru_cache(maxsize=1)
def _agency_re():
    r = load_rules("agencies")
    heads = "|".join(f"(?:{h})" for h in r["agency_heads"])
    return {
        "head": re.compile(r"^(?:" + heads + r")\b"),
        "any_head": re.compile(r"(?<![\p{L}\p{N}])(?:" + heads + r")(?![\p{L}\p{N}])"),
        "prefix": re.compile(r["agency_prefix"], re.I),
        "starts": re.compile(r["sentence_starts"]),
        "ends": re.compile(r["name_ends"]),
        "duty": re.compile(r["responsibility"]),
        "subject_before": re.compile(r["subject_before"]),
    }


_JOINED_RE = re.compile(r"(?:[-–&,/]|\svà)\s*$")


def _cut(t: str, rx) -> str:
    """``t`` up to the first match of ``rx`` that leaves more than the head word and does
    not follow a joining mark (``Công chức Địa chính - Xây dựng`` stays whole)."""
    head = _agency_re()["head"].match(t)
    floor = head.end() if head else 0
    for m in rx.finditer(t):
        if m.start() > floor and not (m.group(0)[:1].isspace() and m.group(0)[1:2].isupper() and _JOINED_RE.search(t[: m.start()])):
            return t[: m.start()]
    return t


@functools.lru_cache(maxsize=1024)  # the same headings are asked by several stages
def agency_name(title: str) -> str | None:
    """The agency a heading names (``Phòng Nông nghiệp và PTNT``), else None."""
    res = _agency_re()
    t = res["prefix"].sub("", title.strip().strip("*").strip())
    t = _cut(t, res["starts"])
    t = _cut(t, res["ends"])
    t = re.split(r":\s", t + " ", maxsplit=1)[0].strip().rstrip(":,").strip()
    if res["head"].match(t) and len(t) <= 90:
        return t
    return None


def _skip_parenthesis(text: str, pos: int) -> int:
    """Past a bracketed note right after an agency (``Phòng X (cơ quan thường trực …)``)."""
    m = re.match(r"\s*\([^()]{0,200}\)", text[pos:])
    return pos + m.end() if m else pos


def agency_subjects(clause: str) -> list[tuple[int, int, str, int]]:
    """Agencies that are the subject of a responsibility in ``clause``:
    (name start, name end, name, end of the responsibility words)."""
    res = _agency_re()
    out = []
    for m in res["any_head"].finditer(clause):
        if out and m.start() < out[-1][1]:
            continue
        if not res["subject_before"].search(clause[: m.start()]):
            continue
        rest = clause[m.start():]
        name = _cut(rest, res["ends"]).rstrip(" ,-–")
        if not name or len(name) > 90 or not res["head"].match(name) or name == res["head"].match(name).group(0):
            continue
        if re.search(r",\s*\p{Ll}", name):  # "Phòng X phát biểu đánh giá, hướng dẫn": not a name
            continue
        end = _skip_parenthesis(clause, m.start() + len(name))
        duty = res["duty"].match(clause[end:])
        if not duty:
            continue
        out.append((m.start(), m.start() + len(name), name, end + duty.end()))
    return out


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
