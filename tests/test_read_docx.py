"""Word .docx: order of paragraphs and tables, table rows, legacy fonts, damaged and bomb files."""

import zipfile

import pytest

docx = pytest.importorskip("docx")

from extractor.errors import LimitExceeded, ReadError  # noqa: E402
from extractor.read import legacy, read_file  # noqa: E402

FUNDING = [
    ["TT", "Nguồn vốn", "Kinh phí (triệu đồng)"],
    ["1", "Ngân sách Trung ương", "12.500"],
    ["2", "Ngân sách tỉnh", "3.200,5"],
    ["", "Tổng cộng", "15.700,5"],
]


def _make_docx(path, paras_before, table, paras_after, font=None):
    d = docx.Document()
    for t in paras_before:
        p = d.add_paragraph()
        run = p.add_run(t)
        if font:
            run.font.name = font
    tb = d.add_table(rows=len(table), cols=len(table[0]))
    for r, row in enumerate(table):
        for c, val in enumerate(row):
            tb.cell(r, c).text = val
    for t in paras_after:
        d.add_paragraph(t)
    d.save(path)
    return path


def test_paragraphs_and_table_in_order(tmp_path):
    p = _make_docx(
        tmp_path / "kế hoạch 47.docx",
        ["ỦY BAN NHÂN DÂN TỈNH LÂM ĐỒNG", "", "KẾ HOẠCH\nXây dựng nông thôn mới năm 2025"],
        FUNDING,
        ["III. TỔ CHỨC THỰC HIỆN", "Giao Sở Nông nghiệp chủ trì."],
    )
    raw = read_file(p)
    assert raw.format == "docx" and raw.encoding == "utf-8" and raw.pages is None
    kinds = [b.kind for b in raw.blocks]
    assert kinds == ["text", "text", "table", "text", "text"]  # the blank paragraph is dropped
    assert raw.blocks[1].text == "KẾ HOẠCH\nXây dựng nông thôn mới năm 2025"
    table = raw.blocks[2]
    assert table.rows == FUNDING
    # a table of figures reads as a PDF-to-text dump does: cells apart by white space
    assert table.text.splitlines()[1] == "1\tNgân sách Trung ương\t12.500"
    assert all(b.page is None for b in raw.blocks)


def test_merged_cells_and_breaks(tmp_path):
    d = docx.Document()
    t = d.add_table(rows=2, cols=3)
    a = t.cell(0, 0).merge(t.cell(0, 2))
    a.text = "Bảng 1"
    for i, v in enumerate(["x", "y", "z"]):
        t.cell(1, i).text = v
    para = d.add_paragraph("dòng một")
    para.add_run().add_break()
    para.add_run("dòng hai\tcột")
    d.save(tmp_path / "m.docx")
    raw = read_file(tmp_path / "m.docx")
    # one entry per grid column: a merged cell gives its text once, "" for the columns it covers
    assert raw.blocks[0].rows == [["Bảng 1", "", ""], ["x", "y", "z"]]
    assert raw.blocks[0].text == "Bảng 1\nx | y | z"
    assert raw.blocks[1].text == "dòng một\ndòng hai\tcột"


@pytest.mark.parametrize("enc, font", [("tcvn3", ".VnTime"), ("vni", "VNI-Times")])
def test_legacy_font_docx_converted(tmp_path, enc, font):
    body = ["Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Kinh phÝ thùc hiÖn n¨m 2025"]
    unicode_body = ["Cộng hoà xã hội chủ nghĩa Việt Nam", "Kinh phí thực hiện năm 2025"]
    if enc == "vni":
        body = [legacy.from_unicode(t, "vni") for t in unicode_body]
    table = [[legacy.from_unicode(c, enc) for c in row] for row in FUNDING]
    raw = read_file(_make_docx(tmp_path / "old.docx", body, table, [], font=font))
    assert raw.encoding == enc
    assert [b.text for b in raw.blocks[:2]] == unicode_body
    assert raw.blocks[2].rows == FUNDING


def test_not_a_zip(tmp_path):
    p = tmp_path / "fake.docx"
    p.write_text("Đây không phải là tệp Word", encoding="utf-8")
    with pytest.raises(ReadError, match="not a zip"):
        read_file(p)


def test_zip_without_document_xml(tmp_path):
    p = tmp_path / "other.docx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ReadError, match="not a Word .docx"):
        read_file(p)


def test_zip_bomb_refused_without_unpacking(tmp_path):
    p = tmp_path / "bomb.docx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as f:
            chunk = b" " * 1_000_000
            for _ in range(300):  # 300 MB of spaces → ~300 KB compressed
                f.write(chunk)
    assert p.stat().st_size < 2_000_000
    with pytest.raises(LimitExceeded, match="zip bomb"):
        read_file(p)


def test_high_ratio_part_refused(tmp_path):
    p = tmp_path / "ratio.docx"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<w:document/>" + b" " * 20_000_000)
    with pytest.raises(LimitExceeded, match="compression ratio"):
        read_file(p)


def test_damaged_docx_parts(tmp_path):
    p = tmp_path / "broken.docx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("word/document.xml", "<not xml")
    with pytest.raises(ReadError, match="damaged .docx"):
        read_file(p)


def test_empty_docx(tmp_path):
    docx.Document().save(tmp_path / "empty.docx")
    with pytest.raises(ReadError, match="no text"):
        read_file(tmp_path / "empty.docx")
