"""A quoted passage shown in its surrounding text, safely escaped.

    html = in_context(doc_text, start, end, window=300)    # markupsafe.Markup
    html = figures(quote)                                    # numbers wrapped in <b class="fig">

Every piece of document text goes through ``markupsafe.escape``; only the
``<mark>`` / ``<b>`` tags added here are markup.  Used by the review page of
``kehoach serve`` and by ``kehoach report`` (no Datasette import here).
"""

from __future__ import annotations

from typing import Optional

import regex
from markupsafe import Markup, escape

# 80%, 50,5%, 1,6, 81/101, 120.000, 2025
FIGURE = regex.compile(r"\d+(?:[.,/]\d+)*(?:\s?%)?")


def figures(s: Optional[str]) -> Markup:
    """``s`` escaped, with every figure in it wrapped in ``<b class="fig">``."""
    if not s:
        return Markup("")
    out, pos = [], 0
    for m in FIGURE.finditer(s):
        out.append(escape(s[pos : m.start()]))
        out.append(Markup('<b class="fig">') + escape(m.group()) + Markup("</b>"))
        pos = m.end()
    out.append(escape(s[pos:]))
    return Markup("").join(out)


def _snap_left(text: str, a: int, limit: int) -> int:
    """Move ``a`` left, never past ``limit``, to the start of a word."""
    while a > limit and not text[a - 1].isspace():
        a -= 1
    return a


def _snap_right(text: str, b: int, limit: int) -> int:
    while b < limit and not text[b].isspace():
        b += 1
    return b


def window(text: Optional[str], start: Optional[int], end: Optional[int], width: int = 300) -> Optional[dict]:
    """The passage ``text[start:end]`` with up to ``width`` characters either side
    (snapped to word boundaries): ``{"before", "quote", "after", "cut_before", "cut_after"}``;
    None when the offsets do not fit the text."""
    if not text or start is None or end is None:
        return None
    if not (0 <= start <= end <= len(text)):
        return None
    a = max(0, start - width)
    b = min(len(text), end + width)
    if a > 0:
        a = _snap_left(text, a, max(0, a - 30))
    if b < len(text):
        b = _snap_right(text, b, min(len(text), b + 30))
    return {
        "before": text[a:start],
        "quote": text[start:end],
        "after": text[end:b],
        "cut_before": a > 0,
        "cut_after": b < len(text),
        "start": start,
        "end": end,
    }


def in_context(
    text: Optional[str],
    start: Optional[int],
    end: Optional[int],
    width: int = 300,
    quote: Optional[str] = None,
    anchor: Optional[str] = None,
    focus: Optional[tuple] = None,
) -> Markup:
    """HTML: the passage in its surrounding text, the passage in ``<mark>`` with its
    figures in ``<b class="fig">``.  When the offsets do not fit ``text`` the stored
    ``quote`` alone is shown (escaped).  ``focus`` = (start, end) of the record's own
    value inside the passage: that span gets ``<b class="fig focus">``."""
    w = window(text, start, end, width)
    mark_open = Markup('<mark class="quote"%s>') % (Markup(' id="%s"') % anchor if anchor else Markup(""))
    if w is None:
        if not quote:
            return Markup('<span class="missing">(không có đoạn trích / no passage)</span>')
        return mark_open + figures(quote) + Markup("</mark>")
    inner = figures(w["quote"])
    if focus and focus[0] is not None and focus[1] is not None and start <= focus[0] < focus[1] <= end:
        a, b = focus[0] - start, focus[1] - start
        q = w["quote"]
        inner = (figures(q[:a]) + Markup('<b class="fig focus">') + escape(q[a:b]) + Markup("</b>")
                 + figures(q[b:]))
    return (
        (Markup("… ") if w["cut_before"] else Markup(""))
        + escape(w["before"])
        + mark_open
        + inner
        + Markup("</mark>")
        + escape(w["after"])
        + (Markup(" …") if w["cut_after"] else Markup(""))
    )


