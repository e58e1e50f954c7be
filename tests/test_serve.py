"""``kehoach serve``: Datasette metadata, the /-/review and /-/search pages, review
decisions (CSRF, escaping, surviving re-ingest and re-check), canned queries.

No browser here: requests go through httpx's ASGI transport.  ``build_sample_db``
is shared with test_browser.py, test_report.py and test_search.py.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpora" / "plans"

# A small district plan of our own: a planted inconsistency (50% of communes against
# the province's 80%) and a <script> inside a quoted sentence (must stay text).
SAMPLE_DISTRICT = """ỦY BAN NHÂN DÂN HUYỆN MẪU SƠN
Số: 99/KH-UBND

KẾ HOẠCH
Thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới giai đoạn 2021 - 2025 trên địa bàn huyện Mẫu Sơn

Thực hiện Kế hoạch số 12/KH-UBND ngày 14/4/2022 của Ủy ban nhân dân tỉnh Quảng Trị, Ủy ban nhân dân huyện ban hành Kế hoạch như sau:

I. MỤC TIÊU
- Đến năm 2025 có 50% số xã đạt chuẩn nông thôn mới.
- Tỷ lệ dân số nông thôn sử dụng nước sạch đạt 45% <script>window.kehoachPwned=1</script> vào năm 2025.
- Tỷ lệ người dân tham gia bảo hiểm y tế đạt 95%.

II. NHIỆM VỤ
Phòng Nông nghiệp và PTNT chủ trì, hoàn thành trước ngày 30/6/2024.
Tổng kinh phí thực hiện 20 tỷ đồng.
"""

# Used only when corpora/plans is missing.
SAMPLE_PROVINCE = """ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ
Số: 12/KH-UBND

KẾ HOẠCH
Thực hiện Chương trình mục tiêu quốc gia xây dựng nông thôn mới giai đoạn 2021 - 2025 trên địa bàn tỉnh Quảng Trị

