"""Start-up and small-batch speed of the ``kehoach`` command (issue 14).

    .venv/bin/python bench/cli.py              # ~1 min; section "cli" of bench/RESULTS.md
    .venv/bin/python bench/cli.py --no-write   # print only

Measures, as whole commands (wall clock of a subprocess, CLI start-up included),
the median of ``--repeat`` (5) runs, interleaved so that a busy moment of the
shared machine hits every contender alike:

- ``kehoach --help``                         goal <= 0.15 s
- ``kehoach extract --json ONE.txt``         goal <= 0.5 s (a sample plan of corpora/plans), with
  the user's cache of parsed rules and compiled patterns in place (every run after the
  first), and once more with an empty cache each time (the first run after installing
  or changing a rules file), which has no goal
- ``kehoach ingest`` of 12 seven-page text-layer PDFs into a fresh database, against
  bare pdfplumber (``pdfplumber.open`` + ``extract_text`` of every page) and bare
  pypdfium2 (``get_textpage().get_text_range()``) on the same files, each a fresh
  ``python -c`` process                       goal: ingest >= 3x pdfplumber

Writes every run's times to ``bench/_work/cli.json`` (``bench/goals.py`` reads it).
Also records how long importing ``extractor.cli`` takes, and whether the small batch
ran in-process (no forkserver started: ``small_batch`` in ``extractor.ingest``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import corpus  # noqa: E402

ROOT = corpus.ROOT
KEHOACH = Path(sys.executable).parent / "kehoach"
SMALL_DIR = corpus.WORK / "small12"
SMALL_DB = corpus.WORK / "db" / "small12.db"
GOAL_HELP = 0.15
GOAL_EXTRACT = 0.5
GOAL_SMALL_RATIO = 3.0
PAGES_PER_FILE = 7
FILES = 12

PLUMBER = """
import sys, pdfplumber
n = 0
for p in sys.argv[1:]:
    with pdfplumber.open(p) as pdf:
        for page in pdf.pages:
            n += len(page.extract_text() or "")
print(n)
"""

PDFIUM = """
import sys, pypdfium2 as pdfium
n = 0
for p in sys.argv[1:]:
    pdf = pdfium.PdfDocument(p)
    for page in pdf:
        tp = page.get_textpage()
        n += len(tp.get_text_range())
        tp.close(); page.close()
    pdf.close()
print(n)
"""


def small_batch() -> list[Path]:
    """12 distinct seven-page text-layer PDFs (the sample plans cut to 7 pages, each copy
    with its own document number), made once under bench/_work/small12/."""
    SMALL_DIR.mkdir(parents=True, exist_ok=True)
    per_page = int((842 - 2 * corpus.MARGIN_Y) // corpus.LEADING)  # A4 height in points
    want = PAGES_PER_FILE * per_page
    texts = [(n, t) for n, t in corpus.source_texts() if len(corpus.wrap_lines(t)) >= want] or corpus.source_texts()
    out = []
    for i in range(FILES):
        name, text = texts[i % len(texts)]
        lines = corpus.wrap_lines(corpus.variant(text, 1 + i // len(texts)))
        while len(lines) < want:  # a short plan: repeat its body
            lines += lines
        path = SMALL_DIR / f"{i:02d}_{name}.pdf"
        if not path.exists():
            pages = corpus.write_pdf("\n".join(lines[:want]), path, title=f"kehoach small {i:02d}")
            assert pages == PAGES_PER_FILE, (path, pages)
        out.append(path)
    return out


def timed(cmd: list[str], env: dict | None = None) -> tuple[float, float]:
    """Wall-clock seconds of one run of ``cmd``, and its CPU seconds (user + system, of the
    command and the children it waited for): CPU time shows the work done even while
    other jobs on the machine slow the wall clock down."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    res = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env)
    dt = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if res.returncode not in (0,):
        raise SystemExit(f"{' '.join(cmd[:4])} … exit {res.returncode}: {res.stderr[-800:]}")
    return dt, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def fresh_db() -> Path:
    db = SMALL_DB
    db.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(db) + suffix)
        if p.exists():
            p.unlink()
    return db


