"""``kehoach evaluate``: scoring records and cross-check findings against gold (FORMAT.md).

Each test builds a tiny gold folder and a prediction in code; the sentences are
made up for the tests.
"""

from __future__ import annotations

import json
import re
import sys
import types
import unicodedata
from pathlib import Path

import click
import pytest
import typer.main
from typer.testing import CliRunner

from extractor.evaluate import (
    COMPARATORS,
    CRITERION_SETS,
    FLAG_RULES,
    FUNDING_ROLES,
    GOLD_FIELDS,
    GoldError,
    collapse,
    load_gold,
    render_report,
    score_flags,
    score_records,
)

DOC = "xa_hoa_binh.txt"
SENTENCE = (
    "Phấn đấu đến năm 2025 có ít nhất 70% số thôn đạt chuẩn; tổng kinh phí 1.250 triệu đồng; "
    "hoàn thành trước tháng 6 năm 2024; giao Phòng Kinh tế và Hạ tầng chủ trì tiêu chí số 02, 09."
)


def gold_target(anchor="ít nhất 70% số thôn", value=70, **kw):
    rec = {"doc": DOC, "type": "target", "anchor": anchor, "value": value, "value_max": None,
           "unit": "%", "comparator": ">=", "year": 2025}
    rec.update(kw)
    return rec


def pred_target(quote=SENTENCE, value=70, start=0, **kw):
    rec = {"type": "target", "quote": quote, "start": start, "end": start + len(quote), "section": "II.1",
           "confidence": 0.9, "value": value, "value_max": None, "unit": "%", "comparator": ">=", "year": 2025}
    rec.update(kw)
    return rec


def docs(*records, source=DOC, part=1):
    return [{"source": source, "part": part, "meta": {}, "sections": [], "records": list(records)}]


