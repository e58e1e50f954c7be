"""Split stage: documents of one file, front matter of one document."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from extractor.model import Block, RawText
from extractor.normalise import normalise
from extractor.split import front_matter, heading_type, split_documents

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def norm(raw: str) -> str:
    return normalise(RawText(path="x.txt", format="txt", blocks=[Block(text=raw)])).text


def parts_of(text: str) -> list[str]:
    return [text[a:b] for a, b in split_documents(text)]


# --------------------------------------------------------------------------- synthetic

COVER_AND_PLAN = """HƯỚNG DẪN
Tuyên truyền Kế hoạch số 15-KH/TU, ngày 10/4/2023 của Ban Thường vụ Tỉnh ủy

Thực hiện Kế hoạch số 15-KH/TU, ngày 10/4/2023 của Ban Thường vụ Tỉnh ủy, Ban Tuyên giáo hướng dẫn công tác tuyên truyền như sau:
I. NỘI DUNG
1. Tuyên truyền sâu rộng mục tiêu xây dựng nông thôn mới đến từng thôn, bản.
2. Biểu dương các mô hình dân vận khéo trong xây dựng nông thôn mới.
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
Các cấp ủy quán triệt và tổ chức thực hiện Kế hoạch này./.
Nơi nhận:
- Các huyện ủy, thành ủy,
- Lưu Văn phòng Tỉnh ủy.
T/M BAN THƯỜNG VỤ
BÍ THƯ
"""

ONE_PLAN = """ỦY BAN NHÂN DÂN
HUYỆN YÊN CHÂU
Số: 41/KH-UBND
KẾ HOẠCH
Xây dựng nông thôn mới năm 2026

