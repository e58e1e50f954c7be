"""Patterns that look back from a figure: searched from the end of their window.

Many cue patterns read the words right before a figure and end in ``\\s*$``
(``not_target_before``, the ``not_record`` cues).  Searched forwards, the regex
engine tries every start position of a 160–240 character window and fails at each
but the last, which costs ~0.1 ms a call for the larger alternations.  Searched
backwards (``regex``'s REVERSE flag) the first attempt starts at the end, where the
match must end anyway: the same yes/no answer (a search is exhaustive either way),
about 9x faster.  Only for yes/no use: the match found may start elsewhere.
"""

from __future__ import annotations

import regex

from .. import rx as re


def tail_rx(rx: re.Pattern) -> re.Pattern:
    """``rx`` searched from the end when it is anchored there (ends in ``$``), else as it is."""
    if rx.pattern.rstrip().endswith("$") and not rx.flags & regex.REVERSE:
        return re.compile(rx.pattern, rx.flags | regex.REVERSE)
    return rx
