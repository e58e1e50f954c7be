"""Cross-checks (extractor.check) on synthetic plans built by hand: records, citations
and sections are given directly, so these tests need no reader or extractor."""

from __future__ import annotations

import hashlib
import json

import pytest
from typer.testing import CliRunner

from extractor import store
from extractor.check import run, run_checks, store_flags, store_links
from extractor.check.figures import figures
from extractor.check.data import load_documents
from extractor.check.link import resolve, set_manual_link
from extractor.cli import app
from extractor.indicators import link_indicators
from extractor.errors import KehoachError
from extractor.model import Assignment, Citation, Deadline, DocMeta, Document, Funding, Section, Target


class Plan:
    """A plan written line by line; every figure becomes a record with exact offsets."""

    def __init__(self, source, number=None, level="huyen", date=None, doc_type="KẾ HOẠCH", province="Quảng Trị",
                 district=None, commune=None, period="2021-2025", part=1):
        self.source, self.part = source, part
        self.meta = dict(doc_type=doc_type, number=number, date=date, level=level, province=province,
                         district=district, commune=commune, period=period)
        self.text = f"{doc_type}\n"
        self.records: list = []
        self.cites: list = []
        self.sections: list = []

    def _line(self, line: str) -> int:
        start = len(self.text)
        self.text += line + "\n"
        return start

    def section(self, marker: str, title: str) -> "Plan":
        if self.sections:
            self.sections[-1]["end"] = len(self.text)
        start = self._line(f"{marker}. {title}")
        self.sections.append({"label": marker, "title": title, "start": start, "end": None, "marker": marker + "."})
        return self

    def cite(self, line: str, number: str, date=None, relation="implements", issuer=None, doc_type="KẾ HOẠCH"):
        s = self._line(line)
        i = line.index(number)
        j = line.find(" của ", i)
        q_end = len(line) if j < 0 else (line.find(";", j) if ";" in line[j:] else len(line))
        q_start = line.rfind(doc_type.capitalize().split()[0], 0, i)
        q_start = q_start if q_start >= 0 else i
        self.cites.append(Citation(doc_type=doc_type, number=number, date=date, issuer=issuer, relation=relation,
                                   quote=line[q_start:q_end], start=s + q_start, end=s + q_end))
        return self

    def line(self, line: str, *figures, **kw) -> "Plan":
        """``figures``: (figure text, value, unit, comparator, year[, extra dict])."""
        s = self._line(line)
        sec = self.sections[-1]["label"] if self.sections else None
        used: dict[str, int] = {}
        for fig in figures:
            text, value, unit, comp, year, *rest = fig
            extra = rest[0] if rest else {}
            k = line.index(text, used.get(text, 0))
            used[text] = k + len(text)
            self.records.append(Target(
                value=value, unit=unit, comparator=comp, year=year, quote=line, start=s, end=s + len(line),
                section=sec, value_text=text, value_start=s + k, value_end=s + k + len(text), **extra))
        return self

    def funding(self, line: str, amount_text: str, amount: int, role: str, parent=None) -> int:
        """A funding record; a line equal to the previous funding line is not written again."""
        if getattr(self, "_fline", None) == line:
            s = self._fstart
        else:
            s = self._line(line)
            self._fline, self._fstart = line, s
        k = line.index(amount_text)
        self.records.append(Funding(amount_vnd=amount, role=role, parent=parent, quote=line, start=s,
                                    end=s + len(line), amount_text=amount_text, value_start=s + k,
                                    value_end=s + k + len(amount_text)))
        return len(self.records) - 1

    def deadline(self, line: str, date: str, task: str) -> "Plan":
        s = self._line(line)
        self.records.append(Deadline(date=date, task=task, quote=line, start=s, end=s + len(line)))
        return self

    def assign(self, line: str, agency: str, criteria: list[str], criteria_set: str, names=None) -> "Plan":
        s = self._line(line)
        cn = []
        for number, name in (names or []):
            k = line.index(name)
            cn.append({"number": number, "name": name, "start": s + k, "end": s + k + len(name)})
        self.records.append(Assignment(agency=agency, criteria=criteria, criteria_set=criteria_set, quote=line,
                                       start=s, end=s + len(line), criteria_names=cn))
        return self

    def document(self) -> Document:
        if self.sections:
            self.sections[-1]["end"] = len(self.text)
        return Document(source=self.source, part=self.part, text=self.text, end=len(self.text),
                        meta=DocMeta(cites=self.cites, **self.meta),
                        sections=[Section(level=1, **s) for s in self.sections], records=self.records)


def save(db, *plans: Plan, path=None) -> int:
    docs = [p.document() for p in plans]
    for d in docs:  # as the pipeline does right after assembling
        link_indicators(d.records, d.text)
    name = path or plans[0].source
    sha = hashlib.sha256("".join(d.text for d in docs).encode()).hexdigest()
    return store.store_documents(db, {"path": name, "sha256": sha}, docs)


