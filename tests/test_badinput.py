"""A batch of bad, odd and hostile inputs through the real reader and pipeline.

Every file gets a ``sources`` row with the right status and a specific reason,
the batch never stops, and what was stored before is not lost.  All fixtures are
generated here in ``tmp_path``.

Choice documented here and in extractor/ingest.py: a file that reads fine but
holds no plan (an English memo) is ``ok``; its documents (if the pipeline returns
any) have ``doc_type`` null and ``sources.warnings`` says "no plan found".
"""

from __future__ import annotations

import io
import json
import random
import shutil
import time
import unicodedata
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("extractor.read")
pytest.importorskip("extractor.pipeline")

import extractor.read  # noqa: E402
from extractor import store  # noqa: E402
from extractor.ingest import FILE_DISAPPEARED, ingest_paths  # noqa: E402
from extractor.read.legacy import from_unicode  # noqa: E402

PLAN = """HUYỆN ỦY HƯƠNG SƠN
*
Số: 65-KH/HU
ĐẢNG CỘNG SẢN VIỆT NAM
Hương Sơn, ngày 15 tháng 3 năm 2022

KẾ HOẠCH
thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới giai đoạn 2021-2025

Thực hiện Kế hoạch số 47-KH/TU ngày 10/01/2022 của Tỉnh ủy Hà Tĩnh về xây dựng nông thôn mới giai đoạn 2021-2025, Ban Thường vụ Huyện ủy xây dựng Kế hoạch thực hiện như sau:

I. MỤC ĐÍCH, YÊU CẦU
Nâng cao đời sống vật chất và tinh thần của người dân nông thôn.

II. MỤC TIÊU
1. Mục tiêu chung
Xây dựng nông thôn mới bền vững, gắn với đô thị hóa.
2. Mục tiêu cụ thể
- Đến năm 2025, có 100% số xã đạt chuẩn nông thôn mới; có ít nhất 5 xã đạt chuẩn nông thôn mới nâng cao.
- Thu nhập bình quân đầu người khu vực nông thôn đạt trên 65 triệu đồng/người/năm.
- Tỷ lệ hộ nghèo giảm xuống dưới 2%.

III. NHIỆM VỤ VÀ GIẢI PHÁP
1. Giao UBND huyện chỉ đạo hoàn thành tiêu chí số 2, 5 trước ngày 30/6/2023.
2. Tổng kinh phí thực hiện 120 tỷ đồng, trong đó ngân sách tỉnh 40 tỷ đồng.

IV. TỔ CHỨC THỰC HIỆN
Các cơ quan, đơn vị căn cứ Kế hoạch này xây dựng kế hoạch cụ thể để triển khai thực hiện.

T/M BAN THƯỜNG VỤ
BÍ THƯ
Nguyễn Văn An
"""

MEMO = """MEMO
To: all staff
From: the office manager
Subject: parking

Please do not park in front of the loading bay from Monday. Thank you.
"""


def pdf_bytes(text: str, **canvas_kw) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font = "Helvetica"
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if dejavu.exists():
        pdfmetrics.registerFont(TTFont("DejaVu", str(dejavu)))
        font = "DejaVu"
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, **canvas_kw)
    y = 800
    c.setFont(font, 10)
    for line in text.splitlines():
        c.drawString(40, y, line[:110])
        y -= 14
        if y < 40:
            c.showPage()
            c.setFont(font, 10)
            y = 800
    c.save()
    return buf.getvalue()


