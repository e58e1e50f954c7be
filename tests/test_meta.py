"""Meta stage and citations: every fallback on small synthetic documents, then the seeds."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from extractor import rules
from extractor.citations import extract_citations, normalise_number
from extractor.meta import extract_meta, extract_metas, period_of
from extractor.model import Block, RawText
from extractor.normalise import normalise
from extractor.split import split_documents

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def norm(raw: str) -> str:
    return normalise(RawText(path="x.txt", format="txt", blocks=[Block(text=raw)])).text


# --------------------------------------------------------------------------- full letterhead

FULL = """UBND HUYỆN BẢO LÂM CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
ỦY BAN NHÂN DÂN XÃ LÝ BÔN Độc lập - Tự do - Hạnh phúc
Số: 27 /KH-UBND Lý Bôn, ngày 12 tháng 3 năm 2024
KẾ HOẠCH
Duy trì và nâng cao chất lượng các tiêu chí xã nông thôn mới năm 2024

Căn cứ Quyết định số 318/QĐ-TTg ngày 08/3/2022 của Thủ tướng Chính phủ về Bộ tiêu chí quốc gia về xã nông thôn mới;
Ủy ban nhân dân xã ban hành kế hoạch như sau:
I. MỤC TIÊU
Giữ vững 19/19 tiêu chí, tập trung vào tiêu chí thu nhập.
II. TỔ CHỨC THỰC HIỆN
Các ban, ngành, đoàn thể xã và trưởng các xóm tổ chức thực hiện./.
Nơi nhận:
- UBND huyện (b/c);
- Các xóm;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Nông Văn Sáng
"""


def test_full_letterhead():
    m = extract_meta(norm(FULL))
    assert m.doc_type == "KẾ HOẠCH"
    assert m.number == "27/KH-UBND"
    assert m.date == "2024-03-12"
    assert m.issuer == "UBND xã Lý Bôn"
    assert (m.level, m.commune, m.district) == ("xa", "Lý Bôn", "Bảo Lâm")
    # Bảo Lâm is a district of two provinces; the commune settles it
    assert m.province == "Cao Bằng"
    assert m.title == "Duy trì và nâng cao chất lượng các tiêu chí xã nông thôn mới năm 2024"
    assert m.period == "2024"
    assert m.signer == "Nông Văn Sáng"
    for f in ("number", "date", "issuer", "level", "commune", "district"):
        assert m.provenance[f] == "letterhead", f
    assert m.provenance["signer"] == "signature"
    # the letterhead number is not a citation
    assert [c.number for c in m.cites] == ["318/QĐ-TTg"]
    assert m.cites[0].relation == "implements"


def test_nfd_input_gives_the_same_meta():
    a = extract_meta(norm(FULL))
    b = extract_meta(norm(unicodedata.normalize("NFD", FULL)))
    assert a == b


def test_party_letterhead_number_with_space():
    raw = """ĐẢNG BỘ TỈNH SƠN LA ĐẢNG CỘNG SẢN VIỆT NAM
