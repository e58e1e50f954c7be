"""The closing block: signature (the kind of issuer, the signer), date, ``Nơi nhận`` list."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import rx as regex
from ..citations import iso_date
from ..normalise import canonical
from ..rules import load_rules
from ..split import DATE_LINE_RE, FrontMatter, is_signature_line, letterhead_kind, paragraphs
from .orgs import PARTY_UNIT, UNIT_RE, Org, parse_org, trim_place, unit_word

@dataclass
class Closing:
    """What the closing block (from "Nơi nhận" or the first signature line) tells."""

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
    """The kind of issuer a cluster of signature lines speaks for (``TM. ỦY BAN NHÂN DÂN`` -> UBND)."""
    text = canonical(" ".join(lines)).upper()
    if regex.search(r"ỦY\s+BAN\s+NHÂN\s+DÂN|UBND", text):
        org = Org("ubnd")
        m = regex.search(r"(?:ỦY\s+BAN\s+NHÂN\s+DÂN|UBND)\s+(%s)\s+(.+?)(?:\s+(?:KT|K/T|CHỦ|PHÓ)\b|$)" % UNIT_RE.upper(), text)
        if m:
            org.unit = unit_word(m.group(1))
            org.place, org.known, _ = trim_place(org.unit, m.group(2))
        return org
    for pattern, kind, unit, board in _SIGNERS:
        if regex.search(pattern, text):
            return Org(kind, unit, board=board)
    return None


# The other issuers a signature block names, first match wins: (words, kind, unit, board).
_SIGNERS = (
    (r"HỘI\s+ĐỒNG\s+NHÂN\s+DÂN|HĐND", "hdnd", None, None),
    (r"BAN\s+THƯỜNG\s+VỤ", "standing", None, None),
    (r"BAN\s+CHẤP\s+HÀNH", "exec", None, None),
    (r"ĐẢNG\s+ỦY", "party", "xã", None),
    (r"BAN\s+CHỈ\s+ĐẠO", "other", None, "Ban Chỉ đạo"),
    (r"TRƯỞNG\s+BAN", "ban", None, None),
    (r"BÍ\s+THƯ", "party", None, None),
    (r"CHỦ\s+TỊCH", "ubnd", None, None),
    (r"THỦ\s+TƯỚNG", "central", None, "Thủ tướng Chính phủ"),
)


def parse_closing(text: str, fm: FrontMatter) -> Closing:
    """Recipients, archive line, signature's issuer, signer and date of the closing zone of ``fm``."""
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


def archive_org(archive: str | None) -> Org | None:
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
                    found = Org("party", PARTY_UNIT[unit_word(m.group(1))])
    return found


_RECIPIENT_LEVEL = [
    (regex.compile(r"(?i)\bcác\s+(?:huyện|thành\s+ủy,?\s+huyện\s+ủy|huyện\s+ủy)"), "tinh"),
    (regex.compile(r"(?i)\b(?:các\s+xã|xã,\s*thị\s+trấn|các\s+TCCS|tổ\s+chức\s+cơ\s+sở\s+đảng)"), "huyen"),
    (regex.compile(r"(?i)\b(?:các\s+(?:thôn|bản|xóm|làng|tổ\s+dân\s+phố)|trưởng\s+(?:thôn|bản|xóm))"), "xa"),
]


def recipients_level(recipients: list[str]) -> str | None:
    """The level a recipients list tells (``UBND các xã`` -> a district document)."""
    for rx, level in _RECIPIENT_LEVEL:
        if any(rx.search(canonical(r)) for r in recipients):
            return level
    return None
