"""Diacritic-insensitive search (extractor.search and `kehoach search`).

Most tests use a small database built by hand (store_documents), so they depend
on no reader or extraction rule; one runs on the sample corpus.
"""

from __future__ import annotations

import json
import unicodedata

import pytest
from typer.testing import CliRunner

from extractor import store
from extractor.cli import app
from extractor.errors import KehoachError
from extractor.model import Deadline, DocMeta, Document, Section, Target
from extractor.search import fts_query, match_class, search

DISTRICT = (
    "ỦY BAN NHÂN DÂN HUYỆN GIO LINH\nKẾ HOẠCH\n"
    "I. MỤC TIÊU\n"
    "- Tỷ lệ hộ dân nông thôn dùng nước sạch đạt 60% vào năm 2025.\n"
    "- Có 80% số xã đạt chuẩn nông thôn mới đến năm 2025.\n"
    "- Đảm bảo 100% hộ hòa mạng điện quốc gia năm 2024.\n"
    "- Nước sách giáo khoa cấp đủ 100% học sinh năm 2025.\n"
    "II. NHIỆM VỤ\n"
    "Phòng Tài nguyên và Môi trường hoàn thành cấp nước sạch trước ngày 30/6/2024.\n"
)
PROVINCE = (
    "ỦY BAN NHÂN DÂN TỈNH HÀ TĨNH\nKẾ HOẠCH\n"
    "I. MỤC TIÊU\n"
    "- Phấn đấu 100% hộ được hoà mạng điện lưới năm 2025.\n"
    "- Sạch đường làng, 90% hộ dân dùng nước hợp vệ sinh năm 2025.\n"
)


def _q(text, quote):
    start = text.index(quote)
    return {"quote": quote, "start": start, "end": start + len(quote)}


def _doc(text, meta, records):
    return Document(source="x.txt", text=text, end=len(text), meta=DocMeta(**meta), records=records,
                    sections=[Section(label="I", title="MỤC TIÊU", start=text.index("I. "), end=len(text))])


@pytest.fixture
def db(tmp_path):
    database = store.open_db(tmp_path / "s.db")
    t = DISTRICT
    district = _doc(t, {"doc_type": "KẾ HOẠCH", "number": "150/KH-UBND", "level": "huyen", "province": "Quảng Trị",
                        "district": "Gio Linh"}, [
        Target(value=60, unit="%", year=2025, topic="environment",
               **_q(t, "- Tỷ lệ hộ dân nông thôn dùng nước sạch đạt 60% vào năm 2025.")),
        Target(value=80, unit="%", year=2025, topic="ntm_status",
               **_q(t, "- Có 80% số xã đạt chuẩn nông thôn mới đến năm 2025.")),
        Target(value=100, unit="%", year=2024, topic="transport_irrigation_power",
               **_q(t, "- Đảm bảo 100% hộ hòa mạng điện quốc gia năm 2024.")),
        Target(value=100, unit="%", year=2025, topic="education",
               **_q(t, "- Nước sách giáo khoa cấp đủ 100% học sinh năm 2025.")),
        Deadline(date="2024-06-30", topic="environment",
                 **_q(t, "Phòng Tài nguyên và Môi trường hoàn thành cấp nước sạch trước ngày 30/6/2024.")),
    ])
    p = PROVINCE
    province = _doc(p, {"doc_type": "KẾ HOẠCH", "number": "20/KH-UBND", "level": "tinh", "province": "Hà Tĩnh"}, [
        Target(value=100, unit="%", year=2025, topic="transport_irrigation_power",
               **_q(p, "- Phấn đấu 100% hộ được hoà mạng điện lưới năm 2025.")),
        Target(value=90, unit="%", year=2025, topic="environment",
               **_q(p, "- Sạch đường làng, 90% hộ dân dùng nước hợp vệ sinh năm 2025.")),
    ])
    store.store_documents(database, {"path": str(tmp_path / "huyen.txt"), "sha256": "a"}, [district])
    store.store_documents(database, {"path": str(tmp_path / "tinh.txt"), "sha256": "b"}, [province])
    return database


