"""Reliability (issue 12): concurrent writers, interruptions and hostile files lose nothing.

The batch machinery is exercised with a small fake pipeline (tests/fakes.py, shared with test_ingest.py)
so that the tests are fast and check what they mean to: several ``kehoach``
processes on one database, signals in the middle of a batch, workers that would
outlive the batch, memory and character caps.  The readers' parts (HTML, DOCX
XML cap, letterheads) use the real readers and pipeline.

The fake obeys commands written in the sample files (``SLEEP``, ``MANY``, ``ALLOC``,
see tests/fakes.py).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from pathlib import Path

import pytest

from extractor import store
from fakes import RUN, install_fake
from extractor.errors import LimitExceeded
from extractor.ingest import ingest_paths
from extractor.read import read_file
from extractor.settings import load_settings

ROOT = Path(__file__).resolve().parents[1]



def plan(n: int, extra: str = "") -> str:
    return (f"HUYỆN ỦY CAN LỘC\nSố: {n}-KH/HU\n\nKẾ HOẠCH\nxây dựng nông thôn mới\n\n"
            f"I. MỤC TIÊU\nĐến năm 2025 có {40 + n % 60}% số xã đạt chuẩn.\n{extra}")


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """Install the fake pipeline (tests/fakes.py) in this process; return the folder holding it."""
    return install_fake(tmp_path, monkeypatch)


def folder(root: Path, name: str, n: int, extra: str = "", start: int = 0) -> Path:
    d = root / name
    d.mkdir(parents=True, exist_ok=True)
    for i in range(start, start + n):
        (d / f"kh{i:03}.txt").write_text(plan(i, extra), encoding="utf-8")
    return d


def launch(fake_dir: Path, *args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(fake_dir / RUN), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=fake_dir, start_new_session=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "200", **(env or {})},
    )


def finish(proc: subprocess.Popen, timeout: float = 120) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"kehoach did not finish in {timeout} s:\n{out}\n{err}")
    return proc.returncode, out, err


def count_ok(dbfile: Path) -> int:
    if not dbfile.exists():
        return 0
    try:
        con = sqlite3.connect(dbfile, timeout=5)
        try:
            return con.execute("SELECT COUNT(*) FROM sources WHERE status = 'ok'").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:  # the schema is not there yet
        return 0


def wait_for(cond, timeout: float = 60, every: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(every)
    return False


def session_processes(sid: int) -> list[int]:
    """Live processes of a session (the batch, its forkserver, its workers)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, session = fields[0], int(fields[3])
        if session == sid and state not in ("Z", "X"):
            found.append(int(entry))
    return found


needs_proc = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux)")


# --------------------------------------------------------------------------- concurrent writers


def test_two_ingests_of_different_folders_into_one_database(tmp_path, fake):
    a = folder(tmp_path, "a", 20, "MANY 1500\n")
    b = folder(tmp_path, "b", 20, "MANY 1500\n", start=100)
    dbfile = tmp_path / "k.db"
    procs = [launch(fake, "ingest", str(d), "--db", str(dbfile), "--workers", w, "--quiet")
             for d, w in ((a, "1"), (b, "0"))]
    results = [finish(p) for p in procs]
    for rc, out, err in results:
        assert rc == 0, out + err
        assert "Traceback" not in err and "locked" not in out + err
    db = store.open_db(dbfile)
    rows = list(db.query("SELECT status, COUNT(*) AS n FROM sources GROUP BY status"))
    assert rows == [{"status": "ok", "n": 40}]
    assert db["documents"].count == 40
    assert db["records"].count == 40 * 1501  # every record of every file, nothing half-written