HUYỆN ỦY YÊN CHÂU Yên Châu, ngày 9 tháng 10 năm 2023
Số 112 -KH/HU
KẾ HOẠCH
Lãnh đạo xây dựng nông thôn mới giai đoạn 2023-2025
I. MỤC ĐÍCH
Tăng cường sự lãnh đạo của cấp ủy.
"""
    m = extract_meta(norm(raw))
    assert (m.number, m.date) == ("112-KH/HU", "2023-10-09")
    assert m.issuer == "Huyện ủy Yên Châu"
    assert (m.level, m.province, m.district, m.commune) == ("huyen", "Sơn La", "Yên Châu", None)
    assert m.period == "2023-2025"
    assert m.signer is None


# --------------------------------------------------------------------------- lost letterhead + signature

LOST = """KẾ HOẠCH
Phát triển sản xuất gắn với xây dựng nông thôn mới trên địa bàn huyện giai đoạn 2026 - 2030
I. MỤC TIÊU
1. Có thêm 02 xã đạt chuẩn nông thôn mới nâng cao theo Quyết định số 25/2022/QĐ-UBND ngày 05/8/2022 của UBND tỉnh Kon Tum.
2. Phối hợp với Trung tâm Y tế Đăk Hà hoàn thành tiêu chí y tế tại các xã.
II. TỔ CHỨC THỰC HIỆN
Các phòng, ban và UBND các xã triển khai thực hiện./.
Nơi nhận:
- Sở Nông nghiệp và PTNT (b/c);
- UBND các xã;
- Lưu: VT.
TM. UỶ BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Trần Văn Bình
"""


def test_lost_letterhead_signature_title_and_places_in_text():
    m = extract_meta(norm(LOST))
    assert (m.number, m.date) == (None, None)
    assert m.level == "huyen" and m.provenance["level"] == "title"
    assert m.province == "Kon Tum" and m.provenance["province"] == "body"
    # the only district of Kon Tum the text names (spelt "Đăk", listed as "Đắk")
    assert m.district == "Đắk Hà" and m.provenance["district"] == "body"
    assert m.issuer == "UBND huyện Đắk Hà"
    assert m.provenance["issuer"] == "signature+body"
    assert m.signer == "Trần Văn Bình"
    assert m.period == "2026-2030"


def test_district_not_guessed_when_the_text_does_not_name_it():
    m = extract_meta(norm(LOST.replace("Trung tâm Y tế Đăk Hà", "Trung tâm Y tế huyện")))
    assert (m.level, m.province, m.district) == ("huyen", "Kon Tum", None)
    assert m.issuer == "UBND huyện"
    assert "district" not in m.provenance


def test_party_standing_committee_signature():
    raw = """KẾ HOẠCH
Tổ chức quán triệt chương trình xây dựng nông thôn mới
Ban Thường vụ Huyện ủy Sa Thầy ban hành kế hoạch thực hiện như sau:
I. MỤC ĐÍCH
Nâng cao nhận thức của cán bộ, đảng viên.
Nơi nhận:
- Các TCCS đảng,
- Lưu Văn phòng Huyện ủy.
T/M BAN THƯỜNG VỤ
BÍ THƯ
"""
    m = extract_meta(norm(raw))
    assert m.issuer == "Ban Thường vụ Huyện ủy Sa Thầy"
    assert m.provenance["issuer"] == "body"
    assert (m.level, m.district, m.province) == ("huyen", "Sa Thầy", "Kon Tum")
    assert m.provenance["province"] == "gazetteer"


# --------------------------------------------------------------------------- displaced letterhead

DISPLACED = """KẾ HOẠCH
Thực hiện các tiêu chí nông thôn mới năm 2026 trên địa bàn huyện
Căn cứ Nghị quyết số 14/NQ-HĐND ngày 20/12/2025 của HĐND huyện về nhiệm vụ năm 2026;
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Nâng cao chất lượng các tiêu chí đã đạt.
ỦY BAN NHÂN DÂN
HUYỆN YÊN CHÂU
2. Yêu cầu
Các xã chủ động bố trí nguồn lực.
Nơi nhận:
- Lưu: VT.
CHỦ TỊCH
Cầm Văn Thanh
"""


def test_displaced_letterhead():
    m = extract_meta(norm(DISPLACED))
    assert m.issuer == "UBND huyện Yên Châu"
    assert m.provenance["issuer"] == "letterhead_displaced"
    assert (m.level, m.district) == ("huyen", "Yên Châu")
    assert m.province == "Sơn La" and m.provenance["province"] == "gazetteer"
    assert m.signer == "Cầm Văn Thanh"
    assert m.period == "2026"


# --------------------------------------------------------------------------- title only

def test_title_only_place():
    raw = """KẾ HOẠCH