def quotes(hits):
    return [h["quote"] for h in hits]


def test_no_diacritics_finds_diacritics(db):
    hits = search(db, "nuoc sach")
    assert any("nước sạch đạt 60%" in q for q in quotes(hits))
    assert all("nước" in q.lower() or "nuoc" in q.lower() for q in quotes(hits))


def test_nfc_nfd_and_case_give_the_same_hits(db):
    nfc = unicodedata.normalize("NFC", "nước sạch")
    nfd = unicodedata.normalize("NFD", "nước sạch")
    assert nfc != nfd
    a, b, c = search(db, nfc), search(db, nfd), search(db, "NƯỚC SẠCH")
    assert quotes(a) == quotes(b) == quotes(c)
    assert [h["match"] for h in a] == [h["match"] for h in b]


def test_d_folds_to_d(db):
    hits = search(db, "dat chuan")
    assert any("đạt chuẩn" in q for q in quotes(hits))
    assert quotes(search(db, "Đạt chuẩn")) == quotes(hits)


def test_old_and_new_tone_placement(db):
    old, new = search(db, "hoà mạng"), search(db, "hòa mạng")
    assert set(quotes(old)) == set(quotes(new))
    assert any("hoà mạng" in q for q in quotes(new)) and any("hòa mạng" in q for q in quotes(old))
    # both spellings are an exact match (one tone placement for comparing)
    assert {h["match"] for h in old} == {"exact"}


def test_exact_diacritic_hits_first(db):
    hits = search(db, "nước sạch")
    classes = [h["match"] for h in hits]
    assert classes == sorted(classes, key=["exact", "phrase", "words"].index)
    assert classes[0] == "exact" and "nước sạch" in hits[0]["quote"]
    # 'Nước sách' folds to the same phrase but its diacritics differ: after the exact ones
    sach = [h for h in hits if "Nước sách" in h["quote"]]
    assert sach and sach[0]["match"] == "phrase"
    # 'Sạch ... nước' has both words, not as a phrase: last
    assert hits[-1]["match"] == "words" and "Sạch đường làng" in hits[-1]["quote"]


def test_filters(db):
    assert {h["province"] for h in search(db, "nuoc", province="quang tri")} == {"Quảng Trị"}
    assert {h["level"] for h in search(db, "nuoc", level="tỉnh")} == {"tinh"}
    assert {h["type"] for h in search(db, "nuoc sach", type="deadline")} == {"deadline"}
    assert {h["year"] for h in search(db, "hoa mang", year=2024)} == {2024}
    assert [h["date"] for h in search(db, "nuoc sach", year=2024, type="deadline")] == ["2024-06-30"]
    assert {h["topic"] for h in search(db, "nuoc", topic="education")} == {"education"}
    with pytest.raises(KehoachError):
        search(db, "nuoc", type="bogus")


def test_sections_and_odd_queries(db):
    hits = search(db, "nuoc sach", type="section")
    assert hits and hits[0]["type"] == "section" and "nước sạch" in hits[0]["quote"].lower()
    text = db["documents"].get(hits[0]["document_id"])["text"]
    assert "nước sạch" in text[hits[0]["start"]:hits[0]["end"]].lower()
    # FTS5 syntax in a query is inert
    assert isinstance(search(db, 'nuoc OR "sach'), list)
    assert isinstance(search(db, "NEAR(nuoc sach*"), list)
    with pytest.raises(KehoachError):
        search(db, "  ?! ")
    assert fts_query("nước-sạch") == '"nuoc" "sach"'
    assert match_class("Nước sạch", "nuoc sach") == 1 and match_class("Nước sạch", "nước sạch") == 0