@pytest.fixture()
def db(tmp_path):
    return store.open_db(tmp_path / "k.db")


def province() -> Plan:
    p = Plan("tinh.txt", number="12/KH-UBND", level="tinh", date="2022-04-14")
    p.section("I", "MỤC TIÊU")
    p.line("- Có ít nhất 40% số xã đạt chuẩn nông thôn mới nâng cao, trong đó 15% số xã đạt chuẩn nông thôn mới kiểu mẫu.",
           ("40%", 40, "%", ">=", 2025), ("15%", 15, "%", "=", 2025))
    p.line("- Có 20% số huyện đạt chuẩn huyện nông thôn mới nâng cao.", ("20%", 20, "%", "=", 2025))
    p.line("- Thu nhập bình quân đầu người khu vực nông thôn đạt trên 52 triệu đồng/người/năm, gấp tối thiểu 1,6 lần so với năm 2020.",
           ("52 triệu đồng/người/năm", 52, "triệu đồng/người/năm", ">=", 2025), ("1,6 lần", 1.6, "lần", ">=", 2025))
    p.line("- Tỷ lệ hộ nghèo đa chiều còn dưới 4%.", ("4%", 4, "%", "<=", 2025))
    p.line("- Tỷ lệ người dân tham gia bảo hiểm y tế đạt trên 95%.", ("95%", 95, "%", ">=", 2025))
    p.section("II", "NHIỆM VỤ")
    p.line("Đến năm 2024, có ít nhất 90% số xã đạt tiêu chí số 2 về Giao thông.", ("90%", 90, "%", ">=", 2024))
    p.line("Đến năm 2025, có 100% xã đảm bảo tiêu chí quốc gia về văn hóa; có ít nhất 40% số xã đạt tiêu chí xã nông thôn mới nâng cao.",
           ("100%", 100, "%", "=", 2025), ("40%", 40, "%", ">=", 2025))
    p.line("Đến năm 2025, có 100% xã đảm bảo tiêu chí quốc gia về môi trường; có ít nhất 50% số xã đạt tiêu chí xã nông thôn mới nâng cao.",
           ("100%", 100, "%", "=", 2025), ("50%", 50, "%", ">=", 2025))
    return p


def district(**changes) -> Plan:
    v = {"nc": 40, "km": 15, "inc": 52, "poor": 4, "road_year": 2024, "culture": 40, "env": 50, "with_km": True}
    v.update(changes)
    d = Plan("huyen.txt", number="150/KH-UBND", level="huyen", date="2022-06-24", district="Gio Linh")
    d.cite("Thực hiện Kế hoạch số 12/KH-UBND ngày 14/4/2022 của UBND tỉnh Quảng Trị;", "12/KH-UBND", "2022-04-14",
           issuer="UBND tỉnh Quảng Trị")
    d.section("I", "MỤC TIÊU")
    line = f"- Có ít nhất {v['nc']}% số xã đạt chuẩn nông thôn mới nâng cao"
    figs = [(f"{v['nc']}%", v["nc"], "%", ">=", 2025)]
    if v["with_km"]:
        line += f", trong đó {v['km']}% số xã đạt chuẩn nông thôn mới kiểu mẫu"
        figs.append((f"{v['km']}%", v["km"], "%", "=", 2025))
    d.line(line + ".", *figs)
    d.line(f"- Thu nhập bình quân đầu người khu vực nông thôn đạt {v['inc']} triệu đồng/người/năm, gấp 1,6 lần so với năm 2020.",
           (f"{v['inc']} triệu đồng/người/năm", v["inc"], "triệu đồng/người/năm", "=", 2025), ("1,6 lần", 1.6, "lần", "=", 2025))
    d.line(f"- Tỷ lệ hộ nghèo đa chiều còn dưới {v['poor']}%.", (f"{v['poor']}%", v["poor"], "%", "<=", 2025))
    d.line("- Tỷ lệ người dân tham gia bảo hiểm y tế đạt trên 95%.", ("95%", 95, "%", ">=", 2025))
    d.section("II", "NHIỆM VỤ")
    d.line(f"Đến năm {v['road_year']}, có 90% số xã đạt tiêu chí số 2 về Giao thông.", ("90%", 90, "%", "=", v["road_year"]))
    d.line(f"Đến năm 2025, có 100% xã đảm bảo tiêu chí quốc gia về môi trường; có ít nhất {v['env']}% số xã đạt tiêu chí xã nông thôn mới nâng cao.",
           ("100%", 100, "%", "=", 2025), (f"{v['env']}%", v["env"], "%", ">=", 2025))
    d.line(f"Đến năm 2025, có 100% xã đảm bảo tiêu chí quốc gia về văn hóa; có ít nhất {v['culture']}% số xã đạt tiêu chí xã nông thôn mới nâng cao.",
           ("100%", 100, "%", "=", 2025), (f"{v['culture']}%", v["culture"], "%", ">=", 2025))
    return d


