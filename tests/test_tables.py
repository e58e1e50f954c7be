"""Tables: funding and target tables read from DOCX, PDF and a PDF-to-text dump.

Each test builds its file here (python-docx, reportlab) from the same plan: a
funding table by source × year with a total column, a sub-source row and the
scale in the caption, and a target table of communes per year by district with
a total row and a total column.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.pipeline import extract_path

HEAD = [
    "ỦY BAN NHÂN DÂN",
    "HUYỆN LONG ĐIỀN",
    "Số: 41/KH-UBND",
    "Long Điền, ngày 10 tháng 3 năm 2021",
    "KẾ HOẠCH",
    "Xây dựng nông thôn mới trên địa bàn huyện Long Điền giai đoạn 2021-2025",
]
INTRO = [
    "I. MỤC TIÊU",
    "1. Mục tiêu chung",
    "Xây dựng nông thôn mới bền vững, gắn với phát triển kinh tế của từng xã.",
    "2. Mục tiêu cụ thể",
    "Số xã đạt chuẩn nông thôn mới qua từng năm như Biểu 02 dưới đây.",
]
TARGET_CAPTION = "Biểu 02: Một số chỉ tiêu chủ yếu theo năm"
TARGET_HEADER = ["TT", "Chỉ tiêu", "ĐVT", "2021", "2022", "2023", "2024", "2025"]
TARGET_ROWS = [
    ["1", "Số xã đạt chuẩn nông thôn mới", "xã", "5", "7", "9", "11", "12"],
    ["2", "Số xã đạt chuẩn nông thôn mới nâng cao", "xã", "", "1", "2", "3", "4"],
    ["3", "Tỷ lệ hộ nghèo", "%", "4,5", "3,8", "3,1", "2,5", "2"],
]
MIDDLE = [
    "II. NGUỒN VỐN THỰC HIỆN",
    "Nhu cầu vốn thực hiện Kế hoạch được tổng hợp tại Biểu 01.",
]
FUND_CAPTION = ["Biểu 01: Nhu cầu vốn thực hiện Kế hoạch giai đoạn 2021-2025", "ĐVT: triệu đồng"]
FUND_HEADER = [
    ["TT", "Nguồn vốn", "Tổng số", "Chia theo năm", "", "", "", ""],
    ["", "", "", "2021", "2022", "2023", "2024", "2025"],
]
FUND_ROWS = [
    ["", "Tổng cộng", "168.450", "30.000", "32.000", "34.450", "35.000", "37.000"],
    ["1", "Ngân sách trung ương", "60.000", "12.000", "12.000", "12.000", "12.000", "12.000"],
    ["2", "Ngân sách tỉnh", "40.000", "8.000", "8.000", "8.000", "8.000", "8.000"],
    ["-", "Trong đó: vốn đầu tư phát triển", "25.000", "5.000", "5.000", "5.000", "5.000", "5.000"],
    ["3", "Ngân sách huyện", "20.000", "4.000", "4.000", "4.000", "4.000", "4.000"],
    ["4", "Vốn lồng ghép", "30.000", "4.000", "6.000", "6.000", "6.000", "8.000"],
    ["5", "Nhân dân đóng góp", "18.450", "2.000", "2.000", "4.450", "5.000", "5.000"],
]
TAIL = [
    "III. TỔ CHỨC THỰC HIỆN",
    "Phòng Nông nghiệp và Phát triển nông thôn chủ trì, theo dõi việc thực hiện Kế hoạch này.",
]

# what every format must give: (type, row label, figure as printed, value, role/year, source)
FUNDING = [
    ("Tổng cộng", "168.450", 168_450_000_000, "total", None),
    ("Ngân sách trung ương", "60.000", 60_000_000_000, "component", "ngân sách trung ương"),
    ("Ngân sách tỉnh", "40.000", 40_000_000_000, "component", "ngân sách tỉnh"),
    ("Trong đó: vốn đầu tư phát triển", "25.000", 25_000_000_000, "component", "vốn đầu tư phát triển"),
    ("Ngân sách huyện", "20.000", 20_000_000_000, "component", "ngân sách huyện"),
    ("Vốn lồng ghép", "30.000", 30_000_000_000, "component", "vốn lồng ghép"),
    ("Nhân dân đóng góp", "18.450", 18_450_000_000, "component", "cộng đồng dân cư"),
]
# funding parents (index into FUNDING): the total, and the province budget for its sub-source
PARENTS = [None, 0, 0, 2, 0, 0, 0]


# --------------------------------------------------------------------------- builders


def make_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    for line in HEAD + INTRO + [TARGET_CAPTION]:
        d.add_paragraph(line)
    t = d.add_table(rows=1 + len(TARGET_ROWS), cols=len(TARGET_HEADER))
    for r, row in enumerate([TARGET_HEADER] + TARGET_ROWS):
        for c, val in enumerate(row):
            t.cell(r, c).text = val
    for line in MIDDLE + FUND_CAPTION:
        d.add_paragraph(line)
    t = d.add_table(rows=2 + len(FUND_ROWS), cols=8)
    for r, row in enumerate(FUND_HEADER + FUND_ROWS):
        for c, val in enumerate(row):
            if val:
                t.cell(r, c).text = val
    # merged header cells, as Word writes them
    t.cell(0, 3).merge(t.cell(0, 7))
    for c in range(3):
        t.cell(0, c).merge(t.cell(1, c))
    for line in TAIL:
        d.add_paragraph(line)
    d.save(path)
    return path


def make_pdf(path: Path) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not font.exists():
        pytest.skip("DejaVuSans not installed")
    pdfmetrics.registerFont(TTFont("DejaVu", str(font)))
    style = ParagraphStyle("p", fontName="DejaVu", fontSize=10, leading=13)
    ruled = TableStyle([("FONTNAME", (0, 0), (-1, -1), "DejaVu"), ("FONTSIZE", (0, 0), (-1, -1), 8),
                        ("GRID", (0, 0), (-1, -1), 0.5, colors.black)])
    story = [Paragraph(x, style) for x in HEAD + INTRO + [TARGET_CAPTION]]
    story += [Spacer(1, 4), Table([TARGET_HEADER] + TARGET_ROWS, style=ruled), Spacer(1, 8)]
    story += [Paragraph(x, style) for x in MIDDLE + FUND_CAPTION]
    fund = TableStyle(ruled.getCommands() + [("SPAN", (3, 0), (7, 0))] + [("SPAN", (c, 0), (c, 1)) for c in range(3)])
    story += [Spacer(1, 4), Table(FUND_HEADER + FUND_ROWS, style=fund), Spacer(1, 8)]
    story += [Paragraph(x, style) for x in TAIL]
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    return path


def _layout(rows: list[list[str]], widths: list[int], head: int = 0) -> list[str]:
    """Rows as `pdftotext -layout` prints them: labels left, figures right-aligned,
    header cells centred over their column."""
    out = []
    for r, row in enumerate(rows):
        line = ""
        for i, (cell, w) in enumerate(zip(row, widths)):
            line += (cell.center(w) if r < head and i >= 2 else cell.ljust(w) if i < 2 else cell.rjust(w)) + "  "
        out.append(line.rstrip())
    return out


def make_txt(path: Path) -> Path:
    tw = [4, 40, 5, 6, 6, 6, 6, 6]
    fw = [4, 34, 9, 8, 8, 8, 8, 8]
    fund_head = _layout(FUND_HEADER, fw, head=2)
    fund_head[0] = fund_head[0][:fw[0] + fw[1] + fw[2] + 6] + "         Chia theo năm"
    lines = HEAD + INTRO + [TARGET_CAPTION, ""] + _layout([TARGET_HEADER] + TARGET_ROWS, tw, head=1) + [""]
    lines += MIDDLE + FUND_CAPTION + [""] + fund_head + _layout(FUND_ROWS, fw) + [""] + TAIL
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


BUILDERS = {"docx": make_docx, "pdf": make_pdf, "txt": make_txt}


def _plain(quote: str) -> str:
    """A row's words without the cell separators a format adds."""
    return " ".join(quote.replace("|", " ").split())


