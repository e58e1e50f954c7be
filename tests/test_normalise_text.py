"""canonical() and ends_sentence(): the normalise stage's text tests, checked against their definitions."""

import random
import re
import unicodedata

from extractor.normalise import canonical

_TONES = "\u0300\u0301\u0303\u0309\u0323"
# The definition, on decomposed text: a tone written on the second vowel of oa/oe/uy
# (old style) moves to the first (new style), except after q, at the end of a syllable.
_OLD = re.compile(r"(?<![qQ])([oOuU])([aAeEyY])([%s])(?![\w\u0300-\u036f])" % _TONES)


def by_definition(s: str) -> str:
    d = _OLD.sub(lambda m: m.group(1) + m.group(3) + m.group(2), unicodedata.normalize("NFD", s))
    return unicodedata.normalize("NFC", d).translate({0x00D0: 0x0110, 0x00F0: 0x0111})


def test_old_placement_moves_to_the_new():
    assert canonical("hoà bình, thuỷ lợi, khoẻ mạnh") == "hòa bình, thủy lợi, khỏe mạnh"
    assert canonical("Hoà") == "Hòa"
    assert canonical("quà tặng") == "quà tặng"  # after q the tone stays
    assert canonical("hoàn thành") == "hoàn thành"  # not the end of a syllable


def test_nfd_input_and_lookalike_letters():
    assert canonical(unicodedata.normalize("NFD", "Thuỷ Nguyên")) == "Thủy Nguyên"
    assert canonical("Ðề án") == "Đề án"


def test_same_as_the_definition_on_random_syllables():
    rng = random.Random(7)
    letters = "oOuUaAeEyYqQhtkn \u0302\u0306" + _TONES + "\u00d0\u00f0"
    for _ in range(20000):
        s = "".join(rng.choice(letters) for _ in range(rng.randint(1, 8)))
        for form in (s, unicodedata.normalize("NFC", s)):
            assert canonical(form) == by_definition(form), repr(form)


def test_ends_sentence_reads_like_its_pattern():
    from extractor.normalise import ends_sentence

    pattern = re.compile(r"""(?:[.:!?…]|\./\.|[.:]\s*["”'])\s*$""")
    rng = random.Random(11)
    alphabet = ".:!?…;/\"”' \t\u00a0ab,"
    for _ in range(20000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 7)))
        assert ends_sentence(s) == bool(pattern.search(s)), repr(s)
    assert ends_sentence("… đạt chuẩn nông thôn mới./.")
    assert not ends_sentence("các xã đạt chuẩn;")
