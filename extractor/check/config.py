"""``rules/checks.yml``: severities, tolerances, the indicator lexicon and messages."""

from __future__ import annotations

import functools

import regex

from ..rules import load_rules


def cfg() -> dict:
    return load_rules("checks")


def section(name: str) -> dict:
    return cfg().get(name) or {}


@functools.lru_cache(maxsize=512)
def rx(pattern: str) -> "regex.Pattern":
    """A compiled, case-insensitive pattern (cached)."""
    return regex.compile(pattern, regex.I | regex.V1)


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