def _records(path: Path):
    docs = extract_path(path)
    assert len(docs) == 1
    return docs[0]


@pytest.fixture(scope="module", params=sorted(BUILDERS))
def plan(request, tmp_path_factory):
    fmt = request.param
    path = BUILDERS[fmt](tmp_path_factory.mktemp(fmt) / f"ke_hoach.{fmt}")
    return fmt, _records(path)


# --------------------------------------------------------------------------- funding


def test_funding_rows(plan):
    fmt, doc = plan
    funding = [r for r in doc.records if r.type == "funding"]
    assert [(f.amount_vnd, f.role, f.source) for f in funding] == [(a, role, src) for _, _, a, role, src in FUNDING], fmt
    for f, (label, printed, *_), parent, row in zip(funding, FUNDING, PARENTS, FUND_ROWS):
        # the quote is the row: its label and its cells, as the document text has them
        assert f.quote == doc.text[f.start:f.end]
        assert _plain(f.quote) == " ".join(c for c in row if c)
        assert doc.text[f.value_start:f.value_end] == printed == f.amount_text
        assert f.start <= f.value_start < f.value_end <= f.end
        assert f.role_reason and f.role_reason.startswith("table row")
        assert (funding.index(doc.records[f.parent]) if f.parent is not None else None) == parent


