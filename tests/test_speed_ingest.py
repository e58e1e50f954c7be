"""Behaviour behind issue 14's speed work (no timings): small batches run in-process,
sections store their own text (and old databases are migrated), the CLI imports
nothing heavy for ``--help``, the sentence splitter is underthesea's, pool workers do
not re-run the console script."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import pytest

from extractor import store
from extractor.ingest import SMALL_BATCH_FILES, _Batch, ingest_paths
from extractor.search import search
from extractor.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

PLAN = """UBND HUYỆN ĐẠI LỘC
Số: {n}/KH-UBND

KẾ HOẠCH
xây dựng nông thôn mới năm 2025

I. MỤC ĐÍCH, YÊU CẦU
Triển khai đồng bộ các nội dung của chương trình trên địa bàn huyện.
1. Mục đích
Nâng cao đời sống vật chất của người dân vùng đồi núi phía tây.
2. Yêu cầu
Các phòng ban phối hợp chặt chẽ với Ủy ban nhân dân các xã biên giới.
II. CHỈ TIÊU
Đến năm 2025 có 80% số xã đạt chuẩn nông thôn mới; tỷ lệ hộ nghèo dưới 3%.
"""


def _write_plans(folder: Path, k: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(k):
        p = folder / f"kh{i}.txt"
        p.write_text(PLAN.format(n=100 + i), encoding="utf-8")
        out.append(p)
    return out


@pytest.fixture
def pool_calls(monkeypatch):
    """Record whether a batch used the process pool (the pool itself replaced by the
    in-process loop, to keep the test quick)."""
    calls = []

    def fake_run_pool(self, jobs, workers):
        calls.append((len(jobs), workers))
        self.run_here(jobs)

    monkeypatch.setattr(_Batch, "run_pool", fake_run_pool)
    monkeypatch.delenv("KEHOACH_WORKERS", raising=False)
    return calls


def test_small_batch_runs_in_process_unless_workers_are_chosen(tmp_path, pool_calls, monkeypatch):
    files = _write_plans(tmp_path / "in", 3)
    summary = ingest_paths(files, db=tmp_path / "a.db")
    assert len(summary.ingested) == 3 and pool_calls == []  # small: no pool

    files = _write_plans(tmp_path / "in2", 2)
    ingest_paths(files, db=tmp_path / "b.db", workers=1)  # chosen on the call
    assert pool_calls == [(2, 1)]

    monkeypatch.setenv("KEHOACH_WORKERS", "1")  # chosen in the environment
    files = _write_plans(tmp_path / "in3", 2)
    ingest_paths(files, db=tmp_path / "c.db", settings=load_settings())
    assert pool_calls[-1] == (2, 1)


def test_a_larger_batch_uses_the_pool(tmp_path, pool_calls):
    files = _write_plans(tmp_path / "in", SMALL_BATCH_FILES + 1)
    summary = ingest_paths(files, db=tmp_path / "a.db")
    assert len(summary.ingested) == SMALL_BATCH_FILES + 1
    assert pool_calls == [(SMALL_BATCH_FILES + 1, 1)]


def _sections(db):
    return list(db.query(
        'SELECT s.id, s.label, s.start, s."end", s.text_folded, d.text FROM sections s '
        "JOIN documents d ON d.id = s.document_id ORDER BY s.start, s.level"))


def test_sections_store_their_own_text_and_search_finds_subsections(tmp_path):
    (f,) = _write_plans(tmp_path / "in", 1)
    db = store.open_db(tmp_path / "kh.db")
    ingest_paths([f], db=db, workers=0)
    rows = _sections(db)
    assert len(rows) >= 4
    text = rows[0]["text"]
    parent = next(r for r in rows if "MỤC ĐÍCH, YÊU CẦU" in text[r["start"]:r["end"]][:40])
    # the parent's own text stops where its first subsection starts
    assert "trien khai dong bo" in parent["text_folded"]
    assert "doi nui phia tay" not in parent["text_folded"]
    assert "đồi núi phía tây" in text[parent["start"]:parent["end"]]  # though it spans the subsection
    # no text is stored twice: the own texts together are no longer than the document
    assert sum(len(r["text_folded"]) for r in rows) <= len(text)
    # a subsection's words find the subsection, with the quote around them
    hits = search(db, "doi nui phia tay", type="section")
    assert hits, "a word of a subsection must still be found"
    assert "đồi núi phía tây" in hits[0]["quote"]
    assert text[hits[0]["start"]:hits[0]["end"]].lower() == "đồi núi phía tây"


def test_migration_rewrites_nested_section_text_of_an_old_database(tmp_path):
    (f,) = _write_plans(tmp_path / "in", 1)
    path = tmp_path / "old.db"
    db = store.open_db(path)
    ingest_paths([f], db=db, workers=0)
    own = {r["id"]: r["text_folded"] for r in _sections(db)}
    # make it look like a database written before m005: each section folded with its subsections
    with store.write_transaction(db):
        for r in _sections(db):
            db.conn.execute("UPDATE sections SET text_folded = ? WHERE id = ?",
                            [store.fold(r["text"][r["start"]:r["end"]]), r["id"]])
        db.conn.execute("DELETE FROM _migrations WHERE name = 'm005_sections_own_text'")
    assert {r["id"]: r["text_folded"] for r in _sections(db)} != own
    db.conn.close()

    db = store.open_db(path)  # the migration runs
    assert {r["id"]: r["text_folded"] for r in _sections(db)} == own
    # the FTS index follows the rewritten rows: a parent no longer matches its subsection's words
    ids = [r[0] for r in db.conn.execute(
        "SELECT rowid FROM sections_fts WHERE sections_fts MATCH 'phia tay'")]
    labels = {r["id"]: r["label"] for r in db.query("SELECT id, label FROM sections")}
    assert [labels[i] for i in ids] == ["I.1"]


def test_help_imports_no_pipeline_store_backend_or_numpy():
    code = (
        "import sys\n"
        "from extractor.cli import app\n"
        "try:\n    app(['--help'], prog_name='kehoach')\nexcept SystemExit:\n    pass\n"
        "heavy = ['sqlite_utils', 'numpy', 'extractor.pipeline', 'extractor.model', 'underthesea', 'spacy']\n"
        "print('JSON' + __import__('json').dumps([m for m in heavy if m in sys.modules]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={"COLUMNS": "120", "PATH": "/usr/bin:/bin"})
    assert "ingest" in out.stdout and "extract" in out.stdout, out.stderr  # the commands are listed
    loaded = json.loads(out.stdout.rsplit("JSON", 1)[1])
    assert loaded == []


def test_extract_does_not_import_the_underthesea_package():
    code = (
        "import sys\n"
        "from extractor.pipeline import extract_text\n"
        "docs = extract_text('KẾ HOẠCH\\nI. MỤC TIÊU\\n- Có 100% số xã đạt chuẩn. Hoàn thành năm 2025.')\n"
        "print('underthesea' in sys.modules, len(docs[0].records) > 0)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.stdout.split() == ["False", "True"], out.stderr


def _texts() -> list[Path]:
    files = sorted((ROOT / "corpora" / "plans").glob("*.txt"))
    files += sorted((SHARED / "seeds").glob("*.txt"))
    files += sorted((SHARED / "real" / "texts").glob("*.txt"))
    return files


def test_sentence_splitter_gives_underthesea_sentences_on_corpora_and_seeds():
    from underthesea import sent_tokenize

    from extractor.segment import _sent_tokenize

    ours = _sent_tokenize()
    assert ours is not sent_tokenize  # loaded on its own, not through the package
    checked = 0
    for f in _texts():
        for para in f.read_text(encoding="utf-8").split("\n"):
            if para.strip():
                assert ours(para) == sent_tokenize(para), (f.name, para[:80])
                checked += 1
    assert checked > 500


def test_workers_do_not_rerun_the_kehoach_script_but_do_run_other_scripts(monkeypatch):
    from extractor import cli
    from extractor.pool import _skip_main_reimport

    script = types.ModuleType("__main__")
    script.__file__ = "/venv/bin/kehoach"
    script.__spec__ = None
    script.app = cli.app
    monkeypatch.setitem(sys.modules, "__main__", script)
    _skip_main_reimport()
    assert script.__spec__.name == "extractor.__main__"  # multiprocessing skips a ….__main__

    wrapper = types.ModuleType("__main__")
    wrapper.__file__ = "/tmp/run_kehoach.py"  # a wrapper that patches the pipeline: must run
    wrapper.__spec__ = None
    wrapper.app = cli.app
    monkeypatch.setitem(sys.modules, "__main__", wrapper)
    _skip_main_reimport()
    assert wrapper.__spec__ is None
