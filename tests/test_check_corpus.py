"""Cross-checks end to end: the sample corpus (corpora/plans, planted cases in
corpora/gold/flags.jsonl) and the seeds (shared/gold/flags.jsonl), extracted with the
real pipeline and stored with store.store_documents."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from extractor import store
from extractor.check import flags_json, run
from extractor.evaluate import load_gold_flags, score_flags
from extractor.pipeline import extract_path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpora"
SEEDS = ROOT.parent / "shared" / "seeds"
SEED_GOLD = ROOT.parent / "shared" / "gold"


def build(tmp_path_factory, folder: Path, name: str):
    db = store.open_db(tmp_path_factory.mktemp(name) / "k.db")
    for p in sorted(folder.glob("*.txt")):
        sha = hashlib.sha256(p.read_bytes()).hexdigest()
        store.store_documents(db, {"path": str(p), "sha256": sha}, extract_path(p))
    return db


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    if not (CORPUS / "gold" / "flags.jsonl").is_file():
        pytest.skip("corpora/gold/flags.jsonl not there")
    db = build(tmp_path_factory, CORPUS / "plans", "corpus")
    res = run(db)
    return db, res, flags_json(res, db)


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    if not (SEED_GOLD / "flags.jsonl").is_file() or not SEEDS.is_dir():
        pytest.skip("shared seeds not there")
    db = build(tmp_path_factory, SEEDS, "seeds")
    res = run(db)
    return db, res, flags_json(res, db)


def test_corpus_every_planted_case_caught(corpus):
    _, _, data = corpus
    gold = load_gold_flags(CORPUS / "gold")
    score = score_flags(data, gold)
    assert score["missed"] == [], score["missed"]
    assert score["unmatched_non_info"] <= 1, score["unmatched"]


@pytest.mark.parametrize("rule", [
    "threshold_below_parent", "exceeds_parent", "deadline_after_parent", "missing_parent_target",
    "funding_sum_mismatch", "count_mismatch", "citation_conflict", "internal_conflict",
    "criterion_name_mismatch", "criterion_unassigned", "criterion_multiply_assigned",
])
def test_corpus_rule_caught(corpus, rule):
    _, _, data = corpus
    gold = [g for g in load_gold_flags(CORPUS / "gold") if g["rule"] == rule]
    if not gold:
        pytest.skip(f"no planted {rule}")
    score = score_flags(data, gold)
    assert score["recall"] == 1.0, score["missed"]


def test_corpus_consistent_district_plan_only_info(corpus):
    _, res, data = corpus
    gold = load_gold_flags(CORPUS / "gold")
    with_findings = {g["child_doc"] for g in gold if g.get("severity") != "info"}
    consistent = [p.name for p in (CORPUS / "plans").glob("*.txt") if p.name not in with_findings]
    assert consistent, "the corpus has a plan without findings"
    for name in consistent:
        bad = [f for f in data["flags"] if f["child"]["source"] == name and f["severity"] != "info"]
        assert bad == [], bad
    # and it is linked to its parent
    linked = [l for l in data["links"] if l["source"] in consistent and l["parent"]]
    assert linked


def test_corpus_links(corpus):
    _, _, data = corpus
    links = {(l["source"], l["part"]): l for l in data["links"]}
    parents = {k: (l["parent"] or {}).get("source") for k, l in links.items()}
    tinh = next(s for (s, _), l in links.items() if l["number"] == "12/KH-UBND")
    district_plans = [k for k, l in links.items() if l["parent"] and l["parent"]["number"] == "12/KH-UBND"]
    assert len(district_plans) >= 3
    assert all(parents[k] == tinh for k in district_plans)


def test_seeds_flags(seeds):
    _, _, data = seeds
    score = score_flags(data, load_gold_flags(SEED_GOLD))
    assert score["recall"] >= 0.9, score["missed"]
    assert score["unmatched_non_info"] <= 3, score["unmatched"]


def test_next_cycle_plan_no_deadline_or_threshold(corpus):
    """06 is a 2026 commune plan under the district's 2021-2025 plan: weaker 2026 figures
    and 2026 deadlines are not findings; at most one info finding says the period ended."""
    _, _, data = corpus
    name = "06_giohai_xa_kh09_2026.txt"
    if not (CORPUS / "plans" / name).is_file():
        pytest.skip("next-cycle plan not in the corpus")
    link = next(l for l in data["links"] if l["source"] == name)
    assert link["parent"] and link["parent"]["number"] == "150/KH-UBND"
    mine = [f for f in data["flags"] if f["child"]["source"] == name]
    assert not [f for f in mine if f["rule"] in ("deadline_after_parent", "threshold_below_parent",
                                                 "exceeds_parent", "missing_parent_target")], mine
    ended = [f for f in mine if f["rule"] == "parent_period_ended"]
    assert len(ended) <= 1 and all(f["severity"] == "info" for f in ended)
    assert all("2025" in f["message_vi"] for f in ended)


def test_no_internal_key_in_any_message(corpus, seeds):
    import regex

    for _, _, data in (corpus, seeds):
        for f in data["flags"]:
            text = f["message_vi"] + " " + f["message_en"]
            assert not regex.search(r"\w\|\w|\b[a-z]+_[a-z_]+\b|\{\w+\}", text), (f["rule"], text)