def by_rule(flags, rule):
    return [f for f in flags if f.rule == rule]


# --------------------------------------------------------------------------- indicator keys


def test_indicator_links(db):
    save(db, province())
    (doc,) = load_documents(db)
    ids = [f.indicator for f in figures(doc)]
    assert ids[:2] == ["xa_ntm_nang_cao", "xa_ntm_kieu_mau"]
    assert "huyen_ntm_nang_cao" in ids
    assert "thu_nhap_binh_quan" in ids and "thu_nhap_gap_lan" in ids
    assert "ty_le_ho_ngheo" in ids and "bhyt" in ids
    assert "xa_tc_02" in ids
    # "ít nhất 40% số xã đạt tiêu chí xã NTM nâng cao" after "tiêu chí quốc gia về văn hóa":
    # advanced criterion 6 (Văn hóa), not the overall advanced share
    assert "xa_nc_tc_06" in ids and "xa_nc_tc_17" in ids


def test_figure_kinds_helpers_and_scope(db):
    p = Plan("x.txt", number="1/KH-UBND", level="huyen", district="Hướng Hóa")
    p.line("- Tỷ lệ hộ nghèo giảm bình quân 1,5%/năm; đến năm 2025 còn dưới 3%.",
           ("1,5%/năm", 1.5, "%/năm", "decrease", 2025), ("3%", 3, "%", "<=", 2025))
    p.line("- Có 100% số xã đạt chuẩn nông thôn mới (19/19 xã).",
           ("100%", 100, "%", "=", 2025), ("19/19 xã", 19, "xã", "=", 2025, {"fraction": [19, 19]}))
    p.line("- Có ít nhất 20 sản phẩm OCOP đạt từ 3 sao trở lên.", ("20 sản phẩm OCOP", 20, "sản phẩm", ">=", 2025))
    p.line("- Riêng xã Tân Hợp: tỷ lệ hộ nghèo còn dưới 8%.", ("8%", 8, "%", "<=", 2025))
    save(db, p)
    figs = figures(load_documents(db)[0])
    assert [f.indicator for f in figs] == ["ty_le_ho_ngheo", "ty_le_ho_ngheo", "xa_dat_chuan_ntm", "xa_dat_chuan_ntm",
                                          "ocop_san_pham", "ty_le_ho_ngheo"]
    assert [f.measure for f in figs[:2]] == ["change_year", "level"]
    assert figs[3].helper and not figs[2].helper
    assert not figs[3].intensive and not figs[4].intensive and figs[2].intensive
    assert figs[5].scope == "xã Tân Hợp" and figs[1].scope is None


# --------------------------------------------------------------------------- parent rules


def test_consistent_district_raises_nothing_but_info(db):
    save(db, province())
    save(db, district())
    res = run(db)
    flags = res.flags
    assert any(l.parent is not None and l.parent.number == "12/KH-UBND" for l in res.links.values())
    assert {f.severity for f in flags} <= {"info"}, [(f.rule, f.values) for f in flags if f.severity != "info"]


def test_threshold_exceeds_deadline_missing(db):
    save(db, province())
    save(db, district(nc=30, inc=45, poor=6, road_year=2025, culture=60, with_km=False))
    flags = run_checks(db)
    below = by_rule(flags, "threshold_below_parent")
    got = {f.values["indicator"] for f in below}
    assert got == {"xa_ntm_nang_cao", "thu_nhap_binh_quan", "ty_le_ho_ngheo"}
    assert all(f.severity == "error" for f in below)
    nc = next(f for f in below if f.values["indicator"] == "xa_ntm_nang_cao")
    assert "30%" in nc.child.quote and "ít nhất 40%" in nc.parent.quote and nc.parent.doc.number == "12/KH-UBND"
    # <= targets of a lower-is-better indicator: a higher ceiling is the weaker commitment
    poor = next(f for f in below if f.values["indicator"] == "ty_le_ho_ngheo")
    vi, en = poor.messages
    assert "yếu hơn" in vi and "weaker" in en and "Tỷ lệ hộ nghèo đa chiều" in vi
    assert "dưới 6%" in vi and "dưới 4%" in vi and "lower is better" in en
    assert "dưới 6%" in poor.child.quote
    exc = by_rule(flags, "exceeds_parent")
    assert len(exc) == 1 and "văn hóa" in exc[0].child.quote and "văn hóa" in exc[0].parent.quote
    dl = by_rule(flags, "deadline_after_parent")
    assert len(dl) == 1 and "Đến năm 2025" in dl[0].child.quote and "Đến năm 2024" in dl[0].parent.quote
    miss = by_rule(flags, "missing_parent_target")
    # the share of model communes is missing; the share of districts does not apply to a district
    assert [f.parent.quote.count("15%") for f in miss] == [1]
    assert miss[0].child.quote is None and miss[0].severity == "warning"


