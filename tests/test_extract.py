"""Extraction on real-looking sentences: each test reads like an example of the rules."""

from __future__ import annotations

import pytest

from extractor.pipeline import extract_text

HEAD = "KẾ HOẠCH\nThực hiện Chương trình MTQG xây dựng nông thôn mới giai đoạn 2021 - 2025\nI. MỤC TIÊU\n1. Mục tiêu cụ thể đến năm 2025\n"


def records(body: str, head: str = HEAD, type_: str | None = None):
    docs = extract_text(head + body)
    recs = [r for d in docs for r in d.records]
    return [r for r in recs if type_ is None or r.type == type_]


def one(body, **kw):
    rs = records(body, **kw)
    assert len(rs) == 1, [(r.type, r.quote) for r in rs]
    return rs[0]


@pytest.mark.parametrize(
    "sentence, value, value_max, unit, comparator",
    [
        ("- Có ít nhất 45% số xã đạt chuẩn nông thôn mới nâng cao.", 45, None, "%", ">="),
        ("- Giữ vững 100% số xã đạt chuẩn nông thôn mới.", 100, None, "%", "maintain"),
        ("- Tỷ lệ hộ nghèo giảm bình quân 1,5%/năm.", 1.5, None, "%/năm", "decrease"),
        ("- Có từ 03 đến 05 xã đạt chuẩn nông thôn mới kiểu mẫu.", 3, 5, "xã", "range"),
        ("- Có 30 - 35 sản phẩm OCOP đạt 3 sao trở lên.", 30, 35, "sản phẩm", "range"),
        ("- Thu nhập bình quân đầu người đạt 52,5 triệu đồng/người/năm.", 52.5, None, "triệu đồng/người/năm", "="),
        ("- Tỷ lệ hộ dân sử dụng nước sạch đạt từ 70% trở lên.", 70, None, "%", ">="),
        ("- Tỷ lệ hộ nghèo đa chiều giảm xuống dưới 2%.", 2, None, "%", "<="),
        ("- Có thêm 04 xã đạt tiêu chí giao thông.", 4, None, "xã", "increase"),
        ("- Thu nhập của người dân nông thôn tăng ít nhất 1,8 lần so với năm 2020.", 1.8, None, "lần", ">="),
        ("- Đến cuối năm 2025 không còn xã dưới 15 tiêu chí.", 15, None, "tiêu chí", ">="),
    ],
)
def test_target_figures_and_comparators(sentence, value, value_max, unit, comparator):
    r = one(sentence)
    assert (r.type, r.value, r.value_max, r.unit, r.comparator) == ("target", value, value_max, unit, comparator)
    assert r.year == 2025  # from the heading "Mục tiêu cụ thể đến năm 2025"


def test_fraction_restates_the_share_with_its_comparator():
    rs = records("- Duy trì 100% số xã đạt chuẩn nông thôn mới (12/12 xã).")
    assert [(r.value, r.unit, r.comparator, r.fraction) for r in rs] == [(100, "%", "maintain", None), (12, "xã", "maintain", [12, 12])]


def test_quantifier_governs_coordinated_shares_but_not_after_trong_do():
    rs = records("- Có ít nhất 50% số xã đạt xã NTM nâng cao và 25% số huyện đạt huyện NTM nâng cao; có 90% số xã đạt chuẩn, trong đó 10% số xã đạt kiểu mẫu.")
    assert [(r.value, r.comparator) for r in rs] == [(50, ">="), (25, ">="), (90, "="), (10, "=")]


def test_year_in_sentence_beats_heading_and_does_not_reach_backwards():
    rs = records("- Duy trì độ che phủ rừng đạt 60%; Đến năm 2023, tỷ lệ thu gom rác thải đạt 90%.", head=HEAD.replace(" đến năm 2025", ""))
    assert [(r.value, r.year) for r in rs] == [(60, None), (90, 2023)]


def test_single_year_plan_gives_its_year():
    head = "KẾ HOẠCH\nThực hiện Chương trình xây dựng nông thôn mới năm 2024 trên địa bàn xã Hòa Bình\nI. MỤC TIÊU\n"
    r = one("- Tỷ lệ người dân tham gia bảo hiểm y tế đạt 98%.", head=head)
    assert r.year == 2024


