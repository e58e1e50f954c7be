"""PDF: text layer (pypdfium2), pages, encryption, damage, limits, tables, scanned pages (OCR)."""

import os
import shutil

import pytest

from extractor.errors import LimitExceeded, ReadError
from extractor.read import read_file

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
needs_font = pytest.mark.skipif(not os.path.exists(FONT), reason="DejaVuSans (fonts-dejavu-core) not installed")
needs_tesseract = pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract not installed")

PAGES = [
    ["KẾ HOẠCH", "Xây dựng nông thôn mới giai đoạn 2021-2025", "Phấn đấu đến năm 2025 có 100% số xã đạt chuẩn."],
    ["II. NHIỆM VỤ", "Giao Sở Nông nghiệp và Phát triển nông thôn chủ trì."],
    ["III. KINH PHÍ", "Tổng kinh phí: 15.700 triệu đồng."],
]


def _pdf(path, pages, **canvas_kw):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVu", FONT))
    c = canvas.Canvas(str(path), **canvas_kw)
    for lines in pages:
        c.setFont("DejaVu", 12)
        y = 780
        for line in lines:
            c.drawString(60, y, line)
            y -= 18
        c.showPage()
    c.save()
    return path


@needs_font
def test_text_layer_one_block_per_page(tmp_path):
    raw = read_file(_pdf(tmp_path / "kế hoạch 'số 47'.pdf", PAGES))
    assert raw.format == "pdf" and raw.pages == 3 and raw.ocr is False
    assert [b.page for b in raw.blocks] == [1, 2, 3]
    assert raw.blocks[0].text.splitlines() == PAGES[0]
    assert "Tổng kinh phí: 15.700 triệu đồng." in raw.blocks[2].text
    assert raw.warnings == []


@needs_font
def test_blank_page_skipped_but_numbering_kept(tmp_path):
    raw = read_file(_pdf(tmp_path / "b.pdf", [PAGES[0], [], PAGES[2]]))
    assert [b.page for b in raw.blocks] == [1, 3] and raw.pages == 3


@needs_font
def test_page_limit(tmp_path):
    with pytest.raises(LimitExceeded, match="max_pages"):
        read_file(_pdf(tmp_path / "l.pdf", PAGES), max_pages=2)


@needs_font
def test_encrypted_pdf(tmp_path):
    p = _pdf(tmp_path / "enc.pdf", PAGES, encrypt="mat-khau")
    with pytest.raises(ReadError, match="encrypted PDF"):
        read_file(p)


@needs_font
def test_owner_password_only_is_readable(tmp_path):
    from reportlab.lib.pdfencrypt import StandardEncryption

    enc = StandardEncryption("", ownerPassword="chu", canCopy=0)
    raw = read_file(_pdf(tmp_path / "owner.pdf", PAGES, encrypt=enc))
    assert raw.blocks[0].text.splitlines()[0] == "KẾ HOẠCH"


@needs_font
def test_truncated_pdf(tmp_path):
    data = _pdf(tmp_path / "full.pdf", PAGES).read_bytes()
    p = tmp_path / "cut.pdf"
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(ReadError, match="damaged or truncated PDF"):
        read_file(p)


def test_pdf_suffix_without_pdf_content(tmp_path):
    p = tmp_path / "x.pdf"
    p.write_text("Kế hoạch", encoding="utf-8")
    with pytest.raises(ReadError, match="no %PDF header"):
        read_file(p)