def test_cli_json(db, tmp_path):
    path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    result = CliRunner().invoke(app, ["search", "nuoc sach", "--db", path, "--json", "--type", "target"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["results"]
    first = next(r for r in data["results"] if "nước sạch" in r["quote"])
    for key in ("type", "quote", "source", "number", "value", "unit", "year"):
        assert key in first
    assert first["type"] == "target" and "nước sạch" in first["quote"] and first["number"] == "150/KH-UBND"
    assert first["source"] == "huyen.txt" and first["value"] == 60 and first["unit"] == "%" and first["year"] == 2025
    table = CliRunner().invoke(app, ["search", "nuoc sach", "--db", path])
    assert table.exit_code == 0 and "nước sạch" in table.stdout
    bad = CliRunner().invoke(app, ["search", "nuoc", "--db", path, "--type", "nope"])
    assert bad.exit_code == 2


def test_sample_corpus_nuoc_sach(tmp_path):
    from test_serve import build_sample_db

    path = build_sample_db(tmp_path)
    database = store.open_db(path, must_exist=True)
    hits = search(database, "nuoc sach", type="target")
    assert hits and all(h["type"] == "target" for h in hits)
    assert all("nước sạch" in h["quote"].lower() for h in hits if h["match"] != "words")
    assert any(h["unit"] == "%" for h in hits)


def test_one_result_per_record_each_with_its_own_figure(tmp_path):
    """A sentence with two figures: two results, each highlighting its own figure; the
    record the query words are about comes first, and the match is said in words."""
    from extractor.serve.passages import highlight_record

    database = store.open_db(tmp_path / "two.db")
    t = ("ỦY BAN NHÂN DÂN HUYỆN MẪU SƠN\nKẾ HOẠCH\nI. MỤC TIÊU\n"
         "- Thu nhập bình quân đạt 34 triệu đồng/người/năm; tỷ lệ hộ nghèo giảm còn dưới 3%.\n")
    sentence = "- Thu nhập bình quân đạt 34 triệu đồng/người/năm; tỷ lệ hộ nghèo giảm còn dưới 3%."
    q = _q(t, sentence)
    income_at = t.index("34 triệu")
    poor_at = t.index("3%.")
    doc = _doc(t, {"doc_type": "KẾ HOẠCH", "number": "5/KH-UBND", "level": "huyen", "district": "Mẫu Sơn"}, [
        Target(value=34, unit="triệu đồng/người/năm", topic="income_labour", value_text="34 triệu",
               value_start=income_at, value_end=income_at + len("34 triệu"), **q),
        Target(value=3, unit="%", comparator="<=", topic="poverty_housing", value_text="3%",
               value_start=poor_at, value_end=poor_at + 2, **q),
    ])
    store.store_documents(database, {"path": str(tmp_path / "h.txt"), "sha256": "c"}, [doc])
    hits = search(database, "ho ngheo")
    assert len(hits) == 2 and len({h["record_id"] for h in hits}) == 2
    assert [h["value"] for h in hits] == [3, 34]  # the poverty figure first
    assert hits[0]["about_figure"] and not hits[1]["about_figure"]
    assert "not about this figure" in hits[1]["match_explained"]
    assert "diacritics" in hits[0]["match_explained"]
    html = [str(highlight_record(h["quote"], h["start"], h["value_start"], h["value_end"], "ho ngheo")) for h in hits]
    assert '<b class="fig focus">3%</b>' in html[0] and "34 triệu" in html[0] and 'focus">34' not in html[0]
    assert '<b class="fig focus">34 triệu</b>' in html[1] and 'focus">3%' not in html[1]
    assert html[0].count('<mark class="hit">') == 2  # hộ, nghèo
    # the command line prints the explanation, not a bare keyword
    result = CliRunner().invoke(app, ["search", "ho ngheo", "--db", str(tmp_path / "two.db")],
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0 and "not about this figure" in result.output
