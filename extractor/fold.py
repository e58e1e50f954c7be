"""Accent- and case-insensitive folding of Vietnamese text, for search.

``fold("Nông thôn mới ĐẠT CHUẨN")`` -> ``"nong thon moi dat chuan"``.

The result is the same whether the input is NFC (precomposed) or NFD
(decomposed): every combining mark is dropped after an NFD decomposition, and
``đ``/``Đ`` (which Unicode does not decompose) are mapped to ``d``.
The database stores folded copies of section text and record quotes
(``sections.text_folded``, ``records.quote_folded``) and indexes them with FTS5;
fold the query the same way before searching.

Speed: Latin letters (with every Vietnamese letter) and combining marks are folded
by one ``str.translate`` table, built on first use; only text that still holds a
decomposable character afterwards (Greek, Cyrillic with accents …) takes the
general path (NFD, drop the marks, NFC).
"""

from __future__ import annotations

import functools
import unicodedata

_EXTRA = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})
# the blocks the translate table covers: Latin-1, Latin Extended A/B, IPA, combining
# diacritics, Latin Extended Additional (ạ ả ấ … ỹ)
_TABLE_RANGES = (range(0x00C0, 0x0250), range(0x0300, 0x0370), range(0x1E00, 0x1F00))


def _fold_general(s: str) -> str:
    decomposed = unicodedata.normalize("NFD", s.translate(_EXTRA))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))  # every combining mark
    return unicodedata.normalize("NFC", stripped).lower()


@functools.lru_cache(maxsize=1)
def _table() -> list[str]:
    """A list indexed by code point (``str.translate`` indexes a list faster than it looks
    up a dict; a code point past its end is left as it is)."""
    table = [chr(c) for c in range(_TABLE_RANGES[-1].stop)]
    for block in _TABLE_RANGES:
        for c in block:
            table[c] = _fold_general(chr(c))
    return table


def fold(s: str | None) -> str:
    """Lower-case ``s`` and strip its diacritics (``None`` -> ``""``)."""
    if not s:
        return ""
    out = s.translate(_table()).lower()
    if out.isascii() or unicodedata.is_normalized("NFD", out):
        return out
    return _fold_general(s)  # a decomposable letter outside the table's blocks
