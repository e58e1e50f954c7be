"""Speed of ``kehoach check`` on N plans (issue 14: it must grow linearly).

    .venv/bin/python bench/check.py [--sizes 1000 2000 4000] [--repeat 3] [--no-write]
    .venv/bin/python bench/check.py --sizes 1000 --profile      # cProfile of check.run, top 30
    .venv/bin/python bench/check.py --sizes 1000 --dump out.jsonl  # links + flags, to compare runs

Corpus: N text plans under ``bench/_work/check/files/`` made from the sample plans
(``corpora/plans/*.txt``).  File i is copy i // k of plan i % k; in copy c every
document number the sample plans give themselves (``12/KH-UBND``, ``150/KH-UBND`` …)
is moved by 100·c *wherever it is written*, in the plan's own heading and in the
citations of the plans that implement it, so each copy is a family of its own:
its commune plans cite its district plan, which cites its province plan.  National
documents (``263/QĐ-TTg`` …) are cited by all copies alike.  Plans without a number
differ by trailing blanks only (distinct files; same text).

The files are ingested once (``kehoach ingest DIR --workers 2 -q``), growing one
database from the smallest N to the largest; a copy of it is kept for each N
(``bench/_work/check/db/N<n>.db``) and reused while the files are the same.  Each
timed run copies that database to a fresh file and runs
``kehoach check --db COPY`` as a subprocess (the whole command: start-up, linking,
every rule, storing links and flags); median of ``--repeat``.
Writes the "check" section of bench/RESULTS.md and bench/_work/check/check.json.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import corpus  # noqa: E402

ROOT = corpus.ROOT
WORK = corpus.WORK / "check"
FILES = WORK / "files"
DBS = WORK / "db"
KEHOACH = str(Path(sys.executable).parent / "kehoach")
_OWN_NUMBER = re.compile(r"^\s*Số:?\s*(\d+)([-/][^\s,;.)]+)", re.M)


def log(msg: str) -> None:
    print(f"[check {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def sample_plans() -> list[tuple[str, str]]:
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted((ROOT / "corpora" / "plans").glob("*.txt"))]


def own_numbers(plans: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(digits, rest) of every number a sample plan gives itself in its heading."""
    out = []
    for _, text in plans:
        m = _OWN_NUMBER.search(text[:3000])
        if m and (m.group(1), m.group(2)) not in out:
            out.append((m.group(1), m.group(2)))
    return out


def family_copy(text: str, copy: int, numbers: list[tuple[str, str]]) -> str:
    """Copy ``copy`` of a plan: the family's own numbers moved by 100·copy everywhere
    (at most five digits up to copy 998, as numbers are written; the sample plans' own
    numbers differ modulo 100 within each kind, so no two copies share a number)."""
    if copy == 0:
        return text
    for digits, rest in numbers:
        pat = re.compile(r"(?<![\d/])" + re.escape(digits) + r"(\s*" + re.escape(rest) + r")")
        text = pat.sub(lambda m, d=digits: f"{int(d) + 100 * copy}{m.group(1)}", text)
    return text.rstrip("\n") + " " * copy + "\n"


def make_files(n: int) -> list[Path]:
    """The first ``n`` plan files (made or refreshed when missing or changed)."""
    FILES.mkdir(parents=True, exist_ok=True)
    plans = sample_plans()
    numbers = own_numbers(plans)
    out = []
    for i in range(n):
        name, text = plans[i % len(plans)]
        body = family_copy(text, i // len(plans), numbers)
        path = FILES / f"{i:05d}_{name}.txt"
        data = body.encode("utf-8")
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
        out.append(path)
    return out


def _digest(files: list[Path]) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode())
        h.update(hashlib.sha256(f.read_bytes()).digest())
    return h.hexdigest()[:16]


def build_dbs(sizes: list[int], workers: int) -> dict[int, dict]:
    """A database for each N (ingested once, grown from the smallest N)."""
    DBS.mkdir(parents=True, exist_ok=True)
    manifest_path = DBS / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    grow = DBS / "grow.db"
    out = {}
    for n in sorted(sizes):
        files = make_files(n)
        digest = _digest(files)
        target = DBS / f"N{n}.db"
        entry = manifest.get(str(n))
        if entry and entry["digest"] == digest and target.exists():
            out[n] = entry
            continue
        # ingest only the first n files: a folder of hard links
        folder = WORK / "set" / f"N{n}"
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for f in files:
            os.link(f, folder / f.name)
        prev = [m for m in sorted(out) if m < n]
        if prev:
            shutil.copyfile(DBS / f"N{prev[-1]}.db", grow)
        elif grow.exists():
            grow.unlink()
        log(f"ingest N = {n} ({len(files)} files) into {grow.name} ...")
        t0 = time.perf_counter()
        r = subprocess.run([KEHOACH, "ingest", str(folder), "--db", str(grow), "--workers", str(workers), "-q"],
                           cwd=ROOT, capture_output=True, text=True)
        if r.returncode not in (0, 2):
            raise SystemExit(f"ingest failed ({r.returncode}): {r.stderr[-2000:]}")
        shutil.copyfile(grow, target)
        import sqlite3

        con = sqlite3.connect(target)
        docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        con.close()
        entry = manifest[str(n)] = {"digest": digest, "files": n, "documents": docs,
                                    "ingest_seconds": round(time.perf_counter() - t0, 1)}
        manifest_path.write_text(json.dumps(manifest, indent=1))
        log(f"  {docs} documents in {entry['ingest_seconds']} s")
        out[n] = entry
    return out