def test_funding_years_are_breakdowns(plan):
    fmt, doc = plan
    funding = [r for r in doc.records if r.type == "funding"]
    total = funding[0]
    assert [(b["year"], b["amount_vnd"]) for b in total.breakdown] == [
        (2021, 30_000_000_000), (2022, 32_000_000_000), (2023, 34_450_000_000),
        (2024, 35_000_000_000), (2025, 37_000_000_000)]
    for b in total.breakdown:
        assert doc.text[b["value_start"]:b["value_end"]] == b["amount_text"]
        assert total.start <= b["value_start"] < b["value_end"] <= total.end
    # no per-year funding records, and the prose did not read the rows again
    assert len(funding) == len(FUNDING)


# --------------------------------------------------------------------------- targets


def test_target_cells(plan):
    fmt, doc = plan
    targets = [r for r in doc.records if r.type == "target"]
    want = []
    for row in TARGET_ROWS:
        for year, cell in zip(range(2021, 2026), row[3:]):
            if cell:
                want.append((row[1], year, float(cell.replace(",", ".")), row[2]))
    assert [(t.subject, t.year, t.value, t.unit) for t in targets] == want, fmt
    for t in targets:
        assert t.comparator == "="
        assert t.quote == doc.text[t.start:t.end]
        row = next(r for r in TARGET_ROWS if r[1] == t.subject)
        assert _plain(t.quote) == " ".join(c for c in row if c)
        assert doc.text[t.value_start:t.value_end] == t.value_text
        assert t.start <= t.value_start < t.value_end <= t.end


def test_same_records_from_every_format(tmp_path):
    seen = {}
    for fmt, build in BUILDERS.items():
        doc = _records(build(tmp_path / f"k.{fmt}"))
        seen[fmt] = [
            (r.type, getattr(r, "amount_vnd", None), getattr(r, "role", None), getattr(r, "source", None),
             getattr(r, "value", None), getattr(r, "year", None), getattr(r, "subject", None),
             _plain(r.quote))
            for r in doc.records if r.type in ("funding", "target")
        ]
    assert seen["docx"] == seen["pdf"] == seen["txt"]


# --------------------------------------------------------------------------- checks


COUNT_CAPTION = "Biểu 03: Số xã phấn đấu đạt chuẩn nông thôn mới theo năm"
COUNT_TABLE = [
    ["TT", "Cụm xã", "2022", "2023", "2024", "2025", "Tổng số"],
    ["1", "Cụm phía Bắc", "2", "1", "1", "1", "5"],
    ["2", "Cụm phía Nam", "1", "2", "1", "1", "5"],
    ["", "Tổng cộng", "3", "4", "2", "2", "10"],  # 2023: 1 + 2 = 3, not 4
]


