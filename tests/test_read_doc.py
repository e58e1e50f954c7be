"""Old Word .doc (OLE2) via LibreOffice, and content-over-suffix dispatch."""

import shutil

import pytest

from extractor.errors import ReadError
from extractor.read import read_file, sniff
from extractor.read import doc as doc_mod

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _fake_word_ole(path, extra=b""):
    # enough of an OLE2 file for sniffing: header + a "WordDocument" directory name
    path.write_bytes(OLE2 + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + extra + b"\x00" * 512)
    return path


def test_doc_without_libreoffice(tmp_path, monkeypatch):
    monkeypatch.setattr(doc_mod, "soffice_path", lambda: None)
    with pytest.raises(ReadError, match="LibreOffice is needed"):
        read_file(_fake_word_ole(tmp_path / "công văn cũ.doc"))


def test_encrypted_office_file(tmp_path):
    p = tmp_path / "locked.docx"  # an encrypted .docx is an OLE2 container
    p.write_bytes(OLE2 + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 512)
    with pytest.raises(ReadError, match="password-protected"):
        read_file(p)


def test_ole_that_is_not_word(tmp_path):
    p = tmp_path / "book.doc"
    p.write_bytes(OLE2 + b"\x00" * 504 + "Workbook".encode("utf-16-le") + b"\x00" * 512)
    with pytest.raises(ReadError, match="not a Word document"):
        read_file(p)


def test_content_wins_over_suffix(tmp_path):
    (tmp_path / "a.doc").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "b.txt").write_bytes(OLE2 + b"\x00" * 100)
    (tmp_path / "c.pdf.txt").write_text("Kế hoạch", encoding="utf-8")
    (tmp_path / "d.doc").write_text("Kế hoạch lưu dưới dạng văn bản", encoding="utf-8")
    assert sniff(tmp_path / "a.doc") == "pdf"
    assert sniff(tmp_path / "b.txt") == "doc"
    assert sniff(tmp_path / "c.pdf.txt") == "txt"
    assert read_file(tmp_path / "d.doc").blocks[0].text == "Kế hoạch lưu dưới dạng văn bản"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_doc_converted_with_libreoffice(tmp_path):
    docx = pytest.importorskip("docx")
    import subprocess

    d = docx.Document()
    d.add_paragraph("Kế hoạch xây dựng nông thôn mới")
    d.add_table(rows=1, cols=2).rows[0].cells[0].text = "Kinh phí"
    src = tmp_path / "src.docx"
    d.save(src)
    subprocess.run(["soffice", "--headless", "--convert-to", "doc", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=180)
    target = tmp_path / "kế hoạch 'cũ'.doc"
    (tmp_path / "src.doc").rename(target)
    raw = read_file(target)
    assert raw.format == "doc"
    assert raw.blocks[0].text == "Kế hoạch xây dựng nông thôn mới"
    assert raw.blocks[1].kind == "table" and raw.blocks[1].rows[0][0] == "Kinh phí"
