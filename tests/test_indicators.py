"""The indicator catalogue (rules/indicators.yml) and linking figures to it."""

from __future__ import annotations

import regex

from extractor import indicators as ind
from extractor.assemble.criteria import criteria_sets
from extractor.model import Target
from extractor.pipeline import extract_text


def _link(sentence: str, *figs) -> list:
    """Targets over one sentence: figs are (figure text, value, unit, comparator)."""
    recs, used = [], 0
    for text, value, unit, comp in figs:
        k = sentence.index(text, used)
        used = k + len(text)
        recs.append(Target(value=value, unit=unit, comparator=comp, quote=sentence, start=0, end=len(sentence),
                           value_text=text, value_start=k, value_end=k + len(text)))
    ind.link_indicators(recs, sentence)
    return [r.indicator for r in recs]


def test_catalogue_is_sound():
    cat = ind.catalogue()
    assert len(cat.by_id) > 100
    for i in cat.by_id.values():
        assert regex.fullmatch(r"[a-z0-9_]+", i.id), i.id
        assert i.polarity in ("higher_better", "lower_better", "neither"), i.id
        assert i.families and all(f in cat.families for f in i.families), i.id
        assert i.name and i.name_en, i.id
    # every criterion of every national set has its share-of-units indicator
    for set_name in ("xa_ntm", "xa_ntm_nang_cao", "xa_ntm_kieu_mau", "huyen_ntm"):
        for number in criteria_sets()[set_name]["criteria"]:
            assert (set_name, number) in cat.by_criterion, (set_name, number)


def test_public_api():
    assert ind.polarity("ty_le_ho_ngheo") == "lower_better"
    assert ind.polarity("bhyt") == "higher_better"
    assert ind.polarity("tap_huan_tuyen_truyen") == "neither"
    assert ind.polarity("no_such_thing") == "neither"
    assert ind.name("bhyt") == "Tỷ lệ người dân tham gia bảo hiểm y tế"
    assert "bhyt" in ind.aliases("bhyt") and "bao hiem y te" in ind.aliases("bhyt")
    assert ind.family("%") == "percent" and ind.family("triệu đồng/người/năm") == "money_per_head"
    assert ind.family("xã") == "unit_count" and ind.family("%/năm") == "percent_per_year"


def test_expand_query_both_ways():
    assert "bhyt" in ind.expand_query("bao hiểm y tế")
    assert "bao hiem y te" in ind.expand_query("BHYT")
    assert any("nong thon moi" in q for q in ind.expand_query("xã NTM nâng cao"))
    assert ind.expand_query("quy hoạch chung") == []


def test_links_from_the_figure_clause():
    s = "Tỷ lệ hộ nghèo đa chiều giảm bình quân 1,5%/năm; đến năm 2025 còn dưới 4%, tỷ lệ tham gia BHYT đạt 95%."
    assert _link(s, ("1,5%/năm", 1.5, "%/năm", "decrease"), ("4%", 4, "%", "<="), ("95%", 95, "%", "=")) == \
        ["ty_le_ho_ngheo", "ty_le_ho_ngheo", "bhyt"]
    s = "Thu nhập bình quân đầu người đạt 70 triệu đồng/người/năm, gấp 1,7 lần so với năm 2020."
    assert _link(s, ("70 triệu đồng/người/năm", 70, "triệu đồng/người/năm", "="), ("1,7 lần", 1.7, "lần", "=")) == \
        ["thu_nhap_binh_quan", "thu_nhap_gap_lan"]
    s = "Tỷ lệ hộ dùng nước hợp vệ sinh đạt 98%, trong đó 70% hộ dùng nước sạch từ công trình cấp nước tập trung."
    assert _link(s, ("98%", 98, "%", "="), ("70%", 70, "%", "=")) == ["nuoc_hop_ve_sinh", "nuoc_sach_tap_trung"]


