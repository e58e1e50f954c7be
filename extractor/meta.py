"""Meta stage: type, number, date, issuer, level, places, title, period, signer, citations.

API
---
``extract_meta(text, *, attachment_of=None) -> DocMeta``
    ``text`` is ONE document's normalised text (a part from ``split_documents``); every
    citation offset is relative to it.  ``attachment_of`` is the meta of the cover
    document this part was sent with (the previous part, whose note says "Gửi kèm Kế
    hoạch số ..."): its note supplies number, date and issuer when the part has none.

``extract_metas(full_text, parts=None) -> list[DocMeta]``
    Runs ``split_documents`` (unless ``parts`` is given) and ``extract_meta`` on every
    part, passing the previous part as ``attachment_of`` when its "Gửi kèm" note names a
    document of this part's type.

Where each field comes from (``DocMeta.provenance``), strongest first
----------------------------------------------------------------------
* ``letterhead``: the block above the doc-type heading (issuer lines, ``Số: ...``,
  ``<place>, ngày ... tháng ... năm ...``; two-column lines merged into one are taken
  apart);
* ``letterhead_displaced``: letterhead lines that the converter dropped elsewhere
  (``ỦY BAN NHÂN DÂN`` / ``HUYỆN THẠCH AN`` alone in the middle of page 1);
* ``attachment_note``: the cover's ``(Gửi kèm Kế hoạch số 47-KH/TU, ngày 03/6/2022 của
  Tỉnh ủy)`` for the attached part;
* ``body``: the opening sentence (``Ủy ban nhân dân xã X xây dựng kế hoạch ...``,
  ``Ban Thường vụ Huyện ủy X ban hành kế hoạch ...``), else places named in the text
  (``UBND tỉnh Gia Lai``, ``Điện lực Ia Grai``: a district of that province);
* ``signature``: the signature block gives the kind of issuer (``TM. ỦY BAN NHÂN DÂN``
  -> UBND, ``T/M BAN THƯỜNG VỤ`` / ``BÍ THƯ`` -> party committee, ``TRƯỞNG BAN`` -> a
  board), the name under it gives ``signer``;
* ``title``: the place the title is about (``trên địa bàn xã Thu Lũm``, ``huyện Thạch
  An năm 2025``, ``trên địa bàn huyện`` -> level huyen); also ``period``;
* ``recipients``: the ``Nơi nhận`` list (``Lưu VPHU, BTGHU`` -> Ban Tuyên giáo Huyện ủy;
  ``UBND các xã`` -> a district document);
* ``gazetteer``: province of a named district, district of a named commune, from
  ``rules/places.yml`` when the name is unique there;
* ``number``: the issuer code of the document's number (``-KH/HU`` -> level huyen).

An issuer assembled from two sources records both (``signature+body``).  A field
nothing supports stays None; the district of a district document is filled only
when the text names exactly one district of the province.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from . import rx as regex

from .citations import doc_type_of_code, extract_citations, issuer_code, iso_date, normalise_number
from .model import Citation, DocMeta
from .normalise import canonical, is_caps_line
from .rules import gazetteer, key, load_rules
from .split import (
    DATE_LINE_RE,
    FrontMatter,
    front_matter,
    is_section_start,
    is_signature_line,
    letterhead_kind,
    paragraphs,
    split_documents,
)

# --------------------------------------------------------------------------- organisations

UNITS = ["thành phố", "thị xã", "thị trấn", "tỉnh", "huyện", "quận", "xã", "phường"]
LOCAL_UNITS = ["thôn", "bản", "xóm", "làng", "tổ dân phố", "buôn", "plei", "ấp"]
_UNIT_RE = r"(?:thành\s+phố|thị\s+xã|thị\s+trấn|tỉnh|huyện|quận|xã|phường)"
_PARTY_UNIT = {"tỉnh": "tỉnh", "huyện": "huyện", "thành": "thành phố", "thị": "thị xã", "quận": "quận"}
_COMMITTEE = {"tỉnh": "Tỉnh ủy", "huyện": "Huyện ủy", "thành phố": "Thành ủy", "thị xã": "Thị ủy", "quận": "Quận ủy"}
_UNIT_LEVEL = {
    "tỉnh": "tinh",
    "huyện": "huyen",
    "quận": "huyen",
    "thị xã": "huyen",
    "xã": "xa",
    "phường": "xa",
    "thị trấn": "xa",
    **{u: "thon" for u in LOCAL_UNITS},
}
_LEVEL_ORDER = {"trung_uong": 0, "tinh": 1, "huyen": 2, "xa": 3, "thon": 4}

# A place name: capitalised words (case-sensitive), "Ia Grai", "Đức Xuân", "LẠC DƯƠNG".
_NAME = r"(?P<place>\p{Lu}[\p{L}'’]*(?:[ \t]+\p{Lu}[\p{L}'’]*|[ \t]*-[ \t]*\p{Lu}[\p{L}'’]*){0,5})"

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
    r")(?![\p{L}])(?:[ \t]+%(N)s)?" % {"U": _UNIT_RE, "N": _NAME}
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
            return _UNIT_LEVEL.get(self.unit)
        if self.kind == "other" and self.parent is not None:
            return self.parent.level()
        return None


def _unit_word(s: str | None) -> str | None:
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
    unit = _unit_word(unit)
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


def _trim_place(unit: str | None, raw: str | None, province: str | None = None) -> tuple[str | None, bool, int]:
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
        org = Org("standing", _PARTY_UNIT[_unit_word(g["pu_s"])])
    elif g["ban"]:
        org = Org("ban", _PARTY_UNIT[_unit_word(g["pu_b"])], board=_display(" ".join(g["board"].split())).capitalize())
    elif g["exec"]:
        org = Org("exec", _unit_word(g["u_ex"]))
    elif g["party"]:
        org = Org("party", _PARTY_UNIT[_unit_word(g["pu"])])
    elif g["du"]:
        org = Org("party", _unit_word(g["u_du"]))
    elif g["ubnd"]:
        org = Org("ubnd", _unit_word(g["u_ub"]))
    elif g["hdnd"]:
        org = Org("hdnd", _unit_word(g["u_hd"]))
    elif g["body"]:
        org = Org("body", _unit_word(g["u_db"]))
    elif g["central"]:
        name = _sentence_case(" ".join(g["central"].split()))
        return Org("central", board=name), m.end("central")
    else:
        org = Org("place", _unit_word(g["u_pl"]))
    end = m.end()
    if g["place"]:
        name, known, used = _trim_place(org.unit, g["place"], province)
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


def _sentence_case(s: str) -> str:
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


# --------------------------------------------------------------------------- letterhead


@dataclass
class Header:
    org: Org | None = None
    orgs: list[Org] = field(default_factory=list)
    number: str | None = None
    date: str | None = None
    date_place: str | None = None


_NUMBER_IN_LINE_RE = regex.compile(
    r"(?<![\p{L}])Số\s*:?\s*(?P<num>(?:\d{1,5}[a-z]?|[.…_ ]*)(?:\s*/\s*(?:19|20)\d\d)?(?:\s*[-/]\s*[A-ZĐ][A-Za-zĐđ0-9&]*(?![\p{L}])){1,4})"
)
_DATE_IN_LINE_RE = regex.compile(
    r"(?:(?<![\p{L}])(?P<place>\p{Lu}[\p{Ll}'’]*(?:[ \t]+\p{Lu}[\p{Ll}'’]*){0,4}))?,?\s*ngày\s+(?P<d>\d{1,2})\s*(?:tháng\s+|[/.-]\s*)(?P<m>\d{1,2})\s*(?:,?\s*năm\s+|[/.-]\s*)(?P<y>\d{4})"
)
_MOTTO_IN_LINE_RE = regex.compile(
    r"CỘNG\s+HÒA\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM"
    r"|Độc\s+lập\s*[-–]\s*Tự\s+do\s*[-–]\s*Hạnh\s+phúc|^\s*[*-]+\s*$",
    regex.I,
)


def _number_from(s: str) -> str | None:
    m = _NUMBER_IN_LINE_RE.search(s)
    if not m:
        return None
    num = normalise_number(m.group("num"))
    return num if num[:1].isdigit() else None


def _number_code_only(s: str) -> str | None:
    """The codes of a number left blank in a draft (``Số: /KH-UBND`` -> ``KH-UBND``)."""
    m = _NUMBER_IN_LINE_RE.search(s)
    if not m:
        return None
    num = normalise_number(m.group("num")).strip("/.…_- ")
    return num or None


def compose(orgs: list[Org]) -> Org | None:
    """The issuer of a letterhead from its organisation lines, top to bottom."""
    issuer: Org | None = None
    context: list[Org] = []
    for o in orgs:
        if o.kind == "place":
            if issuer is not None and issuer.place is None and issuer.kind in ("ubnd", "hdnd", "party", "exec", "body"):
                issuer.unit = issuer.unit or o.unit
                issuer.place, issuer.known = o.place, o.known
            else:
                context.append(o)
            continue
        if o.kind == "other":
            o.parent = issuer or (context[-1] if context else None)
            if issuer is not None:
                context.append(issuer)
            issuer = o
            continue
        if o.kind == "ban" and o.place is None and issuer is not None and issuer.kind in ("party", "body"):
            o.unit, o.place, o.known = issuer.unit, issuer.place, issuer.known
        if issuer is not None:
            context.append(issuer)
        issuer = o
    if issuer is None:
        return None
    if issuer.kind == "body":  # "ĐẢNG BỘ HUYỆN X" alone: the party committee
        issuer = replace(issuer, kind="party")
    issuer.parent = issuer.parent or (context[-1] if context else None)
    return issuer


_BOARD_RE = regex.compile(
    r"^(?P<ban>BAN\s+(?P<board>TUYÊN\s+GIÁO|DÂN\s+VẬN|TỔ\s+CHỨC|NỘI\s+CHÍNH|KINH\s+TẾ))\s*$"
    r"|^(?P<other>(?:BAN|SỞ|PHÒNG|VĂN\s+PHÒNG|TRUNG\s+TÂM|CHI\s+CỤC|BCĐ|ỦY\s+BAN\s+MẶT\s+TRẬN|MẶT\s+TRẬN|HỘI)\b.{2,120})$"
)


def parse_org_line(line: str, province: str | None = None) -> list[Org]:
    """Organisations on one letterhead-like line (a caps line may hold two: merged columns)."""
    s = canonical(line.strip().strip("*_").strip())
    s = _MOTTO_IN_LINE_RE.sub(" ", s)
    s = _NUMBER_IN_LINE_RE.sub(" ", s)
    m = _DATE_IN_LINE_RE.search(s)
    if m:
        s = s[: m.start()] + " " + s[m.end():]
    s = " ".join(s.split())
    out: list[Org] = []
    pos = 0
    while pos < len(s):
        got = parse_org(s, pos, province)
        if got is None:
            rest = s[pos:].strip()
            b = _BOARD_RE.match(rest)
            if b and rest.upper() == rest:
                if b.group("ban"):
                    out.append(Org("ban", board=_sentence_case(b.group("board"))))
                else:
                    out.append(Org("other", board=_sentence_case(b.group("other"))))
            break
        org, end = got
        out.append(org)
        if end <= pos:
            break
        pos = end
        while pos < len(s) and s[pos] in " ,;-":
            pos += 1
    return out


def parse_header(lines: list[str]) -> Header:
    h = Header()
    orgs: list[Org] = []
    for line in lines:
        c = canonical(line)
        if h.number is None:
            h.number = _number_from(c)
        if h.date is None:
            m = _DATE_IN_LINE_RE.search(c)
            if m:
                h.date = iso_date(m.group("d"), m.group("m"), m.group("y"))
                if m.group("place"):
                    h.date_place = line[m.start("place") : m.end("place")]
        orgs.extend(parse_org_line(line))
    h.orgs = orgs
    h.org = compose([replace(o) for o in orgs]) if orgs else None
    return h


# --------------------------------------------------------------------------- closing block


@dataclass
class Closing:
    org: Org | None = None  # the kind of issuer the signature speaks for
    signer: str | None = None
    date: str | None = None
    recipients: list[str] = field(default_factory=list)
    archive: str | None = None  # the "Lưu ..." line


_NAME_WORD = r"\p{Lu}[\p{Ll}'’]*"
_PERSON_RE = regex.compile(r"^%s(?:\s+%s){1,4}$" % (_NAME_WORD, _NAME_WORD))
_PERSON_CAPS_RE = regex.compile(r"^\p{Lu}+(?:\s+\p{Lu}+){1,4}$")
_NOT_NAME = regex.compile(
    r"(?i)^(?:Nơi|Phụ|Biểu|Kèm|Lưu|Ký|Đã|Người|Chữ|Trưởng|Phó|Chủ|Bí|Giám|Thủ|Tổ|Ban|Văn|Ủy|Sở|Phòng)\b"
)


def _signature_org(lines: list[str]) -> Org | None:
    text = canonical(" ".join(lines)).upper()
    if regex.search(r"ỦY\s+BAN\s+NHÂN\s+DÂN|UBND", text):
        org = Org("ubnd")
        m = regex.search(r"(?:ỦY\s+BAN\s+NHÂN\s+DÂN|UBND)\s+(%s)\s+(.+?)(?:\s+(?:KT|K/T|CHỦ|PHÓ)\b|$)" % _UNIT_RE.upper(), text)
        if m:
            org.unit = _unit_word(m.group(1))
            org.place, org.known, _ = _trim_place(org.unit, m.group(2))
        return org
    if regex.search(r"HỘI\s+ĐỒNG\s+NHÂN\s+DÂN|HĐND", text):
        return Org("hdnd")
    if regex.search(r"BAN\s+THƯỜNG\s+VỤ", text):
        return Org("standing")
    if regex.search(r"BAN\s+CHẤP\s+HÀNH", text):
        return Org("exec")
    if regex.search(r"ĐẢNG\s+ỦY", text):
        return Org("party", "xã")
    if regex.search(r"BAN\s+CHỈ\s+ĐẠO", text):
        return Org("other", board="Ban Chỉ đạo")
    if regex.search(r"TRƯỞNG\s+BAN", text):
        return Org("ban")
    if regex.search(r"BÍ\s+THƯ", text):
        return Org("party")
    if regex.search(r"CHỦ\s+TỊCH", text):
        return Org("ubnd")
    if regex.search(r"THỦ\s+TƯỚNG", text):
        return Org("central", board="Thủ tướng Chính phủ")
    return None


def parse_closing(text: str, fm: FrontMatter) -> Closing:
    cl = Closing()
    if fm.closing is None:
        return cl
    zone0 = fm.closing[0]
    paras = [(a + zone0, b + zone0, line) for a, b, line in paragraphs(text[zone0:])]
    sig_idx = [i for i, p in enumerate(paras) if is_signature_line(p[2])]
    # recipients
    in_list = False
    for _s, _e, line in paras:
        if regex.match(r"^\W*Nơi\s+nhận", line, regex.I):
            in_list = True
            rest = regex.sub(r"^\W*Nơi\s+nhận\s*:?\s*", "", line, flags=regex.I).strip()
            if rest.startswith(("-", "+", "•")):
                cl.recipients.append(rest.lstrip("-+• ").strip())
            continue
        if in_list:
            if line.startswith(("-", "+", "•")):
                item = line.lstrip("-+• ").strip()
                cl.recipients.append(item)
                if regex.match(r"^Lưu\b", item):
                    cl.archive = item
                continue
            if regex.match(r"^Lưu\b", line):
                cl.archive = line
                cl.recipients.append(line)
                continue
            in_list = False
    if sig_idx:
        # the cluster of signature lines (the last one that follows the recipients, if any)
        last = sig_idx[-1]
        first = last
        while first - 1 in sig_idx:
            first -= 1
        cl.org = _signature_org([paras[i][2] for i in range(first, last + 1)])
        for _s, _e, line in paras[last + 1 : last + 4]:
            b = line.strip().strip("*_").strip()
            b = regex.sub(r"^\(?(?:đã\s+ký|Đã\s+ký|ĐÃ\s+KÝ)\)?\s*", "", b).strip()
            if not b or regex.match(r"^\(.*\)$", b):
                continue
            if _NOT_NAME.match(b) or any(ch.isdigit() for ch in b):
                break
            if _PERSON_RE.match(b):
                cl.signer = b
            elif _PERSON_CAPS_RE.match(b) and not is_signature_line(b) and letterhead_kind(b) is None:
                cl.signer = " ".join(w.capitalize() for w in b.split())
            break
    for _s, _e, line in paras:
        m = DATE_LINE_RE.match(canonical(line.strip()))
        if m:
            cl.date = iso_date(m.group("d"), m.group("m"), m.group("y"))
            break
    return cl


def _archive_org(archive: str | None) -> Org | None:
    """The issuer told by the "Lưu ..." line: ``Lưu VPHU, BTGHU``, ``Lưu Văn phòng Huyện ủy``."""
    if not archive:
        return None
    table = load_rules("doc_types").get("issuer_codes") or {}
    body = regex.sub(r"^Lưu\s*:?\s*", "", archive).strip(" .;")
    found = None
    for tok in regex.split(r"\s*[,;]\s*", body):
        tok = tok.strip(" .")
        entry = table.get(tok)
        if entry and entry.get("kind") in ("ban", "party"):
            name = entry["name"]
            got = parse_org(canonical(name))
            if got:
                org = got[0]
                # a board outranks the office that files every paper ("VP...")
                if found is None or (org.kind == "ban" and not tok.startswith("VP")):
                    found = org
                    if tok.startswith("VP"):
                        found = Org("party", org.unit)
        else:
            got = parse_org(canonical(tok))
            if got is None:
                m = regex.search(r"(Tỉnh|Huyện|Thành|Thị|Quận)\s+ủy", canonical(tok), regex.I)
                if m and found is None:
                    found = Org("party", _PARTY_UNIT[_unit_word(m.group(1))])
    return found


_RECIPIENT_LEVEL = [
    (regex.compile(r"(?i)\bcác\s+(?:huyện|thành\s+ủy,?\s+huyện\s+ủy|huyện\s+ủy)"), "tinh"),
    (regex.compile(r"(?i)\b(?:các\s+xã|xã,\s*thị\s+trấn|các\s+TCCS|tổ\s+chức\s+cơ\s+sở\s+đảng)"), "huyen"),
    (regex.compile(r"(?i)\b(?:các\s+(?:thôn|bản|xóm|làng|tổ\s+dân\s+phố)|trưởng\s+(?:thôn|bản|xóm))"), "xa"),
]


def _recipients_level(recipients: list[str]) -> str | None:
    for rx, level in _RECIPIENT_LEVEL:
        if any(rx.search(canonical(r)) for r in recipients):
            return level
    return None


# --------------------------------------------------------------------------- places in text

_PLACE_MENTION_RE = regex.compile(
    r"(?<![\p{L}])(?i:(?P<unit>%s|thôn|bản|xóm|làng|buôn))(?!\s+ủy)[ \t]+%s" % (_UNIT_RE, _NAME)
)
_SCOPE_RE = regex.compile(
    r"(?i:trên\s+địa\s+bàn|toàn|của|tại)\s+(?P<unit>(?i:%s|thôn|bản|xóm|làng))(?![\p{L}])(?![ \t]+\p{Lu})" % _UNIT_RE
)


@dataclass
class Mention:
    unit: str
    name: str
    level: str | None
    known: bool
    start: int


def place_mentions(ctext: str, start: int = 0, end: int | None = None) -> list[Mention]:
    """Named places ("huyện Thạch An", "xã Thu Lũm", "tỉnh Gia Lai") in ``ctext[start:end]``."""
    end = len(ctext) if end is None else end
    out = []
    for m in _PLACE_MENTION_RE.finditer(ctext, start, end):
        unit = _unit_word(m.group("unit"))
        name, known, _used = _trim_place(unit, m.group("place"))
        if not name:
            continue
        if known:
            _n, level = lookup_place(unit, name)
        else:
            level = _UNIT_LEVEL.get(unit) if unit != "thành phố" else None
        out.append(Mention(unit, name, level, known, m.start()))
    return out


def _title_scope(ctext: str, span: tuple[int, int] | None, skip: list[tuple[int, int]]):
    """(lowest named place mention, unnamed scope unit) of the title."""
    if not span:
        return None, None
    ms = [m for m in place_mentions(ctext, *span) if not any(a <= m.start < b for a, b in skip)]
    named = None
    for m in ms:
        if m.level and (named is None or _LEVEL_ORDER[m.level] > _LEVEL_ORDER[named.level]):
            named = m
    unnamed = None
    for m in _SCOPE_RE.finditer(ctext, *span):
        u = _unit_word(m.group("unit"))
        lvl = _UNIT_LEVEL.get(u)
        if lvl and (unnamed is None or _LEVEL_ORDER[lvl] > _LEVEL_ORDER[unnamed]):
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


def _opening_org(ctext: str, start: int, end: int, skip: list[tuple[int, int]]) -> tuple[Org, int] | None:
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


# --------------------------------------------------------------------------- resolution


def _province_of(kind_level: str, name: str, hint: set[str]) -> str | None:
    g = gazetteer()
    rows = g.find_districts(name) if kind_level == "huyen" else g.find_communes(name)
    provs = {r[0] for r in rows}
    if len(provs) == 1:
        return provs.pop()
    both = provs & hint
    if len(both) == 1:
        return both.pop()
    return None


def _orgs_chain(org: Org | None):
    while org is not None:
        yield org
        org = org.parent


def extract_meta(text: str, *, attachment_of: DocMeta | None = None) -> DocMeta:
    """Metadata of one document (see the module docstring for the sources, in order)."""
    meta = DocMeta()
    prov: dict[str, str] = {}
    if not text.strip():
        return meta
    ctext = canonical(text)
    if len(ctext) != len(text):
        ctext = text
    fm = front_matter(text)
    paras = paragraphs(text)
    g = gazetteer()

    meta.cites = extract_citations(text, fm)
    cite_spans = [(c.start, c.end) for c in meta.cites]

    # ---- doc type, letterhead
    if fm.doc_type:
        meta.doc_type = fm.doc_type
        prov["doc_type"] = "heading"
    head_lines = [p[2] for p in paras if p[1] <= fm.letterhead[1]] if fm.heading else []
    header = parse_header(head_lines)
    if header.number:
        meta.number, prov["number"] = header.number, "letterhead"
    if header.date:
        meta.date, prov["date"] = header.date, "letterhead"
    org, org_src = (header.org, "letterhead") if header.org and (header.org.place or header.org.kind in ("central", "other")) else (None, None)
    code_only = None
    if meta.number is None:
        code_only = next((_number_code_only(canonical(ln)) for ln in head_lines if _number_code_only(canonical(ln))), None)

    # ---- displaced letterhead: org lines, "Số:" and "<place>, ngày ..." lines in the body
    body_start = fm.heading[1] if fm.heading else 0
    body_end = fm.closing[0] if fm.closing else len(text)
    disp = _displaced(paras, body_start, body_end)
    if org is None and disp.org is not None and disp.org.place:
        org, org_src = disp.org, "letterhead_displaced"
    if meta.number is None and disp.number:
        meta.number, prov["number"] = disp.number, "letterhead_displaced"
    if meta.date is None and disp.date:
        meta.date, prov["date"] = disp.date, "letterhead_displaced"
    date_place = header.date_place or disp.date_place

    # ---- attachment note of the cover
    note = _attachment_note(attachment_of, meta.doc_type)
    if note is not None:
        if meta.number is None and note.number:
            meta.number, prov["number"] = note.number, "attachment_note"
        if meta.date is None and note.date:
            meta.date, prov["date"] = note.date, "attachment_note"
        if meta.doc_type is None and note.doc_type:
            meta.doc_type, prov["doc_type"] = note.doc_type, "attachment_note"
        if org is None and note.issuer:
            got = parse_org(canonical(note.issuer))
            if got:
                org, org_src = got[0], "attachment_note"
        if attachment_of is not None and attachment_of.number:
            meta.attached_to = attachment_of.number

    if meta.doc_type is None:
        t = doc_type_of_code(meta.number or code_only)
        if t:
            meta.doc_type, prov["doc_type"] = t, prov.get("number", "letterhead")

    # ---- closing block: signature, signer, recipients
    closing = parse_closing(text, fm)
    if closing.signer:
        meta.signer, prov["signer"] = closing.signer, "signature"
    if meta.date is None and closing.date:
        meta.date, prov["date"] = closing.date, "signature"
    if meta.date is None:  # a portal or newspaper page: the dateline under its headline
        dl = dateline(text)
        if dl:
            meta.date, prov["date"] = dl, "dateline"

    # ---- opening sentence
    pre_end = fm.preamble[1] if fm.preamble[1] > fm.preamble[0] else min(len(text), body_start + 1500)
    got = _opening_org(ctext, body_start, pre_end, cite_spans)
    opening, opening_at = got if got else (None, None)
    if org is None and opening is not None:
        org, org_src = opening, "body"

    # ---- kind of issuer from the signature / archive line when nothing named it
    sig_org = closing.org
    arch = _archive_org(closing.archive)
    if org is None:
        if sig_org is not None and sig_org.kind == "ban" and arch is not None and arch.kind == "ban":
            org, org_src = arch, "signature+recipients"
        elif sig_org is not None and sig_org.kind == "party" and arch is not None and arch.kind == "party" and sig_org.unit is None:
            org, org_src = replace(sig_org, unit=arch.unit), "signature+recipients"
        elif sig_org is not None:
            org, org_src = sig_org, "signature"
        elif arch is not None:
            org, org_src = arch, "recipients"

    # ---- level
    level = org.level() if org else None
    if level:
        prov["level"] = org_src
    num_issuer = issuer_code(meta.number or code_only)
    if level is None and num_issuer and num_issuer.get("level"):
        level, prov["level"] = num_issuer["level"], prov.get("number", "letterhead")
    t_named, t_unnamed = _title_scope(ctext, fm.title, cite_spans)
    if level is None:
        cands = [x for x in (t_named.level if t_named else None, t_unnamed) if x]
        if cands:
            level, prov["level"] = max(cands, key=lambda x: _LEVEL_ORDER[x]), "title"
    if level is None:
        lv = _recipients_level(closing.recipients)
        if lv:
            level, prov["level"] = lv, "recipients"
    meta.level = level

    # ---- places named by the issuer chain
    province = district = commune = None
    psrc = {}
    for o in _orgs_chain(org):
        if not o.place:
            continue
        lv = o.level()
        name, found_level = lookup_place(o.unit, o.place)
        name = name or o.place
        lv = found_level or lv
        if lv == "tinh" and province is None:
            province, psrc["province"] = name, org_src
        elif lv == "huyen" and district is None:
            district, psrc["district"] = name, org_src
        elif lv == "xa" and commune is None:
            commune, psrc["commune"] = name, org_src

    body_mentions = [m for m in place_mentions(ctext, body_start) if m.known]
    body_provinces = Counter(m.name for m in body_mentions if m.level == "tinh")

    # title places
    if t_named is not None:
        lv = t_named.level
        if lv == "tinh" and province is None:
            province, psrc["province"] = t_named.name, "title"
        if lv == "huyen" and district is None and level in ("huyen", "xa", "thon"):
            district, psrc["district"] = t_named.name, "title"
        if lv == "xa" and commune is None and level in ("xa", "thon"):
            commune, psrc["commune"] = t_named.name, "title"
    if t_named is not None or fm.title:
        for m in place_mentions(ctext, *(fm.title or (0, 0))):
            if m.known and m.level == "tinh" and province is None:
                province, psrc["province"] = m.name, "title"

    # opening sentence places (when the issuer came from elsewhere)
    if opening is not None:
        for o in _orgs_chain(opening):
            if not o.place:
                continue
            name, lv = lookup_place(o.unit, o.place)
            name, lv = (name or o.place), (lv or o.level())
            if lv == "tinh" and province is None:
                province, psrc["province"] = name, "body"
            elif lv == "huyen" and district is None and level in ("huyen", "xa", "thon"):
                district, psrc["district"] = name, "body"
            elif lv == "xa" and commune is None and level in ("xa", "thon"):
                commune, psrc["commune"] = name, "body"

    # the place of the date line ("Lạc Dương, ngày ...")
    if date_place and level in ("huyen", "xa"):
        name, lv = lookup_place(None, canonical(date_place), province)
        if lv == "huyen" and district is None and level == "huyen":
            district, psrc["district"] = name, "letterhead"
        if lv == "xa" and commune is None and level == "xa":
            commune, psrc["commune"] = name, "letterhead"

    # province: from a named district/commune, else the province the text names most
    if province is None:
        hint = set(body_provinces)
        for lv, name in (("xa", commune), ("huyen", district)):
            if name:
                p = _province_of(lv, name, hint)
                if p:
                    province, psrc["province"] = p, "gazetteer"
                    break
    if province is None and body_provinces:
        top = body_provinces.most_common()
        if len(top) == 1 or top[0][1] > top[1][1]:
            province, psrc["province"] = top[0][0], "body"

    # district of a district/commune document
    if district is None and level in ("huyen", "xa", "thon"):
        if commune and province:
            rows = g.find_communes(commune, province)
            if len({r[1] for r in rows}) == 1:
                district, psrc["district"] = rows[0][1], "gazetteer"
        if district is None and level == "huyen":
            named = {m.name for m in body_mentions if m.level == "huyen" and (province is None or g.find_districts(m.name, province))}
            if len(named) == 1:
                district, psrc["district"] = named.pop(), "body"
            elif not named and province:
                district_names = _bare_districts(ctext, body_start, province)
                if len(district_names) == 1:
                    district, psrc["district"] = district_names.pop(), "body"
        if district is not None and province is None:
            p = _province_of("huyen", district, set(body_provinces))
            if p:
                province, psrc["province"] = p, "gazetteer"

    # a field above the document's level does not apply below it
    if level == "tinh":
        district = commune = None
    elif level == "huyen":
        commune = None
    elif level == "trung_uong":
        province = district = commune = None
    meta.province, meta.district, meta.commune = province, district, commune
    for f in ("province", "district", "commune"):
        if getattr(meta, f) is not None:
            prov[f] = psrc[f]

    # ---- issuer text
    if org is not None:
        issuer_org = replace(org)
        src = org_src
        if issuer_org.kind not in ("central", "other") and not issuer_org.place:
            fill = {"tinh": ("tỉnh", province, "province"), "huyen": ("huyện", district, "district"), "xa": ("xã", commune, "commune")}.get(level or "")
            if fill and fill[1]:
                unit = issuer_org.unit or fill[0]
                if level == "huyen":
                    rows = g.find_districts(fill[1], province)
                    if rows and issuer_org.unit is None:
                        unit = rows[0][2]
                if level == "xa":
                    rows = g.find_communes(fill[1], province, district)
                    if rows and issuer_org.unit is None:
                        unit = rows[0][3]
                issuer_org.unit, issuer_org.place = unit, fill[1]
                if psrc.get(fill[2]) and psrc[fill[2]] not in src.split("+"):
                    src = f"{src}+{psrc[fill[2]]}"
            elif issuer_org.unit is None and level:
                issuer_org.unit = {"tinh": "tỉnh", "huyen": "huyện", "xa": "xã"}.get(level)
        rendered = issuer_org.render()
        if rendered:
            meta.issuer, prov["issuer"] = rendered, src

    # ---- title, period
    if fm.title:
        t_end = fm.title[1]
        if opening_at is not None and fm.title[0] < opening_at < t_end:
            t_end = opening_at  # the opening sentence glued to the title
        title = " ".join(text[fm.title[0] : t_end].replace("*", " ").split())
        meta.title, prov["title"] = title or None, "title"
        per = period_of(canonical(title))
        if per:
            meta.period, prov["period"] = per, "title"

    meta.provenance = {k: v for k, v in prov.items() if getattr(meta, k, None) is not None}
    return meta


def _name_regex(name: str):
    """A case-sensitive pattern for a place name that tolerates spacing and Đắk/Đăk variants."""
    parts = []
    for w in regex.split(r"\s+", canonical(name)):
        if key(w) == "đắk":
            parts.append(r"(?:Đ[ăắa][ck]|Dak|ĐẮK|ĐĂK)")
        else:
            parts.append(regex.escape(w).replace("'", r"\s*['’]\s*"))
    return regex.compile(r"(?<![\p{L}])" + r"\s+".join(parts) + r"(?![\p{L}])")


def _bare_districts(ctext: str, start: int, province: str) -> set[str]:
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


@dataclass
class _Displaced:
    org: Org | None = None
    number: str | None = None
    date: str | None = None
    date_place: str | None = None


_DATE_ANYWHERE_RE = regex.compile(r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})")


def _displaced(paras, start: int, end: int) -> _Displaced:
    """Letterhead lines that ended up inside the body (a converter moved them)."""
    out = _Displaced()
    run: list[Org] = []
    best: Org | None = None
    for s, _e, line in paras:
        if s < start or s >= end:
            continue
        b = line.strip().strip("*_").strip()
        kind = letterhead_kind(b)
        if kind == "org" and is_caps_line(b) and not is_section_start(b):
            orgs = parse_org_line(b)
            if orgs and _fully_parsed(b):
                run.extend(orgs)
                continue
        if run and best is None:
            best = _known_issuer(run)
        run = []
        if kind == "number" and out.number is None:
            out.number = _number_from(canonical(b))
            # merged columns: "Số: 150/KH-UBND   Gio Linh, ngày 24 tháng 6 năm 2022"
            m = _DATE_ANYWHERE_RE.search(canonical(b))
            if m and out.date is None:
                out.date = iso_date(m.group("d"), m.group("m"), m.group("y"))
        if kind == "date" and out.date is None:
            m = DATE_LINE_RE.match(canonical(b))
            out.date = iso_date(m.group("d"), m.group("m"), m.group("y"))
            out.date_place = m.group("place")
    if run and best is None:
        best = _known_issuer(run)
    out.org = best
    return out


def _known_issuer(run: list[Org]) -> Org | None:
    """The issuer of displaced letterhead lines, when its place is in the gazetteer."""
    cand = compose([replace(o) for o in run])
    if cand is not None and cand.place and cand.known:
        return cand
    return None


def _fully_parsed(line: str) -> bool:
    """Does the caps line hold nothing but organisations and places?"""
    s = " ".join(canonical(line).split())
    pos = 0
    while pos < len(s):
        got = parse_org(s, pos)
        if not got:
            return bool(_BOARD_RE.match(s[pos:].strip()))
        pos = got[1]
        while pos < len(s) and s[pos] in " ,;-":
            pos += 1
    return True


def _attachment_note(cover: DocMeta | None, doc_type: str | None) -> Citation | None:
    if cover is None:
        return None
    notes = [c for c in cover.cites if c.relation == "attached"]
    if not notes:
        return None
    same = [c for c in notes if doc_type is None or c.doc_type in (None, doc_type)]
    return (same or [None])[0]


_PERIOD_RANGE_RE = regex.compile(r"(?i)giai\s+đoạn\s+(?P<a>(?:19|20)\d\d)\s*[-–—]\s*(?P<b>(?:19|20)\d\d)")
_BARE_RANGE_RE = regex.compile(r"(?<![\d/.-])(?P<a>20\d\d)\s*[-–—]\s*(?P<b>20\d\d)(?![\d/])")
_PERIOD_YEAR_RE = regex.compile(
    r"(?i)(?<!(?:trước|đến|sau|từ|tới|vào|cuối|đầu|tháng\s+\d{1,2}[,]?)\s+)năm\s+(?P<y>(?:19|20)\d\d)(?![\d/])"
)


_DATELINE_RE = regex.compile(
    r"^[^\n]{0,40}?(?<![\d/.:])(?:\d{1,2}:\d{2}(?::\d{2})?,?\s*)?(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>(?:19|20)\d\d)(?:\s*\|?\s*\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?)?\s*$",
    regex.M,
)


def dateline(text: str, within: int = 800) -> str | None:
    """The publication date of a web page or newspaper article: a line near the top that is
    a date, maybe with a time or a by-line (``16:46, 29/09/2022``, ``VĂN MẾN 09/08/2016 07:50``)."""
    for m in _DATELINE_RE.finditer(text[:within]):
        line = m.group(0)
        if regex.search(r"\b(?:ngày|Số|số)\b", line):
            continue  # a document date or number, read elsewhere
        d, mo, y = int(m.group("d")), int(m.group("m")), int(m.group("y"))
        if 1 <= d <= 31 and 1 <= mo <= 12:
            return f"{y}-{mo:02d}-{d:02d}"
    return None


def period_of(title: str) -> str | None:
    """``2021-2025`` from "giai đoạn 2021 - 2025", ``2025`` from "năm 2025"; else None."""
    m = _PERIOD_RANGE_RE.search(title) or _BARE_RANGE_RE.search(title)
    if m:
        return f"{m.group('a')}-{m.group('b')}"
    m = _PERIOD_YEAR_RE.search(title)
    if m:
        return m.group("y")
    return None


def extract_metas(full_text: str, parts: list[tuple[int, int]] | None = None) -> list[DocMeta]:
    """Metadata of every document of a file, linking attachments to their cover."""
    parts = parts if parts is not None else split_documents(full_text)
    out: list[DocMeta] = []
    for i, (a, b) in enumerate(parts):
        text = full_text[a:b]
        cover = None
        if i > 0:
            prev = out[-1]
            if any(c.relation == "attached" for c in prev.cites):
                cover = prev
        out.append(extract_meta(text, attachment_of=cover))
    return out
