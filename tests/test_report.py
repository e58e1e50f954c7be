"""`kehoach report` (one self-contained HTML file) and `kehoach export --format parquet`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.report import build_report, record_value, render_report
from extractor.serve.passages import figures, in_context
from extractor.store import open_db

from test_serve import build_sample_db


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    path = build_sample_db(tmp_path_factory.mktemp("report"))
    db = open_db(path)
    fid = db.execute("SELECT id FROM flags WHERE severity = 'error' LIMIT 1").fetchone()[0]
    db["reviews"].insert({"flag_id": fid, "decision": "accept", "comment": "Huyện phải nâng lên 80%",
                          "who": "Lê C", "at": "2024-05-02T08:00:00+00:00"})
    db.close()
    return path


def test_report_is_self_contained_and_complete(sample, tmp_path):
    out = tmp_path / "sub" / "report.html"
    result = CliRunner().invoke(app, ["report", "--db", str(sample), "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    # no external assets: no http(s) URLs, no src=, no external stylesheet, no scripts
    assert "http://" not in html and "https://" not in html
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?!#)[a-z]+:""", html, re.I)
    assert "<link" not in html and "<script" not in html and "@import" not in html
    assert not re.search(r"url\((?!#)", html)  # only references inside the file (an SVG's clip paths)
    assert "<style>" in html
    # the planted <script> in a quote is text
    assert "&lt;script&gt;window.kehoachPwned" in html
    # per plan: metadata, records in context, flags beside the parent's words, review decisions
    assert "99/KH-UBND" in html and "Mẫu Sơn" in html
    assert 'class="sides"' in html and "Chỉ tiêu xã đạt chuẩn NTM (50%)" in html
    assert '<b class="fig">80%</b>' in html  # the parent's figure, highlighted
    assert '<mark class="quote">' in html and 'class="fig focus"' in html
    assert "Huyện phải nâng lên 80%" in html and "Lê C" in html
    n_plans = open_db(sample).execute("SELECT COUNT(*) FROM documents WHERE superseded = 0").fetchone()[0]
    assert html.count('<section class="plan"') == n_plans
    # internal links resolve to anchors inside the file
    anchors = set(re.findall(r'id="([^"]+)"', html))
    for target in re.findall(r'href="#([^"]+)"', html):
        assert target in anchors


def test_report_subset_and_errors(sample, tmp_path):
    out = tmp_path / "one.html"
    result = CliRunner().invoke(app, ["report", "--db", str(sample), "--out", str(out), "--plan", "99/KH-UBND"])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").count('<section class="plan"') == 1
    bad = CliRunner().invoke(app, ["report", "--db", str(sample), "--out", str(out), "--plan", "nope/KH"])
    assert bad.exit_code == 2
    missing = CliRunner().invoke(app, ["report", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 2


def test_empty_database_report(tmp_path):
    db = open_db(tmp_path / "empty.db")
    html = render_report(db)
    assert "0 kế hoạch" in html and "https://" not in html
    assert build_report(db, tmp_path / "e.html").exists()


def test_passage_helpers_escape():
    text = "Mở đầu. Đạt <b>80%</b> & hơn <script>alert(1)</script> hết."
    start = text.index("Đạt")
    end = text.index(" hết")
    html = str(in_context(text, start, end, 5))
    assert "<script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;" in html
    assert '&lt;b&gt;<b class="fig">80%</b>&lt;/b&gt;' in html  # the figure marked, the text's tags escaped
    assert '<b class="fig">1</b>' in html
    assert str(figures("81/101 xã, 1,5%")).count('class="fig"') == 2
    assert "(không có đoạn trích" in str(in_context(None, None, None))
    assert record_value({"type": "target", "comparator": ">=", "value": 80.0, "unit": "%", "year": 2025}) == "≥ 80% (2025)"
    # ranges with an en dash, the Vietnamese decimal comma, units spelled after a space
    assert record_value({"type": "target", "comparator": "range", "value": 2.0, "value_max": 3.0, "unit": "xã"}) == "2–3 xã"
    assert record_value({"type": "target", "comparator": "decrease", "value": 1.0, "value_max": 1.5,
                         "unit": "%"}) == "giảm / decrease 1–1,5%"
    assert record_value({"type": "status", "value": 71.5, "unit": "%", "as_of": "2023"}) == "71,5% (đã đạt / achieved 2023)"
    assert record_value({"type": "target", "value": 35051.0, "unit": "triệu đồng"}) == "35.051 triệu đồng"
    assert record_value({"type": "funding", "amount_vnd": 120_000_000_000, "role": "total"}) == "120.000.000.000 đ (total)"


@pytest.mark.parametrize("table", ["targets", "deadlines", "assignments", "funding", "flags", "reviews",
                                   "documents", "sources"])
def test_export_parquet(sample, tmp_path, table):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / f"{table}.parquet"
    result = CliRunner().invoke(app, ["export", "--db", str(sample), "--table", table, "--format", "parquet",
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    got = pq.read_table(out)
    db = open_db(sample)
    n = db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    assert got.num_rows == n
    cols = [c[0] for c in db.execute(f'SELECT * FROM "{table}" LIMIT 0').description]
    assert got.column_names == cols
    if table == "targets" and n:
        rows = got.to_pylist()
        assert any(r["quote"] and r["value"] is not None for r in rows)
        assert str(got.schema.field("value").type) == "double"
    if table == "documents":
        assert json.loads(got.to_pylist()[0]["provenance"]) is not None


def test_export_parquet_needs_a_file(sample):
    result = CliRunner().invoke(app, ["export", "--db", str(sample), "--table", "flags", "--format", "parquet"])
    assert result.exit_code == 2
    assert "--out" in result.output


def test_report_charts_inline_svg_or_a_note(sample, tmp_path, monkeypatch):
    from extractor import charts

    if charts.available():
        html = render_report(open_db(sample))
        figs = re.findall(r'<figure class="chart[^"]*" data-group="[^"]*"><svg.*?</svg></figure>', html, re.S)
        assert figs, "no chart in the report"
        assert not re.search(r'<svg[^>]*xmlns="http', html)
        # the planted 50% against 80% is drawn, its bar in the error colour
        data = charts.family_data(open_db(sample), next(open_db(sample).query(
            "SELECT d.id FROM documents d JOIN sources s ON s.id = d.source_id WHERE s.name = '99_mau_huyen.txt'"))["id"])
        values = {(p["finding"], p["value"]) for p in data}
        assert (charts.PARENT, 80.0) in values and (charts.SEVERITY_LABELS["error"], 50.0) in values
    monkeypatch.setattr(charts, "available", lambda: False)
    html = render_report(open_db(sample))
    assert "<svg" not in html and "vl-convert-python" in html  # works without, and says why