def test_sums_inside_tables_are_checked(tmp_path):
    from extractor import store
    from extractor.check import run_checks

    rows = [list(r) for r in FUND_ROWS]
    rows[1][5] = "13.000"  # Ngân sách trung ương, 2023: the row now adds up to 61.000, the 2023 column to 35.450
    fw = [4, 34, 9, 8, 8, 8, 8, 8]
    lines = HEAD + MIDDLE + FUND_CAPTION + [""] + _layout(FUND_HEADER, fw, head=2) + _layout(rows, fw) + [""]
    lines += [COUNT_CAPTION, ""] + _layout(COUNT_TABLE, [4, 20, 5, 5, 5, 5, 8], head=1) + [""] + TAIL
    path = tmp_path / "sai_so.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    docs = extract_path(path)
    db = store.open_db(tmp_path / "k.db")
    store.store_documents(db, {"path": str(path), "sha256": "x" * 64}, docs)
    flags = run_checks(db)
    money = sorted((f.child.quote, " ".join(f.parent.quote.split())) for f in flags if f.rule == "funding_sum_mismatch")
    assert len(money) == 2, money
    # the row: its total cell against its year cells
    assert money[1] == ("60.000", "12.000 12.000 13.000 12.000 12.000")
    # the 2023 column: the total row's cell against the cells of the rows under it (not the sub-source)
    assert money[0][0] == "34.450"
    assert money[0][1].startswith("13.000 12.000 12.000 2 Ngân sách tỉnh") and money[0][1].endswith("2.000 2.000 4.450")
    counts = [f for f in flags if f.rule == "count_mismatch"]
    got = sorted((f.child.quote, " ".join(f.parent.quote.split())) for f in counts)
    # one wrong cell (2023 of the total row) breaks its row and its column
    assert got == [("10", "3 4 2 2"), ("4", "1 1 1 5 2 Cụm phía Nam 1 2")], got
    assert sorted(f.messages[0].split("được ")[1][:2] for f in counts) == ["11", "3,"]
    for f in flags:
        if f.rule in ("funding_sum_mismatch", "count_mismatch"):
            assert docs[0].text[f.child.start:f.child.end] == f.child.quote


def test_text_only_pdf_pages_keep_the_fast_path(tmp_path, monkeypatch):
    """pdfplumber is opened only for a page with ruling lines or aligned figures."""
    import pdfplumber
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from extractor.read import read_file

    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not font.exists():
        pytest.skip("DejaVuSans not installed")
    pdfmetrics.registerFont(TTFont("DejaVu", str(font)))
    style = ParagraphStyle("p", fontName="DejaVu", fontSize=10, leading=13)
    text = HEAD + INTRO + ["Tổng nhu cầu vốn là 168.450 triệu đồng, trong đó ngân sách trung ương 60.000 triệu đồng."]
    text += [f"Phòng Kinh tế theo dõi các chỉ tiêu {k}.1, {k}.2, {k}.3, {k}.4" for k in (13, 17, 18)]  # lists, not columns
    path = tmp_path / "chu.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build([Paragraph(x, style) for x in text])
    opened = []
    monkeypatch.setattr(pdfplumber, "open", lambda *a, **k: opened.append(a) or pytest.fail("pdfplumber opened"))
    raw = read_file(path)
    assert [b.kind for b in raw.blocks] == ["text"] and not opened
    # the ruled plan of the other tests does open it (so the patch above is live)
    with pytest.raises(BaseException):
        read_file(make_pdf(tmp_path / "bang.pdf"))