Xây dựng xã nông thôn mới nâng cao trên địa bàn xã Tả Van năm 2026
I. MỤC TIÊU
Hoàn thành các tiêu chí còn thiếu.
"""
    m = extract_meta(norm(raw))
    assert (m.level, m.commune) == ("xa", "Tả Van")
    assert m.provenance["commune"] == "title" and m.provenance["level"] == "title"
    assert (m.province, m.district) == ("Lào Cai", "Sa Pa")
    assert m.provenance["district"] == "gazetteer"
    assert m.issuer is None  # nothing tells who issued it
    assert m.signer is None and m.number is None


# --------------------------------------------------------------------------- attachment note

COVER_AND_PLAN = """HƯỚNG DẪN
Tuyên truyền Kế hoạch số 15-KH/TU, ngày 10/4/2023 của Ban Thường vụ Tỉnh ủy
Thực hiện Kế hoạch số 15-KH/TU, ngày 10/4/2023 của Ban Thường vụ Tỉnh ủy, Ban Tuyên giáo hướng dẫn như sau:
I. NỘI DUNG
1. Tuyên truyền sâu rộng mục tiêu xây dựng nông thôn mới.
(Gửi kèm Kế hoạch số 15-KH/TU, ngày 10/4/2023 của Tỉnh ủy)
Nơi nhận:
- Các chi bộ trực thuộc,
- Lưu VPHU, BTGHU.
K/T TRƯỞNG BAN
PHÓ TRƯỞNG BAN
Lê Thị Hoa
KẾ HOẠCH
Thực hiện Chương trình xây dựng nông thôn mới tỉnh Hà Giang giai đoạn 2021 - 2025
I. MỤC ĐÍCH, YÊU CẦU
1. Huy động mọi nguồn lực để tỉnh Hà Giang hoàn thành các mục tiêu đề ra.
II. TỔ CHỨC THỰC HIỆN
Các cấp ủy tổ chức thực hiện Kế hoạch này./.
Nơi nhận:
- Các huyện ủy, thành ủy,
- Lưu Văn phòng Tỉnh ủy.
T/M BAN THƯỜNG VỤ
BÍ THƯ
"""


def test_attachment_note_and_two_document_file():
    text = norm(COVER_AND_PLAN)
    cover, plan = extract_metas(text)
    assert cover.doc_type == "HƯỚNG DẪN"
    assert cover.issuer == "Ban Tuyên giáo Huyện ủy"
    assert cover.provenance["issuer"] == "signature+recipients"
    assert cover.level == "huyen" and cover.signer == "Lê Thị Hoa"
    note = [c for c in cover.cites if c.relation == "attached"]
    assert len(note) == 1 and note[0].number == "15-KH/TU" and note[0].issuer == "Tỉnh ủy"
    assert [c.relation for c in cover.cites[:2]] == ["implements", "implements"]

    assert plan.doc_type == "KẾ HOẠCH"
    assert (plan.number, plan.date) == ("15-KH/TU", "2023-04-10")
    assert plan.provenance["number"] == plan.provenance["date"] == "attachment_note"
    assert plan.level == "tinh" and plan.province == "Hà Giang"
    assert plan.issuer == "Tỉnh ủy Hà Giang"
    assert plan.district is None and plan.commune is None
    assert plan.attached_to is None  # the cover has no number
    # without the cover the plan has no number
    a, b = split_documents(text)[1]
    assert extract_meta(text[a:b]).number is None


# --------------------------------------------------------------------------- citations


def test_citation_forms():
    t = (
        "Căn cứ Quyết định số 1234/QĐ-TTg ngày 05/01/2021 của Thủ tướng Chính phủ về phê duyệt đề án; "
        "Nghị quyết số 25/2021/QH15, ngày 28/7/2021 của Quốc hội và Chỉ thị 07-CT/TU ngày 3/2/2019 của "
        "Ban Thường vụ Tỉnh ủy (đã được sửa đổi).\n"
        "Theo Quyết định số 700/QĐ-TTg ngày 04 tháng 6 năm 2020, Quyết định số 88/QĐ- ĐCT, ngày 1/2/2023 "
        "của Hội Liên hiệp phụ nữ Việt Nam hướng dẫn thực hiện; các Quyết định số 11/QĐ-UBND, 12/QĐ-UBND "
        "và 13/QĐ-UBND ngày 31/02/2024 của UBND tỉnh Lào Cai, Bộ Nông nghiệp và Phát triển nông thôn."
    )
    cs = extract_citations(t)
    got = [(c.doc_type, c.number, c.date, c.issuer) for c in cs]
    assert got == [
        ("QUYẾT ĐỊNH", "1234/QĐ-TTg", "2021-01-05", "Thủ tướng Chính phủ"),
        ("NGHỊ QUYẾT", "25/2021/QH15", "2021-07-28", "Quốc hội"),
        ("CHỈ THỊ", "07-CT/TU", "2019-02-03", "Ban Thường vụ Tỉnh ủy"),
        ("QUYẾT ĐỊNH", "700/QĐ-TTg", "2020-06-04", None),
        ("QUYẾT ĐỊNH", "88/QĐ-ĐCT", "2023-02-01", "Hội Liên hiệp phụ nữ Việt Nam"),
        ("QUYẾT ĐỊNH", "11/QĐ-UBND", None, None),
        ("QUYẾT ĐỊNH", "12/QĐ-UBND", None, None),
        ("QUYẾT ĐỊNH", "13/QĐ-UBND", None, "UBND tỉnh Lào Cai"),  # 31/02 is no date
    ]
    for c in cs:
        assert t[c.start : c.end] == c.quote
        assert c.quote.split()[0] in ("Quyết", "Nghị", "Chỉ") or c.quote[0].isdigit()
    assert cs[1].quote == "Nghị quyết số 25/2021/QH15, ngày 28/7/2021 của Quốc hội"
    # "Căn cứ" paragraph at the start -> implements, later paragraph -> mentions
    assert [c.relation for c in cs[:3]] == ["implements"] * 3
    assert {c.relation for c in cs[3:]} == {"mentions"}


def test_same_document_cited_twice_gives_two_citations():
    t = (
        "KẾ HOẠCH\nThực hiện Kế hoạch số 9-KH/TU của Tỉnh ủy\n"
        "I. MỤC TIÊU\nBám sát Kế hoạch số 9-KH/TU, ngày 2/3/2022 của Tỉnh ủy.\n"
        "II. NHIỆM VỤ\nTheo Kế hoạch số 9-KH/TU, ngày 2/4/2022 của Tỉnh ủy.\n"
    )
    cs = extract_citations(t)
    assert [(c.number, c.date, c.relation) for c in cs] == [
        ("9-KH/TU", None, "implements"),
        ("9-KH/TU", "2022-03-02", "mentions"),
        ("9-KH/TU", "2022-04-02", "mentions"),
    ]


def test_number_and_period_helpers():
    assert normalise_number("65 -KH/HU") == "65-KH/HU"
    assert normalise_number("94/QĐ- ĐCT") == "94/QĐ-ĐCT"
    assert normalise_number("12/KH-UBND") == "12/KH-UBND"
    assert period_of("xây dựng nông thôn mới giai đoạn 2021 - 2025") == "2021-2025"
    assert period_of("huyện Thạch An năm 2025") == "2025"
    assert period_of("đạt chuẩn trước năm 2025") is None
    assert period_of("Kế hoạch số 4-KH/TU ngày 3 tháng 6 năm 2022") is None


def test_rules_dir_override(tmp_path, monkeypatch):
    (tmp_path / "demo.yml").write_text("a: 1\n", encoding="utf-8")
    monkeypatch.setenv("KEHOACH_RULES", str(tmp_path))
    rules.clear_cache()
    try:
        assert rules.load_rules("demo") == {"a": 1}
        with pytest.raises(FileNotFoundError):
            rules.load_rules("places")
    finally:
        monkeypatch.delenv("KEHOACH_RULES")
        rules.clear_cache()
    assert len(rules.load_rules("places")["provinces"]) == 63


# --------------------------------------------------------------------------- seeds


@pytest.fixture(scope="module")
def seed_metas():
    if not SEEDS.is_dir():
        pytest.skip("shared seeds not available")
    out = {}
    for p in sorted(SEEDS.glob("*.txt")):
        text = norm(p.read_text(encoding="utf-8"))
        out[p.name[:3]] = extract_metas(text)
    return out


def test_seed_000(seed_metas):
    (m,) = seed_metas["000"]
    assert (m.doc_type, m.number, m.date, m.level) == ("KẾ HOẠCH", "65-KH/HU", "2022-07-05", "huyen")
    assert any(c.number == "47-KH/TU" and c.date == "2022-06-03" for c in m.cites)
    assert (m.issuer, m.province, m.district) == ("Huyện ủy Lạc Dương", "Lâm Đồng", "Lạc Dương")


def test_seed_002(seed_metas):
    cover, plan = seed_metas["002"]
    assert cover.doc_type == "HƯỚNG DẪN"
    assert (plan.number, plan.date, plan.level, plan.province) == ("47-KH/TU", "2022-06-03", "tinh", "Lâm Đồng")
    assert plan.provenance["number"] == "attachment_note"
    # the attachment cites 263/QĐ-TTg with two different dates: both are kept
    dates = {c.date for c in plan.cites if c.number == "263/QĐ-TTg"}
    assert dates == {"2022-02-22", "2022-03-22"}


def test_seed_003(seed_metas):
    (m,) = seed_metas["003"]
    assert (m.level, m.district, m.province) == ("huyen", "Thạch An", "Cao Bằng")
    assert m.signer == "Nông Thế Phúc"
    assert any(c.number == "94/QĐ-ĐCT" for c in m.cites)


def test_seed_004(seed_metas):
    (m,) = seed_metas["004"]
    assert (m.level, m.commune, m.province) == ("xa", "Thu Lũm", "Lai Châu")


def test_seed_001(seed_metas):
    (m,) = seed_metas["001"]
    assert (m.level, m.province) == ("huyen", "Gia Lai")


# --------------------------------------------------------------------------- more letterheads


def test_central_decision_enacting_line_does_not_split():
    raw = """THỦ TƯỚNG CHÍNH PHỦ
