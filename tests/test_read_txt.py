"""Text files: encodings (UTF-8 ± BOM, UTF-16 ± BOM), pages, garbage, empty, limits."""

import os

import pytest

from extractor.errors import LimitExceeded, ReadError
from extractor.read import read_file

VI = "Kế hoạch xây dựng nông thôn mới năm 2025\nĐạt 100% xã đạt chuẩn nông thôn mới."


def _write(tmp_path, name, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


@pytest.mark.parametrize(
    "data, encoding",
    [
        (VI.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + VI.encode("utf-8"), "utf-8-sig"),
        (VI.encode("utf-16"), "utf-16"),  # with BOM
        (VI.encode("utf-16-be"), "utf-16"),  # BOM-less, sniffed by NUL pattern
        (VI.encode("utf-16-le"), "utf-16"),
    ],
)
def test_encodings_decode_to_same_text(tmp_path, data, encoding):
    raw = read_file(_write(tmp_path, "kh.txt", data))
    assert raw.format == "txt"
    assert raw.encoding == encoding
    assert [b.text for b in raw.blocks] == [VI]
    assert raw.blocks[0].page is None and raw.pages is None
    assert "\ufeff" not in raw.blocks[0].text


def test_crlf_becomes_lf(tmp_path):
    raw = read_file(_write(tmp_path, "a.txt", VI.replace("\n", "\r\n").encode()))
    assert raw.blocks[0].text == VI


def test_nfd_text_kept_as_is(tmp_path):
    import unicodedata

    nfd = unicodedata.normalize("NFD", VI)
    raw = read_file(_write(tmp_path, "nfd.txt", nfd.encode()))
    assert raw.blocks[0].text == nfd  # NFC is the normalise stage's job


def test_form_feed_starts_pages(tmp_path):
    raw = read_file(_write(tmp_path, "p.txt", "Trang một\ndòng hai\fTrang hai\f\fTrang bốn".encode()))
    assert [(b.page, b.text) for b in raw.blocks] == [(1, "Trang một\ndòng hai"), (2, "Trang hai"), (4, "Trang bốn")]
    assert raw.pages == 4


def test_empty_and_blank(tmp_path):
    with pytest.raises(ReadError, match="empty file"):
        read_file(_write(tmp_path, "e.txt", b""))
    with pytest.raises(ReadError, match="no text"):
        read_file(_write(tmp_path, "b.txt", b" \n\n\t "))


def test_random_bytes_fail_clearly(tmp_path):
    rnd = os.urandom(20000)
    with pytest.raises(ReadError, match="binary|decode"):
        read_file(_write(tmp_path, "rnd.txt", rnd))
    # high bytes only, no NUL: still not text
    hi = bytes(b | 0x80 for b in rnd)
    with pytest.raises(ReadError, match="binary|decode"):
        read_file(_write(tmp_path, "hi.txt", hi))


def test_unknown_8bit_text_is_refused_not_mojibake(tmp_path):
    latin = "Le château était très élégant, où l'été dure longtemps.".encode("cp1252")
    with pytest.raises(ReadError, match="UTF-8"):
        read_file(_write(tmp_path, "fr.txt", latin))


def test_size_limit_checked_before_reading(tmp_path, monkeypatch):
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:  # sparse 100 MB file
        f.truncate(100_000_000)
    opened = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda *a, **k: opened.append(a) or real_open(*a, **k))
    with pytest.raises(LimitExceeded, match="max_bytes"):
        read_file(big)
    assert opened == []  # refused from os.stat alone
    with pytest.raises(LimitExceeded, match="max_bytes"):
        read_file(_write(tmp_path, "s.txt", b"x" * 101), max_bytes=100)


def test_odd_file_names(tmp_path):
    for name in ["kế hoạch số 47 (bản 'cuối').txt", 'a "quoted" name.txt', "UBND xã Tân Phú.TXT"]:
        raw = read_file(_write(tmp_path, name, VI.encode()))
        assert raw.blocks[0].text == VI
        assert raw.path.endswith(name)


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ReadError, match="not found"):
        read_file(tmp_path / "nope.txt")
    with pytest.raises(ReadError, match="not a regular file"):
        read_file(tmp_path)


def test_unsupported_binary_named_txt(tmp_path):
    with pytest.raises(ReadError, match="PNG"):
        read_file(_write(tmp_path, "scan.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100))