def test_repeated_key_compared_within_its_topic(db):
    save(db, province())
    # environment 50% = province's environment 50%; culture 40% = province's culture 40%:
    # matched by topic, no finding even though the two sentences share the key
    save(db, district(env=50, culture=40))
    assert not by_rule(run_checks(db), "threshold_below_parent")
    # swap them: culture 50% > 40%, environment 40% < 50%
    db2 = store.open_db(db.conn.execute("PRAGMA database_list").fetchone()[2] + "2")
    save(db2, province())
    save(db2, district(env=40, culture=50))
    flags = run_checks(db2)
    assert [("môi trường" in f.child.quote) for f in by_rule(flags, "threshold_below_parent")] == [True]
    assert [("văn hóa" in f.child.quote) for f in by_rule(flags, "exceeds_parent")] == [True]


def test_commune_plan_not_asked_for_shares_of_communes(db):
    save(db, province())
    c = Plan("xa.txt", number="28/KH-UBND", level="xa", commune="Gio Mỹ", period="2025")
    c.cite("Căn cứ Kế hoạch số 12/KH-UBND ngày 14/4/2022 của UBND tỉnh Quảng Trị;", "12/KH-UBND", "2022-04-14")
    c.section("I", "MỤC TIÊU")
    for subject in ("người dân tham gia bảo hiểm y tế", "hộ nghèo đa chiều", "lao động qua đào tạo",
                    "che phủ rừng", "hộ dùng nước sạch"):
        c.line(f"- Tỷ lệ {subject} năm 2025 đạt 50%.", ("50%", 50, "%", "=", 2025))
    save(db, c)
    miss = by_rule(run_checks(db), "missing_parent_target")
    assert all("số xã" not in f.parent.quote and "số huyện" not in f.parent.quote for f in miss)


def test_dated_task_later_than_parent(db):
    p = province()
    p.deadline("- Các huyện hoàn thành phê duyệt quy hoạch xây dựng vùng huyện trước ngày 31/12/2022.", "2022-12-31",
               "Các huyện hoàn thành phê duyệt quy hoạch xây dựng vùng huyện")
    p.deadline("- Tổng hợp, báo cáo kết quả thực hiện Chương trình trước ngày 15/12 hằng năm.", "2022-12-15",
               "Tổng hợp, báo cáo kết quả thực hiện Chương trình")
    save(db, p)
    d = district()
    d.deadline("- Hoàn thành phê duyệt quy hoạch xây dựng vùng huyện trước ngày 31/3/2023.", "2023-03-31",
               "Hoàn thành phê duyệt quy hoạch xây dựng vùng huyện")
    d.deadline("- Tổng hợp, báo cáo kết quả thực hiện Chương trình trước ngày 20/12/2022.", "2022-12-20",
               "Tổng hợp, báo cáo kết quả thực hiện Chương trình")
    d.deadline("- Các xã ban hành kế hoạch phê duyệt quy hoạch xây dựng vùng trước ngày 31/3/2023.", "2023-03-31",
               "Các xã ban hành kế hoạch phê duyệt quy hoạch xây dựng vùng")
    save(db, d)
    dl = by_rule(run_checks(db), "deadline_after_parent")
    assert [f.child.quote for f in dl] == ["- Hoàn thành phê duyệt quy hoạch xây dựng vùng huyện trước ngày 31/3/2023."]
    assert "31/12/2022" in dl[0].parent.quote


# --------------------------------------------------------------------------- one-document rules


def test_internal_conflict(db):
    p = Plan("x.txt", number="3/KH-UBND")
    p.section("I", "MỤC TIÊU")
    p.line("- Tỷ lệ bao phủ bảo hiểm y tế đạt 95%.", ("95%", 95, "%", "=", 2025))
    p.line("- Tỷ lệ che phủ rừng năm 2023 đạt 60%.", ("60%", 60, "%", "=", 2023))
    p.section("II", "NHIỆM VỤ")
    p.line("Nâng cao tỷ lệ người dân tham gia bảo hiểm y tế đạt từ 93% trở lên.", ("93%", 93, "%", ">=", None))
    p.line("Tỷ lệ che phủ rừng năm 2025 đạt 62%.", ("62%", 62, "%", "=", 2025))
    save(db, p)
    ic = by_rule(run_checks(db), "internal_conflict")
    assert len(ic) == 1  # forest cover: two years, no conflict
    assert "95%" in ic[0].child.quote and "93%" in ic[0].parent.quote


