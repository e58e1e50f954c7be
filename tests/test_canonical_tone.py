"""The old-tone pattern (o/u first, "not after q" looked back) finds what the plain
look-behind form finds."""

from __future__ import annotations

import random
import re

from extractor.normalise import _MOVE_TONE, _OLD_TONE_NFC_RE, canonical

_LOOK_BEHIND_FIRST = re.compile(
    "(?<![qQ])[oOuU][%s](?![\\w\u0300-\u036f])" % "".join(sorted({k[1] for k in _MOVE_TONE}))
)


def test_old_tone_pattern_matches_the_look_behind_form_on_random_strings():
    rng = random.Random(14)
    alphabet = list("qQoOuUaAeEyY \n.-\u0301") + sorted({k[1] for k in _MOVE_TONE}) + ["hoà", "Quà", "thuỷ"]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert [m.span() for m in _OLD_TONE_NFC_RE.finditer(text)] == [
            m.span() for m in _LOOK_BEHIND_FIRST.finditer(text)
        ], repr(text)


def test_canonical_moves_old_tones():
    assert canonical("hoà thuỷ quà Oà") == "hòa thủy quà Òa"
