"""The ported sentence splitter gives underthesea's sentences, paragraph for paragraph."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from extractor.segment import _sent_tokenize, _underthesea_splitter

ROOT = Path(__file__).resolve().parent.parent

ADVERSARIAL = [
    "",
    "   ",
    ".",
    "...",
    "a...",
    "Xong... Tiếp theo",
    "Xong...tiếp theo. Và",
    "Xong ...  \tTiếp",
    "Hỏi?! Đáp!? Xong.",
    "Số 1.500.000 đồng. Năm 15.12.2025 xong.",
    "1. 2. 3.",
    "TP. Hồ Chí Minh. TS. Nguyễn. ThS. Lê.",
    "e.g. this, g.m.t. time. A. B. c. d.",
    "v.v. và các nội dung khác.",
    "..?!..",
    "Câu một.\nCâu hai.\r\nCâu ba.",
    "Đã xong.. Rồi... ....",
    "Kết thúc./.",
    "Mục tiêu: 100%. Đến năm 2025...",
    "ve… b… xong.",
    "Dr.Smith.Mr. X",
    "a.b.c.d. E",
    "x.?y!. z",
    "\u00a0Câu.\u00a0 Câu hai.",
    "Xong… Tiếp",
    "Tỷ lệ 95,5%. Hộ nghèo giảm 1.5 điểm.Hết",
]


def _theirs():
    return _underthesea_splitter().sent_tokenize


def _plan_paragraphs() -> list[str]:
    paras = []
    for f in sorted((ROOT / "corpora" / "plans").glob("*.txt")):
        paras += [p for p in f.read_text(encoding="utf-8").split("\n") if p.strip()]
    return paras


def test_same_sentences_as_underthesea_on_every_plan_paragraph():
    ours, theirs = _sent_tokenize(), _theirs()
    paras = _plan_paragraphs()
    assert len(paras) > 500
    for para in paras:
        assert ours(para) == theirs(para), para[:80]


@pytest.mark.parametrize("text", ADVERSARIAL)
def test_same_sentences_as_underthesea_on_edge_cases(text):
    assert _sent_tokenize()(text) == _theirs()(text)


def test_same_sentences_as_underthesea_on_random_strings():
    ours, theirs = _sent_tokenize(), _theirs()
    rng = random.Random(14)
    alphabet = list("..........???!!!…  \t\n\r\u00a01234567890aAbBeEgGtTsSmMpPrRđĐưƯ") + [
        "TP", "ts", "ths", "v.v", "Dr", "e.g", "g.m.t", "b…", "ve…", "1.5", " Câu", " xong"
    ]
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert ours(text) == theirs(text), repr(text)


def _located(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    """Each sentence found in ``text`` after the previous one (how they were located before)."""
    out, pos = [], 0
    for s in sentences:
        i = text.find(s, pos)
        assert i >= 0
        out.append((i, i + len(s)))
        pos = i + len(s)
    return out


def test_sentence_ranges_are_where_underthesea_sentences_are():
    from extractor.segment import split_sentences

    theirs = _theirs()
    for text in _plan_paragraphs() + ADVERSARIAL:
        assert split_sentences(text, 7) == [(a + 7, b + 7) for a, b in _located(text, theirs(text))], text[:80]
