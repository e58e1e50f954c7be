"""What a figure is: a commitment (target), a result (status) or no record at all.

The sentences are our own, written in the forms real plans, reports and portal
articles use; each test says what a careful reader would record.
"""

from __future__ import annotations

from extractor.pipeline import extract_text


def _records(text: str, name: str = "bai_viet.txt"):
    docs = extract_text(text, name)
    return [r for d in docs for r in d.records]


def _by_value(records, rtype):
    return {r.value: r for r in records if r.type == rtype}


ARTICLE = """Huyện Cam Lộ về đích sớm nhiều tiêu chí nông thôn mới
14:20, 12/10/2023
Đến nay, toàn huyện đã có 7/8 xã đạt chuẩn nông thôn mới, bình quân đạt 18,2 tiêu chí/xã. Trong đó có 2 xã đạt chuẩn nông thôn mới nâng cao.
Theo kế hoạch, năm 2024 huyện phấn đấu có thêm 1 xã và 3 thôn đạt chuẩn, 2 xã đạt chuẩn nông thôn mới nâng cao; bình quân toàn huyện đạt 18,5 tiêu chí/xã.
"""


def test_results_and_commitments_in_one_article():
    recs = _records(ARTICLE)
    status = _by_value(recs, "status")
    targets = [r for r in recs if r.type == "target"]
    # results: "đến nay … đã có", the next clause and the next sentence of the paragraph
    assert {7.0, 18.2, 2.0} <= set(status)
    assert status[7.0].unit == "xã" and status[7.0].as_of == "2023-10-12"  # the page's dateline
    assert status[18.2].unit == "tiêu chí/xã"
    assert status[7.0].role_reason == "đã"  # the nearest cue before the figure
    # commitments: "phấn đấu có thêm" carries over the conjoined figures
    got = [(t.value, t.unit, t.comparator, t.year) for t in targets]
    assert (1.0, "xã", "increase", 2024) in got
    assert (3.0, "thôn", "increase", 2024) in got
    assert (2.0, "xã", "increase", 2024) in got
    assert (18.5, "tiêu chí/xã", "=", 2024) in got
    assert all(t.role_reason for t in targets)
    # a result is never a target
    assert not any(t.value == 7.0 for t in targets)


def test_money_already_mobilised_is_a_result_not_funding():
    text = """Nhân dân Hải Lăng góp sức xây dựng nông thôn mới
05/06/2021
Sau 10 năm triển khai, huyện đã huy động trên 1.200 tỷ đồng cho chương trình. Trong đó, ngân sách nhà nước khoảng 700 tỷ đồng, nhân dân đóng góp gần 150 tỷ đồng.
Điển hình là ông Trần Văn Bình ở thôn Đông hiến 300 m2 đất và ủng hộ 50 triệu đồng làm đường.
"""
    recs = _records(text)
    assert not [r for r in recs if r.type == "funding"]
    status = [r for r in recs if r.type == "status"]
    assert [(r.value, r.unit) for r in status] == [(1200.0, "tỷ đồng"), (700.0, "tỷ đồng"), (150.0, "tỷ đồng")]
    assert all(r.as_of == "2021-06-05" for r in status)
    # one household's gift is an anecdote: no record at all
    assert not [r for r in recs if "Trần Văn Bình" in r.quote]


def test_money_a_plan_will_raise_is_funding():
    text = """KẾ HOẠCH
Xây dựng nông thôn mới năm 2024
I. MỤC TIÊU
Phấn đấu có thêm 02 xã đạt chuẩn.
II. KINH PHÍ
Tổng kinh phí dự kiến 12.500 triệu đồng, trong đó: ngân sách tỉnh 8.000 triệu đồng; nhân dân đóng góp 4.500 triệu đồng.
"""
    recs = _records(text, "ke_hoach.txt")
    funding = [(r.amount_vnd, r.role) for r in recs if r.type == "funding"]
    assert (12_500_000_000, "total") in funding
    assert (8_000_000_000, "component") in funding
    assert (4_500_000_000, "component") in funding
    assert not [r for r in recs if r.type == "status"]


def test_results_section_of_a_plan_gives_status_records():
    text = """KẾ HOẠCH
Xây dựng nông thôn mới năm 2025
I. KẾT QUẢ THỰC HIỆN NĂM 2024
Toàn xã có 12/15 thôn đạt chuẩn thôn nông thôn mới; tỷ lệ hộ nghèo còn 3,2%.
II. MỤC TIÊU NĂM 2025
Phấn đấu 15/15 thôn đạt chuẩn; giảm tỷ lệ hộ nghèo xuống còn 2,5%.
"""
    recs = _records(text, "xa.txt")
    status = _by_value(recs, "status")
    targets = _by_value(recs, "target")
    assert set(status) == {12.0, 3.2}
    assert status[12.0].as_of == "2024"  # the year of the results heading
    assert set(targets) == {15.0, 2.5}
    assert targets[2.5].comparator == "<="  # "giảm … xuống còn": a level to reach
    assert targets[15.0].year == 2025


