"""What the speed work on ``kehoach check`` must keep: linking through the number and
place indexes, the folded-word cache, and the same findings from forked workers as
from one process."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from pathlib import Path

import pytest

from extractor import store
from extractor.check import flags_json, run
from extractor.check.config import content_words, fold_word
from extractor.check.data import Doc
from extractor.check.link import resolve
from extractor.check.parallel import deal, families
from extractor.fold import fold
from extractor.pipeline import extract_path

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "corpora" / "plans"


def _doc(i, number=None, level=None, province=None, district=None, commune=None, cites=(), doc_type="KẾ HOẠCH",
         date=None):
    d = Doc(id=i, source=f"f{i}.txt", part=1, text="Kế hoạch thực hiện xây dựng nông thôn mới.",
            doc_type=doc_type, number=number, level=level, province=province, district=district,
            commune=commune, date=date, source_id=i)
    d.citations = [dict(c, relation=c.get("relation", "implements")) for c in cites]
    return d


def test_number_shared_by_provinces_links_within_the_childs_province():
    # numbers restart per issuer: many districts issue a "Kế hoạch 05/KH-UBND"
    parents = [_doc(i, "05/KH-UBND", "huyen", p, f"Huyện {p}") for i, p in
               enumerate(["Quảng Trị", "Nghệ An", "Thanh Hóa", "Hà Tĩnh"], start=1)]
    child = _doc(10, "17/KH-UBND", "xa", "Hà Tĩnh", "Huyện Hà Tĩnh", "Xã Kỳ Anh",
                 cites=[{"number": "05/KH-UBND", "doc_type": "KẾ HOẠCH", "issuer": "UBND huyện"}])
    national = _doc(20, "263/QĐ-TTg", "trung_uong", None, doc_type="QUYẾT ĐỊNH")
    other = _doc(11, "18/KH-UBND", "xa", "Nghệ An", "Huyện Nghệ An", "Xã Diễn Châu",
                 cites=[{"number": "05 /KH-UBND", "doc_type": "KẾ HOẠCH"},
                        {"number": "263/QĐ-TTg", "doc_type": "QUYẾT ĐỊNH", "relation": "mentions"}])
    links = resolve(parents + [child, national, other])
    assert links[10].parent.id == 4 and links[10].by == "citation"
    assert links[11].parent.id == 2  # spaces in the cited number ignored
    assert links[20].parent is None


def test_number_without_province_still_a_candidate():
    parent = _doc(1, "12/KH-UBND", "tinh", None)
    child = _doc(2, "40/KH-UBND", "huyen", "Quảng Trị", "Gio Linh",
                 cites=[{"number": "12/KH-UBND", "doc_type": "KẾ HOẠCH"}])
    assert resolve([parent, child])[2].parent.id == 1


def test_unnumbered_parent_found_by_place_only_when_one_fits():
    cite = {"number": "150/KH-UBND", "doc_type": "KẾ HOẠCH", "issuer": "UBND huyện Gio Linh"}
    gio_linh = _doc(1, None, "huyen", "Quảng Trị", "Gio Linh")
    cam_lo = _doc(2, None, "huyen", "Quảng Trị", "Cam Lộ")
    child = _doc(3, "28/KH-UBND", "xa", "Quảng Trị", "Gio Linh", "Gio Mỹ", cites=[cite])
    links = resolve([gio_linh, cam_lo, child])
    assert links[3].parent.id == 1 and links[3].by == "place"
    # a second unnumbered Gio Linh plan: no telling which one is meant
    again = _doc(4, None, "huyen", "Quảng Trị", "Gio Linh")
    links = resolve([gio_linh, cam_lo, again, child])
    assert links[3].parent is None
    # another date than the citation's: not that plan
    dated = _doc(5, None, "huyen", "Quảng Trị", "Gio Linh", date="2022-03-01")
    cite_dated = dict(cite, date="2022-05-10")
    child2 = _doc(6, "29/KH-UBND", "xa", "Quảng Trị", "Gio Linh", "Gio Hải", cites=[cite_dated])
    assert resolve([dated, child2])[6].parent is None


def test_content_words_as_folding_each_word():
    import regex

    from extractor.check.config import section

    text = "Tỷ lệ HỘ NGHÈO giảm còn 2,5% năm 2025, xã Gio Mỹ; đạt chuẩn nông thôn mới nâng cao"
    stop = {fold(w) for w in section("indicators").get("context_stop") or []}
    plain = {fold(w) for w in regex.findall(r"[\p{L}\p{N}]+", text)}
    want = {w for w in plain if len(w) > 1 and not w.isdigit()} - stop
    assert content_words(text) == want
    assert {"ngheo", "gio", "my"} <= want and not want & stop
    assert content_words(text) == want  # the second time from the cache
    assert fold_word("Nông Thôn") == fold("Nông Thôn") == "nong thon"


def test_families_follow_links_and_deal_evenly():
    docs = [_doc(i) for i in range(1, 8)]
    from extractor.check.link import Link

    links = {d.id: Link(child=d) for d in docs}
    links[2].parent = docs[0]  # 2 -> 1
    links[3].parent = docs[1]  # 3 -> 2 -> 1
    links[5].parent = docs[3]  # 5 -> 4
    fams = sorted(sorted(f) for f in families(docs, links))
    assert fams == [[0, 1, 2], [3, 4], [5], [6]]
    shares = deal(fams, 2)
    assert sorted(i for s in shares for i in s) == list(range(7))
    assert sorted(len(s) for s in shares) == [3, 4]
    for f in fams:  # a family is never split
        assert sum(1 for s in shares if set(f) & set(s)) == 1


@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory):
    if not PLANS.is_dir():
        pytest.skip("corpora/plans not there")
    db = store.open_db(tmp_path_factory.mktemp("speed") / "k.db")
    for p in sorted(PLANS.glob("*.txt")):
        sha = hashlib.sha256(p.read_bytes()).hexdigest()
        store.store_documents(db, {"path": str(p), "sha256": sha}, extract_path(p))
    return db


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork here")
def test_workers_give_the_same_findings_in_the_same_order(corpus_db):
    one = flags_json(run(corpus_db, workers=1))
    two = flags_json(run(corpus_db, workers=2))
    assert one["flags"], "the sample plans have findings"
    assert any(l["parent"] for l in one["links"])
    assert [f["id"] for f in one["flags"]] == [f["id"] for f in two["flags"]]
    assert one == two


def test_progress_counts_every_document(corpus_db):
    seen = {"total": None, "done": 0}

    def progress(total=None, advance=0):
        if total is not None:
            seen["total"] = total
        seen["done"] += advance

    res = run(corpus_db, progress=progress, workers=1)
    assert seen["total"] == len(res.docs) == seen["done"]


def test_cli_limit_cuts_printed_tables_only(corpus_db):
    from typer.testing import CliRunner

    from extractor.cli import app

    path = corpus_db.conn.execute("PRAGMA database_list").fetchone()[2]
    runner = CliRunner()
    full = runner.invoke(app, ["check", "--db", path, "--no-store", "--limit", "0"])
    assert full.exit_code == 0, full.output
    assert "more rows not printed" not in full.stdout
    default = runner.invoke(app, ["check", "--db", path, "--no-store"])
    assert default.stdout == full.stdout  # a small database prints everything by default
    cut = runner.invoke(app, ["check", "--db", path, "--no-store", "--limit", "2"])
    assert cut.exit_code == 0 and cut.stdout.count("more rows not printed") == 3
    n_docs = len(flags_json(run(corpus_db))["links"])
    assert f"{n_docs - 2} more rows" in cut.stdout.replace("\n", " ")
    data = runner.invoke(app, ["check", "--db", path, "--no-store", "--json", "--limit", "2"])
    assert len(json.loads(data.stdout)["links"]) == n_docs  # --json keeps every row


def test_documents_read_a_few_ids_at_a_time(corpus_db):
    from extractor.check.data import _by_documents, load_documents

    docs = load_documents(corpus_db)
    ids = [d.id for d in docs]
    sql = "SELECT id, document_id, type FROM records WHERE document_id IN ({marks}) ORDER BY document_id, start, id"
    assert list(_by_documents(corpus_db, sql, ids, size=2)) == list(_by_documents(corpus_db, sql, ids))
    assert sum(len(d.records) for d in docs) == corpus_db.execute("SELECT count(*) FROM records").fetchone()[0]


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="no fork here")
def test_workers_read_records_themselves_and_the_result_keeps_them(corpus_db):
    one = run(corpus_db, workers=1)
    two = run(corpus_db, workers=2)
    assert [d.records for d in one.docs] == [d.records for d in two.docs]
    assert [d.sections for d in one.docs] == [d.sections for d in two.docs]
    lean = run(corpus_db, workers=2, keep_records=False)
    assert [f.id for f in lean.flags] == [f.id for f in one.flags]
    assert not any(d.records for d in lean.docs)


def test_workers_on_an_empty_or_tiny_database(tmp_path, corpus_db):
    empty = store.open_db(tmp_path / "empty.db")
    res = run(empty, workers=2)
    assert res.docs == [] and res.flags == [] and res.links == {}
    one_doc = store.open_db(tmp_path / "one.db")
    p = sorted(PLANS.glob("*.txt"))[0]
    store.store_documents(one_doc, {"path": str(p), "sha256": hashlib.sha256(p.read_bytes()).hexdigest()},
                          extract_path(p))
    assert [f.id for f in run(one_doc, workers=4).flags] == [f.id for f in run(one_doc, workers=1).flags]
