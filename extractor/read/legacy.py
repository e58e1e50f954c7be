"""Legacy Vietnamese font encodings (TCVN3 / ABC and VNI-Windows) → Unicode.

Before Unicode, Vietnamese documents were typed with 8-bit fonts: ``.VnTime``
(TCVN3, also called ABC) and ``VNI-Times`` (VNI-Windows).  The bytes were
ordinary Windows-1252 codes drawn as Vietnamese letters by the font, so when such
text is read today it shows up as Latin-1 characters, e.g. ``Céng hoµ`` (TCVN3)
or ``Coäng hoøa`` (VNI) for *Cộng hoà*.

* TCVN3 is single-byte: one code per letter.  It has no upper-case *toned*
  letters: headings were typed with the lower-case codes in the ``.VnTimeH``
  font, which draws them upper case.  :func:`to_unicode` restores the case of
  such words from their neighbours (``KÕ HO¹CH`` → ``KẾ HOẠCH``).
* VNI is two-byte: a base letter followed by a mark character (``a`` + ``ù`` →
  ``á``), except đ, ơ, ư, the i-family and ỵ, which have codes of their own.

The tables below are written from the published layouts of the two encodings
(every tone on every vowel, upper and lower case) rather than taken from the
``viparse`` package, whose VNI table leaves ``ẳ`` (``aú``) and ``ỵ`` (``î``)
unconverted.

Detection (:func:`detect`) is content based: every word holding a non-ASCII
character is checked against the shape of a Vietnamese syllable, as read
unconverted, as TCVN3 and as VNI.  A legacy encoding is chosen only when it turns
clearly more of those words into real syllables than leaving the text alone, so
ordinary Unicode Vietnamese and English text are never touched.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Iterable, Optional

TCVN3 = "tcvn3"
VNI = "vni"

# --------------------------------------------------------------------------- tables

# TCVN3 (ABC): code (as the Windows-1252 / Latin-1 character) → Unicode letter.
_TCVN3_DECODE: dict[str, str] = {
    "\u00a1": "Ă", "\u00a2": "Â", "\u00a3": "Ê", "\u00a4": "Ô", "\u00a5": "Ơ", "\u00a6": "Ư", "\u00a7": "Đ",
    "\u00a8": "ă", "\u00a9": "â", "\u00aa": "ê", "\u00ab": "ô", "\u00ac": "ơ", "\u00ad": "ư", "\u00ae": "đ",
    # a
    "\u00b5": "à", "\u00b6": "ả", "\u00b7": "ã", "\u00b8": "á", "\u00b9": "ạ",
    # ă
    "\u00bb": "ằ", "\u00bc": "ẳ", "\u00bd": "ẵ", "\u00be": "ắ", "\u00c6": "ặ",
    # â
    "\u00c7": "ầ", "\u00c8": "ẩ", "\u00c9": "ẫ", "\u00ca": "ấ", "\u00cb": "ậ",
    # e
    "\u00cc": "è", "\u00ce": "ẻ", "\u00cf": "ẽ", "\u00d0": "é", "\u00d1": "ẹ",
    # ê
    "\u00d2": "ề", "\u00d3": "ể", "\u00d4": "ễ", "\u00d5": "ế", "\u00d6": "ệ",
    # i
    "\u00d7": "ì", "\u00d8": "ỉ", "\u00dc": "ĩ", "\u00dd": "í", "\u00de": "ị",
    # o
    "\u00df": "ò", "\u00e1": "ỏ", "\u00e2": "õ", "\u00e3": "ó", "\u00e4": "ọ",
    # ô
    "\u00e5": "ồ", "\u00e6": "ổ", "\u00e7": "ỗ", "\u00e8": "ố", "\u00e9": "ộ",
    # ơ
    "\u00ea": "ờ", "\u00eb": "ở", "\u00ec": "ỡ", "\u00ed": "ớ", "\u00ee": "ợ",
    # u
    "\u00ef": "ù", "\u00f1": "ủ", "\u00f2": "ũ", "\u00f3": "ú", "\u00f4": "ụ",
    # ư
    "\u00f5": "ừ", "\u00f6": "ử", "\u00f7": "ữ", "\u00f8": "ứ", "\u00f9": "ự",
    # y
    "\u00fa": "ỳ", "\u00fb": "ỷ", "\u00fc": "ỹ", "\u00fd": "ý", "\u00fe": "ỵ",
}
_TCVN3_TRANS = str.maketrans(_TCVN3_DECODE)

# VNI-Windows: tone marks (lower-case set; upper case uses the upper-case characters).
_VNI_TONES = {"": "", "\u0301": "ù", "\u0300": "ø", "\u0309": "û", "\u0303": "õ", "\u0323": "ï"}
_VNI_CIRC = {"": "â", "\u0301": "á", "\u0300": "à", "\u0309": "å", "\u0303": "ã", "\u0323": "ä"}
_VNI_BREVE = {"": "ê", "\u0301": "é", "\u0300": "è", "\u0309": "ú", "\u0303": "ü", "\u0323": "ë"}
_VNI_I = {"": "i", "\u0301": "í", "\u0300": "ì", "\u0309": "æ", "\u0303": "ó", "\u0323": "ò"}
_TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")


def _vni_table() -> dict[str, str]:
    """Unicode letter (NFC) → VNI sequence, for every vowel × tone, both cases."""
    table: dict[str, str] = {"đ": "ñ", "Đ": "Ñ"}
    for tone in _TONES:
        for base in "aeouy":
            table[unicodedata.normalize("NFC", base + tone)] = base + _VNI_TONES[tone]
        for base, mod in (("a", "\u0302"), ("e", "\u0302"), ("o", "\u0302")):
            table[unicodedata.normalize("NFC", base + mod + tone)] = base + _VNI_CIRC[tone]
        table[unicodedata.normalize("NFC", "a\u0306" + tone)] = "a" + _VNI_BREVE[tone]
        table[unicodedata.normalize("NFC", "o\u031b" + tone)] = "ô" + _VNI_TONES[tone]
        table[unicodedata.normalize("NFC", "u\u031b" + tone)] = "ö" + _VNI_TONES[tone]
        table[unicodedata.normalize("NFC", "i" + tone)] = _VNI_I[tone]
    table["ỵ"] = "î"  # ỵ has a code of its own (not y + ï)
    for letter, seq in list(table.items()):
        table[letter.upper()] = seq.upper()
    table = {k: v for k, v in table.items() if k != v and len(k) == 1}
    return table


_VNI_ENCODE: dict[str, str] = _vni_table()
_VNI_DECODE: dict[str, str] = {v: k for k, v in _VNI_ENCODE.items()}
_VNI_RE = re.compile("|".join(re.escape(s) for s in sorted(_VNI_DECODE, key=len, reverse=True)))

_TCVN3_ENCODE: dict[str, str] = {v: k for k, v in _TCVN3_DECODE.items()}


# --------------------------------------------------------------------------- syllables

_ONSET = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
_NUCLEI = (
    "a ă â e ê i o ô ơ u ư y "
    "ai ao au ay âu ây eo êu ia iê iu oa oă oe oi oo ôi ơi ua uâ uê ui uô uơ uy ưa ưi ươ ưu yê "
    "iêu yêu oai oao oay oeo uây uôi ươi ươu uya uyê uyu"
).split()
_CODA = "ch|ng|nh|c|m|n|p|t"
_SYLLABLE_RE = re.compile(
    rf"(?:{_ONSET})?(?:{'|'.join(sorted(_NUCLEI, key=len, reverse=True))})(?:{_CODA})?"
)
_TONE_MARKS = set(_TONES) - {""}
_SPLIT_RE = re.compile(r"[\s!-/:-@\[-`{-~\u2010-\u201f\u2026]+")  # whitespace, ASCII and typographic punctuation
_WORD_CHUNK_RE = re.compile(r"[^\s!-/:-@\[-`{-~\u2010-\u201f\u2026]+")


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """True if ``word`` has the shape of one Vietnamese syllable (at most one tone)."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = sum(1 for ch in decomposed if ch in _TONE_MARKS)
    if tones > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS))
    return _SYLLABLE_RE.fullmatch(bare) is not None