def test_a_sub_groups_figure_is_no_internal_conflict(db):
    p = Plan("x.txt", number="4/KH-UBND")
    p.section("I", "MỤC TIÊU")
    p.line("- Tỷ lệ hộ nghèo giảm bình quân 1,5%/năm.", ("1,5%/năm", 1.5, "%/năm", "decrease", 2025))
    p.line("Riêng:")
    p.line("- Các xã đặc biệt khó khăn giảm tỷ lệ hộ nghèo 4%/năm.", ("4%/năm", 4, "%/năm", "decrease", 2025))
    p.line("- Tỷ lệ hộ nghèo giảm bình quân 2%/năm.", ("2%/năm", 2, "%/năm", "decrease", 2025))
    save(db, p)
    ic = by_rule(run_checks(db), "internal_conflict")
    assert len(ic) == 1  # 1,5 against 2 for the whole; the sub-group's 4 is another figure
    assert "1,5%" in ic[0].child.quote + ic[0].parent.quote and "4%" not in ic[0].child.quote + ic[0].parent.quote


def test_funding_sum(db):
    p = Plan("f.txt", number="4/KH-UBND")
    t = p.funding("Tổng nhu cầu vốn là 1.286.450 triệu đồng, trong đó:", "1.286.450 triệu đồng", 1_286_450_000_000, "total")
    p.funding("- Ngân sách trung ương: 312.600 triệu đồng;", "312.600 triệu đồng", 312_600_000_000, "component", t)
    p.funding("- Vốn tín dụng: 923.850 triệu đồng.", "923.850 triệu đồng", 923_850_000_000, "component", t)
    t2 = p.funding("Ngân sách tỉnh: 78.418,774 triệu đồng gồm:", "78.418,774 triệu đồng", 78_418_774_000, "total")
    p.funding("+ Vốn trực tiếp 4.356 triệu đồng.", "4.356 triệu đồng", 4_356_000_000, "component", t2)
    p.funding("+ Vốn lồng ghép 74.062,77 triệu đồng.", "74.062,77 triệu đồng", 74_062_770_000, "component", t2)
    line = "Tổng vốn 3.350 triệu đồng: ngân sách trung ương 2.150 triệu đồng (vốn đầu tư phát triển 1.600 triệu đồng; vốn sự nghiệp 550 triệu đồng), ngân sách xã 1.200 triệu đồng."
    t3 = p.funding(line, "3.350 triệu đồng", 3_350_000_000, "total")
    for txt, amt in (("2.150 triệu đồng", 2_150), ("1.600 triệu đồng", 1_600), ("550 triệu đồng", 550),
                     ("1.200 triệu đồng", 1_200)):
        p.funding(line, txt, amt * 1_000_000, "component", t3)
    save(db, p)
    fs = by_rule(run_checks(db), "funding_sum_mismatch")
    sev = sorted((f.severity, f.child.quote[:20]) for f in fs)
    assert [s for s, _ in sev] == ["error", "info"], sev  # the nested parentheses add up
    err = next(f for f in fs if f.severity == "error")
    assert "1.286.450" in err.child.quote and "312.600" in err.parent.quote and "923.850" in err.parent.quote
    info = next(f for f in fs if f.severity == "info")
    assert "74.062,77" in info.parent.quote


def test_count_mismatch(db):
    p = Plan("c.txt", number="5/KH-UBND")
    p.line("- Có ít nhất 80% số xã đạt chuẩn nông thôn mới (16/20 xã).",
           ("80%", 80, "%", ">=", 2025), ("16/20 xã", 16, "xã", ">=", 2025, {"fraction": [16, 20]}))
    p.line("Phấn đấu có thêm 04 xã đạt chuẩn nông thôn mới (xã Tân Hợp, xã Hướng Tân, xã Tân Liên).",
           ("04 xã", 4, "xã", "increase", 2025))
    p.line("Phấn đấu có 03 xã đạt chuẩn nông thôn mới: xã Đức Xuân; xã Lê lợi, xã Vân Trình.", ("03 xã", 3, "xã", "=", 2025))
    p.line("Phấn đấu có 20 xóm đạt chuẩn (Cụ thể giao cho các xã: xã A Lưới: 05 xóm; xã Hồng Hạ: 15 xóm).",
           ("20 xóm", 20, "xóm", "=", 2025))
    p.line("Đến năm 2024, có 50% số xã (08/20 xã) đạt tiêu chí số 7 về Cơ sở hạ tầng thương mại nông thôn.",
           ("50%", 50, "%", "=", 2024), ("08/20 xã", 8, "xã", "=", 2024, {"fraction": [8, 20]}))
    p.line("Có 30% số xã đạt chuẩn nông thôn mới nâng cao (05 xã) và 10% số xã kiểu mẫu (06 xã).",
           ("30%", 30, "%", "=", 2025), ("05 xã", 5, "xã", "=", 2025), ("10%", 10, "%", "=", 2025),
           ("06 xã", 6, "xã", "=", 2025))
    save(db, p)
    cm = by_rule(run_checks(db), "count_mismatch")
    quotes = sorted(f.child.quote[:30] for f in cm)
    assert len(cm) == 3, [f.values for f in cm]
    assert any("04 xã" in q for q in (f.child.quote for f in cm))
    assert any("08/20" in q for q in (f.child.quote for f in cm))
    assert any("06 xã" in f.child.quote for f in cm)  # 6 of 16-20 communes is not 10%