def fresh_copy(n: int) -> Path:
    dst = WORK / f"run_N{n}.db"
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(dst) + suffix)
        if p.exists():
            p.unlink()
    shutil.copyfile(DBS / f"N{n}.db", dst)
    return dst


def time_check(n: int, repeat: int, before: Path | None = None, workers: int | None = None) -> dict:
    """``kehoach check`` on a fresh copy of N's database, ``repeat`` times; with
    ``before``, the code in that folder (``PYTHONPATH``) instead of the project's; with
    ``workers``, that many check workers (``KEHOACH_CHECK_WORKERS``)."""
    import resource

    env = dict(os.environ)
    if before is not None:
        env["PYTHONPATH"] = str(before)
    if workers is not None:
        env["KEHOACH_CHECK_WORKERS"] = str(workers)
    runs, cpu = [], []
    for _ in range(repeat):
        db = fresh_copy(n)
        u0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        r = subprocess.run([KEHOACH, "check", "--db", str(db)], cwd=ROOT, capture_output=True, text=True, env=env)
        runs.append(time.perf_counter() - t0)
        u1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(u1.ru_utime - u0.ru_utime + u1.ru_stime - u0.ru_stime)
        if r.returncode != 0:
            raise SystemExit(f"check failed ({r.returncode}): {r.stderr[-2000:]}")
    import sqlite3

    con = sqlite3.connect(db)
    flags = con.execute("SELECT count(*) FROM flags").fetchone()[0]
    linked = con.execute("SELECT count(*) FROM documents WHERE parent_id IS NOT NULL").fetchone()[0]
    con.close()
    return {"n": n, "seconds": statistics.median(runs), "runs": runs, "cpu_seconds": statistics.median(cpu),
            "flags": flags, "linked": linked}


def dump(n: int, out: Path) -> None:
    """Links and findings of ``check`` on N (stored in a fresh copy), one JSON line each,
    without the run's timestamps: two runs (before/after a change) compare with ``cmp``."""
    import sqlite3

    db = fresh_copy(n)
    t0 = time.perf_counter()
    r = subprocess.run([KEHOACH, "check", "--db", str(db)], cwd=ROOT, capture_output=True, text=True)
    took = time.perf_counter() - t0
    if r.returncode != 0:
        raise SystemExit(f"check failed ({r.returncode}): {r.stderr[-2000:]}")
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    with open(out, "w", encoding="utf-8") as fh:
        for row in con.execute("SELECT id, parent_id, parent_by FROM documents ORDER BY id"):
            fh.write(json.dumps({"link": dict(row)}, ensure_ascii=False) + "\n")
        for row in con.execute("SELECT * FROM flags ORDER BY id"):
            d = {k: row[k] for k in row.keys() if k not in ("first_seen", "last_seen")}
            fh.write(json.dumps({"flag": d}, ensure_ascii=False) + "\n")
    con.close()
    log(f"dumped links and flags of N = {n} to {out} (check took {took:.1f} s)")


