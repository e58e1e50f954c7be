"""The typed-citation cue (first word, asked only where the rest of a type, the number lead
and a digit follow) finds every typed citation the pattern alone finds."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.citations import _patterns, finditer_at_words
from extractor.normalise import canonical

ROOT = Path(__file__).resolve().parent.parent

EDGE_CASES = [
    "Kế hoạch số 12/KH-UBND ngày 3/5/2022",
    "KẾ HOẠCH SỐ: 12/KH-UBND",
    "kế   hoạch\n 12/KH-UBND",
    "Nghị quyết định 5/NQ-HĐND; nghị quyết 7/NQ-TU",
    "Thông báo cáo 3/TB-UB và thông tư liên tịch số 9/2015/TTLT-BTC",
    "ThôngKế hoạch 4/KH-UB, xKế hoạch 5/KH-UB",
    "Chương trình hành động số 02-CTr/TU, chương trình 3/CTr-UB",
    "Quyết định sỐ 1/QĐ-UBND; luật 12/2019/QH14",
    "Kế hoạch ſố 8/KH-UBND",
]


def _same(text: str) -> None:
    p = _patterns()
    found = [m.span() for m in finditer_at_words(p["typed"], text, p["typed_cue"])]
    assert found == [m.span() for m in p["typed"].finditer(text)], text[:80]


def test_typed_cue_finds_every_typed_citation_in_the_plans_and_seeds():
    files = sorted((ROOT / "corpora" / "plans").glob("*.txt"))
    files += sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))
    assert files
    for f in files:
        _same(canonical(f.read_text(encoding="utf-8")))


@pytest.mark.parametrize("text", EDGE_CASES)
def test_typed_cue_finds_every_typed_citation_in_edge_cases(text):
    _same(text)
