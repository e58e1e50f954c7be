"""Plans in wordings the seeds do not use: each test is one way real plans and reports put it."""

from extractor.pipeline import extract_text

PLAN = "KẾ HOẠCH\nXây dựng xã nông thôn mới nâng cao năm 2025 - 2026\n"
REPORT = "BÁO CÁO\nKết quả xây dựng nông thôn mới 6 tháng đầu năm 2025\n"


def records(text, kind=None):
    (doc,) = extract_text(text)
    return [r for r in doc.records if kind is None or r.type == kind]


def figures(text):
    return [(r.type, r.value, r.unit) for r in records(text) if r.type in ("target", "status")]


def test_a_list_item_under_the_targets_heading_is_a_target_without_a_commitment_word():
    text = PLAN + "I. MỤC TIÊU\n2. Mục tiêu cụ thể\n- Tỷ lệ hộ phân loại chất thải rắn tại nguồn từ 60% đến 65%.\n"
    (t,) = records(text, "target")
    assert (t.value, t.value_max, t.unit, t.comparator) == (60, 65, "%", "range")


def test_keeping_what_was_reached_is_a_target_and_says_nothing_of_the_next_figures():
    text = PLAN + "I. MỤC TIÊU\n1. Năm 2026\n- Giữ vững 17 tiêu chí đã đạt; hoàn thành thêm 02 tiêu chí còn lại, đạt 19/19 tiêu chí.\n"
    got = [(r.type, r.value, r.comparator) for r in records(text)]
    assert got == [("target", 17, "maintain"), ("target", 2, "increase"), ("target", 19, "=")]


def test_a_recognition_one_strives_for_is_a_target_one_reported_is_a_result():
    assert figures(REPORT + "II. NHIỆM VỤ\n- Phấn đấu công nhận thêm 08 thôn đạt chuẩn khu dân cư kiểu mẫu.\n") == [("target", 8, "thôn")]
    text = REPORT + "I. KẾT QUẢ\nTrong 6 tháng đầu năm, có thêm 07 thôn được công nhận đạt chuẩn; kế hoạch cả năm 2025 công nhận thêm 15 thôn.\n"
    assert figures(text) == [("status", 7, "thôn"), ("target", 15, "thôn")]


def test_a_start_of_year_figure_is_a_result_dated_by_the_half_year_when_the_report_says_so():
    text = REPORT + "I. KẾT QUẢ\nTỷ lệ hộ nghèo đầu năm 2025 là 2,41% (612 hộ); phấn đấu đến cuối năm còn dưới 2%.\n"
    assert figures(text) == [("status", 2.41, "%"), ("status", 612, "hộ"), ("target", 2, "%")]
    (s,) = records(REPORT + "I. KẾT QUẢ\nSau 6 tháng đầu năm, toàn huyện đã làm mới 42,6 km đường giao thông.\n", "status")
    assert s.as_of == "2025-06"


def test_the_description_of_a_place_gives_no_records():
    text = PLAN + "I. ĐẶC ĐIỂM\nXã Tân Phú có 09 thôn, diện tích tự nhiên 1.215 ha, 2.940 hộ với 10.870 nhân khẩu.\n"
    assert figures(text) == []


def test_a_route_table_gives_results_from_the_current_column_and_targets_for_the_row_year():
    text = PLAN + (
        "I. MỤC TIÊU\n1. Lộ trình\n"
        "| TT | Tiêu chí | Hiện trạng năm 2024 | Chỉ tiêu phấn đấu | Năm hoàn thành |\n"
        "| 1 | Thu nhập | 58,5 triệu đồng/người/năm | 65 triệu đồng/người/năm | 2025 |\n"
        "| 2 | Môi trường | 48% hộ phân loại rác | 70% hộ phân loại rác | 2026 |\n"
    )
    got = sorted((r.type, r.value, r.unit, getattr(r, "year", None) or getattr(r, "as_of", None)) for r in records(text))
    assert got == [("status", 48, "%", "2024"), ("status", 58.5, "triệu đồng/người/năm", "2024"),
                   ("target", 65, "triệu đồng/người/năm", 2025), ("target", 70, "%", 2026)]


def test_one_bullet_can_assign_two_agencies_and_a_request_is_no_assignment():
    text = PLAN + ("III. TỔ CHỨC THỰC HIỆN\n1. Phân công\n- Công an xã: chỉ tiêu 19.2; Ban Chỉ huy Quân sự xã: chỉ tiêu 19.1.\n"
                   "IV. KIẾN NGHỊ\nĐề nghị Sở Nông nghiệp và Môi trường hướng dẫn thực hiện tiêu chí số 7.\n")
    got = [(a.agency, a.criteria) for a in records(text, "assignment")]
    assert got == [("Công an xã", ["19.2"]), ("Ban Chỉ huy Quân sự xã", ["19.1"])]


