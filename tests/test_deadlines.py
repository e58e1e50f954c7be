"""Deadlines in the wordings real plans and news reports use, and the dates that are not deadlines.

Every sentence here is written for this test (none is copied from ../shared).
"""

from __future__ import annotations

import pytest

from extractor.pipeline import extract_text
from extractor.recognise import find_dates

# a plan with no single year of its own, issued in 2024
HEAD = (
    "ỦY BAN NHÂN DÂN\nHUYỆN THANH SƠN\nSố: 77/KH-UBND\nThanh Sơn, ngày 12 tháng 3 năm 2024\n"
    "KẾ HOẠCH\nXây dựng nông thôn mới giai đoạn 2021 - 2025\n"
    "I. MỤC ĐÍCH, YÊU CẦU\n"
)


def deadlines(body: str, head: str = HEAD):
    return [r for d in extract_text(head + body) for r in d.records if r.type == "deadline"]


@pytest.mark.parametrize(
    "sentence, date",
    [
        # vào cuối năm YYYY: a status to reach
        ("- Phấn đấu xã Tân Hòa đạt chuẩn nông thôn mới nâng cao vào cuối năm 2026.", "2026"),
        # vào cuối tháng MM năm YYYY
        ("- Phấn đấu để xã Bình Minh đạt xã văn hóa nông thôn mới vào cuối tháng 04 năm 2025.", "2025-04"),
        # trước tháng M.YYYY (dot between month and year)
        ("- Các xã hoàn thành hồ sơ đề nghị xét công nhận trước tháng 10.2025.", "2025-10"),
        ("- Các xã hoàn thành hồ sơ đề nghị xét công nhận trước tháng 10-2025.", "2025-10"),
        # trong tháng M năm YYYY
        ("- Hoàn thiện hồ sơ đề nghị công nhận xã Hòa Lạc đạt chuẩn trong tháng 7 năm 2025.", "2025-07"),
        # a date window: due by its last day
        ("- Tổ chức thẩm định hồ sơ tại các xã từ ngày 10 - 14/5/2025.", "2025-05-14"),
        ("- Tổ chức thẩm định hồ sơ tại các xã từ ngày 05/10 đến ngày 09/10/2025.", "2025-10-09"),
        # a leading date, then a status to reach without a figure
        ("- Sang năm 2026, huyện phấn đấu có thêm xã Yên Lạc đạt chuẩn nông thôn mới.", "2026"),
        # an indicator-list item that is a status goal with a year
        ("(3) Đến năm 2027 xây dựng xã Phú Mỹ đạt chuẩn nông thôn mới kiểu mẫu.", "2027"),
        # quarter -> its last month
        ("- Trong quý III năm 2025, hoàn thành việc đánh giá sản phẩm OCOP.", "2025-09"),
        # a subject, then the date, then what is to be done
        ("- Ủy ban nhân dân xã trong tháng 8/2025 hoàn thành bê tông hóa đường trục thôn.", "2025-08"),
        # a task, then "vào ngày"; a leading "Đến ngày …," then the obligation
        ("- Các xã hoàn thành hồ sơ đề nghị xét công nhận vào ngày 30/6/2025.", "2025-06-30"),
        ("- Đến ngày 31/12/2025, các xã phải hoàn thành việc cắm mốc quy hoạch.", "2025-12-31"),
        # a "time to finish" label, a full date with dashes
        ("- Thời gian hoàn thành: Quý II/2025.", "2025-06"),
        ("- Xây dựng xong nhà văn hóa thôn Đông trước 31-12-2025.", "2025-12-31"),
    ],
)
def test_deadline_wordings(sentence, date):
    got = deadlines(sentence + "\n")
    assert [d.date for d in got] == [date], [(d.date, d.date_text) for d in got]
    assert got[0].quote in sentence


def test_vao_nam_across_a_hard_line_break():
    body = "1. Mục đích:\nXây dựng xã Hòa Lạc đạt chuẩn nông thôn mới theo bộ tiêu chí quốc gia vào\nnăm 2025\n"
    got = deadlines(body)
    assert [d.date for d in got] == ["2025"]


def test_day_without_year_takes_the_documents_year():
    got = deadlines("- Các xã nộp hồ sơ về Phòng Nông nghiệp và PTNT trước ngày 15-9.\n")
    assert [d.date for d in got] == ["2024-09-15"]


def test_day_without_year_under_a_heading_year_and_after_the_issue_date():
    head = HEAD.replace("ngày 12 tháng 3 năm 2024", "ngày 10 tháng 12 năm 2023")
    # under a heading with its year: that year
    got = deadlines("II. NHIỆM VỤ NĂM 2024\n1. Các xã trình hồ sơ trước ngày 30-8.\n", head=head)
    assert [d.date for d in got] == ["2024-08-30"]
    # no heading year: a day before the issue date is next year's
    got = deadlines("- Các xã trình hồ sơ trước ngày 30/8.\n", head=head)
    assert [d.date for d in got] == ["2024-08-30"]