def test_scope_facts_and_set_descriptions_are_not_records():
    text = """Tỉnh phân công 20 sở, ngành phụ trách, đỡ đầu 60 xã khó khăn.
Bộ tiêu chí quốc gia về xã nông thôn mới có 19 tiêu chí; nhóm Hạ tầng kinh tế - xã hội có 8 tiêu chí.
Theo đó, 6 xã được điều chỉnh bổ sung vào danh sách phấn đấu đạt chuẩn nâng cao.
Các xã đạt từ 15 tiêu chí trở lên sẽ được ưu tiên hỗ trợ vốn.
"""
    recs = _records(text)
    assert [r for r in recs if r.type in ("target", "status")] == []


def test_estimate_for_the_plan_year_is_a_target_not_a_result():
    text = """KẾ HOẠCH
Phát triển nông thôn mới năm 2025
I. MỤC TIÊU
Thu nhập bình quân đầu người năm 2025 ước đạt 52 triệu đồng/người/năm; tỷ lệ hộ nghèo đa chiều: dưới 2%.
"""
    recs = _records(text, "kh2025.txt")
    targets = _by_value(recs, "target")
    assert set(targets) == {52.0, 2.0}
    assert targets[2.0].comparator == "<="
    assert not [r for r in recs if r.type == "status"]


def test_indicator_list_values_after_a_colon():
    text = """Các chỉ tiêu chủ yếu (nhiệm kỳ 2025-2030)
(1) Thu nhập bình quân đầu người đến năm 2030: 70 triệu đồng/năm.
(2) Tỷ lệ lao động qua đào tạo: trên 35%.
(3) Tỷ lệ hộ nghèo giảm bình quân/năm: trên 1,5%.
"""
    recs = _records(text)
    t = _by_value(recs, "target")
    assert t[70.0].unit == "triệu đồng/người/năm" and t[70.0].year == 2030
    assert t[35.0].comparator == ">=" and t[35.0].year is None  # a multi-year list: no year of its own
    assert t[1.5].comparator == ">="  # the word next to the value decides, not "giảm"


def test_years_before_and_after_the_article_date_decide_the_role():
    text = """Hướng Hóa tăng tốc về đích nông thôn mới
09:30, 20/03/2024
Năm 2023, toàn huyện có 3 xã được công nhận đạt chuẩn nông thôn mới. Năm 2025, huyện có thêm 2 xã đạt chuẩn nông thôn mới nâng cao.
Kết quả, tỷ lệ hộ nghèo của huyện còn 12,4%.
"""
    recs = _records(text)
    status = _by_value(recs, "status")
    targets = _by_value(recs, "target")
    assert set(status) == {3.0, 12.4}
    assert status[3.0].as_of == "2023" and "2023" in status[3.0].role_reason
    assert set(targets) == {2.0}
    assert targets[2.0].comparator == "increase" and targets[2.0].year == 2025


def test_a_report_part_heading_gives_the_year_of_its_targets():
    text = """BÁO CÁO
Kết quả xây dựng nông thôn mới năm 2023
I. KẾT QUẢ THỰC HIỆN
Toàn huyện có 10/12 xã đạt chuẩn nông thôn mới.
Phần thứ hai
PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2024
I. MỤC TIÊU
Phấn đấu có thêm 02 xã đạt chuẩn, nâng tổng số xã đạt chuẩn lên 12/12 xã.
"""
    recs = _records(text, "bao_cao.txt")
    assert [(r.value, r.as_of) for r in recs if r.type == "status"] == [(10.0, "2023")]
    got = sorted((r.value, r.year) for r in recs if r.type == "target")
    assert got == [(2.0, 2024), (12.0, 2024)]  # "nâng tổng số lên" follows "phấn đấu"


def test_a_headline_restating_a_result_of_the_body_is_a_result():
    text = """Hơn 60% số xã của tỉnh đạt chuẩn nông thôn mới
10:05, 02/11/2023
Tính đến cuối tháng 10/2023, toàn tỉnh đã có 71 xã (bằng 60,7% tổng số xã) đạt chuẩn nông thôn mới.
"""
    recs = _records(text)
    assert not [r for r in recs if r.type == "target"]
    head = [r for r in recs if r.type == "status" and r.value == 60.0]
    assert head and "headline" in head[0].role_reason


def test_the_year_of_a_commitment_carries_to_the_next_sentence_of_its_paragraph():
    text = """Theo chương trình, tỉnh phấn đấu đến năm 2030 có 90% số xã đạt chuẩn nông thôn mới. Bình quân toàn tỉnh đạt 18 tiêu chí/xã.
"""
    recs = _records(text)
    assert sorted((r.value, r.year) for r in recs if r.type == "target") == [(18.0, 2030), (90.0, 2030)]


def test_levels_to_go_down_to_and_income_in_an_indicator_list():
    text = """KẾ HOẠCH
Xây dựng nông thôn mới năm 2025
I. MỤC TIÊU
(3) Thu nhập bình quân đầu người khu vực nông thôn: 62 triệu đồng.
(4) Tỷ lệ hộ nghèo đa chiều giảm xuống 2,8%; tỷ lệ hộ cận nghèo dưới mức 2%.
"""
    recs = _records(text, "kh.txt")
    assert not [r for r in recs if r.type == "funding"]  # income measures an outcome: not money to spend
    t = {r.value: r for r in recs if r.type == "target"}
    assert t[62.0].unit == "triệu đồng/người/năm"
    assert t[2.8].comparator == "<=" and t[2.0].comparator == "<="