TWO_COL = [
    ["Nguồn vốn", "Số tiền (triệu đồng)"],
    ["Tổng nhu cầu vốn", "168.450"],
    ["Vốn ngân sách nhà nước", "100.000"],
    ["- Ngân sách trung ương", "60.000"],
    ["- Ngân sách tỉnh", "40.000"],
    ["Vốn lồng ghép các chương trình", "50.000"],
    ["Vốn huy động nhân dân đóng góp", "18.450"],
]
TWO_COL_WANT = [  # (amount, role, parent row index or None)
    (168_450_000_000, "total", None), (100_000_000_000, "component", 0), (60_000_000_000, "component", 1),
    (40_000_000_000, "component", 1), (50_000_000_000, "component", 0), (18_450_000_000, "component", 0)]


def _funding_rows(doc):
    funding = [r for r in doc.records if r.type == "funding"]
    return [(f.amount_vnd, f.role, funding.index(doc.records[f.parent]) if f.parent is not None else None)
            for f in funding]


def test_pipe_table_in_text_scale_in_header(tmp_path):
    lines = HEAD + MIDDLE + [""] + ["| " + " | ".join(r) + " |" for r in TWO_COL[:1]] + ["|---|---:|"]
    lines += ["| " + " | ".join(r) + " |" for r in TWO_COL[1:]] + [""] + TAIL
    path = tmp_path / "ong.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    doc = _records(path)
    assert _funding_rows(doc) == TWO_COL_WANT
    f = [r for r in doc.records if r.type == "funding"][3]
    assert f.quote == "| - Ngân sách tỉnh | 40.000 |" and f.source == "ngân sách tỉnh"
    assert doc.text[f.value_start:f.value_end] == "40.000"


