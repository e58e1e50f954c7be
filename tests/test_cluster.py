"""Ingest on a Dask cluster (``--executor``): the same database as the local pool, and worker loss.

One ``LocalCluster`` of 2 one-thread worker processes (allowed-failures 1) serves the
module; the tests kill its workers, and its nannies start new ones.  Checked: the
sample corpus (text, text-layer PDF, DOCX, a scanned PDF when Tesseract is here, a
damaged PDF) stores the same sources, documents and records through the local pool,
through Dask with paths and with shipped bytes; a worker SIGKILLed mid-batch loses
and duplicates nothing; a file that kills every worker it lands on gets a failed
row; a file over the time limit fails and its worker is replaced.  Skips when
``distributed`` is not installed (``pip install -e '.[cluster]'``).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import signal
import sqlite3
import textwrap
import time
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

import dask  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402
from distributed.diagnostics.plugin import WorkerPlugin  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from extractor.cli import app  # noqa: E402
from extractor.executors import DaskExecutor, make_executor, parse_executor  # noqa: E402
from extractor.errors import KehoachError  # noqa: E402
from extractor.ingest import ingest_paths  # noqa: E402
from extractor.settings import load_settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT / "corpora" / "plans"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.fixture(scope="module")
def cluster():
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        c = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, memory_limit="1.5GiB",
                         dashboard_address=":0", silence_logs=logging.ERROR)
    client = Client(c)
    yield c, client
    client.close()
    c.close()


# --------------------------------------------------------------------------- sample corpus


def _pdf(text: str, out: Path) -> None:
    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DV", str(FONT)))
    c = canvas.Canvas(str(out), pagesize=A4)
    y = 800
    for para in text.split("\n"):
        for ln in textwrap.wrap(para, 95) or [""]:
            if y < 60:
                c.showPage()
                y = 800
            c.setFont("DV", 9)
            c.drawString(40, y, ln)
            y -= 12
    c.save()


def _docx(text: str, out: Path) -> None:
    import docx

    d = docx.Document()
    for line in text.split("\n"):
        if line.strip():
            d.add_paragraph(line.strip())
    d.save(str(out))


def _scanned_pdf(out: Path) -> None:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), 56)
    img = Image.new("L", (2480, 1400), 255)
    draw = ImageDraw.Draw(img)
    lines = ["ỦY BAN NHÂN DÂN XÃ AN BÌNH", "Số: 14/KH-UBND", "KẾ HOẠCH",
             "Xây dựng nông thôn mới năm 2025", "Phấn đấu 100% hộ dân dùng nước sạch."]
    for i, line in enumerate(lines):
        draw.text((180, 160 + i * 110), line, font=font, fill=0)
    img.save(out, "PDF", resolution=300)


def _renumber(text: str, k: int) -> str:
    return re.sub(r"(?i)(số:?\s*)(\d+)", lambda m: f"{m.group(1)}{k}0{m.group(2)}", text)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The sample plans as text, one as a text-layer PDF, one as DOCX, a scanned page when Tesseract is here."""
    plans = sorted(PLANS.glob("*.txt"))
    if not plans or not FONT.exists():
        pytest.skip("corpora/plans or the DejaVuSans font missing")
    d = tmp_path_factory.mktemp("corpus")
    for p in plans:
        shutil.copy(p, d / p.name)
    # own document numbers: a copy of a stored document would supersede it, in whatever order they are stored
    _pdf(_renumber(plans[2].read_text(encoding="utf-8"), 7), d / (plans[2].stem + "_ban_in.pdf"))
    _docx(_renumber(plans[3].read_text(encoding="utf-8"), 8), d / (plans[3].stem + "_ban_word.docx"))
    if shutil.which("tesseract"):
        _scanned_pdf(d / "xa_anbinh_ban_quet.pdf")
    (d / "khong_doc_duoc.pdf").write_bytes(b"%PDF-1.4 this is not really a PDF")  # a failed row
    return d


