"""Direction of a child figure against its parent's: every polarity x comparator pair,
through the rule (threshold_below_parent / exceeds_parent) and its messages."""

from __future__ import annotations

import pytest

from extractor.check.figures import direction, guaranteed
from extractor.check.rules_targets import compare_with_parent
from extractor.check.data import load_documents
from extractor import store

from test_check import Plan, save

COMPARATORS = [">=", "<=", "=", "maintain", "increase", "decrease", "range"]

# (polarity, comparator, child (value, value_max), parent (value, value_max)) -> expected
# a larger figure is stricter for higher_better levels and for the good-way change
# (increase of higher_better, decrease of lower_better); smaller is stricter otherwise;
# a bound on the wrong side (">=" of a lower-is-better rate) commits to nothing.
CASES = {
    ("higher_better", ">="): ("weaker", "stricter"),
    ("higher_better", "<="): (None, None),
    ("higher_better", "="): ("weaker", "stricter"),
    ("higher_better", "maintain"): ("weaker", "stricter"),
    ("higher_better", "increase"): ("weaker", "stricter"),
    ("higher_better", "decrease"): ("stricter", "weaker"),
    ("higher_better", "range"): ("weaker", "stricter"),
    ("lower_better", ">="): (None, None),
    ("lower_better", "<="): ("stricter", "weaker"),
    ("lower_better", "="): ("stricter", "weaker"),
    ("lower_better", "maintain"): ("stricter", "weaker"),
    ("lower_better", "increase"): ("stricter", "weaker"),
    ("lower_better", "decrease"): ("weaker", "stricter"),
    ("lower_better", "range"): ("stricter", "weaker"),
    ("neither", ">="): (None, None),
    ("neither", "<="): (None, None),
    ("neither", "="): (None, None),
    ("neither", "maintain"): (None, None),
    ("neither", "increase"): (None, None),
    ("neither", "decrease"): (None, None),
    ("neither", "range"): (None, None),
}


@pytest.mark.parametrize("polarity,comp", sorted(CASES))
def test_direction_table(polarity, comp):
    smaller, larger = CASES[(polarity, comp)]
    vmax = (lambda v: v + 2) if comp == "range" else (lambda v: None)
    assert direction(polarity, (comp, 3.0, vmax(3.0)), (comp, 5.0, vmax(5.0))) == smaller
    assert direction(polarity, (comp, 7.0, vmax(7.0)), (comp, 5.0, vmax(5.0))) == larger
    assert direction(polarity, (comp, 5.0, vmax(5.0)), (comp, 5.0, vmax(5.0))) is None


def test_mixed_comparators():
    # a ceiling of 6% against a parent's "= 4%" of a lower-is-better rate: weaker
    assert direction("lower_better", ("<=", 6.0, None), ("=", 4.0, None)) == "weaker"
    # a change is never compared with a level, nor an increase with a decrease
    assert direction("higher_better", ("increase", 5.0, None), ("=", 5.0, None)) is None
    assert direction("lower_better", ("increase", 1.0, None), ("decrease", 1.0, None)) is None
    # a range commits to its worst end: the floor when higher is better, the ceiling when lower is
    assert guaranteed("higher_better", "range", 40, 50) == 40
    assert guaranteed("lower_better", "range", 2, 3) == 3
    assert guaranteed("lower_better", "decrease", 2, 3) == 2  # a fall of 2-3 points promises 2


# ---------------------------------------------------------------- through the rule, with messages

SUBJECTS = {
    "higher_better": ("Tỷ lệ người dân tham gia bảo hiểm y tế", "Tỷ lệ người dân tham gia bảo hiểm y tế", "higher is better"),
    "lower_better": ("Tỷ lệ hộ nghèo đa chiều", "Tỷ lệ hộ nghèo đa chiều", "lower is better"),
}
WORDS = {">=": "đạt ít nhất", "<=": "còn dưới", "=": "đạt", "maintain": "duy trì ở mức", "increase": "tăng bình quân",
         "decrease": "giảm bình quân", "range": "đạt từ"}