def test_citation_conflict(db):
    a = Plan("a.txt", number="7/KH-UBND", date="2022-05-01")
    for _ in range(2):
        a.cite("Căn cứ Quyết định số 263/QĐ-TTg ngày 22/02/2022 của Thủ tướng Chính phủ;", "263/QĐ-TTg",
               "2022-02-22", relation="mentions", doc_type="QUYẾT ĐỊNH")
    a.cite("Theo Quyết định số 263/QĐ-TTg, ngày 22/3/2022 của Thủ tướng Chính phủ;", "263/QĐ-TTg", "2022-03-22",
           relation="mentions", doc_type="QUYẾT ĐỊNH")
    a.cite("Căn cứ Nghị quyết số 5/NQ-HĐND ngày 01/01/2020 của HĐND tỉnh;", "5/NQ-HĐND", "2020-01-01",
           relation="mentions", doc_type="NGHỊ QUYẾT")
    b = Plan("b.txt", number="8/KH-UBND", date="2022-06-01")
    b.cite("Căn cứ Nghị quyết số 5/NQ-HĐND ngày 15/3/2021 của HĐND tỉnh;", "5/NQ-HĐND", "2021-03-15",
           relation="mentions", doc_type="NGHỊ QUYẾT")  # another year: another document
    b.cite("Thực hiện Kế hoạch số 7/KH-UBND ngày 01/6/2022 của UBND tỉnh;", "7/KH-UBND", "2022-06-01")
    save(db, a)
    save(db, b)
    cc = by_rule(run_checks(db), "citation_conflict")
    assert len(cc) == 2
    odd = next(f for f in cc if "263" in f.child.quote)
    assert "22/3/2022" in odd.child.quote and "22/02/2022" in odd.parent.quote
    own = next(f for f in cc if "7/KH-UBND" in f.child.quote)
    assert own.child.doc.number == "8/KH-UBND" and "1/5/2022" in own.messages[0]


def test_criterion_rules(db):
    p = Plan("a.txt", number="9/KH-UBND")
    p.section("VI", "TỔ CHỨC THỰC HIỆN")
    p.assign("1. Phòng Kinh tế và Hạ tầng: tiêu chí số 1 về Quy hoạch, tiêu chí số 2 về Giao thông, tiêu chí số 4 về Điện, tiêu chí số 5 về Trường học.",
             "Phòng Kinh tế và Hạ tầng", ["1", "2", "4", "5"], "xa_ntm",
             names=[("1", "Quy hoạch"), ("2", "Giao thông"), ("4", "Điện"), ("5", "Trường học")])
    p.assign("2. Phòng Giáo dục: tiêu chí số 5 (Giáo dục), tiêu chí số 14.", "Phòng Giáo dục", ["5", "14"],
             "unspecified", names=[("5", "Giáo dục")])
    p.assign("3. Phòng Văn hóa: chỉ tiêu 6.1, 6.2; tiêu chí Văn hóa; tiêu chí số 8.", "Phòng Văn hóa", ["6.1", "6.2", "8"], "xa_ntm")
    p.assign("4. Phòng Tài nguyên: chỉ tiêu 17.1 đến 17.12; chỉ tiêu 18.1; 19.1; 19.2; 3; 7; 9; 11; 12; 13; 15.",
             "Phòng Tài nguyên", ["17.1", "18.1", "19.1", "19.2", "3", "7", "9", "11", "12", "13", "15"], "xa_ntm")
    s = p._line("5. Hội Phụ nữ: tham mưu thực hiện Quyết định số 94/QĐ-ĐCT ngày 14/4/2022 của Hội LHPN Việt Nam hướng dẫn thực hiện chỉ tiêu 17.1.")
    line = p.text[s:-1]
    p.records.append(Assignment(agency="Hội Phụ nữ", criteria=["17.1"], criteria_set="xa_ntm", quote=line, start=s,
                                end=s + len(line)))
    i = line.index("Quyết định")
    j = line.index(" hướng dẫn")
    p.cites.append(Citation(doc_type="QUYẾT ĐỊNH", number="94/QĐ-ĐCT", date="2022-04-14", relation="mentions",
                            quote=line[i:j], start=s + i, end=s + j))
    p.line("Duy trì vững chắc tiêu chí số 15 về Giáo dục của Bộ tiêu chí xã nông thôn mới.")
    save(db, p)
    flags = run_checks(db)
    nm = by_rule(flags, "criterion_name_mismatch")
    assert sorted((f.criterion, f.set) for f in nm) == [("15", "xa_ntm"), ("5", "xa_ntm")]
    assert any("tiêu chí số 5 (Giáo dục)" in f.child.quote for f in nm)
    un = by_rule(flags, "criterion_unassigned")
    assert [(f.criterion, f.set) for f in un] == [("10", "xa_ntm")]  # 16 is named, 6 and 18 by indicators
    mu = by_rule(flags, "criterion_multiply_assigned")
    assert [(f.criterion, f.set) for f in mu] == [("5", "xa_ntm")]  # 17.1 of the women's union is a citation's subject


