"""The SQLite store (extractor.store) and the `export` / `show` commands.

Documents are built by hand here, so these tests need no reader or pipeline.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import unicodedata

import pytest
from typer.testing import CliRunner

from extractor import store
from extractor.cli import app
from extractor.errors import KehoachError
from extractor.fold import fold
from extractor.model import Assignment, Citation, Deadline, DocMeta, Document, Funding, Section, Target

TEXT = (
    "HUYỆN ỦY HƯƠNG SƠN\nSố: 65-KH/HU\nKẾ HOẠCH\nxây dựng nông thôn mới giai đoạn 2021-2025\n"
    "Thực hiện Kế hoạch số 47-KH/TU của Tỉnh ủy.\n"
    "I. MỤC TIÊU\nĐến năm 2025 có 100% số xã đạt chuẩn nông thôn mới.\n"
    "II. NHIỆM VỤ\nUBND huyện hoàn thành tiêu chí số 2, 5 trước ngày 30/6/2023.\n"
    "Tổng kinh phí 120 tỷ đồng, trong đó ngân sách tỉnh 40 tỷ đồng.\n"
)


def span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def make_doc(text: str = TEXT, number: str = "65-KH/HU", date: str = "2022-03-15", **meta) -> Document:
    def q(quote):
        s, e = span(text, quote)
        return {"quote": quote, "start": s, "end": e}

    cite = q("Kế hoạch số 47-KH/TU")
    return Document(
        source="kh.txt",
        text=text,
        end=len(text),
        meta=DocMeta(**{
            "doc_type": "KẾ HOẠCH", "number": number, "date": date, "issuer": "Huyện ủy Hương Sơn",
            "level": "huyen", "title": "xây dựng nông thôn mới giai đoạn 2021-2025", "period": "2021-2025",
            "provenance": {"number": "letterhead", "issuer": "letterhead", "title": "title"},
            "cites": [Citation(doc_type="KẾ HOẠCH", number="47-KH/TU", relation="implements", **cite)],
            **meta,
        }),
        sections=[
            Section(label="I", title="MỤC TIÊU", start=text.index("I. MỤC"), end=text.index("II. "), marker="I."),
            Section(label="II", title="NHIỆM VỤ", start=text.index("II. "), end=len(text), marker="II."),
        ],
        records=[
            Target(value=100, unit="%", year=2025, subject="xã", criterion="nông thôn mới", section="I",
                   **q("100% số xã đạt chuẩn nông thôn mới")),
            Deadline(date="2023-06-30", agency="UBND huyện", section="II", date_text="30/6/2023",
                     **q("hoàn thành tiêu chí số 2, 5 trước ngày 30/6/2023")),
            Assignment(agency="UBND huyện", criteria=["2", "5"], section="II", **q("UBND huyện hoàn thành tiêu chí số 2, 5")),
            Funding(amount_vnd=120_000_000_000, role="total", section="II", **q("Tổng kinh phí 120 tỷ đồng")),
            Funding(amount_vnd=40_000_000_000, role="component", parent=3, source="ngân sách tỉnh", section="II",
                    **q("ngân sách tỉnh 40 tỷ đồng")),
        ],
    )


def source(path="/plans/kh.txt", sha="aaa", **kw) -> dict:
    return {"path": path, "sha256": sha, "size": 100, "format": "txt", "encoding": "utf-8", **kw}


@pytest.fixture
def db(tmp_path):
    return store.open_db(tmp_path / "sub" / "k.db")


# --------------------------------------------------------------------------- schema


def test_open_db_creates_folder_schema_and_records_migrations(tmp_path):
    db = store.open_db(tmp_path / "new" / "dir" / "k.db")
    assert (tmp_path / "new" / "dir" / "k.db").exists()
    assert {"sources", "documents", "sections", "citations", "records", "flags", "reviews",
            "sections_fts", "records_fts", "_migrations"} <= set(db.table_names())
    assert {"targets", "deadlines", "assignments", "funding"} <= set(db.view_names())
    assert db.journal_mode == "wal"
    assert [r["name"] for r in db["_migrations"].rows] == [m.__name__ for m in store.MIGRATIONS]
    assert store.ensure_schema(db) == []  # nothing left to apply
    assert db["flags"].pks == ["id"] and db["flags"].columns_dict["id"] is str


def test_a_new_migration_runs_once(db, monkeypatch):
    def m002_add_note(database):
        database["sources"].add_column("note", str)

    monkeypatch.setattr(store.migrations, "MIGRATIONS", store.MIGRATIONS + [m002_add_note])
    assert store.ensure_schema(db) == ["m002_add_note"]
    assert store.ensure_schema(db) == []
    assert "note" in db["sources"].columns_dict


def test_open_db_must_exist(tmp_path):
    with pytest.raises(KehoachError, match="no database"):
        store.open_db(tmp_path / "nope.db", must_exist=True)


# --------------------------------------------------------------------------- storing


def test_store_documents_writes_every_table(db):
    sid = store.store_documents(db, source(seconds_read=0.1, warnings=["w"]), [make_doc()])
    src = db["sources"].get(sid)
    assert (src["status"], src["version"], src["n_documents"], src["name"]) == ("ok", 1, 1, "kh.txt")
    assert json.loads(src["warnings"]) == ["w"] and src["seconds_store"] is not None
    doc = store.find_document(db, "65-KH/HU")
    assert doc["provenance"]["number"] == "letterhead" and doc["superseded"] == 0
    assert doc["text"] == TEXT
    assert db["sections"].count == 2 and db["citations"].count == 1
    assert {r["type"] for r in db["records"].rows} == {"target", "deadline", "assignment", "funding"}

    (t,) = db["targets"].rows
    assert (t["value"], t["unit"], t["year"], t["document_number"]) == (100.0, "%", 2025, "65-KH/HU")
    assert TEXT[t["start"]:t["end"]] == t["quote"]
    (d,) = db["deadlines"].rows
    assert d["date"] == "2023-06-30" and json.loads(d["extra"]) == {"date_text": "30/6/2023"}
    (a,) = db["assignments"].rows
    assert json.loads(a["criteria"]) == ["2", "5"]
    total, part = db["funding"].rows
    assert part["parent_record_id"] == total["id"] and part["source_of_funds"] == "ngân sách tỉnh"


def _many_records_doc(n_parts: int) -> Document:
    """``make_doc`` with ``n_parts`` more funding components of its total (record 3)."""
    doc = make_doc(number="9-KH")
    s, e = span(TEXT, "ngân sách tỉnh 40 tỷ đồng")
    doc.records += [Funding(amount_vnd=1_000_000 * (i + 1), role="component", parent=3, quote=TEXT[s:e], start=s, end=e)
                    for i in range(n_parts)]
    return doc


def _stored(db) -> dict:
    """Every row of the document tables, ids included, and the records FTS finds."""
    out = {t: db.conn.execute(f'SELECT * FROM "{t}" ORDER BY id').fetchall()
           for t in ("sources", "documents", "sections", "citations", "records")}
    out["sources"] = [r[:16] for r in out["sources"]]  # without ingested_at and the timings
    out["fts"] = db.conn.execute("SELECT rowid FROM records_fts WHERE records_fts MATCH 'ngan sach tinh' "
                                 "ORDER BY rowid").fetchall()
    return out


def test_a_documents_rows_go_in_a_few_statements_whatever_the_parameter_limit(tmp_path):
    """75 records of one document go in 64 + 8 + 3 rows; with a parameter limit of 100 (two
    records a statement) the database holds the very same rows, ids and FTS entries."""
    stored = []
    for limit in (None, 100):
        db = store.open_db(tmp_path / f"{limit}.db")
        if limit:
            db.conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
        store.store_documents(db, source(path="/plans/a.txt", sha="a"), [make_doc()])
        inserts = set()  # the trace repeats a statement's text for each row its triggers handle
        db.conn.set_trace_callback(lambda sql: inserts.add(sql) if sql.startswith('INSERT INTO "records"') else None)
        store.store_documents(db, source(path="/plans/b.txt", sha="b"), [_many_records_doc(70)])
        db.conn.set_trace_callback(None)
        assert len(inserts) == (3 if limit is None else 38)
        stored.append(_stored(db))
    assert stored[0] == stored[1]
    records = stored[0]["records"]
    assert len(records) == 5 + 75 and [r[0] for r in records] == list(range(1, 81))
    parents = [r for r in db.query("SELECT id, parent_record_id FROM records WHERE document_id = 2 AND type = 'funding'")]
    total = parents[0]["id"]
    assert total == 9 and [p["parent_record_id"] for p in parents] == [None] + [total] * 71


def test_same_content_is_stored_once(db):
    first = store.store_documents(db, source(), [make_doc()])
    again = store.store_documents(db, source(path="/elsewhere/copy.txt"), [make_doc()])
    assert again == first
    assert db["sources"].count == 1 and db["documents"].count == 1


def test_new_version_of_a_path_supersedes_the_old(db):
    v1 = store.store_documents(db, source(sha="v1"), [make_doc()])
    v2 = store.store_documents(db, source(sha="v2"), [make_doc(TEXT + "Bổ sung.\n")])
    assert db["sources"].get(v1)["superseded_by"] == v2
    assert db["sources"].get(v2)["version"] == 2
    assert [r["superseded"] for r in db["documents"].rows] == [1, 0]
    assert store.find_document(db, "65-KH/HU")["source_id"] == v2
    # going back to the first content is a third version, not "unchanged"
    v3 = store.store_documents(db, source(sha="v1"), [make_doc()])
    assert v3 not in (v1, v2) and db["sources"].get(v3)["version"] == 3


def test_reissued_document_under_another_file_name_supersedes_the_old(db):
    store.store_documents(db, source(path="/plans/65.txt", sha="a"), [make_doc()])
    store.store_documents(db, source(path="/plans/65 sửa đổi.txt", sha="b"),
                          [make_doc(TEXT + "Bổ sung.\n", date="2022-04-01")])
    # a plan of another year with the same number is a different document
    store.store_documents(db, source(path="/plans/65-2024.txt", sha="c"), [make_doc(date="2024-02-01")])
    rows = list(db.query("SELECT id, date, superseded, superseded_by FROM documents ORDER BY id"))
    assert [(r["date"], r["superseded"]) for r in rows] == [("2022-03-15", 1), ("2022-04-01", 0), ("2024-02-01", 0)]
    assert rows[0]["superseded_by"] == rows[1]["id"]


def test_a_failure_mid_file_leaves_nothing_half_written(db, monkeypatch):
    store.store_documents(db, source(path="/plans/old.txt", sha="old"), [make_doc()])
    before = store.counts(db)
    real = store._insert_document
    calls = []

    def insert_then_fail(database, sid, doc):
        calls.append(doc)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return real(database, sid, doc)

    monkeypatch.setattr(store, "_insert_document", insert_then_fail)
    with pytest.raises(RuntimeError):
        store.store_documents(db, source(path="/plans/new.txt", sha="new"), [make_doc(number="1-KH"), make_doc(number="2-KH")])
    assert store.counts(db) == before  # the first document of the file was rolled back too
    store.record_failure(db, source(path="/plans/new.txt", sha="new"), RuntimeError("disk full"))
    row = list(db.query("SELECT status, error FROM sources WHERE path = '/plans/new.txt'"))
    assert row == [{"status": "failed", "error": "disk full"}]
    # the same failure again refreshes that row rather than adding one
    store.record_failure(db, source(path="/plans/new.txt", sha="new"), "disk full")
    assert db.execute("SELECT COUNT(*) FROM sources WHERE path = '/plans/new.txt'").fetchone()[0] == 1


def test_hostile_text_is_stored_verbatim(db):
    text = TEXT + "<script>alert('x')</script> Robert'); DROP TABLE documents;--\n"
    store.store_documents(db, source(path="/plans/it's \"quoted\".txt"), [make_doc(text, title="'; DROP TABLE records; --")])
    doc = store.find_document(db, "65-KH/HU")
    assert doc["text"] == text and doc["title"] == "'; DROP TABLE records; --"
    assert db["documents"].count == 1 and db["records"].count == 5
    assert db["sources"].get(1)["name"] == 'it\'s "quoted".txt'


# --------------------------------------------------------------------------- folding and search


def test_fold():
    assert fold("Đến năm 2025 ĐẠT CHUẨN Nông thôn mới") == "den nam 2025 dat chuan nong thon moi"
    nfd = unicodedata.normalize("NFD", "Hương Sơn đạt chuẩn")
    assert fold(nfd) == fold("Hương Sơn đạt chuẩn") == "huong son dat chuan"
    assert fold(None) == ""


def test_full_text_search_ignores_accents_case_and_normal_form(db):
    store.store_documents(db, source(), [make_doc()])
    query = fold(unicodedata.normalize("NFD", "ĐẠT CHUẨN"))
    hits = list(db["records"].search(query))
    assert [h["type"] for h in hits] == ["target"]
    sec = list(db["sections"].search(fold("ngân sách tỉnh")))
    assert [s["label"] for s in sec] == ["II"]


# --------------------------------------------------------------------------- finding, export


def test_find_document_by_id_or_number(db):
    store.store_documents(db, source(), [make_doc()])
    assert store.find_document(db, 1)["number"] == "65-KH/HU"
    assert store.find_document(db, "65-kh/hu ")["id"] == 1
    assert store.find_document(db, "65 - KH/HU")["id"] == 1
    with pytest.raises(KehoachError, match="no document"):
        store.find_document(db, "99-KH/HU")


def test_find_document_with_an_ambiguous_number_lists_the_ids(db):
    store.store_documents(db, source(path="/a.txt", sha="a"), [make_doc(number="01/KH-UBND")])
    doc2 = make_doc(number="01/KH-UBND")
    doc2.meta.issuer = "UBND xã Sơn Kim"
    store.store_documents(db, source(path="/b.txt", sha="b"), [doc2])
    with pytest.raises(KehoachError, match=r"2 documents have number .*#1.*#2"):
        store.find_document(db, "01/KH-UBND")


@pytest.mark.parametrize("table", store.TABLES)
def test_export_every_table_as_csv_and_jsonl(db, table):
    store.store_documents(db, source(), [make_doc()])
    out = io.StringIO()
    n = store.export_table(db, table, "jsonl", out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(rows) == n
    out = io.StringIO()
    assert store.export_table(db, table, "csv", out) == n
    header = next(csv.reader(io.StringIO(out.getvalue())))
    assert "id" in header


def test_export_decodes_json_columns_in_jsonl(db, tmp_path):
    store.store_documents(db, source(), [make_doc()])
    path = tmp_path / "docs.jsonl"
    store.export_table(db, "documents", "jsonl", path)
    (row,) = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert row["provenance"]["title"] == "title" and row["number"] == "65-KH/HU"
    with pytest.raises(KehoachError, match="unknown table"):
        store.export_table(db, "sqlite_master", "csv", io.StringIO())


# --------------------------------------------------------------------------- the commands


def test_cli_export_and_show(tmp_path):
    dbfile = tmp_path / "k.db"
    db = store.open_db(dbfile)
    store.store_documents(db, source(), [make_doc()])
    runner = CliRunner()

    res = runner.invoke(app, ["export", "--table", "targets", "--format", "csv", "--db", str(dbfile)])
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert rows[0]["quote"] == "100% số xã đạt chuẩn nông thôn mới"

    res = runner.invoke(app, ["export", "--table", "funding", "--format", "jsonl", "--db", str(dbfile),
                              "--out", str(tmp_path / "f.jsonl")])
    assert res.exit_code == 0 and len((tmp_path / "f.jsonl").read_text().splitlines()) == 2

    res = runner.invoke(app, ["export", "--table", "nope", "--db", str(dbfile)])
    assert res.exit_code == 2 and "unknown table" in res.output

    res = runner.invoke(app, ["show", "65-KH/HU", "--db", str(dbfile)], env={"COLUMNS": "160"})
    assert res.exit_code == 0, res.output
    for expected in ("KẾ HOẠCH 65-KH/HU", "letterhead", "47-KH/TU", "MỤC TIÊU", "NHIỆM VỤ",
                     "1 target", "2 funding", "“100% số xã đạt chuẩn nông thôn mới”"):
        assert expected in res.stdout

    res = runner.invoke(app, ["show", "404", "--db", str(dbfile)])
    assert res.exit_code == 2 and "no document" in res.output
    res = runner.invoke(app, ["show", "1", "--db", str(tmp_path / "missing.db")])
    assert res.exit_code == 2 and "no database" in res.output


def test_write_transaction_commits_rolls_back_and_nests(db):
    with store.write_transaction(db):
        db["reviews"].insert({"flag_id": "a", "decision": "accept", "who": "t", "at": "now"})
        with store.write_transaction(db):  # nested: a savepoint, rolled back alone
            db["reviews"].insert({"flag_id": "b", "decision": "accept", "who": "t", "at": "now"})
            db["reviews"].insert({"flag_id": "c", "decision": "accept", "who": "t", "at": "now"})
        with pytest.raises(RuntimeError):
            with store.write_transaction(db):
                db["reviews"].insert({"flag_id": "d", "decision": "accept", "who": "t", "at": "now"})
                raise RuntimeError("inner failure")
    assert [r["flag_id"] for r in db["reviews"].rows] == ["a", "b", "c"]
    # Ctrl-C inside a write leaves nothing behind and the connection usable
    with pytest.raises(KeyboardInterrupt):
        with store.write_transaction(db):
            db["reviews"].insert({"flag_id": "e", "decision": "accept", "who": "t", "at": "now"})
            list(db.query("SELECT * FROM reviews"))
            raise KeyboardInterrupt
    assert not db.conn.in_transaction and db["reviews"].count == 3


def test_write_transaction_on_a_plain_sqlite3_connection(tmp_path):
    import sqlite3

    store.open_db(tmp_path / "k.db")
    conn = sqlite3.connect(tmp_path / "k.db")
    with store.write_transaction(conn) as c:
        c.execute("INSERT INTO reviews (flag_id, decision, who, at) VALUES ('x', 'accept', 't', 'now')")
    assert not conn.in_transaction
    assert sqlite3.connect(tmp_path / "k.db").execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 1


def test_rows_are_prepared_before_the_write_lock(db, monkeypatch):
    """Folding and serialising happen outside the transaction: the lock is held for inserts only."""
    seen = []
    real = store._prepare_document

    def spy(doc):
        seen.append(db.conn.in_transaction)
        return real(doc)

    monkeypatch.setattr(store, "_prepare_document", spy)
    store.store_documents(db, source(path="/plans/a.txt", sha="a1"), [make_doc(), make_doc(number="2-KH")])
    assert seen == [False, False]
    assert db["documents"].count == 2