I. MỤC TIÊU
- Phấn đấu có ít nhất 80% số xã đạt chuẩn nông thôn mới.
- Tỷ lệ dân số nông thôn được sử dụng nước sạch đáp ứng quy chuẩn đạt tối thiểu 60% vào năm 2025.
- Tỷ lệ người dân nông thôn tham gia bảo hiểm y tế đạt trên 95%.
"""


def flag_id(*parts) -> str:
    return hashlib.sha1("|".join(map(str, parts)).encode("utf-8")).hexdigest()


def _doc_by_source(db, needle: str):
    rows = list(db.query(
        "SELECT d.* FROM documents d JOIN sources s ON s.id = d.source_id "
        "WHERE s.name LIKE ? AND d.superseded = 0 ORDER BY d.id LIMIT 1", [f"%{needle}%"]))
    return rows[0] if rows else None


def _target(db, doc_id: int, pattern: str):
    for r in db.query("SELECT * FROM records WHERE document_id = ? AND type = 'target' ORDER BY start", [doc_id]):
        if re.search(pattern, r["quote"]):
            return r
    return None


def plant_flags(db) -> list[dict]:
    """Insert flag rows the way the cross-check stage will (until it lands): the sample
    district plan against the province plan, plus a corpus district plan when there is one."""
    province = _doc_by_source(db, "tinh") or _doc_by_source(db, "province")
    sample = _doc_by_source(db, "99_mau")
    assert province and sample, "sample documents missing"
    flags = []
    pt = _target(db, province["id"], r"80% số xã đạt chuẩn")
    ct = _target(db, sample["id"], r"50% số xã đạt chuẩn")
    flags.append(dict(
        rule="target_below_parent", severity="error",
        message="Chỉ tiêu xã đạt chuẩn NTM (50%) thấp hơn kế hoạch tỉnh (80%)",
        message_en="Share of communes meeting the NTM standard (50%) is below the province plan (80%)",
        child=(sample["id"], ct), parent=(province["id"], pt), criterion=None))
    pw = _target(db, province["id"], r"nước sạch") or pt
    cw = _target(db, sample["id"], r"nước sạch")
    flags.append(dict(
        rule="target_below_parent", severity="warning",
        message="Tỷ lệ dùng nước sạch (45%) thấp hơn kế hoạch tỉnh (60%)",
        message_en="Clean-water share (45%) is below the province plan (60%)",
        child=(sample["id"], cw), parent=(province["id"], pw), criterion="17"))
    flags.append(dict(
        rule="missing_deadline", severity="info",
        message="Thiếu thời hạn cho chỉ tiêu bảo hiểm y tế",
        message_en="No deadline for the health-insurance target",
        child=(sample["id"], _target(db, sample["id"], r"bảo hiểm y tế")), parent=(None, None), criterion="15"))
    district = _doc_by_source(db, "huyen_kh150") or _doc_by_source(db, "giolinh")
    if district is not None and district["id"] != sample["id"]:
        dt = _target(db, district["id"], r"hộ nghèo")
        ptn = _target(db, province["id"], r"hộ nghèo")
        if dt and ptn:
            flags.append(dict(
                rule="target_differs", severity="warning",
                message="Chỉ tiêu hộ nghèo khác kế hoạch tỉnh",
                message_en="The poverty target differs from the province plan",
                child=(district["id"], dt), parent=(province["id"], ptn), criterion="11"))
        db["documents"].update(district["id"], {"parent_id": province["id"], "parent_by": "test"})
    db["documents"].update(sample["id"], {"parent_id": province["id"], "parent_by": "test"})
    rows = []
    for f in flags:
        (cdoc, crec), (pdoc, prec) = f["child"], f["parent"]
        fid = flag_id(f["rule"], crec and crec["quote"], prec and prec["quote"])
        rows.append({
            "id": fid, "rule": f["rule"], "severity": f["severity"], "message": f["message"],
            "message_en": f["message_en"], "child_document_id": cdoc,
            "child_quote": crec and crec["quote"], "child_start": crec and crec["start"],
            "child_end": crec and crec["end"], "parent_document_id": pdoc,
            "parent_quote": prec and prec["quote"], "parent_start": prec and prec["start"],
            "parent_end": prec and prec["end"], "criterion": f["criterion"], "set_name": "xa_ntm_2021",
            "status": "open", "first_seen": "2024-01-01T00:00:00+00:00", "last_seen": "2024-01-01T00:00:00+00:00",
        })
    db["flags"].insert_all(rows, replace=True)
    return rows


def build_sample_db(folder: Path) -> Path:
    """A database from corpora/plans (or a built-in province plan) plus SAMPLE_DISTRICT,
    with flags planted.  Returns the database path."""
    from extractor.ingest import ingest_paths
    from extractor.store import open_db

    folder = Path(folder)
    plans = folder / "plans"
    plans.mkdir(parents=True, exist_ok=True)
    if CORPUS.is_dir() and any(CORPUS.glob("*.txt")):
        for f in sorted(CORPUS.glob("*.txt")):
            shutil.copy(f, plans / f.name)
    else:
        (plans / "01_sample_tinh.txt").write_text(SAMPLE_PROVINCE, encoding="utf-8")
    (plans / "99_mau_huyen.txt").write_text(SAMPLE_DISTRICT, encoding="utf-8")
    path = folder / "kehoach.db"
    db = open_db(path)
    summary = ingest_paths([plans], db=db, workers=0)
    assert summary.exit_code == 0
    plant_flags(db)
    db.close()
    return path


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    return build_sample_db(tmp_path_factory.mktemp("serve"))


# --------------------------------------------------------------------------- helpers


def run(coro):
    return asyncio.run(coro)


def client_for(path: Path):
    import httpx

    from extractor.serve import make_datasette

    ds = make_datasette(path)
    return ds, httpx.AsyncClient(transport=httpx.ASGITransport(app=ds.app()), base_url="http://127.0.0.1")


def csrftoken(html: str) -> str:
    m = re.search(r'name="csrftoken" value="([^"]+)"', html)
    assert m, "no csrftoken in the page"
    return m.group(1)


def copy_db(src: Path, dst_dir: Path) -> Path:
    dst = dst_dir / "kehoach.db"
    for suffix in ("", "-wal", "-shm"):
        if Path(str(src) + suffix).exists():
            shutil.copy(str(src) + suffix, str(dst) + suffix)
    return dst


# --------------------------------------------------------------------------- tests

# the helpers above are imported by other test files, so skip per test, not per module
needs_datasette = pytest.mark.skipif(
    importlib.util.find_spec("datasette") is None, reason="datasette is not installed (pip install -e '.[serve]')"
)


@needs_datasette
def test_metadata_titles_facets_queries():
    from extractor.serve.metadata import build_metadata

    md = build_metadata("kehoach")
    db = md["databases"]["kehoach"]
    assert " / " in db["tables"]["targets"]["title"]  # Vietnamese / English
    assert {"level", "province", "district"} <= set(db["tables"]["documents"]["facets"])
    assert {"topic", "criterion", "year"} <= set(db["tables"]["targets"]["facets"])
    assert {"rule", "severity", "status"} <= set(db["tables"]["flags"]["facets"])
    assert "decision" in db["tables"]["reviews"]["facets"]
    for name in ("plan_targets", "plan_beside_parent", "open_flags_by_district", "search"):
        assert db["queries"][name]["sql"] and " / " in db["queries"][name]["title"]
    assert "parent_id" in db["queries"]["plan_beside_parent"]["sql"]
    assert "Chỉ tiêu" in db["tables"]["targets"]["title"] and "Targets" in db["tables"]["targets"]["title"]
    # researchers start from place, level, file, topic / indicator and year
    for table in ("targets", "results", "deadlines", "funding"):
        assert db["tables"][table]["facets"][:3] == ["province", "level", "source"], table
    assert {"indicator", "year"} <= set(db["tables"]["targets"]["facets"][:6])
    for table in ("targets", "results", "deadlines", "assignments", "funding"):
        assert f'href="/kehoach/{table}"' in md["description_html"]


@needs_datasette
def test_pages_answer_200(sample_db):
    async def go():
        ds, client = client_for(sample_db)
        async with client:
            for path in ("/", "/-/review", "/-/search", "/-/search?q=nuoc+sach", "/kehoach",
                         "/kehoach/flags", "/kehoach/targets", "/-/doc/1", "/-/doc/1?start=0&end=10"):
                r = await client.get(path)
                assert r.status_code == 200, (path, r.status_code, r.text[:500])
            home = (await client.get("/")).text
            assert "Review flags" in home
            assert 'href="/kehoach/targets"' in home and 'href="/kehoach/deadlines"' in home
            table = (await client.get("/kehoach/targets?_facet=province")).text
            assert 'data-column="province"' in table and "kh-column-descriptions" in table  # folded by script
            assert "/-/kehoach.css" in table
            r = await client.get("/-/doc/999999")
            assert r.status_code == 404

    run(go())


@needs_datasette
def test_review_page_groups_flags_and_escapes_text(sample_db):
    async def go():
        ds, client = client_for(sample_db)
        async with client:
            html = (await client.get("/-/review")).text
        return html

    html = run(go())
    assert "window.kehoachPwned" in html  # the passage is shown ...
    assert "<script>window.kehoachPwned" not in html  # ... as text, never as markup
    assert "&lt;script&gt;window.kehoachPwned" in html
    # grouped by plan, both passages side by side, figures highlighted, links to the documents
    assert re.search(r'<section class="plan sev-', html)
    assert 'class="side child"' in html and 'class="side parent"' in html
    assert '<b class="fig">80%</b>' in html and '<b class="fig">50%</b>' in html
    assert re.search(r'href="/-/doc/\d+\?start=\d+&amp;end=\d+#passage"', html)
    assert "Chỉ tiêu xã đạt chuẩn NTM (50%)" in html
    # only open flags by default, each with a form carrying a CSRF token
    assert html.count('name="csrftoken"') >= 3


@needs_datasette
def test_filter_by_rule_severity_status(sample_db):
    async def go():
        ds, client = client_for(sample_db)
        async with client:
            only = (await client.get("/-/review?rule=missing_deadline")).text
            errors = (await client.get("/-/review?severity=error")).text
            resolved = (await client.get("/-/review?status=resolved")).text
        return only, errors, resolved

    only, errors, resolved = run(go())
    assert set(re.findall(r'data-rule="([^"]+)"', only)) == {"missing_deadline"}
    assert set(re.findall(r'<article class="flag[^>]*data-severity="([^"]+)"', errors)) == {"error"}
    assert 'id="no-flags"' in resolved


@needs_datasette
def test_decision_needs_csrf_and_is_stored(sample_db, tmp_path):
    db_path = copy_db(sample_db, tmp_path)

    async def go():
        ds, client = client_for(db_path)
        async with client:
            page = await client.get("/-/review?rule=target_below_parent")
            fid = re.search(r'data-flag-id="([0-9a-f]+)"', page.text).group(1)
            token = csrftoken(page.text)
            form = {"flag_id": fid, "decision": "accept", "comment": "Đúng: huyện đặt thấp hơn tỉnh",
                    "who": "Nguyễn Văn A", "next": "/-/review?rule=target_below_parent"}
            # no token and no cookie: refused by our own check
            async with __import__("httpx").AsyncClient(
                transport=client._transport, base_url="http://127.0.0.1"
            ) as bare:
                r = await bare.post("/-/review", data=form)
                assert r.status_code == 403
            # cookie but a wrong token: refused by asgi-csrf
            r = await client.post("/-/review", data={**form, "csrftoken": "forged"})
            assert r.status_code == 403
            r = await client.post("/-/review", data={**form, "csrftoken": token})
            assert r.status_code == 303, r.text
            assert r.headers["location"].startswith("/-/review?rule=target_below_parent#flag-")
            # bad decision, unknown flag
            r = await client.post("/-/review", data={**form, "decision": "burn", "csrftoken": token})
            assert r.status_code == 400
            r = await client.post("/-/review", data={**form, "flag_id": "nope", "csrftoken": token})
            assert r.status_code == 404
            after = (await client.get("/-/review?rule=target_below_parent")).text
            accepted = (await client.get("/-/review?review=accept")).text
            unreviewed = (await client.get("/-/review?review=unreviewed")).text
        return fid, after, accepted, unreviewed

    fid, after, accepted, unreviewed = run(go())
    assert "Đúng: huyện đặt thấp hơn tỉnh" in after and "Nguyễn Văn A" in after
    assert 'value="Nguyễn Văn A"' in after  # the reviewer's name is remembered
    assert f'data-flag-id="{fid}"' in accepted and f'data-flag-id="{fid}"' not in unreviewed
    from extractor.store import open_db

    rows = list(open_db(db_path, must_exist=True).query("SELECT * FROM reviews"))
    assert len(rows) == 1
    assert rows[0]["flag_id"] == fid and rows[0]["decision"] == "accept" and rows[0]["who"] == "Nguyễn Văn A"
    assert rows[0]["at"]


@needs_datasette
def test_decisions_survive_reingest_and_recheck(sample_db, tmp_path):
    from extractor.ingest import ingest_paths
    from extractor.store import open_db

    db_path = copy_db(sample_db, tmp_path)
    db = open_db(db_path)
    fid = db.execute("SELECT id FROM flags ORDER BY id LIMIT 1").fetchone()[0]
    db["reviews"].insert({"flag_id": fid, "decision": "dismiss", "comment": "đã sửa", "who": "B",
                          "at": "2024-05-01T00:00:00+00:00"})
    # re-ingest (the files are unchanged: skipped) and re-check (flags rebuilt with the same ids)
    plans = sample_db.parent / "plans"
    ingest_paths([plans], db=db, workers=0)
    db.execute("DELETE FROM flags")
    db.conn.commit()
    rows = plant_flags(db)
    assert fid in {r["id"] for r in rows}
    db.close()

    async def go():
        ds, client = client_for(db_path)
        async with client:
            return (await client.get("/-/review?review=dismiss")).text

    html = run(go())
    assert f'data-flag-id="{fid}"' in html and "đã sửa" in html


@needs_datasette
def test_canned_queries(sample_db):
    async def go():
        ds, client = client_for(sample_db)
        async with client:
            out = {}
            for name, qs in [("search", "q=nuoc+sach"), ("plan_beside_parent", "plan="),
                             ("open_flags_by_district", ""), ("plans", ""), ("flags_review_status", "review="),
                             ("plan_targets", "plan=99/KH-UBND")]:
                r = await client.get(f"/kehoach/{name}.json?_shape=objects&{qs}")
                assert r.status_code == 200, (name, r.text[:300])
                out[name] = r.json()["rows"]
            return out

    out = run(go())
    # phrase matches first, and they hold the phrase (a quote keeps the source's line breaks); folded
    # word matches may follow ("ngân sách nhà nước" holds the folded words "nuoc" and "sach")
    phrase = [r for r in out["search"] if r["match"] in ("exact", "phrase")]
    assert phrase and all("nước sạch" in " ".join(r["quote"].lower().split()) for r in phrase)
    assert [r["match"] for r in out["search"]][:len(phrase)] == [r["match"] for r in phrase]
    assert out["search"][0]["match"] in ("exact", "phrase")
    side = out["plan_beside_parent"]
    assert any(r["plan_value"] == 50 and r["parent_value"] == 80 for r in side)
    assert sum(r["open_flags"] for r in out["open_flags_by_district"]) >= 3
    assert any(r["targets"] for r in out["plans"])
    assert {r["review"] for r in out["flags_review_status"]} == {"unreviewed"}
    assert any("50%" in r["quote"] for r in out["plan_targets"])


def test_serve_command_refuses_missing_database(tmp_path):
    from typer.testing import CliRunner

    from extractor.cli import app

    result = CliRunner().invoke(app, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2
    assert "no database" in result.output


# --------------------------------------------------------------------------- review: name, state, busy database


def _first_flag(html: str) -> str:
    return re.search(r'data-flag-id="([0-9a-f]+)"', html).group(1)


@needs_datasette
def test_review_needs_a_name_and_the_state_follows_the_decision(sample_db, tmp_path):
    db_path = copy_db(sample_db, tmp_path)

    async def go():
        ds, client = client_for(db_path)
        async with client:
            page = (await client.get("/-/review")).text
            fid, token = _first_flag(page), csrftoken(page)
            form = {"flag_id": fid, "decision": "dismiss", "comment": "đã trao đổi với huyện", "csrftoken": token,
                    "next": "/-/review"}
            nameless = await client.post("/-/review", data={**form, "who": "   "})
            saved = await client.post("/-/review", data={**form, "who": "Nguyễn Văn A"})
            after = (await client.get("/-/review")).text
        return fid, page, nameless, saved, after

    fid, page, nameless, saved, after = run(go())
    # errors first: the first finding on the page is an error
    assert re.search(r'<article class="flag sev-(\w+)', page).group(1) == "error"
    assert 'required' in re.search(r'<input type="text" name="who"[^>]*>', page).group(0)
    # no name: refused, said on the page, the comment kept in the form, nothing stored
    assert nameless.status_code == 400
    assert "name is required" in nameless.text and "đã trao đổi với huyện" in nameless.text
    assert 'value="anonymous"' not in nameless.text
    assert saved.status_code == 303
    from extractor.store import open_db

    rows = list(open_db(db_path, must_exist=True).query("SELECT * FROM reviews"))
    assert [(r["flag_id"], r["who"], r["decision"]) for r in rows] == [(fid, "Nguyễn Văn A", "dismiss")]
    article = after[after.index(f'id="flag-{fid}"'):]
    article = article[: article.index("</article>")]
    badges = re.search(r'<span class="badge state[^"]*">([^<]+)</span>', article).group(1)
    assert "Dismissed" in badges and "Open" not in badges
    assert 'value="Nguyễn Văn A"' in article  # remembered, and only once


@needs_datasette
def test_review_counts_and_same_plan_findings(sample_db, tmp_path):
    from extractor.store import open_db

    db_path = copy_db(sample_db, tmp_path)
    db = open_db(db_path)
    row = dict(next(db.query("SELECT * FROM flags WHERE parent_document_id IS NOT NULL LIMIT 1")))
    doc = row["child_document_id"]
    other = next(db.query("SELECT * FROM records WHERE document_id = ? AND start != ? ORDER BY start LIMIT 1",
                          [doc, row["child_start"]]))
    row.update(id="same-plan-test", rule="internal_conflict", severity="warning", parent_document_id=doc,
               parent_quote=other["quote"], parent_start=other["start"], parent_end=other["end"])
    db["flags"].insert(row)
    db.close()

    async def go():
        ds, client = client_for(db_path)
        async with client:
            return (await client.get("/-/review")).text

    html = run(go())
    article = html[html.index('id="flag-same-plan-test"'):]
    article = article[: article.index("</article>")]
    assert "Cùng văn bản / Same plan" in article and "Parent plan" not in article
    assert article.count('<div class="passage">') == 2
    counts = html[html.index('id="counts"'):html.index('id="filters"')]
    assert "internal_conflict" in counts and "target_below_parent" in counts


@needs_datasette
def test_review_waits_for_a_busy_database_and_keeps_the_form(sample_db, tmp_path, monkeypatch):
    import sqlite3
    import threading
    import time

    from extractor.serve import review

    db_path = copy_db(sample_db, tmp_path)
    monkeypatch.setattr(review, "REVIEW_WAIT", 1.0)
    blocker = sqlite3.connect(db_path, timeout=0, isolation_level=None, check_same_thread=False)

    async def post(client, page, who):
        form = {"flag_id": _first_flag(page), "decision": "accept", "comment": "giữ nguyên ý kiến",
                "who": who, "csrftoken": csrftoken(page), "next": "/-/review"}
        return await client.post("/-/review", data=form)

    async def go():
        ds, client = client_for(db_path)
        async with client:
            page = (await client.get("/-/review")).text
            blocker.execute("BEGIN IMMEDIATE")  # another process is writing
            t0 = time.monotonic()
            busy = await post(client, page, "Lê C")
            waited = time.monotonic() - t0
            # the writer finishes while the next decision waits: it is saved
            threading.Timer(0.3, lambda: blocker.execute("COMMIT")).start()
            ok = await post(client, page, "Lê C")
        return busy, waited, ok

    # hold the lock for the first post, release it during the second
    busy, waited, ok = run(go())
    blocker.close()
    assert busy.status_code == 503
    assert waited >= 0.9
    assert "database is busy" in busy.text
    assert "giữ nguyên ý kiến" in busy.text and 'value="Lê C"' in busy.text  # the form is still filled
    assert ok.status_code == 303, ok.text[:500]
    from extractor.store import open_db

    assert [r["who"] for r in open_db(db_path).query("SELECT who FROM reviews")] == ["Lê C"]


# --------------------------------------------------------------------------- safe serving


@needs_datasette
def test_bad_ids_and_missing_pages_are_404_without_traceback(sample_db, capsys):
    async def go():
        ds, client = client_for(sample_db)
        async with client:
            out = {}
            for path in ("/-/doc/99999999999999999999999", "/-/doc/abc", "/-/doc/0", "/no/such/page",
                         "/kehoach/no_such_table", "/-/nothing.json"):
                out[path] = await client.get(path)
            return out

    out = run(go())
    for path, r in out.items():
        assert r.status_code == 404, (path, r.status_code)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err


@needs_datasette
def test_huge_values_get_a_clear_error(sample_db):
    async def go():
        ds, client = client_for(sample_db)
        async with client:
            out = []
            for sql in ("select randomblob(1000000000)", "select hex(zeroblob(500000000))",
                        "select randomblob(20000000) from records limit 50"):
                out.append(await client.get("/kehoach.json", params={"sql": sql}))
            small = await client.get("/kehoach.json", params={"sql": "select length(randomblob(1000)) as n"})
            return out, small

    out, small = run(go())
    for r in out:
        assert r.status_code == 400, r.text[:300]
        body = r.json()
        assert body["ok"] is False and ("too big" in body["error"] or "too large" in body["error"])
    assert small.status_code == 200 and small.json()["rows"] == [[1000]]


@needs_datasette
def test_no_arbitrary_sql_off_loopback_unless_allowed(sample_db):
    from extractor.serve import is_loopback, make_datasette

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")

    async def go(allow):
        import httpx

        ds = make_datasette(sample_db, allow_sql=allow)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=ds.app()), base_url="http://127.0.0.1") as c:
            return {p: (await c.get(p)).status_code for p in (
                "/kehoach.json?sql=select+1", "/kehoach/targets", "/kehoach/targets?_facet=province",
                "/kehoach/search.json?q=nuoc+sach", "/-/search?q=nuoc+sach", "/-/review")}

    closed = run(go(False))
    assert closed["/kehoach.json?sql=select+1"] == 403
    assert all(code == 200 for path, code in closed.items() if "sql=" not in path), closed
    assert run(go(True))["/kehoach.json?sql=select+1"] == 200


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


@needs_datasette
@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc to measure memory")
def test_randomblob_on_a_real_server_stays_small(sample_db, tmp_path):
    """`kehoach serve` as a process: a 1 GB randomblob is refused with a clear error and the
    server's memory stays under a few hundred MB."""
    import json
    import socket
    import subprocess
    import sys
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-c", "from extractor.cli import app; app()", "serve", "--db", str(sample_db),
           "--port", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        peak = 0.0
        for sql in ("select randomblob(1000000000)", "select zeroblob(1000000000)",
                    "select randomblob(60000000) from records"):
            url = base + "/kehoach.json?" + urllib.parse.urlencode({"sql": sql})
            try:
                urllib.request.urlopen(url, timeout=60)
                raise AssertionError(f"{sql} answered 200")
            except urllib.error.HTTPError as exc:
                assert exc.code == 400
                body = json.loads(exc.read())
                assert "too big" in body["error"] or "too large" in body["error"], body
            peak = max(peak, _rss_mb(proc.pid))
        assert peak < 400, f"server grew to {peak:.0f} MB"
        assert proc.poll() is None  # still serving
        assert urllib.request.urlopen(base + "/-/review", timeout=30).status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=15)