@needs_font
def test_tables_with_pdfplumber(tmp_path):
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
    from reportlab.lib.styles import ParagraphStyle

    pdfmetrics.registerFont(TTFont("DejaVu", FONT))
    style = ParagraphStyle("vi", fontName="DejaVu", fontSize=11)
    rows = [["TT", "Nguồn vốn", "2023", "2024", "2025"],
            ["1", "Trung ương", "1.200", "1.500", "1.800"],
            ["2", "Tỉnh", "300", "450", "600"],
            ["3", "Huyện", "100", "150", "200"]]
    table = Table(rows)
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), "DejaVu"),
                               ("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
    p = tmp_path / "t.pdf"
    SimpleDocTemplate(str(p), pagesize=A4).build(
        [Paragraph("Bảng 1. Kinh phí thực hiện", style), table, Paragraph("Nguồn: Sở Tài chính", style)])
    fast = read_file(p, tables=False)
    assert [b.kind for b in fast.blocks] == ["text"]
    raw = read_file(p)  # tables on by default: pdfplumber reads this page because it is ruled
    assert [b.kind for b in raw.blocks] == ["text", "table", "text"]
    assert raw.blocks[1].rows == rows and raw.blocks[1].page == 1
    assert raw.blocks[0].text.strip() == "Bảng 1. Kinh phí thực hiện"
    assert raw.blocks[2].text.strip() == "Nguồn: Sở Tài chính"


# ------------------------------------------------------------------ scanned pages

SCAN_LINES = ["KẾ HOẠCH", "Xây dựng nông thôn mới", "năm 2025 của xã Tân Phú"]


def _scanned_pdf(path):
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT, 64)
    img = Image.new("L", (2480, 1200), 255)
    draw = ImageDraw.Draw(img)
    for i, line in enumerate(SCAN_LINES):
        draw.text((200, 200 + i * 120), line, font=font, fill=0)
    img.save(path, "PDF", resolution=300)
    return path


@needs_font
@needs_tesseract
def test_scanned_page_is_ocrd(tmp_path):
    raw = read_file(_scanned_pdf(tmp_path / "scan.pdf"))
    assert raw.ocr is True and raw.pages == 1
    text = raw.blocks[0].text
    assert raw.blocks[0].page == 1
    for word in ["HOẠCH", "dựng", "nông", "thôn", "mới", "2025", "Tân", "Phú"]:
        assert word in text, (word, text)


@needs_font
def test_scanned_page_without_ocr_flag(tmp_path):
    with pytest.raises(ReadError, match="OCR is off"):
        read_file(_scanned_pdf(tmp_path / "scan.pdf"), ocr=False)


@needs_font
def test_scanned_page_without_tesseract(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    with pytest.raises(ReadError, match="tesseract-ocr tesseract-ocr-vie"):
        read_file(_scanned_pdf(tmp_path / "scan.pdf"))


def _mixed_pdf(tmp_path):
    """Two text pages and a scanned third page (an image, no text layer)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    scan = _scanned_pdf(tmp_path / "img.pdf")
    import pypdfium2 as pdfium

    png = tmp_path / "img.png"
    pdfium.PdfDocument(scan)[0].render(scale=1).to_pil().save(png)
    pdfmetrics.registerFont(TTFont("DejaVu", FONT))
    path = tmp_path / "mixed.pdf"
    c = canvas.Canvas(str(path))
    for lines in PAGES[:2]:
        c.setFont("DejaVu", 12)
        for i, line in enumerate(lines):
            c.drawString(60, 780 - 18 * i, line)
        c.showPage()
    c.drawImage(str(png), 0, 400, width=595, height=288)
    c.showPage()
    c.save()
    return path


@needs_font
def test_one_scanned_page_without_tesseract_is_a_warning(tmp_path, monkeypatch):
    p = _mixed_pdf(tmp_path)
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    raw = read_file(p)
    assert [b.page for b in raw.blocks] == [1, 2] and raw.ocr is False
    assert any("3" in w and "tesseract-ocr-vie" in w for w in raw.warnings)


@needs_font
@needs_tesseract
def test_mixed_pdf_ocrs_only_the_scanned_page(tmp_path):
    raw = read_file(_mixed_pdf(tmp_path))
    assert [b.page for b in raw.blocks] == [1, 2, 3] and raw.ocr is True
    assert raw.blocks[0].text.splitlines() == PAGES[0]
    assert "nông thôn" in raw.blocks[2].text


@needs_font
def test_missing_trailer_is_read_with_a_warning(tmp_path):
    data = _pdf(tmp_path / "full.pdf", PAGES).read_bytes()
    p = tmp_path / "no-trailer.pdf"
    p.write_bytes(data[: data.rfind(b"xref")])  # cut inside the cross-reference table
    raw = read_file(p)
    assert [b.page for b in raw.blocks] == [1, 2, 3]
    assert any("truncated" in w for w in raw.warnings)
