"""Places named in the text: mentions (``huyện Thạch An``), the title's scope, the issuer
stated by the opening sentence, districts named without a unit word."""

from __future__ import annotations

from dataclasses import dataclass

from .. import rx as regex
from ..citations import finditer_at_words, word_starts
from ..normalise import canonical
from ..rules import gazetteer, key
from .orgs import LEVEL_ORDER, PLACE_NAME, UNIT_LEVEL, UNIT_RE, UNITS, Org, lookup_place, parse_org, trim_place, unit_word

_MENTION_UNITS = ["thôn", "bản", "xóm", "làng", "buôn"]  # besides UNITS
_PLACE_MENTION_RE = regex.compile(
    r"(?<![\p{L}])(?i:(?P<unit>%s|%s))(?!\s+ủy)[ \t]+%s" % (UNIT_RE, "|".join(_MENTION_UNITS), PLACE_NAME)
)
_MENTION_CUE = word_starts([u.split()[0] for u in UNITS + _MENTION_UNITS])
_SCOPE_RE = regex.compile(
    r"(?i:trên\s+địa\s+bàn|toàn|của|tại)\s+(?P<unit>(?i:%s|thôn|bản|xóm|làng))(?![\p{L}])(?![ \t]+\p{Lu})" % UNIT_RE
)


@dataclass
class Mention:
    """A named place in the text: unit word, name (gazetteer spelling when known), level, where."""

    unit: str
    name: str
    level: str | None
    known: bool
    start: int


def place_mentions(ctext: str, start: int = 0, end: int | None = None) -> list[Mention]:
    """Named places ("huyện Thạch An", "xã Thu Lũm", "tỉnh Gia Lai") in ``ctext[start:end]``."""
    end = len(ctext) if end is None else end
    out = []
    read: dict[tuple[str, str], tuple | None] = {}  # a text names the same places again and again
    for m in finditer_at_words(_PLACE_MENTION_RE, ctext, _MENTION_CUE, start, end):
        printed = (m.group("unit"), m.group("place"))
        if printed not in read:
            read[printed] = _read_mention(*printed)
        got = read[printed]
        if got is not None:
            out.append(Mention(*got, m.start()))
    return out


def _read_mention(printed_unit: str, printed_place: str) -> tuple[str, str, str | None, bool] | None:
    """(unit, name, level, known) of a place mention as printed; None when it names no place."""
    unit = unit_word(printed_unit)
    name, known, _used = trim_place(unit, printed_place)
    if not name:
        return None
    if known:
        _n, level = lookup_place(unit, name)
    else:
        level = UNIT_LEVEL.get(unit) if unit != "thành phố" else None
    return unit, name, level, known


def title_scope(ctext: str, span: tuple[int, int] | None, skip: list[tuple[int, int]]):
    """(lowest named place mention, unnamed scope unit) of the title."""
    if not span:
        return None, None
    ms = [m for m in place_mentions(ctext, *span) if not any(a <= m.start < b for a, b in skip)]
    named = None
    for m in ms:
        if m.level and (named is None or LEVEL_ORDER[m.level] > LEVEL_ORDER[named.level]):
            named = m
    unnamed = None
    for m in _SCOPE_RE.finditer(ctext, *span):
        u = unit_word(m.group("unit"))
        lvl = UNIT_LEVEL.get(u)
        if lvl and (unnamed is None or LEVEL_ORDER[lvl] > LEVEL_ORDER[unnamed]):
            unnamed = lvl
    return named, unnamed


_OPENING_ORG_RE = regex.compile(
    r"(?<![\p{L}])(?=(?:Ban\s+Thường\s+vụ|Ban\s+\p{Lu}|Ủy\s+ban|UBND|Hội\s+đồng|HĐND|Tỉnh\s+ủy|Huyện\s+ủy|Thành\s+ủy"
    r"|Thị\s+ủy|Quận\s+ủy|Đảng\s+ủy)\s)"
)
_OPENING_VERB_RE = regex.compile(
    r"\s*(?:\([^)]{0,40}\)\s*)?(?:xây\s+dựng(?:\s+và\s+ban\s+hành)?|ban\s+hành|triển\s+khai|hướng\s+dẫn|thông\s+báo|báo\s+cáo)"
    r"\s+(?:(?:\p{Ll}+\s+){0,2})(?:kế\s+hoạch|hướng\s+dẫn|chương\s+trình|quy\s+chế|báo\s+cáo|thông\s+báo|như\s+sau|các\s+nội\s+dung)"
    r"(?!\s+(?:số|tại)\b)",
    regex.I,
)


def opening_org(ctext: str, start: int, end: int, skip: list[tuple[int, int]]) -> tuple[Org, int] | None:
    """The issuer the opening states: "Ủy ban nhân dân xã X xây dựng kế hoạch ...",
    "Ban Thường vụ Huyện ủy X ban hành kế hoạch ..." (not inside a citation)."""
    for m in _OPENING_ORG_RE.finditer(ctext, start, end):
        if any(a <= m.start() < b for a, b in skip):
            continue
        got = parse_org(ctext, m.start())
        if not got:
            continue
        org, oend = got
        if org.kind in ("place", "body", "central") or org.place is None:
            continue
        if _OPENING_VERB_RE.match(ctext, oend):
            return org, m.start()
    return None


def province_of(kind_level: str, name: str, hint: set[str]) -> str | None:
    """The province of a district (``huyen``) or commune (``xa``) name: the only one the
    gazetteer has, else the only one of those that is also in ``hint``."""
    g = gazetteer()
    rows = g.find_districts(name) if kind_level == "huyen" else g.find_communes(name)
    provs = {r[0] for r in rows}
    if len(provs) == 1:
        return provs.pop()
    both = provs & hint
    if len(both) == 1:
        return both.pop()
    return None


def _name_regex(name: str):
    """A case-sensitive pattern for a place name that tolerates spacing and Đắk/Đăk variants."""
    parts = []
    for w in regex.split(r"\s+", canonical(name)):
        if key(w) == "đắk":
            parts.append(r"(?:Đ[ăắa][ck]|Dak|ĐẮK|ĐĂK)")
        else:
            parts.append(regex.escape(w).replace("'", r"\s*['’]\s*"))
    return regex.compile(r"(?<![\p{L}])" + r"\s+".join(parts) + r"(?![\p{L}])")


def bare_districts(ctext: str, start: int, province: str) -> set[str]:
    """Districts of ``province`` named anywhere after ``start`` without a unit word
    ("Điện lực Ia Grai").  A district named like its province is left out."""
    g = gazetteer()
    found = set()
    for name in g.districts_of.get(province, []):
        if key(name) == key(province) or len(name) < 4:
            continue
        if _name_regex(name).search(ctext, start):
            found.add(name)
    return found