def test_a_split_by_year_is_marked_so_it_is_summed_apart_from_the_sources():
    text = PLAN + ("IV. KINH PHÍ\nTổng kinh phí thực hiện là 18.650 triệu đồng, trong đó:\n- Ngân sách tỉnh: 10.000 triệu đồng;\n"
                   "- Ngân sách xã: 8.650 triệu đồng.\nPhân theo năm: năm 2025 là 10.200 triệu đồng; năm 2026 là 8.450 triệu đồng.\n")
    got = [(f.amount_vnd // 10**6, f.role, f.split) for f in records(text, "funding")]
    assert got == [(18650, "total", None), (10000, "component", None), (8650, "component", None),
                   (10200, "component", "year"), (8450, "component", "year")]


ARTICLE = "Huyện Cẩm Yên tăng tốc về đích nông thôn mới\n\nThứ Hai, 15/04/2024 08:30\n\n"


def test_an_official_quoted_in_an_article_speaks_for_the_district():
    text = ARTICLE + ("Ông Trần Văn Bình, Phó Chủ tịch UBND huyện cho biết: “Năm 2024, huyện phấn đấu có thêm 2 xã "
                      "đạt chuẩn nông thôn mới và 1 xã đạt chuẩn nông thôn mới nâng cao”.\n")
    assert figures(text) == [("target", 2, "xã"), ("target", 1, "xã")]


def test_a_household_or_a_showcase_village_is_an_anecdote_and_a_share_of_money_no_record():
    text = ARTICLE + ("Gia đình ông Lê Văn Tâm ở thôn 3 vừa hiến 350m2 đất và góp 50 triệu đồng làm đường.\n\n"
                      "Thôn Đồng Tâm là điểm sáng của phong trào: 100% tuyến đường đã có điện chiếu sáng.\n\n"
                      "Đến nay, tổng nguồn lực huy động đạt hơn 1.200 tỷ đồng, trong đó vốn lồng ghép chiếm 45%.\n")
    assert [(r.type, r.value, r.unit) for r in records(text)] == [("status", 1200, "tỷ đồng")]


def test_hien_dat_reports_a_result():
    text = ARTICLE + "Theo Phòng Nông nghiệp, bình quân mỗi xã trên địa bàn hiện đạt 17,2 tiêu chí.\n"
    assert figures(text) == [("status", 17.2, "tiêu chí/xã")]


GUIDE = "HƯỚNG DẪN\nĐánh giá một số tiêu chí xã nông thôn mới nâng cao năm 2024\n"


def test_a_guidance_note_defines_pass_conditions_which_are_no_records():
    text = GUIDE + ("II. NỘI DUNG\n1. Tiêu chí số 3 về Thủy lợi\nChỉ tiêu 3.1: Xã đạt chỉ tiêu khi tỷ lệ diện tích đất sản xuất "
                    "được tưới chủ động đạt từ 90% trở lên.\nChỉ tiêu 13.2: Xã có ít nhất 02 sản phẩm OCOP còn thời hạn.\n"
                    "Phấn đấu đến hết năm 2024 có thêm ít nhất 30 xã đạt chuẩn nông thôn mới nâng cao.\n")
    assert figures(text) == [("target", 30, "xã")]


def test_money_mobilised_is_a_result_and_a_support_norm_a_per_unit_target():
    text = PLAN + ("I. KẾT QUẢ\nTrong năm 2023, các xã đã huy động được 18.650 triệu đồng, trong đó nhân dân đóng góp "
                   "6.120 triệu đồng.\nII. CƠ CHẾ HỖ TRỢ\n- Thôn đạt chuẩn kiểu mẫu được ngân sách huyện hỗ trợ 300 triệu đồng/thôn.\n")
    assert sorted((r.type, r.value, r.unit) for r in records(text)) == [
        ("status", 6120, "triệu đồng"), ("status", 18650, "triệu đồng"), ("target", 300, "triệu đồng/thôn")]


def test_a_cut_off_date_of_results_is_no_deadline():
    text = REPORT + "I. KẾT QUẢ\nTính đến ngày 31/12/2023, toàn huyện có 22/22 xã đạt chuẩn nông thôn mới.\n"
    assert records(text, "deadline") == []


def test_a_numbered_item_naming_two_agencies_gives_two_assignments():
    text = PLAN + ("III. TỔ CHỨC THỰC HIỆN\n8. Phòng Nội vụ: phụ trách tiêu chí số 15. Phòng Tư pháp: phụ trách tiêu chí số 16.\n"
                   "9. Công an huyện chủ trì chỉ tiêu 19.2; Ban Chỉ huy Quân sự huyện chủ trì chỉ tiêu 19.1.\n")
    got = [(a.agency, a.criteria) for a in records(text, "assignment")]
    assert got == [("Phòng Nội vụ", ["15"]), ("Phòng Tư pháp", ["16"]),
                   ("Công an huyện", ["19.2"]), ("Ban Chỉ huy Quân sự huyện", ["19.1"])]


def test_the_items_of_an_allocated_increase_are_increases():
    text = PLAN + ("I. MỤC TIÊU\n1. Năm 2024\n- Xây dựng thêm ít nhất 3 thôn đạt chuẩn kiểu mẫu, cụ thể:\n"
                   "+ Xã Yên Lạc: 02 thôn;\n+ Xã Yên Phú: 01 thôn.\n")
    assert [(r.value, r.comparator) for r in records(text, "target")] == [(3, "increase"), (2, "increase"), (1, "increase")]


def test_a_list_naming_the_criterion_first_assigns_the_lead_agency_not_its_partners():
    text = PLAN + ("IV. PHÂN CÔNG\nTiêu chí 1 - Quy hoạch: Phòng Kinh tế - Hạ tầng (chủ trì), UBND các xã (phối hợp)\n"
                   "Tiêu chí 17 - Môi trường: Phòng Tài nguyên và Môi trường (chủ trì); riêng chỉ tiêu 17.8 và 17.9: Phòng Y tế (chủ trì)\n"
                   "Tiêu chí 19 - Quốc phòng và An ninh: Ban Chỉ huy Quân sự huyện (chủ trì chỉ tiêu 19.1), Công an huyện (chủ trì chỉ tiêu 19.2)\n")
    got = [(a.agency, a.criteria) for a in records(text, "assignment")]
    assert got == [("Phòng Kinh tế - Hạ tầng", ["1"]), ("Phòng Tài nguyên và Môi trường", ["17"]), ("Phòng Y tế", ["17.8", "17.9"]),
                   ("Ban Chỉ huy Quân sự huyện", ["19.1"]), ("Công an huyện", ["19.2"])]


def test_a_table_pasted_from_word_is_read_by_its_tabs():
    text = ("KẾ HOẠCH\nXây dựng nông thôn mới năm 2024 - 2025\n"
            "I. MỤC TIÊU\n1. Chỉ tiêu cho từng xã: số tiêu chí phấn đấu đạt theo từng năm\n"
                   "TT\tXã\tSố tiêu chí đạt đến 31/12/2023\tNăm 2024\tNăm 2025\n"
                   "1\tThanh Đức\t14\t16\t18\n"
                   "2\tThanh Sơn\t13\t\t17\n")
    got = sorted((r.type, r.value, r.unit, getattr(r, "year", None) or getattr(r, "as_of", None)) for r in records(text))
    assert got == [("status", 13, "tiêu chí", "2023-12-31"), ("status", 14, "tiêu chí", "2023-12-31"),
                   ("target", 16, "tiêu chí", 2024), ("target", 17, "tiêu chí", 2025), ("target", 18, "tiêu chí", 2025)]


def test_another_provinces_figures_and_a_share_of_the_plan_are_not_this_reports_own():
    text = REPORT + ("I. KẾT QUẢ\nVốn ngân sách trung ương đã giải ngân 1.245 tỷ đồng, đạt 92% kế hoạch vốn được giao; "
                     "ngân sách địa phương giải ngân 587 tỷ đồng.\nSo với các tỉnh trong khu vực, tỉnh bạn Hà Tĩnh đã có 100% xã đạt chuẩn.\n")
    assert sorted(r.value for r in records(text, "status")) == [92, 587, 1245]
    assert records(text, "funding") == []


def test_the_national_thresholds_of_a_criteria_table_are_no_records_and_its_results_are_dated():
    text = REPORT + ("I. KẾT QUẢ\n4. Kết quả đánh giá các tiêu chí (số liệu đến 30/11/2023)\n"
                     "TT | Tên tiêu chí | Chỉ tiêu theo quy định | Kết quả thực hiện | Tự đánh giá\n"
                     "3 | Thủy lợi | Diện tích được tưới, tiêu chủ động ≥ 90% | 96,3% diện tích | Đạt\n"
                     "15 | Y tế | Tỷ lệ tham gia bảo hiểm y tế ≥ 90% | 93,8% dân số | Đạt\n")
    assert sorted((r.type, r.value, r.as_of) for r in records(text)) == [
        ("status", 93.8, "2023-11-30"), ("status", 96.3, "2023-11-30")]


def test_a_letter_without_a_type_heading_is_read_as_a_cong_van_and_its_preamble_reports():
    text = ("ỦY BAN NHÂN DÂN          CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nHUYỆN PHÚ AN          Độc lập - Tự do - Hạnh phúc\n"
            "Số: 120/UBND-NN          Phú An, ngày 03 tháng 6 năm 2024\nV/v báo cáo kết quả xây dựng nông thôn mới\n"
            "Kính gửi: UBND các xã, thị trấn.\nĐến nay, toàn huyện có 15/17 xã đạt chuẩn nông thôn mới.\n"
            "1. UBND các xã báo cáo kết quả trước ngày 10/6/2024.\n")
    (doc,) = extract_text(text)
    assert (doc.meta.doc_type, doc.meta.level) == ("CÔNG VĂN", "huyen")
    assert [(r.type, r.value) for r in doc.records if r.type == "status"] == [("status", 15)]


def test_a_province_list_item_names_the_place_its_figures_are_for():
    text = PLAN + "I. MỤC TIÊU\n- Huyện Phù Mỹ: đạt chuẩn huyện nông thôn mới vào năm 2025; 100% số xã đạt chuẩn nông thôn mới.\n"
    assert [(r.value, r.scope) for r in records(text, "target")] == [(100, "Huyện Phù Mỹ")]


def test_a_village_plan_answers_to_the_village_criteria_and_a_household_rate_is_no_funding():
    text = ("BAN CÔNG TÁC MẶT TRẬN THÔN YÊN HÒA\nKẾ HOẠCH\nXây dựng thôn Yên Hòa đạt chuẩn khu dân cư nông thôn mới kiểu mẫu năm 2024\n"
            "I. KINH PHÍ\nTổng kinh phí 1.250 triệu đồng, trong đó nhân dân đóng góp 600 triệu đồng.\n"
            "Mức vận động: bình quân mỗi hộ đóng góp 1.200.000 đồng.\n"
            "II. PHÂN CÔNG\n- Chi hội Phụ nữ thôn: chịu trách nhiệm tiêu chí số 8.\n")
    (doc,) = extract_text(text)
    assert [f.amount_vnd for f in doc.records if f.type == "funding"] == [1_250_000_000, 600_000_000]
    got = [(a.agency, a.criteria) for a in doc.records if a.type == "assignment"]
    assert got == [("Chi hội Phụ nữ thôn", ["8"])]


def test_a_web_pages_related_articles_and_a_quoted_rule_are_not_the_articles_own():
    text = ARTICLE + ("Đến nay, toàn huyện có 15/17 xã đạt chuẩn nông thôn mới (quy định: từ 95% trở lên).\n"
                      "Tin liên quan\nHuyện Cẩm Yên có thêm 3 xã đạt chuẩn nông thôn mới nâng cao (12/03/2024)\n")
    assert figures(text) == [("status", 15, "xã")]


def test_no_commune_below_n_criteria_counts_criteria_not_an_average_even_after_an_average():
    text = REPORT + "I. KẾT QUẢ\nBình quân toàn huyện đạt 17,6 tiêu chí/xã; không còn xã dưới 14 tiêu chí.\n"
    assert [(r.value, r.unit) for r in records(text, "status")] == [(17.6, "tiêu chí/xã"), (14, "tiêu chí")]


def test_a_list_under_a_result_lead_in_reports_results():
    text = ("Kết quả xây dựng nông thôn mới 9 tháng đầu năm 2024\n"
            "- Đến nay, bình quân toàn huyện đạt 18,4 tiêu chí/xã. Cụ thể:\n"
            "+ Có 21/24 xã đã đạt 19/19 tiêu chí.\n"
            "+ Có 03/24 xã đạt 17/19 tiêu chí gồm: Tân An, Tân Bình, Tân Lập.\n")
    assert figures(text) == [("status", 18.4, "tiêu chí/xã"), ("status", 21, "xã"), ("status", 3, "xã")]


def test_a_count_already_reached_after_a_result_cue_is_a_result_outside_a_results_section():
    assert figures("Tin tức\nĐến nay, toàn huyện có 12 xã đã đạt chuẩn nông thôn mới.\n") == [("status", 12, "xã")]


def test_a_day_opening_a_sentence_that_reports_a_state_is_no_deadline():
    text = "Khẩn trương báo cáo\nThứ Sáu, 05/01/2018\nĐến ngày 4.1, Sở Kế hoạch và Đầu tư vẫn chưa nhận được báo cáo của các huyện.\n"
    assert records(text, "deadline") == []


def test_figures_in_a_condition_are_no_targets():
    text = PLAN + "II. NHIỆM VỤ\nNếu có từ 90% ý kiến các thành viên và nhân dân 4 huyện trở lên đồng ý thì trình công nhận.\n"
    assert figures(text) == []


def test_comrades_are_no_money():
    text = "Đại hội Đảng bộ xã\nBan Chấp hành Đảng bộ xã khóa mới gồm 15 đồng chí.\n"
    assert records(text, "funding") == [] and figures(text) == []


def test_the_pdf_glyph_for_u_horn_reads_as_u_horn():
    text = PLAN + "I. MỤC TIÊU\n- Tỷ lệ hộ nghèo giảm còn dƣới 2%.\n"
    (t,) = records(text, "target")
    assert (t.value, t.comparator) == (2, "<=")
    (t,) = records(PLAN + "I. MỤC TIÊU\n- Xây dựng 6 trƣờng đạt chuẩn quốc gia.\n", "target")
    assert (t.value, t.unit, t.value_text) == (6, "trường", "6 trƣờng")  # the quote keeps the source's letters


def test_a_price_base_year_is_not_the_target_year():
    text = PLAN + "I. MỤC TIÊU\n- Tốc độ tăng giá trị sản xuất (giá so sánh năm 2010) đạt 16%.\n"
    (t,) = records(text, "target")
    assert t.year != 2010


def test_a_share_of_the_plan_reached_and_a_result_against_the_resolution_are_results():
    text = ("Kinh tế 6 tháng đầu năm 2023\nSản lượng lương thực đạt hơn 17.800 tấn, bằng 105% kế hoạch. "
            "Tỷ lệ che phủ rừng đạt 72% (vượt 2% so với Nghị quyết).\n")
    assert {t for t, *_ in figures(text)} == {"status"}


def test_a_result_cue_in_a_sentence_without_figures_carries_to_the_next_sentence():
    text = ("Hội nghị Ban Chấp hành Đảng bộ huyện\n"
            "Đến nay, trên địa bàn huyện có xã Cường Lợi đạt chuẩn nông thôn mới. Bình quân toàn huyện đạt 12,6 tiêu chí/xã; 15 thôn đạt chuẩn.\n")
    assert figures(text) == [("status", 12.6, "tiêu chí/xã"), ("status", 15, "thôn")]


def test_an_average_out_of_the_criteria_set_is_read_with_its_decimal():
    text = REPORT + "I. KẾT QUẢ\nĐến nay, bình quân toàn huyện đạt 12,6/19 tiêu chí.\n"
    assert figures(text) == [("status", 12.6, "tiêu chí/xã")]


def test_a_term_or_year_leading_the_paragraph_dates_its_results():
    text = ("BÁO CÁO\nChính trị của Ban Chấp hành Đảng bộ xã\nI. KẾT QUẢ\nNhiệm kỳ 2020-2025, xã đạt được nhiều kết quả quan trọng. "
            "Cụ thể, tỷ lệ hộ nghèo giảm bình quân 6,7%/năm.\n")
    (s,) = records(text, "status")
    assert s.as_of == "2025"


def test_indicator_lists_count_units_beyond_places():
    text = PLAN + "I. MỤC TIÊU\n- Phát triển mới 20 cơ sở tiểu thủ công nghiệp.\n- Kim ngạch xuất khẩu đạt 2 triệu USD.\n"
    assert [(v, u) for _, v, u in figures(text)] == [(20, "cơ sở"), (2, "triệu USD")]
    report = REPORT + "I. KẾT QUẢ\nHoàn thành 18/18 chỉ tiêu, trong đó có 13 chỉ tiêu vượt kế hoạch.\n"
    assert figures(report) == [("status", 18, "chỉ tiêu"), ("status", 13, "chỉ tiêu")]
    assert figures(PLAN + "I. MỤC TIÊU\nBộ tiêu chí gồm 19 tiêu chí với 57 chỉ tiêu.\n") == []


def test_a_floor_written_after_the_figure_decides_over_the_verb():
    text = PLAN + "I. MỤC TIÊU\n- Tỷ lệ hộ nghèo giảm 3% trở lên.\n- Thu nhập bình quân tăng từ 8% trở lên.\n"
    assert [t.comparator for t in records(text, "target")] == [">=", ">="]


def test_a_decrease_earlier_in_a_list_does_not_govern_the_next_items():
    text = PLAN + ("I. MỤC TIÊU\nTỷ lệ hộ nghèo giảm bình quân mỗi năm 2,1% (theo chuẩn nghèo đa chiều), "
                   "mỗi năm giải quyết việc làm cho trên 250 lao động.\n")
    assert [t.comparator for t in records(text, "target")] == ["decrease", ">="]


def test_a_period_named_in_the_sentence_gives_its_end_as_the_year_but_a_past_period_does_not():
    text = ("Hội nghị toàn quốc\nNgày 12/3/2022\nChương trình giai đoạn 2021- 2025 đặt mục tiêu, phấn đấu cả nước có "
            "ít nhất 80% số xã đạt chuẩn nông thôn mới.\n")
    (t,) = records(text, "target")
    assert t.year == 2025
    past = PLAN + ("II. MỤC TIÊU\n- Tiếp tục xây dựng đối với các xã đã đạt chuẩn giai đoạn 2010 - 2020; "
                   "thu nhập tăng ít nhất 1,5 lần so với năm 2020.\n")
    assert records(past, "target")[0].year != 2020


def test_small_numbers_written_as_words_after_a_quantifier_or_verb():
    text = ("Tiến độ xây dựng nông thôn mới\nNgày 15/3/2017\nCó 24 đơn vị cấp huyện đạt chuẩn, tăng chín đơn vị so với cuối năm 2015. "
            "Giai đoạn 2016 - 2020, mỗi tỉnh phấn đấu có ít nhất một huyện đạt chuẩn; không còn xã dưới năm tiêu chí.\n")
    got = [(r.type, r.value) for r in records(text) if r.type in ("target", "status")]
    assert got == [("status", 24), ("status", 9), ("target", 1), ("target", 5)]
    assert figures(REPORT + "I. KẾT QUẢ\nHai xã Tân An và Tân Bình hiện đạt 17/19 tiêu chí.\n") == [("status", 17, "tiêu chí")]
    assert figures(PLAN + "II. NHIỆM VỤ\nNâng cao thu nhập trên một đơn vị diện tích.\n") == []


def test_a_news_headline_in_words_reports_and_a_planned_change_is_a_target():
    text = "Ba huyện về đích nông thôn mới, một huyện đạt chuẩn nông thôn mới nâng cao\n\nĐến nay, huyện có 14/14 xã đạt chuẩn.\n"
    assert figures(text)[:2] == [("status", 3, "huyện"), ("status", 1, "huyện")]
    plan = "Nước rút\n\nNăm 2017, tỉnh phấn đấu nâng số xã đạt chuẩn lên 23 xã, tăng 7 xã so với năm 2016.\n"
    assert [(t, v) for t, v, _ in figures(plan)] == [("target", 23), ("target", 7)]
    money = "Tin huyện\n\nĐến nay, thu nhập đạt 102 triệu đồng/người/năm (tăng hơn 58 triệu đồng so với năm 2017).\n"
    assert {t for t, *_ in figures(money)} == {"status"}


def test_money_already_approved_is_funding_not_a_result():
    text = ("Công văn\nNgày 13/3/2023\nTổng kế hoạch vốn ngân sách trung ương giai đoạn 2021-2025 là 32.050 tỷ đồng (gồm: "
            "30.000 tỷ đồng vốn trong nước đã được Quốc hội phê duyệt và 2.050 tỷ đồng vốn nước ngoài bổ sung).\n")
    assert records(text, "status") == []
    assert sorted(f.amount_vnd for f in records(text, "funding")) == [2_050_000_000_000, 30_000_000_000_000, 32_050_000_000_000]


def test_a_fraction_in_words():
    assert figures("Tin tỉnh\n\nĐến nay, tỉnh có 185 trong tổng số 220 xã đạt chuẩn nông thôn mới.\n") == [("status", 185, "xã")]


def test_the_whole_societys_investment_is_an_indicator_not_funding():
    text = PLAN + "I. MỤC TIÊU\n- Tổng huy động vốn đầu tư phát triển thời kỳ 2021-2025: 5.000 tỷ đồng.\n"
    assert records(text, "funding") == [] and [(t, v) for t, v, _ in figures(text)] == [("target", 5000)]


def test_what_a_resolution_counts_and_a_party_bodys_makeup_are_no_records():
    text = ("Đại hội Đảng bộ xã\n\nĐảng bộ xã hiện nay có 25 chi bộ trực thuộc với 790 đảng viên. "
            "Đại hội đã thông qua 16 chỉ tiêu nhiệm kỳ 2020-2025. Xã hiện nay có 16 thôn, giáp các xã Bắc Lương, Nam Giang.\n")
    assert figures(text) == []


def test_thereby_reports_a_result():
    text = ("Xã về đích nông thôn mới\nNgày 20/11/2020\nXã huy động mọi nguồn lực. Qua đó nâng mức thu nhập bình quân đầu người "
            "năm 2020 đạt trên 36 triệu đồng/năm; tỷ lệ hộ nghèo giảm còn 0,64%.\n")
    assert {t for t, *_ in figures(text)} == {"status"}


def test_a_lead_sentence_naming_the_horizon_dates_the_next_sentences_targets():
    text = ("Xã triển khai Nghị quyết\n\nNghị quyết đề ra 25 chỉ tiêu chủ yếu đến năm 2030. "
            "Phấn đấu tốc độ tăng trưởng kinh tế bình quân đạt 12%/năm; thu nhập bình quân đầu người đạt 108 triệu đồng/năm.\n")
    assert [t.year for t in records(text, "target")] == [2030, 2030]


def test_a_range_out_of_the_criteria_set_gives_its_lower_end():
    (s,) = records("Tin huyện\n\nĐến thời điểm này, các xã đều đạt 12-13/19 tiêu chí.\n", "status")
    assert (s.value, s.value_max, s.unit) == (12, 13, "tiêu chí")


def test_a_submission_about_n_communes_is_no_target():
    text = "Kết quả 8 tháng đầu năm 2015\n- Tham mưu Tờ trình xét công nhận 10 xã cho huyện Bình Chánh, bổ sung thêm thành phần.\n"
    assert figures(text) == []


def test_a_year_in_a_sentence_of_results_is_when_it_was_reached_unless_a_plan_word_dates_a_task():
    text = ("Đại hội Đảng bộ xã\n\nTrong đó có các kết quả nổi bật: tỷ lệ hộ nghèo còn 6,95%; xã đạt chuẩn "
            "nông thôn mới vào năm 2018 (hoàn thành sớm 2 năm so với Nghị quyết).\n")
    assert records(text, "deadline") == []
    text = ("Báo cáo\nNgày 18/6/2025\nĐến nay huyện đã đạt 7/9 tiêu chí, còn 02 tiêu chí chưa đạt, "
            "phấn đấu hoàn thành trong năm 2025.\n")
    assert [d.date for d in records(text, "deadline")] == ["2025"]


def test_this_year_is_the_year_the_text_was_written():
    text = "Tin huyện\nNgày 16/10/2023\nPhấn đấu đến hết năm nay, có thêm 2 xã đạt chuẩn nông thôn mới nâng cao.\n"
    (t,) = records(text, "target")
    assert t.year == 2023


def test_a_place_name_before_a_colon_is_no_indicator_label():
    text = REPORT + "I. KẾT QUẢ\nVĩnh Phúc: 100% xã đạt chuẩn nông thôn mới.\n"
    assert all("danh sách chỉ tiêu" not in (r.role_reason or "") for r in records(text))


def test_recognised_by_the_prime_minister_reports_a_result_in_an_article():
    text = "Tổng kết\n\nCả nước có 12 tỉnh được Thủ tướng Chính phủ công nhận hoàn thành nhiệm vụ xây dựng nông thôn mới.\n"
    assert figures(text) == [("status", 12, "tỉnh")]


def test_the_pilot_communes_where_work_is_done_are_no_target():
    text = PLAN + "II. NHIỆM VỤ\nNâng cao chất lượng các tiêu chí tại 6 xã điểm và đẩy mạnh thực hiện tại 50 xã nhân rộng.\n"
    assert figures(text) == []


def test_a_group_of_communes_named_by_a_threshold_is_no_figure():
    text = PLAN + "I. MỤC TIÊU\n- Tỷ lệ số xã đạt dưới 10 tiêu chí còn khoảng 25%; giảm số xã đạt dưới 5 tiêu chí xuống 250 xã.\n"
    assert [(v, u) for _, v, u in figures(text)] == [(25, "%"), (250, "xã")]


def test_the_horizon_in_an_approved_plans_name_is_no_deadline():
    text = ("QUYẾT ĐỊNH\nPhê duyệt Đề án\nĐiều 1. Phê duyệt kèm theo Quyết định này Đề án Xây dựng nông thôn mới "
            "tỉnh Sơn La đến năm 2020.\nĐiều 2. Ban Tuyên giáo ban hành hướng dẫn tuyên truyền Kế hoạch này trước ngày 25/8/2012.\n")
    assert [d.date for d in records(text, "deadline")] == ["2012-08-25"]


def test_criteria_still_to_add_are_a_target():
    text = PLAN + "II. NHIỆM VỤ\nPhấn đấu đạt chuẩn thêm 2/19 tiêu chí chưa đạt chuẩn tại 3 xã Xuân Thới Thượng, Tân Nhựt.\n"
    (t,) = records(text, "target")
    assert (t.value, t.unit, t.comparator) == (2, "tiêu chí", "increase")


def test_a_plan_quoted_in_brackets_commits_nothing_after_them():
    text = ("Tin tỉnh\n\nĐồng Tháp hiện có 78 xã đạt chuẩn, vượt chỉ tiêu giai đoạn 2016 - 2020 (chỉ tiêu là 61 xã); "
            "29 xã đạt từ 15 - 18 tiêu chí; 10 xã đạt 14 tiêu chí.\n")
    got = [(t, v) for t, v, _ in figures(text)]
    assert ("status", 29) in got and ("status", 10) in got and ("target", 61) in got


def test_a_floor_cancels_a_news_articles_weak_result_cue_and_a_planned_total_is_a_target():
    text = "Quyết định 442\n\n- Có ít nhất 38 đơn vị cấp huyện được Thủ tướng Chính phủ công nhận đạt chuẩn nông thôn mới;\n"
    assert figures(text) == [("target", 38, "huyện")]
    text = ("Long An\n\nTrong năm 2022, tỉnh phấn đấu có thêm 8 xã được công nhận đạt chuẩn nông thôn mới, "
            "nâng tổng số xã đạt chuẩn lên 27 xã.\n")
    assert [(t, v) for t, v, _ in figures(text)] == [("target", 8), ("target", 27)]


def test_a_dateline_with_a_view_counter_dates_the_page_and_past_year_counts_report():
    text = ("Toàn tỉnh đã cấp xi măng làm đường\n\nThứ Tư, 27/01/2021 Đã xem: 19\n\n"
            "Trong năm 2020 có 07 xã được công nhận đạt chuẩn NTM; 06 xã được công nhận đạt chuẩn NTM kiểu mẫu, "
            "trong đó các xã đã tổ chức lễ công bố theo quy định.\n")
    (doc,) = extract_text(text)
    assert doc.meta.date == "2021-01-27"
    assert [(t, v) for t, v, _ in figures(text)] == [("status", 7), ("status", 6)]


def test_statistics_a_month_cut_off_and_mới_có_report_results():
    text = ("Nước sạch nông thôn\n\nTheo số liệu thống kê, năm 2025, tỷ lệ dân số nông thôn được sử dụng nước sạch đạt 98,66%, "
            "hoàn thành 100% kế hoạch đề ra. Tính đến tháng 8/2024, sở nêu rõ, mới có 13 sản phẩm đạt OCOP 3 sao.\n")
    assert {t for t, *_ in figures(text)} == {"status"}


def test_a_result_written_beside_the_plans_figure():
    text = "Tổng kết\n\nTỷ lệ xã đạt chuẩn nông thôn mới 79,3%/ chỉ tiêu 80%, tăng 10,6% so với cuối năm 2021.\n"
    assert [(t, v) for t, v, _ in figures(text)] == [("status", 79.3), ("target", 80), ("status", 10.6)]


def test_ti_is_ty_and_money_already_invested_is_a_result():
    text = ("Khen thưởng\n\nTổng kinh phí khen thưởng 1.259 tỉ đồng, trong đó 638 tỉ đồng từ ngân sách trung ương; "
            "445,8 tỉ đồng từ ngân sách địa phương và 175,2 tỉ đồng huy động.\n")
    assert sorted(f.amount_vnd for f in records(text, "funding")) == [175_200_000_000, 445_800_000_000, 638_000_000_000,
                                                                    1_259_000_000_000]
    spent = "Giao thông nông thôn\n\nNăm 2015, tỉnh Vĩnh Long đã đầu tư gần 119 tỷ đồng làm đường giao thông nông thôn.\n"
    assert records(spent, "funding") == [] and [(s.value, s.unit) for s in records(spent, "status")] == [(119, "tỷ đồng")]


def test_an_allocation_rules_groups_are_no_results_and_a_spans_start_is_not_its_date():
    text = ("Phân bổ vốn\n\nHệ số phân bổ theo nhóm xã:\n+ Xã đạt dưới 15 tiêu chí, xã an toàn khu: Hệ số 5,0.\n"
            "+ Xã đạt từ 15 đến 18 tiêu chí: Hệ số 3,0.\n")
    assert figures(text) == []
    text = "Xi măng làm đường\nNgày 20/6/2018\nTừ năm 2013 đến nay, tỉnh đã hỗ trợ 145 nghìn tấn xi măng, làm gần 770 km đường.\n"
    assert {s.as_of for s in records(text, "status")} == {"2018-06-20"}


def test_a_reward_level_is_an_item_not_a_share_of_the_total():
    text = ("Khen thưởng\n\nTổng kinh phí khen thưởng 1.259 tỉ đồng.\n\nVề mức khen thưởng, với cấp tỉnh, thưởng công trình "
            "phúc lợi trị giá 30 tỉ đồng; với cấp huyện, thưởng công trình phúc lợi trị giá 10 tỉ đồng.\n")
    assert [(f.amount_vnd, f.role) for f in records(text, "funding")] == [
        (1_259_000_000_000, "total"), (30_000_000_000, "item"), (10_000_000_000, "item")]


def test_a_planned_change_far_from_phan_dau_and_an_ellipsis_sentence_end():
    text = ("Nông thôn mới\n\nNăm 2018, cả nước phấn đấu có ít nhất 37-38% số xã (khoảng 3.300-3.400 xã) đạt chuẩn "
            "nông thôn mới, tăng khoảng 5% so với năm 2017.\n")
    assert ("target", 5, "%") in figures(text)
    text = ("Thu nhập\n\nNăm 2024, thu nhập ở 7/7 xã đạt hơn 102 triệu đồng/người/năm (tăng hơn 58 triệu đồng so với "
            "năm 2017)… Sau 7 năm nỗ lực và phấn đấu, huyện đã hoàn thành các tiêu chí.\n")
    assert [t for t, v, _ in figures(text) if v in (102, 58)] == ["status", "status"]


def test_one_of_the_first_provinces_is_a_ranking_that_reports_a_result():
    text = "Tin tỉnh\n\nVĩnh Phúc là 1 trong 9 tỉnh đầu tiên trong cả nước có 100% xã đạt chuẩn nông thôn mới.\n"
    assert figures(text) == [("status", 100, "%")]