HEAP_PROBE = """
import asyncio, json, sys
import httpx
from extractor.serve import limits, make_datasette
limits.enable_heap_limit()
ds = make_datasette(sys.argv[1])
async def go():
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=ds.app()), base_url="http://127.0.0.1") as c:
        big = await c.get("/kehoach.json", params={"sql": "select randomblob(40000000)"})
        ok = await c.get("/kehoach.json", params={"sql": "select 1"})
        print(json.dumps([big.status_code, big.json(), ok.status_code]))
asyncio.run(go())
"""


@needs_datasette
def test_query_over_the_heap_cap_is_a_clear_400(sample_db):
    """In a process of its own (the cap is process-wide): a query needing more than
    KEHOACH_SERVE_HEAP_MB gets a 400 that says why, and the next query works."""
    import json
    import os
    import sqlite3
    import subprocess
    import sys

    from extractor.serve import limits

    if not limits.heap_limit_supported():
        pytest.skip(f"SQLite {sqlite3.sqlite_version} has no hard_heap_limit")
    env = {**os.environ, "KEHOACH_SERVE_HEAP_MB": "16"}
    proc = subprocess.run([sys.executable, "-c", HEAP_PROBE, str(sample_db)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    big_status, big, ok_status = json.loads(proc.stdout.strip().splitlines()[-1])
    assert big_status == 400, big
    assert "more memory than the server allows" in big["error"]
    assert ok_status == 200


@needs_datasette
def test_document_page_charts(sample_db):
    from extractor import charts
    from extractor.store import open_db

    if not charts.available():
        pytest.skip("altair / vl-convert-python not installed")
    db = open_db(sample_db)
    ids = {r["name"]: r["id"] for r in db.query(
        "SELECT s.name, d.id FROM documents d JOIN sources s ON s.id = d.source_id WHERE d.superseded = 0")}
    sample = ids["99_mau_huyen.txt"]
    province = db.execute("SELECT id, province FROM documents WHERE level = 'tinh' AND superseded = 0").fetchone()
    across = charts.province_data(db, province[1])

    async def go():
        ds, client = client_for(sample_db)
        async with client:
            return (await client.get(f"/-/doc/{sample}")).text, (await client.get(f"/-/doc/{province[0]}")).text

    district_page, province_page = run(go())
    assert re.search(r'<figure class="chart" data-group="[^"]*"><svg', district_page)  # beside its parent
    if across:  # indicators are known: one indicator across the province's districts
        assert province_page.count('class="chart province"') == min(6, len(across))


@needs_datasette
def test_review_passages_are_read_in_pieces_identical_to_whole_texts(sample_db):
    from extractor.serve.passages import in_context
    from extractor.serve.review import WINDOW, _in_piece, passages

    async def go():
        from extractor.serve import make_datasette

        db = make_datasette(sample_db).get_database("kehoach")
        flags = [dict(r) for r in (await db.execute("SELECT * FROM flags")).rows]
        texts = {r[0]: r[1] for r in (await db.execute("SELECT id, text FROM documents")).rows}
        pieces = await passages(db, [((f["id"], s), f[f"{s}_document_id"], f[f"{s}_start"], f[f"{s}_end"])
                                     for f in flags for s in ("child", "parent")])
        return flags, texts, pieces

    flags, texts, pieces = run(go())
    assert flags
    for f in flags:
        for s in ("child", "parent"):
            whole = in_context(texts.get(f[f"{s}_document_id"]), f[f"{s}_start"], f[f"{s}_end"], WINDOW,
                               quote=f[f"{s}_quote"])
            piece = pieces.get((f["id"], s))
            assert piece is None or len(piece[0]) < 2 * WINDOW + 400 + (f[f"{s}_end"] - f[f"{s}_start"])
            assert str(_in_piece(piece, f[f"{s}_start"], f[f"{s}_end"], f[f"{s}_quote"])) == str(whole)