# Latin-1 characters used by TCVN3 or VNI that Unicode Vietnamese never contains
_SIGNATURE = frozenset(chr(c) for c in range(0xA1, 0x100)) - frozenset("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
_SIGNATURE_RE = re.compile("[" + "".join(sorted(_SIGNATURE)) + "]")  # U+00A1..U+00FF: none is special in a class


def _candidate_words(text: str, limit: int = 4000) -> list[str]:
    """Words holding a non-ASCII character (the only ones a legacy table changes)."""
    out = []
    for m in _WORD_CHUNK_RE.finditer(text):
        word = m.group()
        if not word.isascii():
            out.append(word)
            if len(out) >= limit:
                break
    return out


def _score(words: Iterable[str]) -> float:
    words = list(words)
    if not words:
        return 0.0
    good = 0
    for w in words:
        parts = [p for p in _SPLIT_RE.split(w) if p]
        if parts and all(is_syllable(p) for p in parts):
            good += 1
    return good / len(words)


# --------------------------------------------------------------------------- conversion


def _undo_pdf_glyphs(text: str) -> str:
    """A PDF text layer may give U+2212 (minus) for the TCVN3 ư code and U+2219 for ã:
    undo that where the character touches a letter (same length out)."""
    if "\u2212" in text or "\u2219" in text:
        text = re.sub(r"(?<=[^\W\d_])[\u2212\u2219]|[\u2212\u2219](?=[^\W\d_])",
                      lambda m: "\u00ad" if m.group() == "\u2212" else "\u00b7", text)
    return text


def _vni_raw(text: str) -> str:
    return _VNI_RE.sub(lambda m: _VNI_DECODE[m.group()], text)


_WORD_RE = re.compile(r"[^\W\d_]+")


def _restore_caps(original: str, converted: str) -> str:
    """Upper-case TCVN3 words typed in a ``.VnTimeH`` (capitals) font.

    TCVN3 has no codes for upper-case toned letters, so ``KẾ HOẠCH`` is stored as
    ``KÕ HO¹CH`` and converts to ``Kế HOạCH``.  A word whose ASCII letters are all
    upper case and whose only lower-case letters came from legacy codes is a
    heading word: with two or more capitals it is upper-cased outright, with one
    (``Kế``, ``Xã``) only when it stands next to such a heading word.
    """
    # the conversion is one character per character, so offsets line up
    if len(original) != len(converted):
        return converted
    words = []
    for m in _WORD_RE.finditer(converted):
        src = original[m.start():m.end()]
        lower_from_code = [c for c, s in zip(m.group(), src) if c.islower() and s != c]
        lower_ascii = [c for c, s in zip(m.group(), src) if c.islower() and s == c]
        uppers = sum(1 for c in m.group() if c.isupper())
        kind = None
        if lower_from_code and not lower_ascii and uppers:
            kind = "strong" if uppers >= 2 else "weak"
        words.append([m.start(), m.end(), kind])
    out = list(converted)
    for _ in range(2):
        for i, (start, end, kind) in enumerate(words):
            if kind == "weak":
                near = [words[j] for j in (i - 1, i + 1) if 0 <= j < len(words)]
                if any(n[2] == "strong" and "\n" not in converted[min(n[1], end):max(n[0], start)] for n in near):
                    words[i][2] = "strong"
    for start, end, kind in words:
        if kind == "strong":
            out[start:end] = converted[start:end].upper()
    return "".join(out)


def to_unicode(text: str, encoding: str) -> str:
    """Convert ``text`` written in legacy ``encoding`` ("tcvn3" or "vni") to Unicode (NFC)."""
    if encoding == TCVN3:
        text = _undo_pdf_glyphs(text)
        return unicodedata.normalize("NFC", _restore_caps(text, text.translate(_TCVN3_TRANS)))
    if encoding == VNI:
        return unicodedata.normalize("NFC", _vni_raw(text))
    raise ValueError(f"unknown legacy encoding {encoding!r}")


def from_unicode(text: str, encoding: str) -> str:
    """Write Unicode ``text`` as legacy ``encoding`` characters (used to build test samples).

    TCVN3 has no upper-case toned letters: they are written with the lower-case
    code, as a ``.VnTimeH`` heading would be.
    """
    text = unicodedata.normalize("NFC", text)
    if encoding == VNI:
        return "".join(_VNI_ENCODE.get(c, c) for c in text)
    if encoding == TCVN3:
        out = []
        for c in text:
            if c in _TCVN3_ENCODE:
                out.append(_TCVN3_ENCODE[c])
            elif c.lower() in _TCVN3_ENCODE:
                out.append(_TCVN3_ENCODE[c.lower()])
            else:
                out.append(c)
        return "".join(out)
    raise ValueError(f"unknown legacy encoding {encoding!r}")


def scores(text: str) -> dict[Optional[str], float]:
    """Share of non-ASCII words that read as Vietnamese syllables, per reading."""
    words = _candidate_words(text)
    return {
        None: _score(words),
        TCVN3: _score(_candidate_words(to_unicode(" ".join(words), TCVN3))),
        VNI: _score(_candidate_words(_vni_raw(" ".join(words)))),
    }


def _has_signature(text: str, at_least: int) -> bool:
    """Does ``text`` hold ``at_least`` characters that only a legacy font would produce?"""
    for n, _ in enumerate(_SIGNATURE_RE.finditer(text), start=1):
        if n >= at_least:
            return True
    return at_least <= 0


def detect(text: str, *, min_words: int = 3) -> Optional[str]:
    """Return "tcvn3" or "vni" when ``text`` is legacy-encoded, else None.

    Needs at least ``min_words`` words with non-ASCII characters; the winning
    reading must make most of them (≥ 60 %) real syllables and beat the text as it
    stands by a wide margin (0.3), so Unicode Vietnamese, English and other
    Latin-script text are left alone.
    """
    if not _has_signature(text[:200_000], min_words):
        return None  # fast path: no character that only a legacy font would produce
    words = _candidate_words(text)
    if len(words) < min_words:
        return None
    s = scores(" ".join(words))
    best = max((TCVN3, VNI), key=lambda e: s[e])
    if s[best] >= 0.6 and s[best] >= s[None] + 0.3:
        return best
    return None


_CELL_SEP_RE = re.compile(r"(\t+| {3,})")


def _all_lower(s: str) -> bool:
    return any(c.isalpha() for c in s) and not any(c.isupper() for c in s)


def restore_letterhead_lines(converted: list[str], original: list[str]) -> list[str]:
    """Capitalise letterhead lines typed in lower case in a ``.VnTimeH`` font.

    That font draws every letter as a capital, so clerks typed headings in lower
    case: converted, ``huyÖn ñy can léc`` reads ``huyện ủy can lộc``, which no
    later stage takes for a letterhead (the plan then split in two at its own
    heading).  A line (or a column of a two-column letterhead line) that is all
    lower case, was legacy-coded, and reads as an organisation, a motto or a
    doc-type heading once capitalised is capitalised when it is one of the first
    two lines or stands within two lines of another letterhead line."""
    from ..split import heading_type, letterhead_kind

    def kind(line: str) -> Optional[str]:
        return letterhead_kind(line) or ("heading" if heading_type(line) else None)

    out = list(converted)
    rows = [i for i, line in enumerate(converted) if line.strip()]
    kinds = {i: kind(converted[i]) for i in rows}
    for pos, i in enumerate(rows):
        if converted[i] == original[i] or not any(_all_lower(p) for p in _CELL_SEP_RE.split(converted[i])):
            continue
        near = rows[max(0, pos - 2):pos] + rows[pos + 1:pos + 3]
        if pos >= 2 and not any(kinds[j] for j in near):
            continue
        parts = _CELL_SEP_RE.split(converted[i])
        changed = False
        for k, part in enumerate(parts):
            if k % 2 == 0 and _all_lower(part) and kind(part.strip().upper()) in ("org", "motto", "heading"):
                parts[k] = part.upper()
                changed = True
        if changed:
            out[i] = "".join(parts)
            kinds[i] = kind(out[i]) or "org"
    return out


def fix(text: str) -> tuple[str, Optional[str]]:
    """Detect a legacy encoding in ``text`` and convert it: returns (text, encoding or None)."""
    enc = detect(text)
    if enc is None:
        return text, None
    converted = to_unicode(text, enc)
    if enc == TCVN3 and len(converted) == len(text):
        converted = "\n".join(restore_letterhead_lines(converted.split("\n"), text.split("\n")))
    return converted, enc


def fix_blocks(texts: list[str], *, font_hint: Optional[str] = None) -> tuple[list[str], Optional[str]]:
    """Convert a document's pieces of text (paragraphs, cells) that are legacy-encoded.

    The encoding is decided on the whole document; ``font_hint`` (the encoding a
    ``.VnTime`` or ``VNI-Times`` font implies) is used when the text is too short
    for :func:`detect` but still reads better converted.  Each piece is then
    converted unless it reads better as it stands (documents that mix Unicode and
    legacy paragraphs exist).
    """
    whole = "\n".join(texts)
    enc = detect(whole)
    if enc is None and font_hint is not None:
        s = scores(whole)
        if s[font_hint] > s[None]:
            enc = font_hint
    if enc is None:
        return texts, None
    out = []
    for t in texts:
        words = _candidate_words(t, limit=400)
        if not words:
            out.append(t)
            continue
        s_none = _score(words)
        converted = to_unicode(t, enc)
        s_conv = _score(_candidate_words(converted, limit=400))
        out.append(converted if s_conv >= s_none else t)
    if enc == TCVN3 and all("\n" not in t for t in texts):
        out = restore_letterhead_lines(out, texts)
    return out, enc
