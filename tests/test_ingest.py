"""Batch ingestion (extractor.ingest, `kehoach ingest`), with a small fake pipeline.

The fake reader/extractor of tests/fakes.py stands in for extractor.read / extractor.pipeline so
these tests check the batch machinery alone: skipping, versions, failures, time
limits, crashed workers, kill -9 and resume.  The fake obeys a few commands
written in the sample files: ``SLEEP 0.3`` (slow file), ``CRASH`` (the worker
process dies), ``BUG`` (an unexpected exception).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from extractor import store
from fakes import RUN, install_fake
from extractor.ingest import FILE_DISAPPEARED, collect_files, ingest_paths
from extractor.errors import KehoachError
from extractor.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]
KEHOACH_PY = sys.executable



def plan_text(n: int, extra: str = "") -> str:
    return (
        f"HUYỆN ỦY HƯƠNG SƠN\nSố: {n}-KH/HU\n\nKẾ HOẠCH\nxây dựng nông thôn mới giai đoạn 2021-2025\n\n"
        f"I. MỤC TIÊU\nĐến năm 2025 có {50 + n % 50}% số xã đạt chuẩn; tỷ lệ hộ nghèo dưới {n % 5 + 1}%.\n"
        + extra
    )


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """Install the fake pipeline (tests/fakes.py) in this process; return the folder holding it."""
    return install_fake(tmp_path, monkeypatch)


def run_cli(fake_dir: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200"}
    return subprocess.run(
        [KEHOACH_PY, str(fake_dir / RUN), *args],
        capture_output=True, text=True, env=env, cwd=fake_dir, timeout=120, **kw,
    )


def statuses(db) -> dict[str, tuple[str, str]]:
    return {r["name"]: (r["status"], r["error"]) for r in db["sources"].rows}


# --------------------------------------------------------------------------- collecting


def test_collect_files_walks_folders_and_skips_hidden_and_databases(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b.txt").write_text("x")
    (tmp_path / "a" / ".hidden.txt").write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "c.txt").write_text("x")
    (tmp_path / "kehoach.db").write_text("x")
    (tmp_path / "~$lock.docx").write_text("x")
    (tmp_path / "z.pdf").write_text("x")
    files = collect_files([tmp_path, tmp_path / "z.pdf"])  # z.pdf twice: listed once
    assert [f.name for f in files] == ["b.txt", "z.pdf"]


def test_settings_from_environment(monkeypatch):
    monkeypatch.setenv("KEHOACH_MAX_BYTES", "1000")
    monkeypatch.setenv("KEHOACH_TIME_LIMIT", "2.5")
    monkeypatch.setenv("KEHOACH_OCR", "0")
    s = load_settings()
    assert (s.max_bytes, s.time_limit, s.ocr, s.max_pages) == (1000, 2.5, False, 500)
    assert load_settings(max_bytes=5).max_bytes == 5  # options beat the environment
    monkeypatch.setenv("KEHOACH_MAX_PAGES", "many")
    with pytest.raises(KehoachError, match="KEHOACH_MAX_PAGES"):
        load_settings()


# --------------------------------------------------------------------------- in this process


def test_ingest_twice_skips_unchanged_and_duplicates_nothing(tmp_path, fake):
    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(3):
        (docs / f"kh{n}.txt").write_text(plan_text(n), encoding="utf-8")
    db = store.open_db(tmp_path / "k.db")

    first = ingest_paths([docs], db=db, workers=0)
    assert first.exit_code == 0 and len(first.ingested) == 3
    before = store.counts(db)
    assert before["documents"] == 3 and before["records"] == 6

    def must_not_read(*args, **kwargs):
        raise AssertionError("an unchanged file was read again")

    sys.modules["extractor.read"].read_file = must_not_read  # the fixture's module: undone with it
    second = ingest_paths([docs], db=db, workers=0)
    assert second.exit_code == 0
    assert [r.error for r in second.unchanged] == ["không đổi / unchanged"] * 3
    third = ingest_paths([docs], db=db, workers=0)  # a third run adds no more rows
    assert len(third.unchanged) == 3
    after = store.counts(db)
    assert after["documents"] == 3 and after["records"] == 6
    assert after["sources"] == 6  # 3 ok + 3 skipped, refreshed in place on the third run


def test_a_copy_in_the_same_batch_is_skipped_not_stored_twice(tmp_path, fake):
    (tmp_path / "a.txt").write_text(plan_text(1), encoding="utf-8")
    (tmp_path / "b copy.txt").write_text(plan_text(1), encoding="utf-8")
    db = store.open_db(tmp_path / "k.db")
    summary = ingest_paths([tmp_path / "a.txt", tmp_path / "b copy.txt"], db=db, workers=0)
    assert summary.exit_code == 0
    assert statuses(db)["b copy.txt"][0] == "skipped"
    assert "same content" in statuses(db)["b copy.txt"][1]
    assert db["documents"].count == 1


def test_changed_file_is_a_new_version_and_the_old_one_superseded(tmp_path, fake):
    f = tmp_path / "kh.txt"
    f.write_text(plan_text(7), encoding="utf-8")
    db = store.open_db(tmp_path / "k.db")
    ingest_paths([f], db=db, workers=0)
    f.write_text(plan_text(7, "Bổ sung: 90% hộ dùng nước sạch.\n"), encoding="utf-8")
    summary = ingest_paths([f], db=db, workers=0)
    assert len(summary.ingested) == 1
    rows = list(db.query("SELECT id, version, superseded_by FROM sources ORDER BY id"))
    assert [(r["version"], r["superseded_by"]) for r in rows] == [(1, rows[1]["id"]), (2, None)]
    docs = list(db.query("SELECT source_id, superseded FROM documents ORDER BY id"))
    assert [d["superseded"] for d in docs] == [1, 0]
    assert store.find_document(db, "7-KH/HU")["source_id"] == rows[1]["id"]


def test_bad_files_fail_with_reasons_and_the_batch_goes_on(tmp_path, fake):
    (tmp_path / "good.txt").write_text(plan_text(1), encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "sheet.xlsx").write_bytes(b"PK\x03\x04")
    (tmp_path / "latin.txt").write_bytes(b"\xff\xfe\x00bad")
    (tmp_path / "bug.txt").write_text(plan_text(2, "BUG\n"), encoding="utf-8")
    (tmp_path / "big.txt").write_text(plan_text(3) * 40, encoding="utf-8")
    db = store.open_db(tmp_path / "k.db")
    settings = load_settings(max_bytes=5000)
    summary = ingest_paths([tmp_path, tmp_path / "missing.pdf"], db=db, settings=settings, workers=0)
    assert summary.exit_code == 2
    got = statuses(db)
    assert got["good.txt"] == ("ok", None)
    assert got["empty.txt"] == ("failed", "tệp rỗng / empty file (0 bytes)")
    assert got["sheet.xlsx"][0] == "failed" and "unsupported file type '.xlsx'" in got["sheet.xlsx"][1]
    assert got["latin.txt"] == ("failed", "not UTF-8 text")
    assert got["bug.txt"][0] == "failed" and "internal error: ValueError: something unexpected" in got["bug.txt"][1]
    assert got["big.txt"][0] == "failed" and "file too large" in got["big.txt"][1]
    assert got["missing.pdf"] == ("failed", "không tìm thấy tệp / file not found")
    # a failure is not repeated as a new row each time the batch is rerun
    ingest_paths([tmp_path], db=db, settings=settings, workers=0)
    assert db["sources"].count == len(got) + 1  # + good.txt "unchanged"
    # once the file is fixed, its out-of-date failure row goes
    (tmp_path / "latin.txt").write_text(plan_text(4), encoding="utf-8")
    ingest_paths([tmp_path / "latin.txt"], db=db, workers=0)
    assert [r["status"] for r in db["sources"].rows_where("name = 'latin.txt'")] == ["ok"]


def test_file_deleted_during_the_batch(tmp_path, fake, monkeypatch):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(plan_text(1), encoding="utf-8")
    b.write_text(plan_text(2), encoding="utf-8")
    real = sys.modules["extractor.read"].read_file

    def read_and_delete_b(path, **kw):
        if Path(path).name == "a.txt":
            b.unlink()
        return real(path, **kw)

    monkeypatch.setattr(sys.modules["extractor.read"], "read_file", read_and_delete_b)
    db = store.open_db(tmp_path / "k.db")
    summary = ingest_paths([a, b], db=db, workers=0)
    assert statuses(db) == {"a.txt": ("ok", None), "b.txt": ("failed", FILE_DISAPPEARED)}
    assert summary.exit_code == 2


def test_time_limit_in_this_process(tmp_path, fake):
    (tmp_path / "slow.txt").write_text(plan_text(1, "SLEEP 5\n"), encoding="utf-8")
    (tmp_path / "fast.txt").write_text(plan_text(2), encoding="utf-8")
    db = store.open_db(tmp_path / "k.db")
    t0 = time.monotonic()
    ingest_paths([tmp_path], db=db, settings=load_settings(time_limit=0.5), workers=0)
    assert time.monotonic() - t0 < 4
    got = statuses(db)
    assert got["slow.txt"][0] == "failed" and "time limit: reading and extracting took over 0.5 s" in got["slow.txt"][1]
    assert got["fast.txt"] == ("ok", None)


def test_a_store_error_rolls_back_and_is_recorded(tmp_path, fake, monkeypatch):
    (tmp_path / "a.txt").write_text(plan_text(1), encoding="utf-8")
    db = store.open_db(tmp_path / "k.db")

    def broken_insert(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store, "_supersede_reissued", broken_insert)  # fails after every row is written
    summary = ingest_paths([tmp_path], db=db, workers=0)
    assert summary.exit_code == 2
    assert statuses(db)["a.txt"] == ("failed", "không lưu được / could not store the documents: OperationalError: disk I/O error")
    assert store.counts(db)["documents"] == 0 and db["records"].count == 0


# --------------------------------------------------------------------------- the command, with worker processes


def test_cli_with_workers_time_limit_and_crash(tmp_path, fake):
    docs = tmp_path / "in put"
    docs.mkdir()
    for n in range(4):
        (docs / f"kh {n}.txt").write_text(plan_text(n), encoding="utf-8")
    (docs / "slow.txt").write_text(plan_text(10, "SLEEP 30\n"), encoding="utf-8")
    (docs / "crash.txt").write_text(plan_text(11, "CRASH\n"), encoding="utf-8")
    dbfile = tmp_path / "out" / "k.db"
    t0 = time.monotonic()
    res = run_cli(fake, "ingest", str(docs), "--db", str(dbfile), "--workers", "2", "--time-limit", "3")
    assert time.monotonic() - t0 < 60
    assert res.returncode == 2, res.stdout + res.stderr
    assert "failed" in res.stdout and "time limit" in res.stdout
    db = store.open_db(dbfile)
    got = statuses(db)
    assert got["slow.txt"][0] == "failed" and "time limit: reading and extracting took over 3 s" in got["slow.txt"][1]
    assert got["crash.txt"][0] == "failed" and "crashed" in got["crash.txt"][1]
    assert [got[f"kh {n}.txt"] for n in range(4)] == [("ok", None)] * 4
    assert db["documents"].count == 4

    res = run_cli(fake, "export", "--table", "sources", "--format", "jsonl", "--db", str(dbfile))
    assert res.returncode == 0, res.stderr
    rows = [json.loads(line) for line in res.stdout.splitlines()]
    assert {"path", "status", "error"} <= rows[0].keys() and len(rows) == 6


def test_kill_9_mid_batch_then_rerun_completes_without_duplicates(tmp_path, fake):
    docs = tmp_path / "docs"
    docs.mkdir()
    n_files = 20
    for n in range(n_files):
        (docs / f"kh{n:02}.txt").write_text(plan_text(n, "SLEEP 0.25\n"), encoding="utf-8")
    dbfile = tmp_path / "k.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [KEHOACH_PY, str(fake / RUN), "ingest", str(docs), "--db", str(dbfile), "--workers", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=fake, start_new_session=True,
    )
    stored = 0
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and proc.poll() is None:
            if dbfile.exists():
                try:
                    con = sqlite3.connect(dbfile, timeout=5)
                    stored = con.execute("SELECT COUNT(*) FROM sources WHERE status = 'ok'").fetchone()[0]
                    con.close()
                except sqlite3.OperationalError:  # schema not there yet
                    stored = 0
                if stored >= 3:
                    break
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the batch and its workers, mid-file
        proc.wait()
    assert 3 <= stored < n_files, "the batch should have been killed part-way"

    res = run_cli(fake, "ingest", str(docs), "--db", str(dbfile), "--workers", "1", "--quiet")
    assert res.returncode == 0, res.stdout + res.stderr
    db = store.open_db(dbfile)
    ok = list(db.query("SELECT sha256 FROM sources WHERE status = 'ok'"))
    assert len(ok) == n_files and len({r["sha256"] for r in ok}) == n_files
    assert db["documents"].count == n_files
    # every document has its section and both records: nothing half-written
    per_doc = list(db.query(
        "SELECT d.id, (SELECT COUNT(*) FROM records r WHERE r.document_id = d.id) AS nrec, "
        "(SELECT COUNT(*) FROM sections s WHERE s.document_id = d.id) AS nsec FROM documents d"))
    assert all(r["nrec"] == 2 and r["nsec"] == 1 for r in per_doc)
    assert db["records"].count == 2 * n_files
    assert db.execute("SELECT COUNT(*) FROM sources WHERE status = 'failed'").fetchone()[0] == 0


def test_summary_marks_files_read_by_ocr():
    from rich.console import Console

    from extractor.ingest import FileResult, IngestSummary
    from extractor.ingest_display import print_summary

    summary = IngestSummary(results=[
        FileResult("/inbox/scan_kh12.pdf", "ok", documents=1, pages=7, ocr=True),
        FileResult("/inbox/kh45.docx", "ok", documents=1, pages=0),
    ], seconds=1.0, files=2)
    console = Console(record=True, width=120)
    print_summary(summary, console=console)
    out = console.export_text()
    assert "of which read by OCR" in out
    assert "scan_kh12.pdf" in out and "kh45.docx" not in out.split("files read by OCR")[1]