def snapshot(db: Path) -> dict:
    """Everything the batch stored, without ids, timings and paths: comparable across runs."""
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    skip = {"id", "source_id", "document_id", "parent_record_id", "parent_id", "superseded_by", "ingested_at",
            "seconds_read", "seconds_extract", "seconds_store", "path", "duplicate_of", "attached_to", "parent_by"}

    def rows(sql):
        return [{k: r[k] for k in r.keys() if k not in skip} for r in con.execute(sql)]

    out = {
        "sources": sorted(rows("SELECT * FROM sources"), key=lambda r: r["name"]),
        "documents": sorted(rows("SELECT s.name AS file, d.* FROM documents d JOIN sources s ON s.id = d.source_id"),
                            key=lambda r: (r["file"], r["part"])),
        "records": sorted(rows("SELECT s.name AS file, d.part AS part, r.* FROM records r "
                               "JOIN documents d ON d.id = r.document_id JOIN sources s ON s.id = d.source_id"),
                          key=lambda r: (r["file"], r["part"], r["start"], r["end"], r["type"], json.dumps(r, default=str))),
    }
    con.close()
    return out


# --------------------------------------------------------------------------- tests


def test_executor_spec_is_parsed_and_checked():
    assert parse_executor(None) == ("local", None)
    assert parse_executor("dask://scheduler-host:8786") == ("dask", "tcp://scheduler-host:8786")
    assert parse_executor("dask-local:3") == ("dask-local", 3)
    with pytest.raises(KehoachError, match="expected local"):
        parse_executor("spark://x:1")
    with pytest.raises(KehoachError, match="--ship-bytes"):
        make_executor("local", ship_bytes=True)