def plan_label(doc: Optional[dict]) -> str:
    """A short human label of a document row: type, number, place, or its id."""
    if not doc:
        return "(không rõ / unknown)"
    parts = [doc.get("doc_type") or "", doc.get("number") or ""]
    place = doc.get("commune") or doc.get("district") or doc.get("province") or ""
    label = " ".join(p for p in parts if p).strip()
    if place:
        label = f"{label} — {place}" if label else place
    if not label or not doc.get("number"):
        src = doc.get("source_name") or ""
        if src:
            label = f"{label} ({src})" if label else src
    if not label:
        label = (doc.get("title") or "").strip()[:80]
    return label or f"#{doc.get('id')}"


def message_vi(message: Optional[str], message_en: Optional[str]) -> str:
    """The Vietnamese part of a flag message (``message`` may hold "vi\\nen")."""
    msg = (message or "").strip()
    en = (message_en or "").strip()
    if en and msg.endswith(en) and msg != en:
        msg = msg[: -len(en)].rstrip()
    return msg


def highlight_words(s: Optional[str], query: Optional[str]) -> Markup:
    """``s`` escaped, the words of ``query`` (accents and case ignored) in ``<mark class="hit">``
    and the other figures in ``<b class="fig">``."""
    from ..fold import fold

    if not s:
        return Markup("")
    toks = regex.findall(r"\w+", fold(query))
    folded = fold(s)
    if not toks or len(folded) != len(s):
        return figures(s)
    pattern = regex.compile(r"(?<!\w)(?:%s)(?!\w)" % "|".join(regex.escape(t) for t in sorted(set(toks), key=len, reverse=True)))
    out, pos = [], 0
    for m in pattern.finditer(folded):
        out.append(figures(s[pos : m.start()]))
        out.append(Markup('<mark class="hit">') + escape(s[m.start() : m.end()]) + Markup("</mark>"))
        pos = m.end()
    out.append(figures(s[pos:]))
    return Markup("").join(out)


def highlight_record(
    quote: Optional[str],
    start: Optional[int],
    value_start: Optional[int],
    value_end: Optional[int],
    query: Optional[str] = None,
) -> Markup:
    """A record's quote, escaped: the record's own figure (``value_start``/``value_end``,
    document offsets; ``start`` = the quote's offset) in ``<b class="fig focus">``, the
    query's words in ``<mark class="hit">``, every other figure plain.  Without offsets
    that fit the quote, only the query's words are marked."""
    from ..fold import fold

    if not quote:
        return Markup("")
    a = b = None
    if all(isinstance(x, int) for x in (start, value_start, value_end)):
        a, b = value_start - start, value_end - start
        if not (0 <= a < b <= len(quote)):
            a = b = None
    toks = regex.findall(r"\w+", fold(query)) if query else []
    folded = fold(quote)
    spans: list[tuple[int, int, str]] = []
    if toks and len(folded) == len(quote):
        pattern = regex.compile(r"(?<!\w)(?:%s)(?!\w)" % "|".join(
            regex.escape(t) for t in sorted(set(toks), key=len, reverse=True)))
        spans = [(m.start(), m.end(), "hit") for m in pattern.finditer(folded)
                 if a is None or m.end() <= a or m.start() >= b]
    if a is not None:
        spans.append((a, b, "focus"))
    out, pos = [], 0
    for s0, s1, kind in sorted(spans):
        if s0 < pos:
            continue
        out.append(escape(quote[pos:s0]))
        tag = (Markup('<b class="fig focus">'), Markup("</b>")) if kind == "focus" else (
            Markup('<mark class="hit">'), Markup("</mark>"))
        out.append(tag[0] + escape(quote[s0:s1]) + tag[1])
        pos = s1
    out.append(escape(quote[pos:]))
    return Markup("").join(out)
