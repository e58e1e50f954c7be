"""Patterns that look back from a figure: searched from the end of their window.

Many cue patterns read the words right before a figure and end in ``\\s*$``
(``not_target_before``, the ``not_record`` cues).  Searched forwards, the regex
engine tries every start position of a 160–240 character window and fails at each
but the last, which costs ~0.1 ms a call for the larger alternations.  Searched
backwards (``regex``'s REVERSE flag) the first attempt starts at the end, where the
match must end anyway: the same yes/no answer (a search is exhaustive either way),
about 9x faster.  Only for yes/no use: the match found may start elsewhere.

When every branch of the pattern ends in ``$`` and the window does not end in a
newline, ``$`` holds only at the window's end, so every match ends there: a reverse
``match`` (anchored at the end) gives the same answer without trying the other end
positions, 1–4 µs less a call.
"""

from __future__ import annotations

import regex

from .. import rx as re


class Tail:
    """A pattern anchored at the end of its text (``…\\s*$``), asked yes/no of a window."""

    __slots__ = ("pattern", "_search", "_match")

    def __init__(self, rx: re.Pattern):
        backwards = rx if rx.flags & regex.REVERSE else re.compile(rx.pattern, rx.flags | regex.REVERSE)
        self.pattern = rx.pattern
        self._search = backwards.search
        single_line = not rx.flags & (regex.MULTILINE | regex.WORD | regex.VERBOSE)
        self._match = backwards.match if single_line and _branches_end_in_dollar(rx.pattern) else None

    def search(self, text: str):
        """A match ending at the end of ``text`` (or before its final newline), else None."""
        if self._match is not None and not text.endswith("\n"):
            return self._match(text)
        return self._search(text)


def tail_rx(rx: re.Pattern):
    """``rx`` searched from the end when it is anchored there (ends in ``$``), else as it is."""
    if rx.pattern.rstrip().endswith("$"):
        return Tail(rx)
    return rx


def _branches_end_in_dollar(pattern: str) -> bool:
    """Does every top-level alternative of ``pattern`` end in an unescaped ``$``?"""
    branches, start, depth, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if pattern[i + 1:i + 2] == "^":
                i += 1
            if pattern[i + 1:i + 2] == "]":  # a "]" first in a class is a literal
                i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    branches.append(pattern[start:])
    return all(_ends_in_dollar(b.rstrip()) for b in branches)


def _ends_in_dollar(branch: str) -> bool:
    if not branch.endswith("$"):
        return False
    backslashes = len(branch[:-1]) - len(branch[:-1].rstrip("\\"))
    return backslashes % 2 == 0