Căn cứ Kế hoạch số 9/KH-UBND ngày 02/01/2026 của UBND tỉnh Sơn La;
I. MỤC TIÊU
1. Có thêm 02 xã đạt chuẩn; Kế hoạch này là cơ sở để các xã xây dựng kế hoạch của mình.
V. KẾ HOẠCH VỐN
Tổng vốn dự kiến 12.500 triệu đồng.
KẾ HOẠCH
VI. TỔ CHỨC THỰC HIỆN
Các phòng, ban triển khai thực hiện Kế hoạch này./.
Nơi nhận:
- UBND các xã;
- Lưu: VT.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Hoàng Văn Nam
PHỤ LỤC I
KẾ HOẠCH
(Kèm theo Kế hoạch số 41/KH-UBND của UBND huyện)
Xã | Tiêu chí | Năm
Chiềng Hặc | 19/19 | 2026
Biểu số 02
KẾ HOẠCH
Nội dung | Vốn
"""

TWO_WITH_LETTERHEADS = """ỦY BAN NHÂN DÂN
XÃ TẢ VAN
Số: 5/KH-UBND
KẾ HOẠCH
Giữ vững tiêu chí nông thôn mới năm 2026
I. MỤC TIÊU
Duy trì 19/19 tiêu chí.
ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
XÃ TẢ VAN Độc lập - Tự do - Hạnh phúc
Số: 6/BC-UBND
BÁO CÁO
Kết quả thực hiện nông thôn mới quý I năm 2026
I. KẾT QUẢ
Đã hoàn thành 3 công trình.
"""


def test_two_document_file_splits_after_closing_block():
    text = norm(COVER_AND_PLAN)
    ranges = split_documents(text)
    assert len(ranges) == 2
    assert ranges[0][0] == 0 and ranges[-1][1] == len(text)
    assert ranges[0][1] == ranges[1][0]
    first, second = parts_of(text)
    assert first.startswith("HƯỚNG DẪN")
    assert "Lê Thị Hoa" in first
    assert second.startswith("KẾ HOẠCH")


def test_single_plan_with_ke_hoach_words_and_appendices_stays_one():
    text = norm(ONE_PLAN)
    assert split_documents(text) == [(0, len(text))]


def test_letterhead_block_starts_the_next_document_even_without_closing():
    text = norm(TWO_WITH_LETTERHEADS)
    first, second = parts_of(text)
    assert second.startswith("ỦY BAN NHÂN DÂN CỘNG HÒA")
    assert "BÁO CÁO" in second and "BÁO CÁO" not in first


def test_letterhead_of_the_attachment_goes_with_it():
    raw = COVER_AND_PLAN.replace("KẾ HOẠCH\nThực hiện Chương", "TỈNH ỦY HÀ GIANG\nSố 15-KH/TU\nKẾ HOẠCH\nThực hiện Chương")
    first, second = parts_of(norm(raw))
    assert second.startswith("TỈNH ỦY HÀ GIANG")
    assert first.rstrip().endswith("Lê Thị Hoa")


def test_empty_and_headingless_text():
    assert split_documents("") == [(0, 0)]
    t = "Một đoạn văn không có tiêu đề văn bản.\nĐoạn thứ hai."
    assert split_documents(t) == [(0, len(t))]


def test_heading_type_only_for_bare_type_lines():
    assert heading_type("KẾ HOẠCH") == "KẾ HOẠCH"
    assert heading_type("**HƯỚNG DẪN**") == "HƯỚNG DẪN"
    assert heading_type("V. KẾ HOẠCH VỐN") is None
    assert heading_type("Kế hoạch này") is None
    assert heading_type("KẾ HOẠCH VỐN") is None


def test_front_matter_spans():
    text = norm(ONE_PLAN)
    fm = front_matter(text)
    assert fm.doc_type == "KẾ HOẠCH"
    assert text[fm.title[0] : fm.title[1]] == "Xây dựng nông thôn mới năm 2026"
    assert text[fm.preamble[0] : fm.preamble[1]].startswith("Căn cứ Kế hoạch số 9/KH-UBND")
    assert text[fm.letterhead[0] : fm.letterhead[1]].startswith("ỦY BAN NHÂN DÂN")
    assert text[fm.closing[0] :].startswith("Nơi nhận")


def test_nfd_input_splits_the_same_after_normalise():
    nfc = norm(COVER_AND_PLAN)
    nfd = norm(unicodedata.normalize("NFD", COVER_AND_PLAN))
    assert nfd == nfc
    assert split_documents(nfd) == split_documents(nfc)


# --------------------------------------------------------------------------- seeds


def _seed_texts() -> dict[str, str]:
    out = {}
    for p in sorted(SEEDS.glob("*.txt")):
        out[p.name[:3]] = norm(p.read_text(encoding="utf-8"))
    return out


@pytest.mark.skipif(not SEEDS.is_dir(), reason="shared seeds not available")
def test_seeds_give_six_documents():
    texts = _seed_texts()
    counts = {k: len(split_documents(t)) for k, t in texts.items()}
    assert counts == {"000": 1, "001": 1, "002": 2, "003": 1, "004": 1}
    first, second = parts_of(texts["002"])
    assert first.startswith("HƯỚNG DẪN")
    assert "(Gửi kèm Kế hoạch số 47-KH/TU" in first
    assert second.startswith("KẾ HOẠCH")


# --------------------------------------------------------------------------- line kinds (prechecked)


@pytest.mark.parametrize(
    "line, kind",
    [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "motto"),
        ("ÐẢNG CỘNG SẢN VIỆT NAM", "motto"),  # Icelandic Ð for Đ: canonical() mends it
        ("Độc lập - Tự do - Hạnh phúc", "motto"),
        ("Số: 27 /KH-UBND", "number"),
        ("Lạc Dương, ngày 05 tháng 7 năm 2022", "date"),
        ("TP. Pleiku, ngày 1/2/2023", "date"),
        ("UBND HUYỆN BẢO LÂM", "org"),
        ("*% ỦY BAN NHÂN DÂN", "org"),
        ("TM. ỦY BAN NHÂN DÂN", None),
        ("* ,", "mark"),
        ("Căn cứ Quyết định số 263/QĐ-TTg", None),
        ("- Lưu VT.", None),
    ],
)
def test_letterhead_kind(line, kind):
    from extractor.split import letterhead_kind

    assert letterhead_kind(line) == kind
    assert letterhead_kind(unicodedata.normalize("NFD", line)) == kind


def test_closing_lines():
    from extractor.split import is_closing_line, is_signature_line

    assert is_signature_line("KT. CHỦ TỊCH") and not is_signature_line("Kt. Chủ tịch")
    assert is_closing_line("Tổ chức thực hiện./.") and is_closing_line("trước ngày 30/6. Nơi nhận: - Như trên;")
    assert not is_closing_line("Tỷ lệ 3/5 xã đạt chuẩn")