# --------------------------------------------------------------------------- linking


def test_links_by_number_place_attachment_and_missing(db):
    save(db, province())
    d = district()
    d.meta["number"] = None  # a district plan whose own number was not read
    save(db, d)
    c = Plan("xa.txt", number="28/KH-UBND", level="xa", commune="Gio Mỹ", district="Gio Linh", period="2024")
    c.cite("Căn cứ Kế hoạch số 12/KH-UBND ngày 14/4/2022 của UBND tỉnh Quảng Trị;", "12/KH-UBND", "2022-04-14")
    c.cite("Căn cứ Kế hoạch số 150/KH-UBND ngày 24/6/2022 của UBND huyện Gio Linh;", "150/KH-UBND", "2022-06-24",
           issuer="UBND huyện Gio Linh")
    save(db, c)
    cover = Plan("hd.txt", number="25-HD/BTGHU", level="huyen", doc_type="HƯỚNG DẪN")
    cover.cite("Thực hiện Kế hoạch số 52-KH/HU, ngày 02/8/2022 của Ban Thường vụ Huyện ủy;", "52-KH/HU", "2022-08-02")
    cover.cite("(Gửi kèm Kế hoạch số 52-KH/HU, ngày 02/8/2022 của Ban Thường vụ Huyện ủy)", "52-KH/HU", "2022-08-02",
               relation="attached")
    att = Plan("hd.txt", number=None, level="huyen", part=2)
    att.cite("Căn cứ Kế hoạch số 12/KH-UBND, ngày 14/4/2022 của UBND tỉnh;", "12/KH-UBND", "2022-04-14")
    lone = Plan("lone.txt", number="3/KH-UBND", level="huyen")
    lone.cite("Thực hiện Kế hoạch số 999/KH-UBND ngày 01/01/2022 của UBND tỉnh;", "999/KH-UBND", "2022-01-01")
    save(db, cover, att)
    save(db, lone)
    docs = load_documents(db)
    links = resolve(docs, db)
    by_src = {(l.child.source, l.child.part): l for l in links.values()}
    assert by_src[("huyen.txt", 1)].parent.number == "12/KH-UBND"
    assert by_src[("xa.txt", 1)].parent.source == "huyen.txt" and by_src[("xa.txt", 1)].by == "place"
    assert by_src[("hd.txt", 1)].parent.part == 2  # the guide implements its attachment
    assert by_src[("hd.txt", 2)].parent.number == "12/KH-UBND" and by_src[("hd.txt", 2)].child.number == "52-KH/HU"
    assert by_src[("lone.txt", 1)].parent is None
    nf = by_rule(run_checks(db), "parent_not_in_db")
    assert [(f.child.doc.source, f.severity) for f in nf] == [("lone.txt", "info")]
    assert "999/KH-UBND" in nf[0].child.quote


def test_manual_link_overrides_and_stays(db):
    save(db, province())
    other = Plan("other.txt", number="77/KH-UBND", level="tinh")
    other.line("- Tỷ lệ người dân tham gia bảo hiểm y tế đạt 99%.", ("99%", 99, "%", "=", 2025))
    save(db, other)
    save(db, district())
    child, parent = set_manual_link(db, "150/KH-UBND", "77/KH-UBND")
    assert parent["number"] == "77/KH-UBND"
    res = run(db)
    store_links(db, res.links)
    row = db.execute("SELECT parent_id, parent_by FROM documents WHERE number = '150/KH-UBND'").fetchone()
    assert row == (parent["id"], "manual")
    assert any(f.rule == "threshold_below_parent" and f.parent.doc.number == "77/KH-UBND" for f in res.flags)
    store_links(db, run(db).links)  # a re-check keeps it
    assert db.execute("SELECT parent_by FROM documents WHERE number = '150/KH-UBND'").fetchone()[0] == "manual"
    with pytest.raises(KehoachError):
        set_manual_link(db, "77/KH-UBND", "150/KH-UBND")  # a cycle
    set_manual_link(db, "150/KH-UBND", None)
    store_links(db, run(db).links)
    row = db.execute("SELECT parent_by FROM documents WHERE number = '150/KH-UBND'").fetchone()
    assert row[0] == "citation"


# --------------------------------------------------------------------------- storage


