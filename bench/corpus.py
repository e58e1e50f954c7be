"""Shared helpers for the benchmarks: the source plans and text-layer PDFs made from them.

The PDFs are written with reportlab in DejaVuSans (it has every Vietnamese glyph),
A4, 11 pt, lines wrapped at ~90 characters, so one plan becomes several pages.
Everything generated goes under ``bench/_work/`` (git-ignored) and is reused by
later runs when it is already there.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import textwrap
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
WORK = BENCH / "_work"
FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_NAME = "DejaVuSans"
FONT_SIZE = 11
LEADING = 14.5
WRAP = 90
MARGIN_X = 26
MARGIN_Y = 56
PAGE_CHARS = 3000  # a "page" of plain text


# The plans the benchmark pool is made of: the five first sample plans of corpora/ and the five
# seeds, the set issue 14's figures were measured on.  Fixed, so that results stay comparable
# as corpora/ grows (the later documents are shorter and more of them hold tables, which
# would change what a "page" costs, not how fast the tool got).
POOL_PLANS = 5


def source_texts() -> list[tuple[str, str]]:
    """(name, text) of the first POOL_PLANS corpora/plans/*.txt and, if present, ../shared/seeds/*.txt."""
    files = sorted((ROOT / "corpora" / "plans").glob("*.txt"))[:POOL_PLANS]
    files += sorted((ROOT.parent / "shared" / "seeds").glob("*.txt"))
    out = []
    for f in files:
        out.append((f.stem, f.read_text(encoding="utf-8")))
    return out


def wrap_lines(text: str, width: int = WRAP) -> list[str]:
    """Hard-wrap every line of ``text`` at ``width`` characters, keeping its indent."""
    out: list[str] = []
    for line in text.expandtabs(4).splitlines():
        if not line.strip():
            out.append("")
            continue
        body = line.lstrip(" ")
        indent = " " * min(len(line) - len(body), 40)
        out.extend(textwrap.wrap(body, width=width, initial_indent=indent, subsequent_indent="",
                                 break_long_words=True, break_on_hyphens=False) or [""])
    return out


_font_registered = False


def _register_font() -> None:
    global _font_registered
    if not _font_registered:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        pdfmetrics.registerFont(TTFont(FONT_NAME, FONT_PATH))
        _font_registered = True


def write_pdf(text: str, path: Path, *, title: str = "") -> int:
    """Write ``text`` as a text-layer PDF at ``path``; return its number of pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    _register_font()
    width, height = A4
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    if title:
        c.setTitle(title)
    lines = wrap_lines(text)
    per_page = int((height - 2 * MARGIN_Y) // LEADING)
    pages = 0
    for start in range(0, max(len(lines), 1), per_page):
        t = c.beginText(MARGIN_X, height - MARGIN_Y)
        t.setFont(FONT_NAME, FONT_SIZE, leading=LEADING)
        for line in lines[start:start + per_page]:
            t.textLine(line)
        c.drawText(t)
        c.showPage()
        pages += 1
    c.save()
    return pages


_NUMBER_RE = re.compile(r"(Số:?\s*)(\d+)")
_FIGURE_RE = re.compile(r"(?<![\d.,/])(\d{1,3})(?=(?:,\d+)?\s*(?:%|triệu|tỷ|xã|hộ|km|người))")


def variant(text: str, copy: int) -> str:
    """Copy ``copy`` (0 = the original) of a plan: its document number changed, so that
    each copy is a distinct document (and file) rather than a re-issue of the same one,
    and its figures (rates, amounts, counts) shifted, so that copies do not repeat each
    other's figure sentences word for word (which would flatter per-text caches)."""
    if copy == 0:
        return text
    text = _NUMBER_RE.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + 1000 * copy}", text, count=1)
    return _FIGURE_RE.sub(lambda m: str((int(m.group(1)) + copy) % 1000), text)


def pdf_pool(n: int, log=print) -> list[dict]:
    """At least ``n`` distinct PDFs under bench/_work/pool (made on first use); return the
    first ``n`` as ``{"path", "pages", "chars"}``.  File i is copy i // k of plan i % k."""
    pool = WORK / "pool"
    pool.mkdir(parents=True, exist_ok=True)
    manifest_path = pool / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    sources = source_texts()
    made = 0
    out = []
    for i in range(n):
        name, text = sources[i % len(sources)]
        copy = i // len(sources)
        fname = f"{i:05d}_{name}.pdf"
        path = pool / fname
        body = variant(text, copy)
        digest = hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]
        entry = manifest.get(fname)
        if entry is None or entry.get("source") != digest or not path.exists():
            # first use, or the plan's text changed since the PDF was made
            pages = write_pdf(body, path, title=f"kehoach bench {i:05d} {name}")
            entry = manifest[fname] = {"pages": pages, "chars": len(body), "source": digest}
            made += 1
            if made % 100 == 0:
                log(f"  made {made} PDFs ...")
                manifest_path.write_text(json.dumps(manifest))
        out.append({"path": str(path), "pages": entry["pages"], "chars": entry["chars"]})
    if made:
        manifest_path.write_text(json.dumps(manifest))
    return out


def corpus_dir(n: int, log=print) -> tuple[Path, list[dict]]:
    """bench/_work/corpus/N<n>/ holding hard links to the first ``n`` pool PDFs."""
    files = pdf_pool(n, log)
    d = WORK / "corpus" / f"N{n}"
    d.mkdir(parents=True, exist_ok=True)
    want = {Path(f["path"]).name for f in files}
    for old in d.iterdir():
        if old.name not in want:
            old.unlink()
    for f in files:
        dst = d / Path(f["path"]).name
        if dst.exists() and not os.path.samefile(dst, f["path"]):
            dst.unlink()  # the pool file was made again
        if not dst.exists():
            try:
                os.link(f["path"], dst)
            except OSError:
                import shutil

                shutil.copyfile(f["path"], dst)
    return d, [{**f, "path": str(d / Path(f["path"]).name)} for f in files]


# --------------------------------------------------------------------------- runs

DB_DIR = WORK / "db"


def fresh_db(name: str) -> Path:
    """bench/_work/db/<name>, with any database (and its WAL files) of that name removed."""
    DB_DIR.mkdir(parents=True, exist_ok=True)
    db = DB_DIR / name
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    return db


def db_summary(db: Path, max_errors: int = 5) -> dict:
    """What an ingest left in its database: file statuses, pages read, documents,
    records, and the first errors."""
    import sqlite3

    con = sqlite3.connect(db)
    try:
        return {
            "status": dict(con.execute("SELECT status, COUNT(*) FROM sources GROUP BY status").fetchall()),
            "pages": con.execute("SELECT COALESCE(SUM(pages), 0) FROM sources WHERE status = 'ok'").fetchone()[0],
            "documents": con.execute("SELECT COUNT(*) FROM documents").fetchone()[0],
            "records": con.execute("SELECT COUNT(*) FROM records").fetchone()[0],
            "errors": [r[0] for r in con.execute("SELECT error FROM sources WHERE status = 'failed' LIMIT ?",
                                                (max_errors,))],
        }
    finally:
        con.close()


def busy_cpu_seconds() -> float:
    """CPU seconds the whole machine has been busy (all processes, all CPUs), from /proc/stat."""
    try:
        with open("/proc/stat", encoding="ascii") as fh:
            f = [int(x) for x in fh.readline().split()[1:]]
        user, nice, system, _idle, _iowait, irq, softirq, steal = (f + [0] * 8)[:8]
        return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError):
        return 0.0


# --------------------------------------------------------------------------- RESULTS.md

RESULTS = BENCH / "RESULTS.md"
_HEAD = """# kehoach: measured

Written by the scripts in `bench/` (see `bench/README.md`).  Each script rewrites only
its own section, between its `<!-- name:begin -->` / `<!-- name:end -->` markers;
anything outside the markers is kept.
"""


def machine() -> str:
    import datetime
    import platform
    import sys

    cpu = ""
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"nproc {os.cpu_count()} ({cpu or platform.machine()}), Python {platform.python_version()}, "
            f"{platform.system()} {platform.release()}, {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}")


def write_section(name: str, body: str) -> None:
    """Replace the ``name`` section of bench/RESULTS.md (append it if missing)."""
    begin, end = f"<!-- {name}:begin -->", f"<!-- {name}:end -->"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else _HEAD
    block = f"{begin}\n{body.rstrip()}\n{end}"
    if begin in text and end in text:
        pre, rest = text.split(begin, 1)
        post = rest.split(end, 1)[1]
        text = pre + block + post
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")