def write_gold(folder: Path, records: list[dict], stem="xa_hoa_binh", flags: list[dict] | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    if flags is not None:
        (folder / "flags.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in flags), encoding="utf-8")
    return folder


# --------------------------------------------------------------------------- normalisation


def test_collapse_is_nfc_and_whitespace_only():
    nfd = unicodedata.normalize("NFD", "Đạt  chuẩn\n\tnông thôn mới")
    assert collapse(nfd) == "Đạt chuẩn nông thôn mới"
    assert collapse("  A  ") == " A "  # no trimming, no case folding
    assert collapse(None) == ""


# --------------------------------------------------------------------------- records


def test_exact_match_scores_everything_right():
    r = score_records(docs(pred_target()), {"xa_hoa_binh": [gold_target()]})
    assert r["overall"] == {"gold": 1, "pred": 1, "tp": 1, "precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert r["per_type"]["target"]["tp"] == 1
    assert r["fields"]["target"]["unit"] == {"compared": 1, "correct": 1, "accuracy": 1.0}
    assert r["missed"] == r["extra"] == r["mismatches"] == []


def test_anchor_occurring_twice_needs_two_predictions():
    gold = {"xa_hoa_binh": [gold_target("đạt 100%", 100), gold_target("đạt 100%", 100)]}
    one = score_records(docs(pred_target("điện lưới đạt 100%", 100)), gold)
    assert one["overall"]["tp"] == 1 and len(one["missed"]) == 1
    two = score_records(docs(pred_target("điện lưới đạt 100%", 100),
                             pred_target("nước sạch đạt 100%", 100, start=50)), gold)
    assert two["overall"]["tp"] == 2 and two["missed"] == []


def test_wrong_value_is_a_miss_and_an_extra():
    r = score_records(docs(pred_target(value=7)), {"xa_hoa_binh": [gold_target()]})
    assert r["overall"]["tp"] == 0
    assert r["missed"] == [{"doc": DOC, "type": "target", "anchor": "ít nhất 70% số thôn", "key": 70,
                            "section": None}]
    assert len(r["extra"]) == 1 and r["extra"][0]["key"] == 7
    assert len(r["extra"][0]["quote"]) <= 100


def test_small_float_tolerance_and_type_must_agree():
    gold = {"xa_hoa_binh": [gold_target("tăng bình quân 17,57%", 17.57)]}
    assert score_records(docs(pred_target("tăng bình quân 17,57%", 17.570000001)), gold)["overall"]["tp"] == 1
    wrong_type = dict(pred_target("tăng bình quân 17,57%", 17.57), type="funding")
    assert score_records(docs(wrong_type), gold)["overall"]["tp"] == 0


def test_whitespace_line_breaks_and_nfd_still_match():
    quote = unicodedata.normalize("NFD", "có ít  nhất\n70%\t số thôn\r\nđạt chuẩn")
    r = score_records(docs(pred_target(quote)), {"xa_hoa_binh": [gold_target()]})
    assert r["overall"]["tp"] == 1
    # and an NFD anchor in the gold file against an NFC quote
    gold_nfd = gold_target(unicodedata.normalize("NFD", "ít nhất 70% số thôn"))
    assert score_records(docs(pred_target()), {"xa_hoa_binh": [gold_nfd]})["overall"]["tp"] == 1


def test_greedy_in_document_order_by_start():
    gold = {"xa_hoa_binh": [gold_target(year=2024), gold_target(year=2025)]}
    late = pred_target(start=200, year=2025)
    early = pred_target(start=10, year=2024)
    r = score_records(docs(late, early), gold)  # listed out of order; sorted by start
    assert r["overall"]["tp"] == 2
    assert r["mismatches"] == []


def test_parts_of_one_source_are_pooled():
    pred = docs(pred_target(), part=1) + docs(pred_target("giảm 2% hộ nghèo", 2, comparator="decrease"), part=2)
    gold = {"xa_hoa_binh": [gold_target(), gold_target("giảm 2%", 2, comparator="decrease")]}
    r = score_records(pred, gold)
    assert r["overall"]["tp"] == 2 and r["per_doc"][DOC]["recall"] == 1.0


def test_field_mismatches_and_value_max_null_vs_missing():
    gold = {"xa_hoa_binh": [gold_target(), gold_target("từ 02 đến 03 thôn", 2, value_max=3, unit="thôn",
                                                       comparator="range")]}
    no_max = pred_target()
    del no_max["value_max"]  # absent counts as null: agrees with gold null
    ranged = pred_target("từ 02 đến 03 thôn", 2, start=100, value_max=4, unit="thôn", comparator="range")
    r = score_records(docs(no_max, ranged), gold)
    assert r["overall"]["tp"] == 2
    assert r["fields"]["target"]["value_max"] == {"compared": 2, "correct": 1, "accuracy": 0.5}
    assert r["mismatches"] == [{"doc": DOC, "type": "target", "anchor": "từ 02 đến 03 thôn",
                                "field": "value_max", "gold": 3, "pred": 4}]


def test_funding_and_deadline_keys():
    gold = {"xa_hoa_binh": [
        {"doc": DOC, "type": "funding", "anchor": "1.250 triệu đồng", "amount_vnd": 1250000000, "role": "total"},
        {"doc": DOC, "type": "deadline", "anchor": "trước tháng 6 năm 2024", "date": "2024-06"},
    ]}
    pred = docs(
        {"type": "funding", "quote": "tổng kinh phí 1.250 triệu đồng", "start": 0, "end": 30,
         "amount_vnd": 1250000000, "role": "component"},
        {"type": "deadline", "quote": "hoàn thành trước tháng 6 năm 2024", "start": 40, "end": 70, "date": "2024"},
    )
    r = score_records(pred, gold)
    assert r["per_type"]["funding"]["tp"] == 1 and r["per_type"]["deadline"]["tp"] == 0
    assert r["fields"]["funding"]["role"]["accuracy"] == 0.0
    assert "deadline" not in r["fields"]  # the date is the key, nothing else is scored


def test_assignment_agency_containment_and_criteria_sets():
    gold = {"xa_hoa_binh": [{"doc": DOC, "type": "assignment", "anchor": "Phòng Kinh tế và Hạ tầng",
                             "agency": "Phòng Kinh tế và Hạ tầng", "criteria": ["2", "9"], "set": "xa_ntm"}]}

    def assign(agency, criteria):
        return {"type": "assignment", "quote": SENTENCE, "start": 0, "end": 10, "agency": agency,
                "criteria": criteria}

    # case-insensitive containment either way, zero-padded numbers in any order
    r = score_records(docs(assign("phòng kinh tế và hạ tầng huyện", ["09", "02"])), gold)
    assert r["overall"]["tp"] == 1 and r["fields"]["assignment"]["criteria"]["accuracy"] == 1.0
    assert score_records(docs(assign("Kinh tế và Hạ tầng", ["2", "9"])), gold)["overall"]["tp"] == 1
    assert score_records(docs(assign("UBND xã", ["2", "9"])), gold)["overall"]["tp"] == 0
    r = score_records(docs(assign("Phòng Kinh tế và Hạ tầng", ["2"])), gold)
    assert r["mismatches"][0]["field"] == "criteria" and r["fields"]["assignment"]["criteria"]["correct"] == 0


def test_sources_without_gold_are_skipped_and_requested_ones_without_predictions_missed():
    gold = {"xa_hoa_binh": [gold_target()]}
    r = score_records(docs(pred_target(), source="khac.txt"), gold)
    assert r["skipped"] == ["khac.txt"] and r["overall"]["gold"] == 0
    r = score_records([], gold, sources=["/tmp/xa_hoa_binh.pdf"])
    assert r["overall"]["gold"] == 1 and len(r["missed"]) == 1


def test_load_gold(tmp_path):
    write_gold(tmp_path, [gold_target()], flags=[{"rule": "count_mismatch", "child_doc": DOC}])
    assert list(load_gold(tmp_path)) == ["xa_hoa_binh"]  # flags.jsonl is not a record file
    (tmp_path / "hong.jsonl").write_text("{not json\n", encoding="utf-8")
    with pytest.raises(GoldError):
        load_gold(tmp_path)
    with pytest.raises(GoldError):
        load_gold(tmp_path / "missing")


def test_render_report_builds_tables():
    from rich.console import Console

    r = score_records(docs(pred_target(value=7)), {"xa_hoa_binh": [gold_target()]})
    console = Console(record=True, width=120)
    console.print(render_report(r, None))
    text = console.export_text()
    assert "overall" in text and "ít nhất 70% số thôn" in text


# --------------------------------------------------------------------------- flags

GOLD_FLAGS = [
    {"rule": "threshold_below_parent", "child_doc": "xa.txt", "parent_doc": "huyen.txt",
     "child_anchor": "ít nhất 50% số thôn", "parent_anchor": "ít nhất 70% số thôn", "severity": "warning"},
    {"rule": "criterion_name_mismatch", "child_doc": "xa.txt", "parent_doc": None,
     "child_anchor": "tiêu chí số 05 (Y tế)", "parent_anchor": None, "severity": "warning",
     "criterion": "5", "set": "xa_ntm"},
    {"rule": "criterion_unassigned", "child_doc": "xa.txt", "parent_doc": None, "child_anchor": None,
     "parent_anchor": None, "severity": "warning", "criterion": "14", "set": "xa_ntm"},
]


def finding(rule, child_quote, parent=None, severity="warning", **kw):
    f = {"id": rule, "rule": rule, "severity": severity, "message": f"{rule} found",
         "child": {"source": "xa.txt", "number": "12/KH-UBND", "quote": child_quote, "start": 0, "end": 5},
         "parent": parent, "criterion": None, "set": None}
    f.update(kw)
    return f


def test_flags_recall_and_unmatched_non_info():
    reported = {"flags": [
        finding("threshold_below_parent", "có ít nhất\n50% số thôn đạt chuẩn",
                parent={"source": "huyen.txt", "number": "5/KH", "quote": "ít nhất 70% số thôn", "start": 0, "end": 9}),
        finding("criterion_name_mismatch", "thuộc tiêu chí số 05 (Y tế)", criterion="05", set="xa_ntm"),
        finding("count_mismatch", "3 thôn"),  # matches nothing, counts
        finding("exceeds_parent", "90%", severity="info"),  # info: not counted
    ]}
    r = score_flags(reported, GOLD_FLAGS)
    assert (r["gold"], r["reported"], r["matched"]) == (3, 4, 2)
    assert r["recall"] == pytest.approx(2 / 3)
    assert r["unmatched_non_info"] == 1 and r["unmatched"][0]["rule"] == "count_mismatch"
    assert [m["rule"] for m in r["missed"]] == ["criterion_unassigned"]


def test_flag_needs_parent_file_anchor_and_set():
    wrong_parent = finding("threshold_below_parent", "ít nhất 50% số thôn",
                           parent={"source": "tinh.txt", "quote": "ít nhất 70% số thôn"})
    wrong_set = finding("criterion_name_mismatch", "tiêu chí số 05 (Y tế)", criterion="5", set="xa_ntm_nang_cao")
    r = score_flags({"flags": [wrong_parent, wrong_set]}, GOLD_FLAGS)
    assert r["matched"] == 0 and r["unmatched_non_info"] == 2


# --------------------------------------------------------------------------- CLI


def run_cli(args: list[str]):
    """Invoke ``kehoach evaluate``."""
    from extractor.cli import app

    return CliRunner().invoke(app, ["evaluate", *args])


def test_cli_pred_json(tmp_path):
    gold_dir = write_gold(tmp_path / "gold", [gold_target(), gold_target("giảm 2%", 2, comparator="decrease")])
    pred = tmp_path / "pred.json"
    pred.write_text(json.dumps({"documents": docs(pred_target(), pred_target("thừa", 1, start=300))},
                               ensure_ascii=False), encoding="utf-8")
    res = run_cli(["--gold", str(gold_dir), "--pred", str(pred), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert {"per_type", "overall", "fields", "missed", "extra", "mismatches"} <= set(out)
    assert out["overall"]["tp"] == 1 and out["overall"]["gold"] == 2 and out["overall"]["pred"] == 2
    assert out["missed"][0]["anchor"] == "giảm 2%" and out["extra"][0]["key"] == 1

    res = run_cli(["--gold", str(gold_dir), "--pred", str(pred)])
    assert res.exit_code == 0 and "overall" in res.stdout


def test_cli_flags(tmp_path):
    gold_dir = write_gold(tmp_path / "gold", [gold_target()], flags=GOLD_FLAGS)
    fl = tmp_path / "check.json"
    fl.write_text(json.dumps({"flags": [finding("count_mismatch", "3 thôn")]}, ensure_ascii=False), encoding="utf-8")
    res = run_cli(["--gold", str(gold_dir), "--flags", str(fl), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["flags"]["matched"] == 0 and out["flags"]["unmatched_non_info"] == 1


def test_cli_bad_input_exits_2(tmp_path):
    gold_dir = write_gold(tmp_path / "gold", [gold_target()])
    bad = tmp_path / "bad.json"
    bad.write_text("{oops", encoding="utf-8")
    res = run_cli(["--gold", str(tmp_path / "nowhere"), "--pred", str(bad)])
    assert res.exit_code == 2 and "gold folder not found" in res.output
    res = run_cli(["--gold", str(gold_dir), "--pred", str(bad)])
    assert res.exit_code == 2 and "not valid JSON" in res.output
    res = run_cli(["--gold", str(gold_dir), "--pred", str(tmp_path / "absent.json")])
    assert res.exit_code == 2


def test_cli_extracts_sources_when_no_pred(tmp_path, monkeypatch):
    from extractor.model import Document, Target

    def fake_extract_path(path, **kw):
        return [Document(source=Path(path).name, records=[Target(quote=SENTENCE, start=0, end=10, value=70,
                                                                 unit="%", comparator=">=", year=2025)])]

    monkeypatch.setitem(sys.modules, "extractor.pipeline",
                        types.SimpleNamespace(extract_path=fake_extract_path))
    gold_dir = write_gold(tmp_path / "gold", [gold_target()])
    src = tmp_path / DOC
    src.write_text(SENTENCE, encoding="utf-8")
    other = tmp_path / "khong_co_gold.txt"
    other.write_text(SENTENCE, encoding="utf-8")
    res = run_cli(["--gold", str(gold_dir), str(src), str(other), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["overall"]["tp"] == 1 and out["skipped"] == ["khong_co_gold.txt"]
    assert "khong_co_gold" in res.output  # said so (stderr)


# --------------------------------------------------------------------------- the shared gold


SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.mark.skipif(not (SHARED / "gold").is_dir(), reason="../shared/gold not present")
def test_shared_gold_files_follow_format():
    gold = load_gold(SHARED / "gold")
    assert gold
    date_re = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
    for stem, records in gold.items():
        seed = SHARED / "seeds" / f"{stem}.txt"
        text = collapse(seed.read_text(encoding="utf-8")) if seed.is_file() else None
        for rec in records:
            where = f"{stem}: {rec.get('anchor')!r}"
            assert Path(rec["doc"]).stem == stem, where
            assert rec["type"] in GOLD_FIELDS, where
            assert isinstance(rec["anchor"], str) and rec["anchor"].strip(), where
            for field in GOLD_FIELDS[rec["type"]]:
                assert field in rec, f"{where} lacks {field}"
            if rec["type"] == "target":
                assert isinstance(rec["value"], (int, float)), where
                assert rec["value_max"] is None or isinstance(rec["value_max"], (int, float)), where
                assert rec["comparator"] in COMPARATORS, where
                assert rec["year"] is None or isinstance(rec["year"], int), where
            elif rec["type"] == "funding":
                assert isinstance(rec["amount_vnd"], int) and rec["role"] in FUNDING_ROLES, where
            elif rec["type"] == "deadline":
                assert date_re.match(rec["date"]), where
            else:
                assert isinstance(rec["agency"], str) and rec["agency"], where
                assert rec["criteria"] and all(isinstance(c, str) for c in rec["criteria"]), where
            if text is not None:
                assert collapse(rec["anchor"]) in text, f"{where} not in {seed.name}"

    flags_path = SHARED / "gold" / "flags.jsonl"
    if flags_path.is_file():
        for line in flags_path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            f = json.loads(line)
            assert f["rule"] in FLAG_RULES, f
            for k in ("child_doc", "parent_doc", "child_anchor", "parent_anchor", "severity"):
                assert k in f, f
            if f["rule"].startswith("criterion_"):
                assert f.get("criterion") and f.get("set") in CRITERION_SETS, f