def test_unruled_pdf_table_read_from_its_layout(tmp_path):
    """A PDF table drawn without lines: pdfplumber's layout text, read for aligned columns."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not font.exists():
        pytest.skip("DejaVuSans not installed")
    pdfmetrics.registerFont(TTFont("DejaVu", str(font)))
    style = ParagraphStyle("p", fontName="DejaVu", fontSize=10, leading=13)
    plain = TableStyle([("FONTNAME", (0, 0), (-1, -1), "DejaVu"), ("FONTSIZE", (0, 0), (-1, -1), 9),
                        ("ALIGN", (2, 0), (-1, -1), "RIGHT")])
    story = [Paragraph(x, style) for x in HEAD + MIDDLE + FUND_CAPTION]
    rows = [["TT", "Nguồn vốn", "Tổng số", "2021", "2022", "2023", "2024", "2025"]] + FUND_ROWS
    story += [Spacer(1, 6), Table(rows, style=plain), Spacer(1, 6)] + [Paragraph(x, style) for x in TAIL]
    path = tmp_path / "khong_ke.pdf"
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    doc = _records(path)
    funding = [r for r in doc.records if r.type == "funding"]
    assert [(f.amount_vnd, f.role, f.source) for f in funding] == [(a, role, src) for _, _, a, role, src in FUNDING]
    assert [b["year"] for b in funding[0].breakdown] == [2021, 2022, 2023, 2024, 2025]
    for f in funding:
        assert doc.text[f.value_start:f.value_end] == f.amount_text


@pytest.mark.parametrize("caption, header, cell, amount", [
    ("ĐVT: triệu đồng", "Kinh phí", "1.250,5", 1_250_500_000),
    ("Đơn vị tính: tỷ đồng", "Kinh phí", "12,5", 12_500_000_000),
    ("Bảng kinh phí", "Số tiền (đồng)", "350.000.000", 350_000_000),
    ("Bảng kinh phí", "Kinh phí (triệu đồng)", "800", 800_000_000),
    ("Bảng kinh phí", "Kinh phí", "2,5 tỷ đồng", 2_500_000_000),
])
def test_scale_from_caption_header_or_cell(tmp_path, caption, header, cell, amount):
    rows = [["TT", "Nội dung", header], ["1", "Cứng hóa đường giao thông nội đồng", cell],
            ["2", "Nâng cấp nhà văn hóa thôn", cell]]
    lines = HEAD + MIDDLE + [caption] + ["| " + " | ".join(r) + " |" for r in rows] + TAIL
    path = tmp_path / "kp.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    funding = [r for r in _records(path).records if r.type == "funding"]
    assert [(f.amount_vnd, f.role, f.purpose) for f in funding] == [
        (amount, "item", "Cứng hóa đường giao thông nội đồng"), (amount, "item", "Nâng cấp nhà văn hóa thôn")]
    assert all(f.amount_text == cell for f in funding)


def test_text_dump_with_wrapped_header_and_label(tmp_path):
    """A PDF-to-text dump: a header and a label wrapped onto a second line, sources as
    columns, the total row last."""
    dump = [
        " TT    Nội dung                         Tổng số     Ngân sách     Ngân sách      Dân góp",
        "                                                    trung ương    tỉnh",
        " 1     Xây dựng đường giao thông          1.500        1.000         300          200",
        "       nông thôn",
        " 2     Nâng cấp trường mầm non              800          500         200          100",
        "       Tổng cộng                          2.300        1.500         500          300",
    ]
    path = tmp_path / "dump.txt"
    path.write_text("\n".join(HEAD + ["II. KINH PHÍ", "ĐVT: triệu đồng", ""] + dump + [""] + TAIL), encoding="utf-8")
    doc = _records(path)
    funding = [r for r in doc.records if r.type == "funding"]
    assert _funding_rows(doc) == [(1_500_000_000, "item", 2), (800_000_000, "item", 2), (2_300_000_000, "total", None)]
    assert [f.purpose for f in funding[:2]] == ["Xây dựng đường giao thông", "Nâng cấp trường mầm non"]
    assert [(b["source"], b["amount_vnd"]) for b in funding[0].breakdown] == [
        ("ngân sách trung ương", 1_000_000_000), ("ngân sách tỉnh", 300_000_000), ("cộng đồng dân cư", 200_000_000)]
    assert funding[0].quote == "1 Xây dựng đường giao thông 1.500 1.000 300 200"
    assert not [r for r in doc.records if r.type == "target"]


@pytest.mark.parametrize("scale_line, want", [("Đơn vị tính: triệu đồng", 800_000_000), ("", None)])
def test_money_table_needs_a_scale(tmp_path, scale_line, want):
    """A money table takes its scale from further up; without any, its figures are not guessed."""
    rows = [["TT", "Nội dung", "Kinh phí"], ["1", "Cứng hóa đường giao thông nội đồng", "800"],
            ["2", "Nâng cấp nhà văn hóa thôn", "800"]]
    lines = HEAD + ["II. KINH PHÍ", scale_line, "Kinh phí thực hiện các nội dung được tổng hợp như sau.",
                    "Các công trình ưu tiên của xã trong giai đoạn.", "Biểu 01", "Bảng tổng hợp"]
    lines += ["| " + " | ".join(r) + " |" for r in rows] + TAIL
    path = tmp_path / "kp.txt"
    path.write_text("\n".join(x for x in lines if x), encoding="utf-8")
    records = [r for r in _records(path).records if r.type in ("funding", "target")]
    assert [getattr(r, "amount_vnd", None) for r in records] == ([want, want] if want else [])


def test_rows_and_cells_keep_page_and_offsets(tmp_path):
    from extractor.normalise import normalise
    from extractor.read import read_file
    from extractor.tables import locate_tables

    raw = read_file(make_pdf(tmp_path / "k.pdf"))
    norm = normalise(raw)
    tables = locate_tables(raw, norm)
    assert [len(t.rows) for t in tables] == [1 + len(TARGET_ROWS), 2 + len(FUND_ROWS)]
    for t in tables:
        for row in t.rows:
            assert row.page == 1 and norm.page_of(row.start) == 1
            for cell in row.cells:
                assert norm.text[cell.start:cell.end] == cell.text
                assert row.start <= cell.start <= cell.end <= row.end
    fund = tables[1]
    assert fund.rows[2].texts() == FUND_ROWS[0]  # "Tổng cộng" with its empty number cell
