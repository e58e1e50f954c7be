"""Organisations and places as letterheads, signatures and sentences name them.

``parse_org(s, pos)`` reads one organisation (``UBND HUYỆN LẠC DƯƠNG``, ``Ban Thường vụ
Huyện ủy``, ``Thủ tướng Chính phủ``) or bare place at ``s[pos:]``; ``lookup_place`` gives a
place's gazetteer spelling and level; ``sentence_case`` writes a capitalised name the way
Vietnamese names are written.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import rx as regex
from ..normalise import canonical
from ..rules import gazetteer

UNITS = ["thành phố", "thị xã", "thị trấn", "tỉnh", "huyện", "quận", "xã", "phường"]
LOCAL_UNITS = ["thôn", "bản", "xóm", "làng", "tổ dân phố", "buôn", "plei", "ấp"]
UNIT_RE = r"(?:thành\s+phố|thị\s+xã|thị\s+trấn|tỉnh|huyện|quận|xã|phường)"
PARTY_UNIT = {"tỉnh": "tỉnh", "huyện": "huyện", "thành": "thành phố", "thị": "thị xã", "quận": "quận"}
_COMMITTEE = {"tỉnh": "Tỉnh ủy", "huyện": "Huyện ủy", "thành phố": "Thành ủy", "thị xã": "Thị ủy", "quận": "Quận ủy"}
UNIT_LEVEL = {
    "tỉnh": "tinh",
    "huyện": "huyen",
    "quận": "huyen",
    "thị xã": "huyen",
    "xã": "xa",
    "phường": "xa",
    "thị trấn": "xa",
    **{u: "thon" for u in LOCAL_UNITS},
}
LEVEL_ORDER = {"trung_uong": 0, "tinh": 1, "huyen": 2, "xa": 3, "thon": 4}

# A place name: capitalised words (case-sensitive), "Ia Grai", "Đức Xuân", "LẠC DƯƠNG".
PLACE_NAME = r"(?P<place>\p{Lu}[\p{L}'’]*(?:[ \t]+\p{Lu}[\p{L}'’]*|[ \t]*-[ \t]*\p{Lu}[\p{L}'’]*){0,5})"

_ORG_RE = regex.compile(
    r"(?i:"
    r"(?P<standing>(?:Ban\s+Thường\s+vụ|BTV)\s+(?P<pu_s>Tỉnh|Huyện|Thành|Thị|Quận)\s+ủy)"
    r"|(?P<ban>Ban\s+(?P<board>Tuyên\s+giáo|Dân\s+vận|Tổ\s+chức|Nội\s+chính|Kinh\s+tế)\s+(?P<pu_b>Tỉnh|Huyện|Thành|Thị|Quận)\s+ủy)"
    r"|(?P<exec>Ban\s+Chấp\s+hành\s+Đảng\s+bộ\s+(?P<u_ex>%(U)s))"
    r"|(?P<party>(?P<pu>Tỉnh|Huyện|Thành|Thị|Quận)\s+ủy)"
    r"|(?P<du>Đảng\s+ủy\s+(?P<u_du>xã|phường|thị\s+trấn))"
    r"|(?P<ubnd>(?:Ủy\s+ban\s+nhân\s+dân|UBND)(?:\s+(?P<u_ub>%(U)s)(?!\s+ủy))?)"
    r"|(?P<hdnd>(?:Hội\s+đồng\s+nhân\s+dân|HĐND)(?:\s+(?P<u_hd>%(U)s)(?!\s+ủy))?)"
    r"|(?P<body>Đảng\s+bộ\s+(?P<u_db>%(U)s))"
    r"|(?P<central>Thủ\s+tướng\s+Chính\s+phủ|Chính\s+phủ|Quốc\s+hội|Bộ\s+Chính\s+trị|Ban\s+Bí\s+thư"
    r"|Ban\s+Chấp\s+hành\s+Trung\s+ương(?:\s+Đảng)?|Bộ\s+(?!Chính\s+trị)\p{L}+(?:\s+\p{L}+){0,7})"
    r"|(?P<place_only>(?P<u_pl>%(U)s))"
    r")(?![\p{L}])(?:[ \t]+%(N)s)?" % {"U": UNIT_RE, "N": PLACE_NAME}
)


@dataclass
class Org:
    """An issuing body: kind, administrative unit and place, optionally under a parent."""

    kind: str  # ubnd | hdnd | party | standing | ban | exec | body | central | place | other
    unit: str | None = None  # tỉnh | huyện | thành phố | thị xã | quận | xã | phường | thị trấn | thôn ...
    place: str | None = None  # plain name (gazetteer spelling when known)
    board: str | None = None  # "Tuyên giáo" (ban), or the printed name (other, central)
    parent: "Org | None" = None
    known: bool = False  # place found in the gazetteer

    def render(self) -> str | None:
        def where(o: Org) -> str:
            return " ".join(x for x in (o.unit, o.place) if x)

        if self.kind == "ubnd":
            return " ".join(x for x in ("UBND", where(self)) if x)
        if self.kind == "hdnd":
            return " ".join(x for x in ("HĐND", where(self)) if x)
        if self.kind in ("party", "standing", "ban"):
            base = self.committee()
            if self.kind == "standing":
                return f"Ban Thường vụ {base}"
            if self.kind == "ban":  # which board, when a signature says only "TRƯỞNG BAN"?
                return f"Ban {self.board} {base}" if self.board else None
            return base
        if self.kind == "exec":
            return " ".join(x for x in ("Ban Chấp hành Đảng bộ", where(self)) if x)
        if self.kind == "central":
            return self.board
        if self.kind == "other":
            ctx = self.parent
            tail = where(ctx) if ctx and ctx.place else ""
            return " ".join(x for x in (self.board, tail) if x) or None
        return None

    def committee(self) -> str:
        unit = self.unit
        if unit in ("xã", "phường", "thị trấn"):
            return " ".join(x for x in ("Đảng ủy", unit, self.place) if x)
        name = _COMMITTEE.get(unit or "", "Đảng ủy")
        return " ".join(x for x in (name, self.place) if x)

    def level(self) -> str | None:
        if self.kind == "central":
            return "trung_uong"
        if self.unit == "thành phố":
            if self.place is None:
                return None
            return "tinh" if gazetteer().is_central_city(gazetteer().province(self.place)) else "huyen"
        if self.unit:
            return UNIT_LEVEL.get(self.unit)
        if self.kind == "other" and self.parent is not None:
            return self.parent.level()
        return None


def unit_word(s: str | None) -> str | None:
    """A unit word as a key: canonical, lower case, single spaces (``THÀNH  PHỐ`` -> ``thành phố``)."""
    if not s:
        return None
    return " ".join(canonical(s).lower().split())


def _display(printed: str) -> str:
    """A place name as printed, capitals turned into title case (``LẠC DƯƠNG`` -> ``Lạc Dương``)."""
    s = " ".join(printed.split())
    if s.upper() == s:
        s = " ".join(w.capitalize() if not w.isdigit() else w for w in s.split(" "))
    return s


def lookup_place(unit: str | None, name: str, province: str | None = None) -> tuple[str | None, str | None]:
    """The gazetteer spelling of ``name`` as a unit of kind ``unit``, and the level it is at
    (tinh | huyen | xa); (None, None) when unknown."""
    g = gazetteer()
    unit = unit_word(unit)
    if unit in ("tỉnh", None):
        p = g.province(name)
        if p:
            return p, "tinh"
        if unit == "tỉnh":
            return None, None
    if unit == "thành phố":
        p = g.province(name)
        if p and g.is_central_city(p):
            return p, "tinh"
    if unit in ("huyện", "quận", "thị xã", "thành phố", None):
        rows = g.find_districts(name, province) or (g.find_districts(name) if province else [])
        if rows:
            return rows[0][1], "huyen"
    if unit in ("xã", "phường", "thị trấn", None):
        rows = g.find_communes(name, province) or (g.find_communes(name) if province else [])
        if rows:
            return rows[0][2], "xa"
    return None, None


_PLACE_STOP = {
    "hội", "về", "ban", "nhân", "ủy", "năm", "giai", "đảng", "kế", "quyết", "nghị", "chương", "số",
    "các", "những", "toàn", "cấp", "và", "trên", "tại", "của", "trong", "đến",
}


def trim_place(unit: str | None, raw: str | None, province: str | None = None) -> tuple[str | None, bool, int]:
    """Best place name at the start of ``raw``: (name, found in gazetteer, characters used)."""
    if not raw:
        return None, False, 0
    words = list(regex.finditer(r"\p{L}[\p{L}'’]*(?:\s*-\s*\p{L}[\p{L}'’]*)?", raw))
    for n in range(len(words), 0, -1):
        cand = raw[: words[n - 1].end()]
        name, _lvl = lookup_place(unit, cand, province)
        if name:
            return name, True, words[n - 1].end()
    # unknown to the gazetteer: the words up to a change of letter case, at most 4
    keep = []
    caps = None
    for w in words[:4]:
        t = w.group()
        if canonical(t).lower() in _PLACE_STOP:
            break
        c = t.upper() == t
        if caps is None:
            caps = c
        elif c != caps:
            break
        keep.append(w)
    if not keep:
        return None, False, 0
    return _display(raw[: keep[-1].end()]), False, keep[-1].end()


def parse_org(s: str, pos: int = 0, province: str | None = None) -> tuple[Org, int] | None:
    """The organisation (or bare place) named at ``s[pos:]``; returns it and its end."""
    m = _ORG_RE.match(s, pos)
    if not m:
        return None
    g = m.groupdict()
    if g["standing"]:
        org = Org("standing", PARTY_UNIT[unit_word(g["pu_s"])])
    elif g["ban"]:
        org = Org("ban", PARTY_UNIT[unit_word(g["pu_b"])], board=_display(" ".join(g["board"].split())).capitalize())
    elif g["exec"]:
        org = Org("exec", unit_word(g["u_ex"]))
    elif g["party"]:
        org = Org("party", PARTY_UNIT[unit_word(g["pu"])])
    elif g["du"]:
        org = Org("party", unit_word(g["u_du"]))
    elif g["ubnd"]:
        org = Org("ubnd", unit_word(g["u_ub"]))
    elif g["hdnd"]:
        org = Org("hdnd", unit_word(g["u_hd"]))
    elif g["body"]:
        org = Org("body", unit_word(g["u_db"]))
    elif g["central"]:
        name = sentence_case(" ".join(g["central"].split()))
        return Org("central", board=name), m.end("central")
    else:
        org = Org("place", unit_word(g["u_pl"]))
    end = m.end()
    if g["place"]:
        name, known, used = trim_place(org.unit, g["place"], province)
        if name:
            org.place, org.known = name, known
            end = m.start("place") + used
        else:
            end = m.start("place")
    if org.unit is None and org.place is None and org.kind == "place":
        return None
    if org.kind == "place" and org.place is None:
        return None
    return org, end


_ACRONYMS = {"UBND", "HĐND", "MTTQ", "PTNT", "CTMTQG", "MTQG", "NTM", "BCĐ", "KT-XH", "KTXH", "OCOP"}
_NAME_HEADS = {"bộ", "sở", "phòng", "ban", "hội", "cục", "đài", "báo"}
_NAME_HEADS2 = {"trung tâm", "chi cục", "văn phòng", "ủy ban", "ban quản"}
_PROPER = {"chính phủ": "Chính phủ", "quốc hội": "Quốc hội", "trung ương": "Trung ương", "việt nam": "Việt Nam",
           "tổ quốc": "Tổ quốc", "nhà nước": "Nhà nước"}
_VOWELS = set("AEIOUYĂÂÊÔƠƯÁÀẢÃẠẮẰẲẴẶẤẦẨẪẬÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ")


def sentence_case(s: str) -> str:
    """An organisation name printed in capitals, written as Vietnamese names are:
    ``SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG`` -> ``Sở Nông nghiệp và Môi trường``,
    ``THỦ TƯỚNG CHÍNH PHỦ`` -> ``Thủ tướng Chính phủ``; acronyms stay."""
    words = s.split()
    out: list[str] = []
    cap_next = True
    for w in words:
        letters = [c for c in w.upper() if c.isalpha()]
        if w.upper() in _ACRONYMS or "&" in w or (w.isupper() and letters and not any(c in _VOWELS for c in letters)):
            out.append(w)
            cap_next = False
            continue
        low = w.lower()
        out.append(low.capitalize() if cap_next else low)
        # the first word of the name proper after a head ("Sở | Nông nghiệp"), and after "và" / "-"
        head = " ".join(x.lower() for x in out[:2])
        cap_next = (
            (len(out) == 1 and low in _NAME_HEADS)
            or (len(out) == 2 and head in _NAME_HEADS2)
            or low in ("và", "-", "–")
        )
    text = " ".join(out)
    for k, v in _PROPER.items():
        text = regex.sub(r"(?i)(?<![\p{L}])%s(?![\p{L}])" % k, v, text)
    return text