def image_pdf_bytes(text: str) -> bytes:
    """A 'scanned' page: the text drawn into a picture, no text layer."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    img = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
    draw = ImageDraw.Draw(img)
    try:
        font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 30)
    except OSError:
        font = ImageFont.load_default()
    y = 100
    for line in text.splitlines()[:40]:
        draw.text((100, y), line[:85], fill=0, font=font)
        y += 48
    png = io.BytesIO()
    img.save(png, "PNG")
    png.seek(0)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.drawImage(ImageReader(png), 0, 0, width=A4[0], height=A4[1])
    c.save()
    return buf.getvalue()


def zip_bomb_docx(path: Path, megabytes: int = 20) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with zf.open("word/document.xml", "w") as member:
            member.write(b'<?xml version="1.0"?><w:document><w:body><w:p><w:r><w:t>')
            chunk = b" " * (1 << 20)
            for _ in range(megabytes):
                member.write(chunk)
            member.write(b"</w:t></w:r></w:p></w:body></w:document>")


@pytest.fixture
def batch(tmp_path):
    """The bad-input folder, and a database that already holds one good plan."""
    folder = tmp_path / "in"
    folder.mkdir()
    plan = folder / "ke hoach 65.txt"
    plan.write_text(PLAN, encoding="utf-8")
    db = store.open_db(tmp_path / "out" / "kehoach.db")
    first = ingest_paths([plan], db=db, workers=0)
    assert first.exit_code == 0, [(r.path, r.error) for r in first.results]
    return folder, db


def test_bad_input_batch(batch, monkeypatch):
    folder, db = batch
    before = {t: db[t].count for t in ("documents", "sections", "records")}
    assert before["documents"] >= 1

    f = folder
    (f / "empty.txt").write_bytes(b"")
    good_pdf = pdf_bytes(PLAN)
    (f / "truncated.pdf").write_bytes(good_pdf[: len(good_pdf) // 2])
    (f / "encrypted.pdf").write_bytes(pdf_bytes(PLAN, encrypt="secret"))
    (f / "scan.pdf").write_bytes(image_pdf_bytes(PLAN))
    (f / "not a zip.docx").write_bytes(b"This is plain text with a .docx name.\n" * 20)
    zip_bomb_docx(f / "bomb.docx")
    (f / "random.txt").write_bytes(random.Random(0).randbytes(8192))
    with open(f / "huge.txt", "wb") as fh:  # sparse: 100 MB of nothing, made instantly
        fh.truncate(100_000_000)
    (f / "tcvn3.txt").write_bytes(from_unicode(PLAN.replace("65-KH/HU", "66-KH/HU"), "tcvn3").encode("latin-1"))
    (f / "nfd.txt").write_bytes(unicodedata.normalize("NFD", PLAN.replace("65-KH/HU", "67-KH/HU")).encode("utf-8"))
    (f / "copy of ke hoach 65.txt").write_text(PLAN, encoding="utf-8")  # the same file twice
    (f / "ke hoach 65.txt").write_text(  # re-issued, edited: a new version of the same file
        PLAN.replace("dưới 2%", "dưới 1,5%"), encoding="utf-8")
    (f / "memo.txt").write_text(MEMO, encoding="utf-8")
    hostile = PLAN.replace("65-KH/HU", "68-KH/HU") + "\n<script>alert('x')</script>\nRobert'); DROP TABLE documents;--\n"
    (f / "hostile.txt").write_text(hostile, encoding="utf-8")
    odd_name = "Kế hoạch số \"69\" của 'xã' Sơn Kim.txt"
    (f / odd_name).write_text(PLAN.replace("65-KH/HU", "69-KH/HU"), encoding="utf-8")
    (f / "deleted.txt").write_text(PLAN.replace("65-KH/HU", "70-KH/HU"), encoding="utf-8")
    web = "".join(f"<p class=MsoNormal>{line}</p>\n" for line in PLAN.replace("65-KH/HU", "71-KH/HU").split("\n"))
    page = f"<html><head><title>x</title><style>p {{margin:0}}</style></head><body>\n{web}</body></html>\n"
    (f / "web page.txt").write_text(page, encoding="utf-8")  # Word's "Save as Web Page", named .txt
    (f / "web page.htm").write_text(page.replace("71-KH/HU", "72-KH/HU"), encoding="utf-8")
    outside = folder.parent / "outside"
    outside.mkdir()
    (outside / "private.txt").write_text(PLAN.replace("65-KH/HU", "73-KH/HU"), encoding="utf-8")
    (f / "link to private.txt").symlink_to(outside / "private.txt")
    monkeypatch.setenv("KEHOACH_MAX_CHARS", "200000")
    with zipfile.ZipFile(f / "expands.docx", "w", zipfile.ZIP_DEFLATED) as zf:  # passes the zip-bomb checks
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        rng = random.Random(0)
        words = " ".join(f"xã{rng.randint(0, 10**6)}" for _ in range(40_000))
        zf.writestr("word/document.xml", '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.'
                    f'org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{words}</w:t></w:r></w:p>'
                    '</w:body></w:document>')

    real_read = extractor.read.read_file

    def read_then_delete(path, **kw):  # a clerk deletes a file while the batch runs
        if Path(path).name == "empty.txt" or Path(path).name == "bomb.docx":
            (f / "deleted.txt").unlink(missing_ok=True)
        return real_read(path, **kw)

    monkeypatch.setattr(extractor.read, "read_file", read_then_delete)

    t0 = time.monotonic()
    summary = ingest_paths([folder], db=db, workers=0)
    assert time.monotonic() - t0 < 300
    assert summary.exit_code == 2

    rows = {r["name"]: r for r in db.query("SELECT * FROM sources ORDER BY id")}

    def status(name):
        return rows[name]["status"], rows[name]["error"] or ""

    def failed_with(name, *words):
        st, err = status(name)
        assert st == "failed", (name, st, err)
        assert "internal error" not in err, (name, err)
        for w in words:
            assert w.lower() in err.lower(), (name, err)

    failed_with("empty.txt", "empty file")
    failed_with("truncated.pdf")
    failed_with("encrypted.pdf", "encrypted")
    failed_with("not a zip.docx", "not a zip")
    failed_with("bomb.docx", "zip bomb")
    failed_with("random.txt", "binary")
    failed_with("huge.txt", "too large", "KEHOACH_MAX_BYTES")
    failed_with("deleted.txt")
    assert status("deleted.txt")[1] == FILE_DISAPPEARED
    failed_with("expands.docx", "characters", "KEHOACH_MAX_CHARS")
    st, reason = status("link to private.txt")
    assert st == "skipped" and "outside the folders given" in reason
    assert not list(db.query("SELECT id FROM documents WHERE number = '73-KH/HU'"))

    if shutil.which("tesseract"):
        assert status("scan.pdf") == ("ok", ""), status("scan.pdf")
        assert rows["scan.pdf"]["ocr"] == 1
    else:
        failed_with("scan.pdf", "tesseract-ocr")

    for name in ("tcvn3.txt", "nfd.txt", "hostile.txt", odd_name, "memo.txt", "web page.txt", "web page.htm"):
        assert status(name) == ("ok", ""), (name, status(name))
    assert rows["tcvn3.txt"]["encoding"] == "tcvn3"
    for name, number in (("web page.txt", "71-KH/HU"), ("web page.htm", "72-KH/HU")):
        assert rows[name]["format"] == "html"
        (doc,) = db.query("SELECT d.* FROM documents d JOIN sources s ON s.id = d.source_id WHERE s.name = ?", [name])
        assert doc["number"] == number and doc["doc_type"] == "KẾ HOẠCH" and "<p" not in doc["text"]
    # the batch summary names the file with no plan, not only sources.warnings
    assert [Path(r.path).name for r in summary.no_plan] == ["memo.txt"]

    st, reason = status("copy of ke hoach 65.txt")
    assert st == "skipped" and "unchanged" in reason

    # the re-issued plan: version 2; version 1 and its records are kept, superseded
    versions = list(db.query("SELECT id, version, superseded_by FROM sources WHERE name = 'ke hoach 65.txt' "
                             "AND status = 'ok' ORDER BY id"))
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[0]["superseded_by"] == versions[1]["id"]
    old_docs = list(db.query("SELECT id, superseded FROM documents WHERE source_id = ?", [versions[0]["id"]]))
    assert old_docs and all(d["superseded"] == 1 for d in old_docs)
    assert db.execute("SELECT COUNT(*) FROM records WHERE document_id = ?", [old_docs[0]["id"]]).fetchone()[0] == \
        before["records"]

    def doc_of(name):
        (doc,) = db.query("SELECT d.* FROM documents d JOIN sources s ON s.id = d.source_id WHERE s.name = ?", [name])
        return doc

    # legacy and decomposed text come out as ordinary (NFC) Unicode
    for name in ("tcvn3.txt", "nfd.txt"):
        text = doc_of(name)["text"]
        assert "KẾ HOẠCH" in text and unicodedata.is_normalized("NFC", text), name
    assert list(db["records"].search("dat chuan nong thon moi")), "folded search finds the targets"

    # hostile strings are plain data
    assert "<script>alert('x')</script>" in doc_of("hostile.txt")["text"]
    assert "DROP TABLE documents" in doc_of("hostile.txt")["text"]
    assert rows[odd_name]["path"].endswith(odd_name)

    # the memo: read fine, no plan in it
    memo_docs = list(db.query("SELECT d.doc_type FROM documents d JOIN sources s ON s.id = d.source_id "
                              "WHERE s.name = 'memo.txt'"))
    assert all(d["doc_type"] is None for d in memo_docs)
    assert any("no plan found" in w for w in json.loads(rows["memo.txt"]["warnings"] or "[]"))

    # nothing stored earlier is lost, every table is intact
    assert db["documents"].count > before["documents"]
    assert {"sources", "documents", "sections", "citations", "records"} <= set(db.table_names())


def test_huge_file_fails_fast_without_being_read(tmp_path, monkeypatch):
    big = tmp_path / "huge.txt"
    with open(big, "wb") as fh:
        fh.truncate(100_000_000)
    monkeypatch.setattr(extractor.read, "read_file", lambda *a, **k: pytest.fail("must not be read"))
    db = store.open_db(tmp_path / "k.db")
    t0 = time.monotonic()
    summary = ingest_paths([big], db=db, workers=0)
    assert time.monotonic() - t0 < 2
    (r,) = summary.failed
    assert "file too large: 100.0 MB, over the limit of 50.0 MB" in r.error