def test_flags_stable_reviews_kept_resolved_not_deleted(db, tmp_path):
    save(db, province())
    save(db, district(nc=30), path="huyen.txt")
    first = run_checks(db)
    s1 = store_flags(db, first)
    assert s1["new"] == len(first) and s1["resolved"] == 0
    target = next(f for f in first if f.rule == "threshold_below_parent")
    db["reviews"].insert({"flag_id": target.id, "decision": "confirmed", "who": "an", "at": "2024-01-01"})
    again = run_checks(db)
    assert [f.id for f in again] == [f.id for f in first]
    s2 = store_flags(db, again)
    assert s2["new"] == 0 and s2["seen"] == len(first)
    # the district corrects its plan (a new version of the same file)
    save(db, district(nc=40), path="huyen.txt")
    s3 = store_flags(db, run_checks(db))
    assert s3["resolved"] >= 1
    row = db["flags"].get(target.id)
    assert row["status"] == "resolved"
    assert db.execute("SELECT COUNT(*) FROM reviews WHERE flag_id = ?", [target.id]).fetchone()[0] == 1


def test_identity_ignores_offsets(db):
    p1 = Plan("a.txt", number="3/KH-UBND")
    p1.line("- Tỷ lệ bao phủ bảo hiểm y tế đạt 95%.", ("95%", 95, "%", "=", 2025))
    p1.line("Tỷ lệ người dân tham gia bảo hiểm y tế đạt từ 93% trở lên.", ("93%", 93, "%", ">=", None))
    save(db, p1)
    id1 = by_rule(run_checks(db), "internal_conflict")[0].id
    p2 = Plan("a.txt", number="3/KH-UBND")
    p2.line("Lời nói đầu dài hơn trước, mọi vị trí đều dời đi.")
    p2.line("- Tỷ lệ bao phủ bảo hiểm y tế đạt 95%.", ("95%", 95, "%", "=", 2025))
    p2.line("Tỷ lệ người dân tham gia bảo hiểm y tế đạt từ 93% trở lên.", ("93%", 93, "%", ">=", None))
    save(db, p2, path="a.txt")
    f2 = by_rule(run_checks(db), "internal_conflict")
    assert len(f2) == 1 and f2[0].id == id1 and f2[0].child.start != 0


def test_cli_check_json_and_link(db, tmp_path):
    save(db, province())
    save(db, district(nc=30))
    path = db.conn.execute("PRAGMA database_list").fetchone()[2]
    runner = CliRunner()
    r = runner.invoke(app, ["check", "--db", path, "--json"])
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    f = next(x for x in data["flags"] if x["rule"] == "threshold_below_parent")
    assert set(f) >= {"id", "rule", "severity", "message", "child", "parent", "criterion", "set"}
    assert set(f["child"]) >= {"source", "number", "quote", "start", "end"}
    assert f["child"]["source"] == "huyen.txt" and f["parent"]["number"] == "12/KH-UBND"
    assert "\n" in f["message"]  # Vietnamese, then English
    assert "aggregates" in data
    r = runner.invoke(app, ["check", "--db", path])
    assert r.exit_code == 0 and "threshold_below_parent" in r.stdout
    r = runner.invoke(app, ["link", "--db", path])
    assert r.exit_code == 0 and "12/KH-UBND" in r.stdout
    r = runner.invoke(app, ["link", "150/KH-UBND", "nope", "--db", path])
    assert r.exit_code == 2


def test_indicator_matrix_export(db, tmp_path):
    import csv

    from extractor.check.matrix import CANNED_SQL
    from extractor.search import register_functions

    save(db, province())
    save(db, district(nc=30, poor=6))
    store_flags(db, run_checks(db))
    store_links(db, run(db).links)
    out = tmp_path / "m.csv"
    n = store.export_table(db, "indicator_matrix", "csv", out)
    rows = list(csv.DictReader(open(out, encoding="utf-8")))
    assert n == len(rows) > 5
    cols = list(rows[0])
    # a column per plan, the child's right after its parent's, then the child's findings
    assert cols[:4] == ["id", "indicator", "indicator_name", "year"]
    assert cols[4:7] == ["12/KH-UBND", "150/KH-UBND", "150/KH-UBND: phát hiện / finding"]
    poor = next(r for r in rows if r["indicator_name"] == "Tỷ lệ hộ nghèo đa chiều" and r["year"] == "2025")
    assert "dưới 4%" in poor["12/KH-UBND"] and "dưới 6%" in poor["150/KH-UBND"]
    assert "yếu hơn" in poor["150/KH-UBND: phát hiện / finding"]
    assert not any("|" in (v or "") for r in rows for v in r.values())  # no internal keys
    # the canned query gives the same pairs in long form
    register_functions(db.conn)
    long = [dict(r) for r in db.query(CANNED_SQL, {"indicator": "ho ngheo"})]
    pair = next(r for r in long if r["plan"] == "150/KH-UBND" and r["year"] == 2025 and r["plan_comparator"] == "<=")
    assert pair["parent_value"] == 4 and pair["plan_value"] == 6 and "yếu hơn" in (pair["finding"] or "")