def test_figures_that_are_not_targets():
    body = (
        "- Triển khai Đề án trồng 20 triệu cây xanh; tổ chức tập huấn 02 đợt.\n"
        "- Tỷ lệ hộ có nhà tiêu hợp vệ sinh chưa đạt 70%.\n"
        "- Cán bộ ở 03 xã cần tập trung tuyên truyền.\n"
        "- Theo Quyết định số 318/QĐ-TTg ngày 08/3/2022 về “tỷ lệ 95% trở lên”.\n"
    )
    assert records(body, type_="target") == []


def test_status_section_figures_are_not_targets():
    head = "KẾ HOẠCH\nI. ĐÁNH GIÁ THỰC TRẠNG\n"
    assert records("Tỷ lệ hộ nghèo hiện còn 12%; có 05 xã đạt chuẩn.", head=head, type_="target") == []


def test_deadlines():
    body = "II. TỔ CHỨC THỰC HIỆN\n1. UBND các xã hoàn thành hồ sơ trước ngày 15/11/2024; báo cáo 6 tháng trước ngày 10/6; trình phê duyệt trước tháng 9 năm 2023.\n"
    rs = records(body, head="KẾ HOẠCH\nThực hiện Chương trình năm 2024\nI. MỤC TIÊU\n", type_="deadline")
    assert [r.date for r in rs] == ["2024-11-15", "2024-06-10", "2023-09"]
    assert rs[0].agency == "UBND các xã"  # the section that the task sits in


def test_funding_total_components_and_items():
    body = (
        "II. NGUỒN LỰC\nTổng nhu cầu vốn thực hiện là 12.345,6 triệu đồng, trong đó:\n"
        "- Ngân sách trung ương: 10.000 triệu đồng;\n- Ngân sách địa phương: 2.345,6 triệu đồng.\n"
        "III. NHIỆM VỤ\n- Tiêu chí giao thông: nâng cấp 3 km đường trục xã.\nDự kiến kinh phí: 1,5 tỷ đồng.\n"
    )
    rs = records(body, type_="funding")
    assert [(r.amount_vnd, r.role) for r in rs] == [(12345600000, "total"), (10000000000, "component"), (2345600000, "component"), (1500000000, "item")]
    assert rs[1].source == "ngân sách trung ương" and rs[1].parent is not None


def test_assignments_per_set_and_parent_references():
    body = (
        "II. TỔ CHỨC THỰC HIỆN\n1. Phòng Kinh tế - Hạ tầng\n- Phụ trách các tiêu chí:\n"
        "+ Đối với Bộ tiêu chí xã nông thôn mới, gồm: Tiêu chí số 2 về “Giao thông”; các chỉ tiêu 17.5, 17.9 thuộc tiêu chí số 17 về “Môi trường và an toàn thực phẩm”.\n"
        "+ Đối với Bộ tiêu chí xã nông thôn mới nâng cao, gồm: Tiêu chí số 4 về “Điện”.\n"
        "2. Phòng Y tế\n- Theo dõi tiêu chí số 15 (Y tế).\n"
    )
    rs = records(body, type_="assignment")
    got = [(r.agency, r.criteria_set, r.criteria) for r in rs]
    assert got == [
        ("Phòng Kinh tế - Hạ tầng", "xa_ntm", ["2", "17.5", "17.9"]),
        ("Phòng Kinh tế - Hạ tầng", "xa_ntm_nang_cao", ["4"]),
        ("Phòng Y tế", "unspecified", ["15"]),
    ]
    assert "Phòng Kinh tế - Hạ tầng" in rs[0].quote  # the quote shows who answers


def test_every_quote_is_the_documents_own_text():
    body = "- Duy trì 100% số xã đạt chuẩn (8/8 xã), có ít nhất 3 xã đạt chuẩn nâng cao trước năm 2025.\n"
    for d in extract_text(HEAD + body):
        for r in d.records:
            assert d.text[r.start:r.end] == r.quote


def test_records_as_spacy_spans_over_underthesea_words():
    from extractor.pipeline import record_docs

    d = extract_text(HEAD + "- Có ít nhất 45% số xã đạt chuẩn nông thôn mới nâng cao; thu nhập đạt 50 triệu đồng/người/năm.")[0]
    (doc,) = record_docs(d)
    assert "ít nhất" in [t.text for t in doc]  # a Vietnamese word of two syllables is one token
    assert [(s.text, s.label_) for s in doc.spans["kh"]] == [("45%", "target"), ("50 triệu đồng/người/năm", "target")]
