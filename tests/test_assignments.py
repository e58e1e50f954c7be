"""Agency -> criteria assignments in the forms real plans use, and what is not an assignment.

Every sentence here is written for this test (none is copied from ../shared).
"""

from __future__ import annotations

import pytest

from extractor.assemble.agencies import agency_name, agency_subjects
from extractor.pipeline import extract_text

HEAD = "KẾ HOẠCH\nThực hiện Chương trình MTQG xây dựng nông thôn mới giai đoạn 2021 - 2025\nI. NHIỆM VỤ\n"


def assignments(body: str, head: str = HEAD):
    return [r for d in extract_text(head + body) for r in d.records if r.type == "assignment"]


def got(body: str, head: str = HEAD):
    return [(r.agency, r.criteria) for r in assignments(body, head)]


def test_agency_chiu_trach_nhiem_for_criteria_and_indicators():
    body = "1. Sở Xây dựng chịu trách nhiệm hướng dẫn thực hiện tiêu chí số 1, 9 và chỉ tiêu 17.5, 17.9.\n"
    assert got(body) == [("Sở Xây dựng", ["1", "9", "17.5", "17.9"])]


def test_giao_agency_chu_tri_in_running_text():
    body = "Để triển khai Kế hoạch, giao Sở Y tế chủ trì thực hiện tiêu chí số 15 và chỉ tiêu 17.8.\n"
    assert got(body) == [("Sở Y tế", ["15", "17.8"])]


def test_phan_cong_several_agencies_in_one_sentence():
    body = ("Theo Quyết định, UBND tỉnh phân công Sở Công Thương phụ trách tiêu chí số 4 về Điện, tiêu chí số 7; "
            "Sở Xây dựng phụ trách tiêu chí số 1 và tiêu chí số 9; Sở Y tế được giao phụ trách tiêu chí 15.\n")
    assert got(body) == [("Sở Công Thương", ["4", "7"]), ("Sở Xây dựng", ["1", "9"]), ("Sở Y tế", ["15"])]


def test_lettered_list_under_a_heading_that_names_the_set():
    body = (
        "1. Phân công cơ quan phụ trách tiêu chí thuộc Bộ tiêu chí quốc gia về xã nông thôn mới nâng cao\n"
        "a) Sở Công Thương: tiêu chí số 4 về Điện và tiêu chí số 7.\n"
        "b) Sở Giáo dục và Đào tạo: tiêu chí số 5.\n"
    )
    rs = assignments(body)
    assert [(r.agency, r.criteria, r.criteria_set) for r in rs] == [
        ("Sở Công Thương", ["4", "7"], "xa_ntm_nang_cao"),
        ("Sở Giáo dục và Đào tạo", ["5"], "xa_ntm_nang_cao"),
    ]


def test_two_agencies_in_one_line():
    body = "Công an xã phụ trách chỉ tiêu 19.2; Ban Chỉ huy Quân sự xã phụ trách chỉ tiêu 19.1.\n"
    assert got(body) == [("Công an xã", ["19.2"]), ("Ban Chỉ huy Quân sự xã", ["19.1"])]


def test_hyphenated_names_stay_whole():
    body = (
        "- Công chức Địa chính - Xây dựng: tiêu chí số 1 và tiêu chí số 9;\n"
        "- Công chức Tư pháp - Hộ tịch: chỉ tiêu 18.4 và tiêu chí số 16.\n"
    )
    assert got(body) == [("Công chức Địa chính - Xây dựng", ["1", "9"]), ("Công chức Tư pháp - Hộ tịch", ["18.4", "16"])]


def test_name_before_a_parenthesis():
    body = "2. Phòng Nông nghiệp và PTNT (cơ quan thường trực Văn phòng Điều phối) chủ trì thực hiện tiêu chí số 3 và 13.\n"
    assert got(body) == [("Phòng Nông nghiệp và PTNT", ["3", "13"])]


def test_partner_agency_gets_nothing():
    body = ("3. Sở Tài nguyên và Môi trường chịu trách nhiệm tiêu chí số 17; chủ trì, phối hợp với Sở Y tế "
            "thực hiện chỉ tiêu 17.8.\n")
    assert got(body) == [("Sở Tài nguyên và Môi trường", ["17", "17.8"])]


def test_partner_in_running_text_gets_nothing():
    body = "Sở Công Thương chủ trì, phối hợp với Sở Xây dựng thực hiện tiêu chí số 7.\n"
    assert got(body) == [("Sở Công Thương", ["7"])]