def test_shares_of_units_and_advanced_criteria():
    s = "Có ít nhất 45% số xã đạt chuẩn NTM nâng cao (khoảng 9 xã) và 12% số xã đạt chuẩn NTM kiểu mẫu."
    assert _link(s, ("45%", 45, "%", ">="), ("9 xã", 9, "xã", "="), ("12%", 12, "%", "=")) == \
        ["xa_ntm_nang_cao", "xa_ntm_nang_cao", "xa_ntm_kieu_mau"]
    # a share "at advanced level" in a sentence naming criteria is the advanced-set criterion
    s = "Đến năm 2025, 100% xã đảm bảo tiêu chí về y tế; có ít nhất 50% số xã đạt tiêu chí xã NTM nâng cao."
    assert _link(s, ("100%", 100, "%", "="), ("50%", 50, "%", ">=")) == ["xa_tc_15", "xa_nc_tc_14"]
    s = "Đến năm 2024 có 95% số xã đạt tiêu chí số 8 về Thông tin và Truyền thông của Bộ tiêu chí xã NTM nâng cao."
    assert _link(s, ("95%", 95, "%", "=")) == ["xa_nc_tc_08"]
    s = "Phấn đấu 90% tỷ lệ xã đạt chuẩn tiếp cận pháp luật; 100% số thôn giữ vững danh hiệu thôn văn hóa."
    assert _link(s, ("90%", 90, "%", "="), ("100%", 100, "%", "maintain")) == ["tiep_can_phap_luat", "thon_van_hoa"]


def test_extract_json_carries_the_link():
    text = ("KẾ HOẠCH\nI. MỤC TIÊU\n- Đến năm 2025, tỷ lệ hộ nghèo đa chiều còn dưới 3%.\n"
            "- Tỷ lệ người dân tham gia bảo hiểm y tế đạt trên 96%.\n")
    (doc,) = extract_text(text)
    got = {r["indicator"]: r for r in doc.public()["records"] if r["type"] == "target"}
    assert set(got) == {"ty_le_ho_ngheo", "bhyt"}
    assert got["bhyt"]["indicator_name"] == "Tỷ lệ người dân tham gia bảo hiểm y tế"
    assert "bảo hiểm y tế" in got["bhyt"]["indicator_match"]


def test_search_expands_aliases(tmp_path):
    import hashlib

    from extractor import store
    from extractor.search import search

    db = store.open_db(tmp_path / "k.db")
    text = ("KẾ HOẠCH\nI. MỤC TIÊU\n- Tỷ lệ người dân tham gia BHYT đạt trên 96%.\n"
            "- Tỷ lệ bao phủ bảo hiểm y tế toàn huyện đạt 95%.\n")
    store.store_documents(db, {"path": "a.txt", "sha256": hashlib.sha256(text.encode()).hexdigest()},
                          extract_text(text, "a.txt"))
    by_words = {h["quote"].strip() for h in search(db, "bao hiem y te")}
    by_abbr = {h["quote"].strip() for h in search(db, "BHYT")}
    assert any("BHYT" in q for q in by_words) and any("bảo hiểm y tế" in q for q in by_words)
    assert by_abbr == by_words


def test_every_numbered_indicator_of_the_commune_set_has_an_entry():
    from extractor.rules import load_rules

    mapping = (load_rules("indicators").get("set_indicators") or {}).get("xa_ntm") or {}
    numbers = criteria_sets()["xa_ntm"]["indicators"]
    assert set(numbers) == set(mapping), set(numbers) ^ set(mapping)
    assert len(numbers) == 57  # 318/QĐ-TTg: 19 criteria, 57 indicators
    assert all(ind.get(v) is not None for v in mapping.values())
    assert mapping["15.1"] == "bhyt" and mapping["11"] == "ty_le_ho_ngheo"


def test_bare_standard_under_a_criterion_heading():
    text = ("KẾ HOẠCH\nIII. NHIỆM VỤ\n1. Tiêu chí số 2 về Giao thông\nĐến năm 2025 có 90% số xã đạt chuẩn.\n"
            "2. Xây dựng nông thôn mới\nĐến năm 2025 có 80% số xã đạt chuẩn nông thôn mới.\n")
    (doc,) = extract_text(text)
    got = [r.indicator for r in doc.records if r.type == "target"]
    assert got == ["xa_tc_02", "xa_dat_chuan_ntm"]