def import_seconds(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    return float(out.stdout.strip() or "nan")


def measure(repeat: int) -> dict:
    files = small_batch()
    one = sorted((ROOT / "corpora" / "plans").glob("*.txt"))[0]
    env = dict(os.environ, COLUMNS="200")
    env.pop("KEHOACH_WORKERS", None)  # the default: let ingest choose by size
    runs: dict[str, list[float]] = {k: [] for k in ("help", "extract", "extract_cold", "ingest", "plumber", "pdfium")}
    cpu: dict[str, list[float]] = {k: [] for k in runs}
    py = sys.executable
    args = [str(f) for f in files]
    extract = [str(KEHOACH), "extract", "--json", str(one)]

    def run(name: str, cmd: list[str], env: dict) -> None:
        wall, seconds = timed(cmd, env)
        runs[name].append(wall)
        cpu[name].append(seconds)

    timed(extract, env)  # fills the user's cache if it is empty
    for _ in range(repeat):
        run("help", [str(KEHOACH), "--help"], env)
        run("extract", extract, env)
        with tempfile.TemporaryDirectory() as empty:
            run("extract_cold", extract, dict(env, KEHOACH_CACHE_DIR=empty))
        run("plumber", [py, "-c", PLUMBER, *args], env)
        run("pdfium", [py, "-c", PDFIUM, *args], env)
        run("ingest", [str(KEHOACH), "ingest", str(SMALL_DIR), "--db", str(fresh_db()), "-q"], env)
    import sqlite3

    con = sqlite3.connect(SMALL_DB)
    pages = con.execute("SELECT COALESCE(SUM(pages), 0) FROM sources WHERE status = 'ok'").fetchone()[0]
    con.close()
    med = {k: statistics.median(v) for k, v in runs.items()}
    med_cpu = {k: statistics.median(v) for k, v in cpu.items()}
    return {"median": med, "median_cpu": med_cpu, "runs": runs, "cpu": cpu, "pages": pages, "files": len(files), "one": one.name,
            "import_cli": min(import_seconds("extractor.cli") for _ in range(3))}


def report(m: dict, repeat: int) -> str:
    med, cpu = m["median"], m["median_cpu"]
    ratio = med["plumber"] / med["ingest"]
    ok = lambda b: "met" if b else "**not met**"  # noqa: E731
    rows = [
        ("help", "`kehoach --help`", f"<= {GOAL_HELP} s", ok(med["help"] <= GOAL_HELP)),
        ("extract", f"`kehoach extract --json {m['one']}`", f"<= {GOAL_EXTRACT} s", ok(med["extract"] <= GOAL_EXTRACT)),
        ("extract_cold", "the same, empty user cache (first run after installing or changing rules)", "", ""),
        ("ingest", f"`kehoach ingest` of {m['files']} PDFs ({m['pages']} pages), fresh database",
         f">= {GOAL_SMALL_RATIO:g}x pdfplumber", f"{ratio:.2f}x, " + ok(ratio >= GOAL_SMALL_RATIO)),
        ("plumber", "bare pdfplumber, same files", "baseline", ""),
        ("pdfium", "bare pypdfium2, same files", "baseline",
         f"ingest / pypdfium2 = {med['ingest'] / med['pdfium']:.1f}x the time"),
    ]
    lines = [
        "## cli: start-up and a small batch, as whole commands",
        "",
        f"Machine: {corpus.machine()}.  `bench/cli.py`: wall clock of each command as a subprocess, "
        f"median of {repeat} interleaved runs, and its CPU time (user + system; what the command costs "
        "even when other jobs slow the wall clock).  Small batch: "
        f"{m['files']} seven-page text-layer PDFs "
        "(sample plans cut to 7 pages, DejaVuSans 11 pt); `kehoach ingest DIR --db FRESH.db -q` without "
        "`--workers` (a batch this small runs in-process), the baselines each a fresh `python -c` process "
        "reading every page's text.",
        "",
        "| command | seconds (median) | CPU seconds (median) | goal | |",
        "| --- | ---: | ---: | --- | --- |",
        *[f"| {what} | {med[k]:.3f} s | {cpu[k]:.3f} s | {goal} | {note} |" for k, what, goal, note in rows],
        "",
        f"`import extractor.cli` alone: {m['import_cli'] * 1000:.0f} ms (commands are imported when used; "
        "`--help` imports every command module, none of which imports the pipeline or sqlite-utils, and "
        "renders without importing rich.markdown or rich.traceback).  `extract` builds its ~480 regular "
        "expressions from the user's cache (`extractor/rx.py`; compiling them costs ~0.12 s CPU) and "
        "reads the parsed rules files from there too (`extractor/user_cache.py`).",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    args = ap.parse_args(argv)
    m = measure(args.repeat)
    (corpus.WORK / "cli.json").write_text(json.dumps(m, indent=1))  # read by bench/goals.py
    text = report(m, args.repeat)
    print(text)
    if not args.no_write:
        corpus.write_section("cli", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
