"""Dates and periods read from a document's text: a web page's dateline, a title's period."""

from __future__ import annotations

from .. import rx as regex

_PERIOD_RANGE_RE = regex.compile(r"(?i)giai\s+đoạn\s+(?P<a>(?:19|20)\d\d)\s*[-–—]\s*(?P<b>(?:19|20)\d\d)")
_BARE_RANGE_RE = regex.compile(r"(?<![\d/.-])(?P<a>20\d\d)\s*[-–—]\s*(?P<b>20\d\d)(?![\d/])")
_PERIOD_YEAR_RE = regex.compile(
    r"(?i)(?<!(?:trước|đến|sau|từ|tới|vào|cuối|đầu|tháng\s+\d{1,2}[,]?)\s+)năm\s+(?P<y>(?:19|20)\d\d)(?![\d/])"
)


_DATELINE_RE = regex.compile(
    r"^[^\n]{0,40}?(?<![\d/.:])(?:\d{1,2}:\d{2}(?::\d{2})?,?\s*)?(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>(?:19|20)\d\d)(?:\s*\|?\s*\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AP]M)?)?(?:\s*\|?\s*(?:[ĐđD]ã\s+xem|[Ll]ượt\s+xem|[Ll]ượt\s+đọc)\s*:?\s*[\d.]+)?\s*$",
    regex.M,
)


def dateline(text: str, within: int = 800) -> str | None:
    """The publication date of a web page or newspaper article: a line near the top that is
    a date, maybe with a time, a by-line or a view counter (``16:46, 29/09/2022``,
    ``VĂN MẾN 09/08/2016 07:50``, ``Thứ Tư, 27/01/2021 Đã xem: 19``)."""
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
