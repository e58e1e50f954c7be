"""`kehoach export`: every record table carries its document's context; CSV for Excel
(UTF-8 with a byte-order mark); an XLSX workbook with one sheet per table."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extractor.cli import app
from extractor.store import RECORD_TABLES, open_db

from test_serve import build_sample_db

CONTEXT = ["source", "document_number", "issuer", "level", "province", "district", "commune", "year", "indicator"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    return build_sample_db(tmp_path_factory.mktemp("export"))


def _export(db: Path, *args: str) -> str:
    result = CliRunner().invoke(app, ["export", "--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.mark.parametrize("table", RECORD_TABLES)
def test_record_tables_carry_document_context(sample, table):
    rows = list(csv.DictReader(io.StringIO(_export(sample, "--table", table, "--format", "csv"))))
    header = list(csv.reader(io.StringIO(_export(sample, "--table", table))))[0]
    assert set(CONTEXT) <= set(header), set(CONTEXT) - set(header)
    assert len(header) == len(set(header))  # no column twice
    db = open_db(sample)
    n = db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    assert len(rows) == n
    for row in rows:
        doc = db.execute("SELECT d.*, s.name AS source FROM documents d JOIN sources s ON s.id = d.source_id "
                         "WHERE d.id = ?", [int(row["document_id"])]).fetchone()
        cols = [c[0] for c in db.execute("SELECT d.*, s.name AS source FROM documents d JOIN sources s "
                                         "ON s.id = d.source_id LIMIT 0").description]
        doc = dict(zip(cols, doc))
        assert row["source"] == doc["source"] and row["source"].endswith(".txt")
        for key, col in (("document_number", "number"), ("issuer", "issuer"), ("level", "level"),
                         ("province", "province"), ("district", "district"), ("commune", "commune")):
            assert row[key] == (doc[col] or ""), (key, row[key], doc[col])


def test_sample_district_rows_name_their_file_and_place(sample):
    rows = list(csv.DictReader(io.StringIO(_export(sample, "--table", "targets"))))
    mine = [r for r in rows if r["source"] == "99_mau_huyen.txt"]
    assert mine and all(r["document_number"] == "99/KH-UBND" and r["level"] == "huyen" for r in mine)
    assert {r["year"] for r in mine if "2025" in r["quote"]} == {"2025"}
    deadlines = list(csv.DictReader(io.StringIO(_export(sample, "--table", "deadlines"))))
    due = [r for r in deadlines if r["source"] == "99_mau_huyen.txt"]
    assert due and due[0]["year"] == "2024"  # a deadline's year comes from its date


def test_csv_for_excel_has_a_bom_and_keeps_vietnamese(sample, tmp_path):
    out = tmp_path / "targets.csv"
    _export(sample, "--table", "targets", "--format", "csv", "--excel", "--out", str(out))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and not raw.startswith(b"\xef\xbb\xbf\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "Mẫu Sơn" in text or "nước sạch" in text
    header = next(csv.reader(io.StringIO(text)))
    assert header[0] == "id" and "source" in header
    plain = tmp_path / "plain.csv"
    _export(sample, "--table", "targets", "--out", str(plain))
    assert not plain.read_bytes().startswith(b"\xef\xbb\xbf")
    # --excel is for CSV only
    bad = CliRunner().invoke(app, ["export", "--db", str(sample), "-t", "targets", "-f", "jsonl", "--excel"])
    assert bad.exit_code == 2 and "--excel" in bad.output


def _xlsx_sheets(path: Path) -> dict[str, list[str]]:
    """Sheet name -> header row, read straight from the workbook's XML."""
    with zipfile.ZipFile(path) as z:
        book = z.read("xl/workbook.xml").decode()
        names = re.findall(r'<sheet name="([^"]+)"', book)
        shared = re.findall(r"<si><t[^>]*>([^<]*)</t></si>", z.read("xl/sharedStrings.xml").decode())
        out = {}
        for i, name in enumerate(names, start=1):
            sheet = z.read(f"xl/worksheets/sheet{i}.xml").decode()
            first = re.search(r'<row r="1"[^>]*>(.*?)</row>', sheet).group(1)
            out[name] = [shared[int(v)] for v in re.findall(r'<c r="[A-Z]+1"[^>]*t="s"[^>]*><v>(\d+)</v>', first)]
        return out


def test_xlsx_workbook_one_sheet_per_table(sample, tmp_path):
    pytest.importorskip("xlsxwriter")
    out = tmp_path / "kehoach.xlsx"
    result = CliRunner().invoke(app, ["export", "--db", str(sample), "-t", "targets", "-t", "deadlines", "-t", "flags",
                                      "--format", "xlsx", "--out", str(out)])
    assert result.exit_code == 0, result.output
    sheets = _xlsx_sheets(out)
    assert list(sheets) == ["targets", "deadlines", "flags"]
    assert set(CONTEXT) <= set(sheets["targets"]) and set(CONTEXT) <= set(sheets["deadlines"])
    assert "rule" in sheets["flags"]
    with zipfile.ZipFile(out) as z:
        assert "Mẫu Sơn".encode() in z.read("xl/sharedStrings.xml") or "nước sạch".encode() in z.read(
            "xl/sharedStrings.xml")
    # every table at once
    everything = tmp_path / "all.xlsx"
    assert CliRunner().invoke(app, ["export", "--db", str(sample), "-t", "all", "-f", "xlsx",
                                    "-o", str(everything)]).exit_code == 0
    assert "results" in _xlsx_sheets(everything)


def test_xlsx_needs_a_file_and_one_table_for_csv(sample):
    r = CliRunner().invoke(app, ["export", "--db", str(sample), "-t", "targets", "-f", "xlsx"])
    assert r.exit_code == 2 and "--out" in r.output
    r = CliRunner().invoke(app, ["export", "--db", str(sample), "-t", "targets", "-t", "funding", "-f", "csv"])
    assert r.exit_code == 2 and "xlsx" in r.output
    r = CliRunner().invoke(app, ["export", "--db", str(sample), "-t", "nope", "-f", "xlsx", "-o", "x.xlsx"])
    assert r.exit_code == 2 and "unknown table" in r.output


def test_jsonl_carries_context_too(sample):
    lines = _export(sample, "--table", "funding", "--format", "jsonl").splitlines()
    rows = [json.loads(line) for line in lines]
    assert rows and all(set(CONTEXT) <= set(r) for r in rows)