def test_missing_distributed_gives_a_clear_error(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed -> ImportError
    with pytest.raises(KehoachError, match=r"pip install -e '\.\[cluster\]'"):
        make_executor("dask-local:1")


def test_dask_executor_stores_what_the_local_pool_stores(tmp_path, corpus, cluster):
    c, _ = cluster
    address = c.scheduler_address.replace("tcp://", "dask://")
    runner = CliRunner()
    local = runner.invoke(app, ["ingest", str(corpus), "--db", str(tmp_path / "local.db"), "--workers", "2", "-q"])
    assert local.exit_code == 2, local.output  # the damaged PDF fails in both
    dask_run = runner.invoke(app, ["ingest", str(corpus), "--db", str(tmp_path / "dask.db"), "--executor", address, "-q"])
    assert dask_run.exit_code == 2, dask_run.output
    shipped = runner.invoke(app, ["ingest", str(corpus), "--db", str(tmp_path / "ship.db"), "--executor", address,
                                  "--ship-bytes", "-q"])
    assert shipped.exit_code == 2, shipped.output
    want = snapshot(tmp_path / "local.db")
    assert len(want["documents"]) >= 6 and len(want["records"]) > 50
    assert {s["format"] for s in want["sources"]} >= {"txt", "pdf", "docx"}
    if shutil.which("tesseract"):
        assert any(s["ocr"] and s["status"] == "ok" for s in want["sources"])
    assert snapshot(tmp_path / "dask.db") == want
    assert snapshot(tmp_path / "ship.db") == want
    # the summary names both workers with their throughput
    assert "2 workers" in dask_run.output and "pages/s" in dask_run.output
    # resumable: a second run stores nothing new
    again = runner.invoke(app, ["ingest", str(corpus), "--db", str(tmp_path / "dask.db"), "--executor", address, "-q"])
    con = sqlite3.connect(tmp_path / "dask.db")
    stored = sum(1 for s in want["sources"] if s["status"] == "ok")
    assert con.execute("SELECT COUNT(*) FROM sources WHERE status = 'skipped'").fetchone()[0] == stored
    assert "unchanged" in again.output


def _big_plans(folder: Path, n: int) -> None:
    """n files of two plans each (so a file takes a while), every document with its own number
    (two files holding the same document would make the later-stored one supersede the other)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(PLANS.glob("*.txt"))]
    for i in range(n):
        body = "\n\n".join(texts[(i + k) % len(texts)] for k in range(2))
        body = _renumber(body, i + 1)
        (folder / f"ke_hoach_{i:02d}.txt").write_text(body, encoding="utf-8")


class _KillOneWorker:
    """A stand-in progress bar: when the first file is stored, SIGKILL a worker that is busy."""

    def __init__(self, client):
        self.client, self.killed, self.done = client, None, 0

    def add_task(self, *a, **kw):
        return 0

    def update(self, task, advance=0, **kw):
        self.done += advance
        if self.done and self.killed is None:
            busy = [addr for addr, keys in self.client.processing().items() if keys]
            if not busy:  # between two tasks at this instant: try again at the next stored file
                return
            pid = self.client.run(os.getpid, workers=busy[:1])[busy[0]]
            os.kill(pid, signal.SIGKILL)
            self.killed = pid


def test_a_killed_worker_loses_and_duplicates_nothing(tmp_path, cluster):
    _, client = cluster
    folder = tmp_path / "in"
    folder.mkdir()
    _big_plans(folder, 6)
    settings = load_settings(workers=0)
    want = ingest_paths([folder], db=str(tmp_path / "here.db"), settings=settings)
    progress = _KillOneWorker(client)
    with DaskExecutor(client=client, settings=settings) as ex:
        got = ingest_paths([folder], db=str(tmp_path / "dask.db"), settings=settings, progress=progress, executor=ex)
    assert progress.killed
    assert len(got.ingested) == 6 and not got.failed, [(r.path, r.error) for r in got.failed]
    con = sqlite3.connect(tmp_path / "dask.db")
    assert con.execute("SELECT COUNT(*), COUNT(DISTINCT sha256) FROM sources").fetchone() == (6, 6)
    assert snapshot(tmp_path / "dask.db") == snapshot(tmp_path / "here.db")
    assert sum(r.documents for r in got.ingested) == sum(r.documents for r in want.ingested)
    client.wait_for_workers(2, timeout=60)  # the nanny restarted it


class _CrashOn(WorkerPlugin):
    """Kills the worker process when it starts a task for a file whose name holds ``marker``."""

    name = "kehoach-test-crash"

    def __init__(self, marker: str):
        self.marker = marker

    def transition(self, key, start, finish, **kw):
        if finish == "executing" and self.marker in str(key):
            os._exit(9)


def test_a_file_that_kills_workers_gets_a_failed_row(tmp_path, cluster):
    _, client = cluster
    folder = tmp_path / "in"
    folder.mkdir()
    _big_plans(folder, 3)
    (folder / "tep_doc_hai.txt").write_text("KẾ HOẠCH\nĐạt 100% số xã.\n", encoding="utf-8")
    client.register_plugin(_CrashOn("tep_doc_hai"))
    try:
        with DaskExecutor(client=client, settings=load_settings()) as ex:
            got = ingest_paths([folder], db=str(tmp_path / "dask.db"), executor=ex)
    finally:
        client.unregister_worker_plugin(_CrashOn.name)
    assert [Path(r.path).name for r in got.failed] == ["tep_doc_hai.txt"]
    assert "the reader crashed" in got.failed[0].error and "died 4 times" in got.failed[0].error
    assert len(got.ingested) == 3
    # allowed-failures 1: KilledWorker after 2 deaths; sent once more, alone: 2 more
    assert ex.stats.killed >= 2
    con = sqlite3.connect(tmp_path / "dask.db")
    assert con.execute("SELECT COUNT(*) FROM sources").fetchone()[0] == 4
    client.wait_for_workers(2, timeout=60)


def test_a_file_over_the_time_limit_fails_and_its_worker_is_restarted(tmp_path, cluster):
    _, client = cluster
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ngan.txt").write_text("KẾ HOẠCH\nSố: 9/KH-UBND\nĐến năm 2025 có 80% số hộ dùng nước sạch.\n", encoding="utf-8")
    texts = [_renumber(p.read_text(encoding="utf-8"), k + 1) for k, p in enumerate(sorted(PLANS.glob("*.txt")))]
    # ~1.7 M characters: about 3 s of work on one core in 2026 (0.74 s for a quarter of it), well over the limit
    (folder / "rat_dai.txt").write_text("\n\n".join(texts * 24), encoding="utf-8")
    before = set(client.scheduler_info()["workers"])
    with DaskExecutor(client=client, settings=load_settings(time_limit=1.0)) as ex:
        got = ingest_paths([folder], db=str(tmp_path / "dask.db"), executor=ex)
    assert [Path(r.path).name for r in got.failed] == ["rat_dai.txt"]
    assert "time limit" in got.failed[0].error
    assert [Path(r.path).name for r in got.ingested] == ["ngan.txt"]
    assert ex.stats.time_limited == 1
    # the busy worker was ended (asynchronously) and its nanny started a fresh one
    deadline = time.monotonic() + 60
    while set(client.scheduler_info()["workers"]) >= before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not set(client.scheduler_info()["workers"]) >= before
    client.wait_for_workers(2, timeout=60)