def profile(n: int, top: int = 30) -> str:
    import cProfile
    import io
    import pstats

    from extractor.check import run
    from extractor.store import open_db

    db = open_db(fresh_copy(n), must_exist=True)
    pr = cProfile.Profile()
    t0 = time.perf_counter()
    pr.enable()
    res = run(db)
    pr.disable()
    buf = io.StringIO()
    st = pstats.Stats(pr, stream=buf)
    st.sort_stats("cumulative").print_stats(top)
    st.sort_stats("tottime").print_stats(top // 2)
    return f"check.run on N = {n}: {time.perf_counter() - t0:.1f} s profiled, {len(res.flags)} flags\n" + buf.getvalue()


def _before(r: dict, which: str = "before") -> str:
    b = r.get(which)
    if not b:
        return "n/a"
    same = "" if b["flags"] == r["flags"] and b["linked"] == r["linked"] else " (other findings!)"
    return f"{b['seconds']:.2f}" + (f" ({b['cpu_seconds']:.2f})" if which == "before" else "") + same


def write_results(rows: list[dict], built: dict[int, dict], args) -> None:
    lines = [
        "## check: `kehoach check` on N plans",
        "",
        f"Machine: {corpus.machine()}.  `bench/check.py --sizes {' '.join(map(str, args.sizes))}`.",
        "Corpus: N text plans made from the 8 sample plans (`corpora/plans`), file i = copy i // 8 of plan i % 8; "
        "in each copy the plans' own numbers are moved by 100·copy wherever they are written, so every copy "
        "is a family (commune → district → province) that links within itself.  Ingested once; each run is "
        "`kehoach check --db COPY` as a subprocess on a fresh copy of the database (whole command: start-up, "
        f"linking, every rule, storing links and findings), median of {args.repeat}.",
        "",
        "| N files | document rows (superseded re-issues included) | linked to a parent | findings | seconds (wall) | CPU seconds | seconds per 1 000 files "
        "| vs. previous N | one process: seconds | before: seconds (CPU) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    prev = None
    for r in rows:
        ratio = f"{r['seconds'] / prev['seconds']:.2f}x for {r['n'] / prev['n']:.0f}x files" if prev else ""
        lines.append(f"| {r['n']} | {built[r['n']]['documents']} | {r['linked']} | {r['flags']} | "
                     f"{r['seconds']:.2f} | {r['cpu_seconds']:.2f} | {1000 * r['seconds'] / r['n']:.2f} | {ratio} | {_before(r, 'one_process')} | {_before(r)} |")
        prev = r
    by = {r["n"]: r for r in rows}
    notes = []
    if 2000 in by:
        notes.append(f"2 000 files in {by[2000]['seconds']:.1f} s (goal <= 10 s: "
                     f"{'met' if by[2000]['seconds'] <= 10 else 'NOT met'})")
    if 2000 in by and 4000 in by:
        q = by[4000]["seconds"] / by[2000]["seconds"]
        notes.append(f"4 000 in {q:.2f}x the time of 2 000 (goal <= 2x: {'met' if q <= 2 else 'NOT met'})")
    if args.before:
        notes.append(f"\"before\": the same command with `PYTHONPATH={args.before}` (a copy of the tree with "
                     f"`extractor/check/*` and `extractor/commands/check.py` as they were before this work, "
                     f"commit 2998327), {args.before_repeat} run(s) each; \"one process\": "
                     f"`KEHOACH_CHECK_WORKERS=1`, one run; every column has the same number of findings and links (the findings themselves, dumped with `--dump` at 1 000 / 2 000 / 4 000, are identical before and after)")
    lines += ["", "**Reading.** " + "; ".join(notes) + (".  " if notes else "") +
              "The per-document rules and aggregates run in forked workers (2 here: one per CPU above 300 "
              "documents each; CPU seconds count every process), families (a plan with all plans linked below "
              "it) kept in one worker; loading, linking, `citation_conflict` and storing stay in the main "
              "process.  Re-linking each figure to the indicator catalogue (`extractor.indicators`) is about a "
              "third of the per-document CPU time.  The printed summary shows at most `--limit` (200) rows a "
              "table.  Issue 14 measured 17 s / 40 s for 1 000 / 2 000 files before this work."]
    corpus.write_section("check", "\n".join(lines))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 4000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workers", type=int, default=2, help="ingest workers (building the databases)")
    ap.add_argument("--before", type=Path, help="a folder with older code (extractor/ and rules/) to time beside")
    ap.add_argument("--before-repeat", type=int, default=1)
    ap.add_argument("--one-process", action="store_true", help="also time KEHOACH_CHECK_WORKERS=1 (one run)")
    ap.add_argument("--no-write", action="store_true", help="print, do not touch RESULTS.md")
    ap.add_argument("--profile", action="store_true", help="cProfile check.run on the smallest N, no timing")
    ap.add_argument("--dump", type=Path, help="write links and findings of the smallest N to this file, no timing")
    args = ap.parse_args(argv)
    built = build_dbs(args.sizes, args.workers)
    if args.profile:
        print(profile(min(args.sizes)))
        return 0
    if args.dump:
        dump(min(args.sizes), args.dump)
        return 0
    rows = []
    for n in sorted(args.sizes):
        r = time_check(n, args.repeat)
        log(f"N = {n}: {r['seconds']:.2f} s (runs {', '.join(f'{x:.2f}' for x in r['runs'])}; CPU {r['cpu_seconds']:.2f} s), "
            f"{r['flags']} findings, {r['linked']} linked")
        if args.one_process:
            o = time_check(n, 1, workers=1)
            r["one_process"] = o
            log(f"  one process: {o['seconds']:.2f} s (CPU {o['cpu_seconds']:.2f} s), {o['flags']} findings")
        if args.before:
            b = time_check(n, args.before_repeat, args.before)
            r["before"] = b
            log(f"  before: {b['seconds']:.2f} s (CPU {b['cpu_seconds']:.2f} s), {b['flags']} findings")
        rows.append(r)
    (WORK / "check.json").write_text(json.dumps({"rows": rows, "built": built}, indent=1))
    if not args.no_write:
        write_results(rows, built, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