def test_a_writer_waits_for_the_lock_and_says_so(tmp_path):
    dbfile = tmp_path / "k.db"
    store.open_db(dbfile)
    holder = sqlite3.connect(dbfile, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    released = threading.Timer(3.6, holder.execute, args=("COMMIT",))
    released.start()
    said = []
    db = store.open_db(dbfile)
    t0 = time.monotonic()
    with store.write_transaction(db, notify=said.append):
        db["reviews"].insert({"flag_id": "x", "decision": "accept", "who": "t", "at": "now"})
    waited = time.monotonic() - t0
    released.join()
    assert 3.0 < waited < 8 and said == [store.WAIT_MESSAGE + " ..."]
    assert db["reviews"].count == 1
    # bounded: a writer that cannot get the lock gives up with a clear error, not a traceback
    holder.execute("BEGIN IMMEDIATE")
    with pytest.raises(store.DatabaseBusy, match="another process has been writing"):
        with store.write_transaction(db, wait=0.5, notify=said.append):
            db["reviews"].insert({"flag_id": "y", "decision": "accept", "who": "t", "at": "now"})
    holder.execute("ROLLBACK")
    assert db["reviews"].count == 1


def test_review_check_and_export_during_a_long_ingest(tmp_path, fake):
    docs = folder(tmp_path, "docs", 12, "MANY 6000\nSLEEP 1\n")
    dbfile = tmp_path / "k.db"
    proc = launch(fake, "ingest", str(docs), "--db", str(dbfile), "--workers", "1", "--quiet")
    try:
        assert wait_for(lambda: count_ok(dbfile) >= 1, 90), "the ingest never stored a file"
        db = store.open_db(dbfile)
        waits = []
        for i in range(5):  # a reviewer saves decisions while files are being stored
            t0 = time.monotonic()
            with store.write_transaction(db):
                db["reviews"].insert({"flag_id": f"f{i}", "decision": "accept", "who": "t", "at": "now"})
            waits.append(time.monotonic() - t0)
            time.sleep(0.15)
        assert max(waits) < 2.0, waits
        assert proc.poll() is None, "the ingest should still be running"
        commands = (["check", "--db", str(dbfile)], ["export", "--table", "sources", "--db", str(dbfile)],
                    ["report", "--db", str(dbfile), "--out", str(tmp_path / "r.html")])
        running = [subprocess.Popen([sys.executable, "-m", "extractor", *args], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, cwd=tmp_path,
                                    env={**os.environ, "PYTHONPATH": str(ROOT)}) for args in commands]
        for args, p in zip(commands, running):
            rc, out, err = finish(p)
            assert "Traceback" not in err and "locked" not in err, (args, err)
            assert rc == 0, (args, out, err)
    finally:
        rc, out, err = finish(proc)
    assert rc == 0, out + err
    assert count_ok(dbfile) == 12
    assert store.open_db(dbfile)["reviews"].count == 5


# --------------------------------------------------------------------------- clean exits


@needs_proc
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_mid_batch_stops_everything_and_the_next_run_resumes(tmp_path, fake, sig):
    n = 16
    docs = folder(tmp_path, "docs", n, "SLEEP 0.3\n")
    dbfile = tmp_path / "k.db"
    proc = launch(fake, "ingest", str(docs), "--db", str(dbfile), "--workers", "2")
    assert wait_for(lambda: count_ok(dbfile) >= 3, 90)
    if sig == signal.SIGINT:
        os.killpg(proc.pid, sig)  # Ctrl-C reaches the whole foreground group
    else:
        os.kill(proc.pid, sig)  # `kill PID`: the batch only
    rc, out, err = finish(proc, 30)
    assert rc == (130 if sig == signal.SIGINT else 143), out + err
    assert "interrupted" in out and "Run the same command again" in " ".join(out.split())
    assert "Traceback" not in err
    assert wait_for(lambda: not session_processes(proc.pid), 15), "workers or the forkserver outlived the batch"
    con = sqlite3.connect(dbfile)
    failed = con.execute("SELECT COUNT(*) FROM sources WHERE status = 'failed'").fetchone()[0]
    stored = con.execute("SELECT COUNT(*) FROM sources WHERE status = 'ok'").fetchone()[0]
    con.close()
    assert failed == 0 and 3 <= stored < n

    rc, out, err = finish(launch(fake, "ingest", str(docs), "--db", str(dbfile), "--workers", "2", "--quiet"))
    assert rc == 0, out + err
    db = store.open_db(dbfile)
    assert db.execute("SELECT COUNT(*), COUNT(DISTINCT sha256) FROM sources WHERE status = 'ok'").fetchone() == (n, n)
    assert db["records"].count == n


@needs_proc
def test_workers_and_forkserver_die_with_a_killed_batch(tmp_path, fake):
    docs = folder(tmp_path, "docs", 10, "SLEEP 5\n")
    dbfile = tmp_path / "k.db"
    proc = launch(fake, "ingest", str(docs), "--db", str(dbfile), "--workers", "2", "--quiet")
    assert wait_for(lambda: len(session_processes(proc.pid)) >= 4, 60)  # batch, tracker, forkserver, workers
    os.kill(proc.pid, signal.SIGKILL)  # the batch only: nobody tells the workers
    proc.communicate()
    assert wait_for(lambda: not session_processes(proc.pid), 15), session_processes(proc.pid)


# --------------------------------------------------------------------------- bounded memory


def test_a_worker_over_its_memory_cap_gives_a_clear_failed_row(tmp_path, fake):
    docs = folder(tmp_path, "docs", 3)
    (docs / "hog.txt").write_text(plan(9, "ALLOC 1500\n"), encoding="utf-8")
    dbfile = tmp_path / "k.db"
    rc, out, err = finish(launch(fake, "ingest", str(docs), "--db", str(dbfile), "--workers", "1", "--quiet",
                                 env={"KEHOACH_MAX_MEMORY_MB": "900"}))
    assert rc == 2, out + err
    db = store.open_db(dbfile)
    rows = {r["name"]: (r["status"], r["error"]) for r in db["sources"].rows}
    assert rows["hog.txt"][0] == "failed"
    assert "file too large to read within 900 MB" in rows["hog.txt"][1]
    assert [rows[f"kh{i:03}.txt"][0] for i in range(3)] == ["ok"] * 3


def _words(n_chars: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    vocab = ["xã", "đạt", "chuẩn", "nông", "thôn", "mới", "huyện", "tiêu", "chí", "giao", "thông", "thủy", "lợi"]
    out, size = [], 0
    while size < n_chars:
        w = rng.choice(vocab) + str(rng.randint(0, 999))
        out.append(w)
        size += len(w) + 1
    return " ".join(out)


def write_docx(path: Path, paragraphs: list[str]) -> None:
    """A minimal .docx written by hand (python-docx is slow for megabytes of text)."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                    '<Default Extension="xml" ContentType="application/xml"/>'
                    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        zf.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        zf.writestr("word/document.xml", f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>')


def test_a_docx_whose_xml_expands_past_the_cap_fails_early_in_bounded_memory(tmp_path):
    big = tmp_path / "big.docx"
    write_docx(big, [_words(4000, seed=i) for i in range(2000)])  # 8 M characters of text
    assert zipfile.ZipFile(big).getinfo("word/document.xml").file_size > 8_000_000
    code = textwrap.dedent(
        f"""
        import resource, sys
        from extractor.read import read_file
        from extractor.errors import LimitExceeded
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        try:
            read_file({str(big)!r}, max_chars=1_000_000)
        except LimitExceeded as e:
            print("LIMIT", e)
        print("GROWTH_MB", (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
        """
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "LIMIT" in res.stdout, res.stdout + res.stderr
    assert "over 1,000,000 characters" in res.stdout and "KEHOACH_MAX_CHARS" in res.stdout
    growth = int(res.stdout.split("GROWTH_MB")[1])
    assert growth < 120, f"reading grew the process by {growth} MB"


def test_the_character_cap_gives_a_failed_row_in_a_batch(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    docs.mkdir()
    write_docx(docs / "long.docx", [_words(3000, seed=i) for i in range(40)])
    (docs / "long.txt").write_text(_words(150_000), encoding="utf-8")
    (docs / "short.txt").write_text(_words(200), encoding="utf-8")
    settings = load_settings(max_chars=100_000, workers=0)
    db = store.open_db(tmp_path / "k.db")
    summary = ingest_paths([docs], db=db, settings=settings)
    by_name = {Path(r.path).name: r for r in summary.results}
    for name in ("long.docx", "long.txt"):
        assert by_name[name].status == "failed"
        assert "over 100,000 characters" in by_name[name].error and "KEHOACH_MAX_CHARS" in by_name[name].error
    assert by_name["short.txt"].status == "ok"


# --------------------------------------------------------------------------- inputs


def test_a_symlink_outside_the_folders_given_is_skipped_with_a_reason(tmp_path, fake):
    inbox = folder(tmp_path, "inbox", 2)
    secret = tmp_path / "elsewhere" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(plan(77, "bí mật\n"), encoding="utf-8")
    (inbox / "link.txt").symlink_to(secret)
    (inbox / "sub").mkdir()
    (inbox / "sub" / "inside.txt").symlink_to(inbox / "kh000.txt")  # inside: followed (same content)
    (inbox / "outdir").symlink_to(secret.parent, target_is_directory=True)
    db = store.open_db(tmp_path / "k.db")
    summary = ingest_paths([inbox], db=db, workers=0)
    assert summary.exit_code == 0
    rows = {r["name"]: (r["status"], r["error"]) for r in db["sources"].rows}
    for name in ("link.txt", "outdir"):
        assert rows[name][0] == "skipped" and "outside the folders given" in rows[name][1]
    assert "bí mật" not in " ".join(r["text"] for r in db["documents"].rows)
    assert "inside.txt" not in rows  # it leads to kh000.txt, which is listed once
    assert [r.path for r in summary.skipped] and len(summary.ingested) == 2
    # and the summary says so
    from io import StringIO

    from rich.console import Console

    from extractor.ingest import print_summary

    buf = StringIO()
    print_summary(summary, Console(file=buf, width=200))
    assert "skipped files" in buf.getvalue() and "link.txt" in buf.getvalue()


def test_a_symlink_named_explicitly_is_followed(tmp_path, fake):
    secret = tmp_path / "elsewhere" / "plan.txt"
    secret.parent.mkdir()
    secret.write_text(plan(5), encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(secret)
    db = store.open_db(tmp_path / "k.db")
    assert ingest_paths([link], db=db, workers=0).exit_code == 0
    assert db["documents"].count == 1


# --------------------------------------------------------------------------- HTML, letterheads (real readers and pipeline)

PLAN_TEXT = """ĐẢNG BỘ TỈNH HÀ TĨNH\t\tĐẢNG CỘNG SẢN VIỆT NAM
HUYỆN ỦY CAN LỘC
*
Số 47-KH/HU\t\tCan Lộc, ngày 12 tháng 5 năm 2022

KẾ HOẠCH
thực hiện Chương trình xây dựng nông thôn mới nâng cao giai đoạn 2022 - 2025

Thực hiện Nghị quyết số 05-NQ/TU ngày 10/3/2022 của Ban Thường vụ Tỉnh ủy, Ban Thường vụ Huyện ủy ban hành Kế hoạch như sau:

I. MỤC ĐÍCH, YÊU CẦU
1. Nâng cao nhận thức của cán bộ, đảng viên và nhân dân về xây dựng nông thôn mới.

II. MỤC TIÊU
1. Đến năm 2025 có 100% số xã đạt chuẩn nông thôn mới nâng cao; 50% số xã đạt chuẩn nông thôn mới kiểu mẫu.
2. Thu nhập bình quân đầu người đạt 65 triệu đồng/năm; tỷ lệ hộ nghèo giảm còn dưới 2%.

III. TỔ CHỨC THỰC HIỆN
Ban Tuyên giáo Huyện ủy chủ trì tuyên truyền Kế hoạch này.

T/M BAN THƯỜNG VỤ
PHÓ BÍ THƯ
Nguyễn Văn An
"""


def _one_plan(docs) -> None:
    assert len(docs) == 1, [(d.start, d.end, d.meta.doc_type) for d in docs]
    meta = docs[0].meta
    assert (meta.doc_type, meta.number, meta.date) == ("KẾ HOẠCH", "47-KH/HU", "2022-05-12")
    assert meta.issuer == "Huyện ủy Can Lộc"
    assert {r.value for r in docs[0].records if r.type == "target"} >= {100.0, 50.0, 2.0}


def _html(text: str, charset: str = "utf-8") -> str:
    """The plan as Word's "Save as Web Page" writes it: a <p> per line, entities, a style block."""
    from html import escape

    paras = "\n".join(f"<p class=MsoNormal>{escape(line).replace(chr(9), '&nbsp;&nbsp; ')}<o:p></o:p></p>"
                      if line else "<p class=MsoNormal><o:p>&nbsp;</o:p></p>" for line in text.split("\n"))
    return (f'<html xmlns:o="urn:schemas-microsoft-com:office:office">\n<head>\n'
            f'<meta http-equiv=Content-Type content="text/html; charset={charset}">\n<title>Kế hoạch</title>\n'
            '<style>\n<!-- p.MsoNormal {font-family:"Times New Roman";} -->\n</style>\n</head>\n'
            f'<body lang=VI><div class=WordSection1>\n{paras}\n</div></body></html>\n')


@pytest.mark.parametrize("name", ["ke-hoach.htm", "ke-hoach.html", "saved-as.txt"])
def test_html_is_read_as_html_whatever_its_suffix(tmp_path, name):
    from extractor.pipeline import extract_raw

    path = tmp_path / name
    path.write_text(_html(PLAN_TEXT), encoding="utf-8")
    raw = read_file(path)
    assert raw.format == "html"
    text = "\n".join(b.text for b in raw.blocks)
    assert "<" not in text and "MsoNormal" not in text and "font-family" not in text and "&nbsp;" not in text
    assert "Kế hoạch" not in text.split("\n")[0]  # the <title> is not body text
    _one_plan(extract_raw(raw))


def test_html_in_windows_1258_with_tables(tmp_path):
    import unicodedata

    def cp1258(text: str) -> bytes:  # Word's Vietnamese code page: base letters plus combining tones
        out = bytearray()
        for ch in unicodedata.normalize("NFC", text):
            try:
                out += ch.encode("cp1258")
                continue
            except UnicodeEncodeError:
                pass
            base, *marks = unicodedata.normalize("NFD", ch)
            for m in marks:
                try:
                    out += unicodedata.normalize("NFC", base + m).encode("cp1258")
                    out += "".join(x for x in marks if x != m).encode("cp1258")
                    break
                except UnicodeEncodeError:
                    continue
            else:
                out += (base + "".join(marks)).encode("cp1258")
        return bytes(out)

    page = _html("Số 3-KH/UBND\n\nKẾ HOẠCH\nđầu tư năm 2024", charset="windows-1258").replace(
        "</div>", "<table><tr><td><p>Chỉ tiêu</p></td><td>Năm 2025</td></tr>"
                  "<tr><td>Số xã đạt chuẩn</td><td>80%</td></tr></table></div>")
    path = tmp_path / "bang.htm"
    path.write_bytes(cp1258(page))
    raw = read_file(path)
    assert raw.encoding == "windows-1258"
    assert raw.blocks[0].text == "Số 3-KH/UBND" and raw.blocks[1].text == "KẾ HOẠCH"
    table = raw.blocks[-1]
    assert table.kind == "table" and table.rows == [["Chỉ tiêu", "Năm 2025"], ["Số xã đạt chuẩn", "80%"]]


def test_a_plain_text_file_that_mentions_html_stays_text(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("Kế hoạch đăng trên cổng <html> của huyện.\nĐến năm 2025 có 80% số xã đạt chuẩn.\n",
                    encoding="utf-8")
    raw = read_file(path)
    assert raw.format == "txt" and "<html>" in raw.blocks[0].text


def test_a_tcvn3_letterhead_typed_in_lower_case_does_not_split_the_plan(tmp_path):
    from extractor.pipeline import extract_raw
    from extractor.read import legacy

    lines = PLAN_TEXT.split("\n")
    # .VnTimeH draws capitals: clerks typed the letterhead (and here the title) in lower case
    typed = "\n".join(line.lower() if i in (0, 1, 5) else line for i, line in enumerate(lines))
    path = tmp_path / "tcvn3.txt"
    path.write_bytes(legacy.from_unicode(typed, "tcvn3").encode("cp1252"))
    raw = read_file(path)
    assert raw.encoding == "tcvn3"
    assert raw.blocks[0].text.startswith("ĐẢNG BỘ TỈNH HÀ TĨNH\t\tĐẢNG CỘNG SẢN VIỆT NAM\nHUYỆN ỦY CAN LỘC\n")
    _one_plan(extract_raw(raw))


def test_a_vni_letterhead_does_not_split_the_plan(tmp_path):
    from extractor.pipeline import extract_raw
    from extractor.read import legacy

    path = tmp_path / "vni.txt"
    path.write_bytes(legacy.from_unicode(PLAN_TEXT, "vni").encode("cp1252"))
    raw = read_file(path)
    assert raw.encoding == "vni"
    _one_plan(extract_raw(raw))


def test_a_lower_case_body_line_in_tcvn3_is_left_alone():
    from extractor.read import legacy

    text = ("Kế hoạch này giao nhiệm vụ cho các đơn vị trong toàn huyện thực hiện.\n\n"
            "Phòng Nông nghiệp chủ trì, phối hợp với\nủy ban nhân dân các xã triển khai thực hiện.\n") * 3
    fixed, enc = legacy.fix(legacy.from_unicode(text, "tcvn3"))
    assert enc == "tcvn3" and fixed == text


@pytest.mark.parametrize("letterhead", [
    "HUYỆN ỦY CAN LỘC\n*%\nSố 47-KH/HU\t\tCan Lộc, ngày 12 tháng 5 năm 2022",
    "HUYỆN ỦY CAN LỘC\n*%\t\tCan Lộc, ngày 12 tháng 5 năm 2022\nSố 47-KH/HU",
    "HUYỆN ỦY CAN LỘC\t\tCan Lộc, ngày 12 tháng 5 năm 2022\n* ,\nSố 47-KH/HU",
], ids=["mark-line", "mark-beside-date", "mark-comma"])
def test_ocr_noise_under_the_letterhead_neither_splits_nor_loses_the_date(letterhead):
    from extractor.pipeline import extract_text

    text = PLAN_TEXT.replace("HUYỆN ỦY CAN LỘC\n*\nSố 47-KH/HU\t\tCan Lộc, ngày 12 tháng 5 năm 2022", letterhead)
    assert text != PLAN_TEXT
    _one_plan(extract_text(text))