def _plan(name, number, level, value, comp, subject, cite=None):
    p = Plan(name, number=number, level=level, date="2022-06-01", district="Gio Linh" if level == "huyen" else None)
    if cite:
        p.cite(f"Thực hiện Kế hoạch số {cite} ngày 14/4/2022 của UBND tỉnh Quảng Trị;", cite, "2022-04-14",
               issuer="UBND tỉnh Quảng Trị")
    p.section("I", "MỤC TIÊU")
    unit = "%/năm" if comp in ("increase", "decrease") else "%"
    vmax = value + 2 if comp == "range" else None
    fig = f"{value}-{value + 2}%" if comp == "range" else f"{value}{unit}"
    p.line(f"- {subject} {WORDS[comp]} {fig} vào năm 2025.", (fig, value, unit, comp, 2025, {"value_max": vmax}))
    return p


@pytest.mark.parametrize("polarity", ["higher_better", "lower_better"])
@pytest.mark.parametrize("comp", COMPARATORS)
def test_rule_and_messages(tmp_path, polarity, comp):
    subject, name, why = SUBJECTS[polarity]
    smaller, larger = CASES[(polarity, comp)]
    for child_value, expected in ((3, smaller), (7, larger)):
        db = store.open_db(tmp_path / f"{child_value}.db")
        save(db, _plan("tinh.txt", "12/KH-UBND", "tinh", 5, comp, subject))
        save(db, _plan("huyen.txt", "150/KH-UBND", "huyen", child_value, comp, subject, cite="12/KH-UBND"))
        docs = {d.number: d for d in load_documents(db)}
        flags = compare_with_parent(docs["150/KH-UBND"], docs["12/KH-UBND"])
        if expected is None:
            assert flags == []
            continue
        (f,) = flags
        assert f.rule == ("threshold_below_parent" if expected == "weaker" else "exceeds_parent")
        assert f.severity == ("error" if expected == "weaker" else "info")
        vi, en = f.messages
        assert name in vi and why in en
        assert ("yếu hơn" in vi and "weaker" in en) if expected == "weaker" else ("chặt chẽ hơn" in vi and "stricter" in en)
        cw = f"{child_value}-{child_value + 2}%" if comp == "range" else f"{child_value}%"
        assert cw in vi and cw in en and "12/KH-UBND" in vi
        assert "|" not in vi + en and "_" not in vi + en  # no internal key


def test_fall_worded_as_the_level_it_reaches(tmp_path):
    """"giảm xuống 3,5%" is the level reached, compared with the parent's ceiling."""
    db = store.open_db(tmp_path / "k.db")
    p = Plan("tinh.txt", number="12/KH-UBND", level="tinh", date="2022-04-14")
    p.section("I", "MỤC TIÊU")
    p.line("- Tỷ lệ hộ nghèo đa chiều còn dưới 3% vào năm 2025.", ("3%", 3, "%", "<=", 2025))
    save(db, p)
    c = Plan("huyen.txt", number="150/KH-UBND", level="huyen", date="2022-06-01")
    c.cite("Thực hiện Kế hoạch số 12/KH-UBND ngày 14/4/2022 của UBND tỉnh Quảng Trị;", "12/KH-UBND", "2022-04-14",
           issuer="UBND tỉnh Quảng Trị")
    c.section("I", "MỤC TIÊU")
    c.line("- Đến năm 2025, tỷ lệ hộ nghèo đa chiều giảm xuống 3,5%.", ("3,5%", 3.5, "%", "decrease", 2025))
    save(db, c)
    docs = {d.number: d for d in load_documents(db)}
    (f,) = compare_with_parent(docs["150/KH-UBND"], docs["12/KH-UBND"])
    assert f.rule == "threshold_below_parent" and "xuống 3,5%" in f.messages[0]
