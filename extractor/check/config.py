"""``rules/checks.yml``: severities, tolerances, the indicator lexicon and messages."""

from __future__ import annotations

import contextlib
import functools
from typing import Iterator

import regex

from ..fold import fold
from ..rules import load_rules


_PINNED: dict | None = None


def cfg() -> dict:
    return _PINNED if _PINNED is not None else load_rules("checks")


@contextlib.contextmanager
def pinned() -> Iterator[dict]:
    """Within the block ``cfg()`` returns one loaded ``rules/checks.yml`` without asking
    ``load_rules`` again (a check run asks hundreds of thousands of times)."""
    global _PINNED
    old = _PINNED
    _PINNED = load_rules("checks")
    try:
        yield _PINNED
    finally:
        _PINNED = old


def section(name: str) -> dict:
    return cfg().get(name) or {}


@functools.lru_cache(maxsize=512)
def rx(pattern: str) -> "regex.Pattern":
    """A compiled, case-insensitive pattern (cached)."""
    return regex.compile(pattern, regex.I | regex.V1)


@functools.lru_cache(maxsize=1 << 16)
def fold_word(word: str) -> str:
    """``fold`` of one word, cached: the rules fold the same few thousand words again and again."""
    return fold(word)


_WORD = regex.compile(r"[\p{L}\p{N}]+")
_STOP: tuple = (None, frozenset())


def _stop_set(words) -> frozenset:
    """The folded stop words of a list from the rules (folded once per list)."""
    global _STOP
    if _STOP[0] is not words:
        _STOP = (words, frozenset(fold(w) for w in words or []))
    return _STOP[1]


def content_words(text: str) -> set[str]:
    """Content words of ``text``, folded: longer than one letter, not a number, not a
    stop word of ``indicators.context_stop``."""
    stop = _stop_set(section("indicators").get("context_stop"))
    out = set()
    for x in set(_WORD.findall(text)):
        w = fold_word(x)
        if len(w) > 1 and not w.isdigit():
            out.add(w)
    return out - stop


def severity(rule: str) -> str:
    return (cfg().get("severities") or {}).get(rule, "warning")


def level_rank(level: str | None) -> int | None:
    if not level:
        return None
    return (cfg().get("levels") or {}).get(level)


class _Missing(dict):
    def __missing__(self, key):  # unknown placeholders stay visible
        return "{" + key + "}"


def message(rule: str, **values) -> tuple[str, str]:
    """(Vietnamese, English) message of a rule, filled with ``values``."""
    m = (cfg().get("messages") or {}).get(rule) or {}
    data = _Missing({k: ("—" if v is None else v) for k, v in values.items()})
    vi = (m.get("vi") or rule).format_map(data)
    en = (m.get("en") or rule).format_map(data)
    return vi, en


def set_label(set_name: str | None) -> tuple[str, str]:
    """(Vietnamese, English) name of a national criteria set, never its key."""
    lab = (cfg().get("set_labels") or {}).get(set_name or "") or {}
    return lab.get("vi") or "bộ tiêu chí", lab.get("en") or "criteria set"