def test_cuoi_nam_without_a_year_is_the_documents_year():
    got = deadlines("- Trong Kế hoạch 77, phấn đấu xã Tân An đạt chuẩn nông thôn mới nâng cao vào cuối năm.\n")
    assert [d.date for d in got] == ["2024"]


def test_cuoi_nam_in_a_sentence_without_digits():
    got = deadlines("- Phấn đấu xã Tân An đạt chuẩn nông thôn mới nâng cao vào cuối năm.\n")
    assert [d.date for d in got] == ["2024"]


def test_designated_place_without_a_date_is_due_at_the_period_end():
    head = "Tỉnh điều chỉnh Kế hoạch thực hiện Chương trình xây dựng nông thôn mới giai đoạn 2021-2025\n"
    body = ("Sau khi điều chỉnh, huyện Phú Bình là huyện phấn đấu đạt chuẩn huyện nông thôn mới nâng cao.\n"
            "Hai xã Tân Lập và Hòa Bình được bổ sung vào nhóm phấn đấu đạt chuẩn nông thôn mới.\n")
    got = deadlines(body, head=head)
    assert [(d.date, d.task[:22]) for d in got] == [("2025", "huyện Phú Bình là huyệ")]


def test_superseded_date_is_not_a_deadline():
    body = ("- UBND tỉnh thống nhất lùi thời hạn hoàn thành các mục tiêu đến trước tháng 12.2025 "
            "(thay cho trước tháng 9.2025 tại Kế hoạch số 15/KH-UBND ngày 20.01.2025).\n")
    assert [d.date for d in deadlines(body)] == ["2025-12"]


@pytest.mark.parametrize(
    "sentence",
    [
        # issue and citation dates
        "- Căn cứ Kế hoạch số 45/KH-UBND ngày 14/02/2024 của UBND huyện về xây dựng nông thôn mới.",
        # effective dates
        "- Quy định này có hiệu lực thi hành từ ngày 01/7/2024.",
        # report cut-off dates
        "- Kết quả thực hiện các tiêu chí đến 31/12/2023: toàn huyện có 8 xã đạt chuẩn.",
        "- Tính đến ngày 30/6/2024, các xã đã hoàn thành 120 km đường giao thông.",
        # past activities
        "- Trong tháng 5 năm 2024, Đoàn công tác đã hoàn thành kiểm tra tại các xã.",
        "- Vào năm 2020, xã Hòa Lạc đã được công nhận đạt chuẩn nông thôn mới.",
        # an event or issue date opening the sentence
        "- Vào ngày 15/3/2024, UBND tỉnh ban hành Quyết định công nhận xã Hòa Lạc đạt chuẩn nông thôn mới.",
        # a reporting rhythm
        "- Định kỳ 6 tháng và hằng năm, các xã báo cáo kết quả thực hiện về huyện.",
        # a figure with a year is a target, not a deadline
        "- Phấn đấu trong năm 2026 có thêm 5 xã đạt chuẩn nông thôn mới.",
        "- Đến năm 2025, có 100% số xã đạt chuẩn nông thôn mới.",
        "- Trong tháng 9/2025, toàn tỉnh có thêm 5 xã đạt chuẩn.",
        # one criterion's standard, not the NTM standard of a place
        "- Phấn đấu đến năm 2025, các thôn đều đạt chuẩn tiêu chí giao thông.",
        # a range of years or a period is not a date
        "- Trong 2-3 năm tới, hoàn thành cứng hóa kênh mương nội đồng.",
    ],
)
def test_not_deadlines(sentence):
    got = deadlines(sentence + "\n")
    assert got == [], [(d.date, d.date_text) for d in got]


def test_task_of_a_leading_date_is_what_follows():
    got = deadlines("- Trong tháng 6/2025, Ủy ban nhân dân huyện tổ chức hội nghị sơ kết.\n")
    assert [(d.date, d.task) for d in got] == [("2025-06", "Ủy ban nhân dân huyện tổ chức hội nghị sơ kết")]


def test_task_starts_at_a_word_boundary():
    long_clause = "Ủy ban nhân dân các xã " + "rà soát, đánh giá, hoàn thiện hồ sơ minh chứng từng tiêu chí, " * 5
    body = f"- {long_clause}trình Ủy ban nhân dân huyện trước ngày 20/9/2025.\n"
    got = deadlines(body)
    assert len(got) == 1 and got[0].task
    at = got[0].quote.index(got[0].task)
    assert at == 0 or not got[0].quote[at - 1].isalnum()
    assert len(got[0].task) <= 200


def test_find_dates_reports_cue_kind_and_precision():
    got = find_dates("hoàn thành trước ngày 20/9/2025, báo cáo trong quý IV năm 2025, đạt chuẩn vào cuối năm")
    assert [(d.date, d.kind, d.precision) for d in got] == [
        ("2025-09-20", "before", "day"), ("2025-12", "within", "quarter"), ("--", "at", "year")]
