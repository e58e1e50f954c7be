"""The letterhead: issuer lines, ``Số: ...`` and ``<place>, ngày ...``, where the converter
left them (above the doc-type heading) or dropped them (displaced into the body)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .. import rx as regex
from ..citations import iso_date, normalise_number
from ..normalise import canonical, is_caps_line
from ..split import DATE_LINE_RE, is_section_start, letterhead_kind
from .orgs import Org, parse_org, sentence_case

@dataclass
class Header:
    """What the letterhead block above the doc-type heading tells."""

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


def number_from(s: str) -> str | None:
    """The document number of a ``Số: ...`` line (``Số: 27 /KH-UBND`` -> ``27/KH-UBND``)."""
    m = _NUMBER_IN_LINE_RE.search(s)
    if not m:
        return None
    num = normalise_number(m.group("num"))
    return num if num[:1].isdigit() else None


def number_code_only(s: str) -> str | None:
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
                    out.append(Org("ban", board=sentence_case(b.group("board"))))
                else:
                    out.append(Org("other", board=sentence_case(b.group("other"))))
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
    """Number, date, place of the date and issuer of the letterhead lines."""
    h = Header()
    orgs: list[Org] = []
    for line in lines:
        c = canonical(line)
        if h.number is None:
            h.number = number_from(c)
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


@dataclass
class Displaced:
    """Letterhead facts read from lines the converter moved into the body."""

    org: Org | None = None
    number: str | None = None
    date: str | None = None
    date_place: str | None = None


_DATE_ANYWHERE_RE = regex.compile(r"ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})")


def displaced(paras, start: int, end: int) -> Displaced:
    """Letterhead lines that ended up inside the body (a converter moved them)."""
    out = Displaced()
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
            out.number = number_from(canonical(b))
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
