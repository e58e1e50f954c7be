"""Legacy Vietnamese font encodings: TCVN3 (ABC, .VnTime) and VNI-Windows."""

import unicodedata

import pytest

from extractor.read import legacy, read_file

TONES = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]
VOWELS = "aăâeêioôơuưy"
EVERY = " ".join(unicodedata.normalize("NFC", v + t) for v in VOWELS for t in TONES) + " đ"
SENTENCE = (
    "Cộng hoà xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc. "
    "Kế hoạch xây dựng nông thôn mới giai đoạn 2021-2025: phấn đấu 100% số xã đạt chuẩn, "
    "bẳng lặng, khuỷu tay, thuở ấy, quyển sổ, Nguyễn Văn Tỵ, ngoẹo, khuya, rượu, người."
)


def test_vni_every_tone_every_vowel_both_cases():
    text = EVERY + " " + EVERY.upper()
    encoded = legacy.from_unicode(text, "vni")
    assert legacy.to_unicode(encoded, "vni") == text


def test_vni_characters_viparse_missed():
    assert legacy.from_unicode("ẳ Ẳ ỵ Ỵ", "vni") == "aú AÚ î Î"
    assert legacy.to_unicode("baúng Tî", "vni") == "bẳng Tỵ"


def test_tcvn3_every_tone_every_vowel():
    # TCVN3 has codes for lower-case toned letters and upper-case bare Ă Â Ê Ô Ơ Ư Đ only
    text = EVERY + " Ă Â Ê Ô Ơ Ư Đ"
    encoded = legacy.from_unicode(text, "tcvn3")
    assert encoded.isascii() is False and all(ord(c) < 256 for c in encoded)
    assert legacy.to_unicode(encoded, "tcvn3") == text


def test_tcvn3_heading_typed_in_vntimeh_regains_capitals():
    heading = "KẾ HOẠCH XÂY DỰNG NÔNG THÔN MỚI"
    encoded = legacy.from_unicode(heading, "tcvn3")
    assert encoded == "KÕ HO¹CH X¢Y DùNG N¤NG TH¤N MíI"
    assert legacy.to_unicode(encoded, "tcvn3") == heading
    # a title-case word next to ordinary words stays as it is
    assert legacy.to_unicode("UBND X· T©n Phó", "tcvn3") == "UBND Xã Tân Phú"


@pytest.mark.parametrize("enc", ["tcvn3", "vni"])
def test_sentence_round_trip_and_detection(enc):
    encoded = legacy.from_unicode(SENTENCE, enc)
    assert legacy.detect(encoded) == enc
    text, found = legacy.fix(encoded)
    assert found == enc and text == SENTENCE


@pytest.mark.parametrize(
    "text",
    [
        SENTENCE,
        unicodedata.normalize("NFD", SENTENCE),
        "The quick brown fox jumps over the lazy dog. Naïve café résumé, Müller, Straße, façade.",
        "Le château était très élégant, où l'été dure; über Köln; señor Peña, São Paulo.",
        "Tổng kinh phí: 1.234,5 triệu đồng (ngân sách Trung ương 40%).",
        "Hà Nội",
    ],
)
def test_detection_leaves_unicode_and_other_languages_alone(text):
    assert legacy.detect(text) is None
    assert legacy.fix(text) == (text, None)


@pytest.mark.parametrize("enc", ["tcvn3", "vni"])
def test_txt_file_in_legacy_bytes(tmp_path, enc):
    p = tmp_path / f"{enc}.txt"
    p.write_bytes(legacy.from_unicode(SENTENCE, enc).encode("cp1252"))
    raw = read_file(p)
    assert raw.encoding == enc
    assert raw.blocks[0].text == SENTENCE


def test_legacy_text_saved_as_utf8(tmp_path):
    # .VnTime text pasted into a UTF-8 file keeps its Latin-1 look
    p = tmp_path / "pasted.txt"
    p.write_text(legacy.from_unicode(SENTENCE, "tcvn3"), encoding="utf-8")
    raw = read_file(p)
    assert raw.encoding == "tcvn3" and raw.blocks[0].text == SENTENCE


def test_pdf_glyph_substitutes_for_tcvn3():
    # a PDF text layer may show the TCVN3 ư code as U+2212 MINUS SIGN
    assert legacy.to_unicode("nhµ n\u2212íc", "tcvn3") == "nhà nước"
    assert legacy.to_unicode("5 \u2212 3", "tcvn3") == "5 \u2212 3"


def test_syllable_shape():
    for w in ["nghiêng", "người", "khuỷu", "quốc", "giữa", "hoặc", "xoong", "Đường"]:
        assert legacy.is_syllable(w), w
    for w in ["nh©n", "vieät", "strength", "ảá"]:
        assert not legacy.is_syllable(w), w