Số: 501/QĐ-TTg
QUYẾT ĐỊNH
Phê duyệt Đề án phát triển du lịch nông thôn giai đoạn 2026 - 2030
THỦ TƯỚNG CHÍNH PHỦ
Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;
QUYẾT ĐỊNH:
Điều 1. Phê duyệt Đề án.
"""
    text = norm(raw)
    (m,) = extract_metas(text)
    assert (m.doc_type, m.number, m.level) == ("QUYẾT ĐỊNH", "501/QĐ-TTg", "trung_uong")
    assert m.issuer == "Thủ tướng Chính phủ"
    assert (m.province, m.district, m.commune) == (None, None, None)
    assert m.period == "2026-2030"


def test_department_under_province_and_numeric_date():
    raw = """UBND TỈNH SƠN LA
SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG
Số: 77/HD-SNNMT Sơn La, ngày 5/7/2025
HƯỚNG DẪN
Thực hiện tiêu chí môi trường năm 2025
I. NỘI DUNG
Các xã rà soát tiêu chí.
"""
    m = extract_meta(norm(raw))
    assert m.issuer == "Sở Nông nghiệp và Môi trường tỉnh Sơn La"
    assert (m.level, m.province, m.date) == ("tinh", "Sơn La", "2025-07-05")


def test_city_units():
    tpl = "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ {}\nSố: 3/KH-UBND\nKẾ HOẠCH\nXây dựng nông thôn mới năm 2026\nI. MỤC TIÊU\n"
    a = extract_meta(norm(tpl.format("HẢI PHÒNG")))
    assert (a.level, a.province, a.district, a.issuer) == ("tinh", "Hải Phòng", None, "UBND thành phố Hải Phòng")
    b = extract_meta(norm(tpl.format("PLEIKU")))
    assert (b.level, b.province, b.district, b.issuer) == ("huyen", "Gia Lai", "Pleiku", "UBND thành phố Pleiku")


def test_caps_body_line_naming_no_place_is_no_displaced_letterhead():
    raw = """KẾ HOẠCH
Nâng cao chất lượng tiêu chí giáo dục
I. NHIỆM VỤ
UBND CÁC XÃ
Rà soát cơ sở vật chất trường học.
"""
    m = extract_meta(norm(raw))
    assert m.issuer is None and m.level is None and m.provenance.get("issuer") is None


def test_finditer_at_words_same_as_finditer():
    """The word-cued scan finds what the pattern's own scan finds, in any case, in any window."""
    from extractor.citations import _patterns, finditer_at_words
    from extractor.normalise import canonical

    p = _patterns()
    text = canonical(norm(FULL + "\nTHỰC HIỆN KẾ HOẠCH SỐ 47-KH/TU, NGÀY 03/6/2022 CỦA TỈNH ỦY\nhướng dẫn số 12/HD-UBND; İ Quyết định 5/QĐ-UB"))
    for a, b in [(0, len(text)), (10, len(text) - 5), (40, 200)]:
        want = [m.span() for m in p["typed"].finditer(text, a, b)]
        assert [m.span() for m in finditer_at_words(p["typed"], text, p["typed_cue"], a, b)] == want
    assert len(list(finditer_at_words(p["typed"], text, p["typed_cue"]))) >= 3
