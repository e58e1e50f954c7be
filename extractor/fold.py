"""Accent- and case-insensitive folding of Vietnamese text, for search.

``fold("Nông thôn mới ĐẠT CHUẨN")`` -> ``"nong thon moi dat chuan"``.

The result is the same whether the input is NFC (precomposed) or NFD
(decomposed): every combining mark is dropped after an NFD decomposition, and
``đ``/``Đ`` (which Unicode does not decompose) are mapped to ``d``.
The database stores folded copies of section text and record quotes
(``sections.text_folded``, ``records.quote_folded``) and indexes them with FTS5;
fold the query the same way before searching.
"""

from __future__ import annotations

import re
import sys
import unicodedata

_EXTRA = str.maketrans({"đ": "d", "Đ": "D", "ð": "d", "Ð": "D"})
# every combining mark (category Mn) in one character class, built once
_MARKS = re.compile("[" + "".join(chr(c) for c in range(sys.maxunicode + 1) if unicodedata.combining(chr(c))) + "]")


def fold(s: str | None) -> str:
    """Lower-case ``s`` and strip its diacritics (``None`` -> ``""``)."""
    if not s:
        return ""
    decomposed = unicodedata.normalize("NFD", s.translate(_EXTRA))
    stripped = _MARKS.sub("", decomposed)
    return unicodedata.normalize("NFC", stripped).lower()