def test_agency_head_leads_the_team():
    body = ("Đoàn kiểm tra của huyện do ông Trần Văn An – Trưởng Phòng Văn hóa – Thông tin huyện làm trưởng đoàn "
            "đã hướng dẫn xã hoàn thiện hồ sơ tiêu chí số 6, số 8 và số 16 trong Bộ tiêu chí xã nông thôn mới.\n")
    rs = assignments(body)
    assert [(r.agency, r.criteria, r.criteria_set) for r in rs] == [("Phòng Văn hóa – Thông tin huyện", ["6", "8", "16"], "xa_ntm")]


def test_village_criteria_set_from_the_title():
    head = "Tỉnh ban hành Bộ tiêu chí “Thôn nông thôn mới” giai đoạn 2021 - 2025\n"
    body = ("Theo đó, phân công các sở phụ trách tiêu chí, chỉ tiêu thôn nông thôn mới như sau:\n"
            "1. Sở Giao thông Vận tải chịu trách nhiệm hướng dẫn thực hiện tiêu chí số 2.\n")
    rs = assignments(body, head=head)
    assert [(r.agency, r.criteria_set) for r in rs] == [("Sở Giao thông Vận tải", "thon")]


def test_commune_plan_sets_the_commune_set():
    head = ("ỦY BAN NHÂN DÂN\nXÃ HÒA LẠC\nSố: 12/KH-UBND\nHòa Lạc, ngày 05 tháng 3 năm 2024\n"
            "KẾ HOẠCH\nXây dựng xã nông thôn mới năm 2024\nI. PHÂN CÔNG\n")
    rs = assignments("- Công an xã: chỉ tiêu 19.2;\n", head=head)
    assert [(r.agency, r.criteria_set) for r in rs] == [("Công an xã", "xa_ntm")]


def test_no_set_named_stays_unspecified():
    rs = assignments("1. Sở Xây dựng chịu trách nhiệm tiêu chí số 9.\n")
    assert [r.criteria_set for r in rs] == ["unspecified"]


def test_the_same_assignment_said_twice_is_one_record():
    body = ("Sở Nội vụ chịu trách nhiệm chỉ tiêu 18.1, 18.2. Trong năm, Sở Nội vụ chịu trách nhiệm chỉ tiêu 18.1, 18.2 "
            "như đã phân công.\n")
    assert got(body) == [("Sở Nội vụ", ["18.1", "18.2"])]


@pytest.mark.parametrize(
    "body",
    [
        # agencies assigned to communes, not to criteria
        "UBND tỉnh phân công Sở Tư pháp phụ trách, đỡ đầu 3 xã: Tân Lập, Hòa Bình, Phú Mỹ.\n",
        # a task without criterion numbers
        "Sở Thông tin và Truyền thông hướng dẫn các xã thực hiện tiêu chí thông tin và truyền thông.\n",
        # members of a team that did something, not agencies made responsible
        "Đoàn công tác gồm: Phòng Văn hóa, Trung tâm Y tế, Đài Truyền thanh đã tiến hành khảo sát tiêu chí số 6 tại xã.\n",
        # an agency that only receives
        "Các xã gửi báo cáo về Sở Nông nghiệp và PTNT về kết quả thực hiện tiêu chí số 3.\n",
    ],
)
def test_not_assignments(body):
    assert got(body) == []


@pytest.mark.parametrize(
    "title, name",
    [
        ("Sở Xây dựng", "Sở Xây dựng"),
        ("Sở Xây dựng: tiêu chí số 9", "Sở Xây dựng"),
        ("Giao Sở Xây dựng chủ trì thực hiện tiêu chí số 9", "Sở Xây dựng"),
        ("Phòng Tài chính - Kế hoạch Tham mưu cho UBND huyện", "Phòng Tài chính - Kế hoạch"),
        ("Văn phòng HĐND và UBND huyện: tiêu chí số 15", "Văn phòng HĐND và UBND huyện"),
        ("Sở Văn hóa - Thể thao và Du lịch trách nhiệm triển khai tiêu chí số 6", "Sở Văn hóa - Thể thao và Du lịch"),
        ("Kết quả thực hiện tiêu chí số 6", None),
    ],
)
def test_agency_name_from_a_heading(title, name):
    assert agency_name(title) == name


def test_agency_subjects_need_a_duty_word():
    assert [s[2] for s in agency_subjects("Sở Văn hóa, Thể thao và Du lịch đã tổ chức thẩm định tiêu chí số 6")] == ["Sở Văn hóa, Thể thao và Du lịch"]
    assert agency_subjects("Bà Lê Thị Hoa – Trưởng Phòng Y tế huyện phát biểu đánh giá, hướng dẫn") == []
