"""Ingest throughput: N text-layer PDF plans, bare pdfplumber vs ``kehoach ingest``.

    .venv/bin/python bench/ingest.py --sizes 10 100 1000
    .venv/bin/python bench/ingest.py --sizes 10 100 --no-profile --no-write     # a quick look

For each N it builds bench/_work/corpus/N<N>/ (N distinct PDFs made from
corpora/plans and ../shared/seeds: file i is copy i // k of plan i % k with its
document number changed and its own PDF title, so every sha256 differs), then

(a) times bare pdfplumber (``pdfplumber.open`` + ``page.extract_text()`` for every
    page), single process, pinned to one CPU, on all N files or on the first
    ``--plumber-files`` of them (the same mix of plans; pages/s does not depend on N);
(b) runs ``kehoach ingest DIR --db FRESH.db --workers W -q`` as a subprocess, for
    W = 1 (pinned to one CPU with taskset: writer, forkserver and worker share it)
    and W = 2 (both CPUs), timing the wall clock of the whole command, and sampling
    the peak RSS (VmHWM) of every worker process with psutil.

Then (unless --no-profile) it profiles one in-process ingest (workers=0, cProfile)
of ``--profile-size`` files.  Results: the "ingest" and "profile" sections of
bench/RESULTS.md, raw numbers in bench/_work/ingest.json.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import corpus  # noqa: E402

ROOT = corpus.ROOT
VENV_BIN = Path(sys.executable).parent
KEHOACH = VENV_BIN / "kehoach"
GOAL_PAGES_PER_S = 300.0  # issue 14: 1 worker on 1 core, N = 1000
GOAL_RATIO = 10.0  # x bare pdfplumber, same run
GOAL_SPEEDUP_2W = 1.8  # 2 workers / 1 worker


def log(msg: str) -> None:
    print(msg, flush=True)


# --------------------------------------------------------------------------- (a) pdfplumber


def time_pdfplumber(files: list[dict]) -> dict:
    import pdfplumber

    old = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(old)})
    try:
        with pdfplumber.open(files[0]["path"]) as pdf:  # warm-up: imports, font caches
            pdf.pages[0].extract_text()
        pages = chars = 0
        t0 = time.perf_counter()
        for f in files:
            with pdfplumber.open(f["path"]) as pdf:
                for page in pdf.pages:
                    chars += len(page.extract_text() or "")
                    pages += 1
        dt = time.perf_counter() - t0
    finally:
        os.sched_setaffinity(0, old)
    return {"files": len(files), "pages": pages, "chars": chars, "seconds": dt, "pages_per_s": pages / dt}


def time_pdfium(files: list[dict]) -> dict:
    """Bare pypdfium2 text (what ``extractor.read.pdf`` uses for a text layer), one CPU."""
    import pypdfium2 as pdfium

    old = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(old)})
    try:
        pages = chars = 0
        t0 = time.perf_counter()
        for f in files:
            pdf = pdfium.PdfDocument(f["path"])
            for page in pdf:
                tp = page.get_textpage()
                chars += len(tp.get_text_range())
                pages += 1
                tp.close()
                page.close()
            pdf.close()
        dt = time.perf_counter() - t0
    finally:
        os.sched_setaffinity(0, old)
    return {"files": len(files), "pages": pages, "chars": chars, "seconds": dt, "pages_per_s": pages / dt}


def db_breakdown(con: sqlite3.Connection) -> dict:
    """Per-file seconds the batch recorded (read, extract in the worker; store in the main
    process) and the bytes of the sections table (``dbstat``, when SQLite has it)."""
    row = con.execute("SELECT COUNT(*), AVG(seconds_read), AVG(seconds_extract), AVG(seconds_store) "
                      "FROM sources WHERE status = 'ok'").fetchone()
    out = {"ok_files": row[0], "read_s": row[1], "extract_s": row[2], "store_s": row[3]}
    try:
        sizes = dict(con.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall())
        out["sections_bytes"] = sum(v for k, v in sizes.items() if k == "sections" or k.startswith("sections_fts"))
        out["documents_bytes"] = sizes.get("documents")
    except sqlite3.Error:
        pass
    return out


# --------------------------------------------------------------------------- (b) kehoach ingest


class TreeSampler(threading.Thread):
    """Samples VmHWM (peak RSS) of a process and its descendants every ``interval`` s.

    Roles: ``main`` (the kehoach process: CLI, planning, the one writer),
    ``forkserver``, ``tracker`` (multiprocessing's resource tracker) and ``worker``
    (a child of the forkserver, or a spawned ``spawn_main`` process)."""

    def __init__(self, pid: int, interval: float = 0.1):
        super().__init__(daemon=True)
        self.pid = pid
        self.interval = interval
        self.seen: dict[int, dict] = {}
        self._halt = threading.Event()

    @staticmethod
    def _hwm_kb(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def _role(self, proc) -> str:
        if proc.pid == self.pid:
            return "main"
        try:
            cmd = " ".join(proc.cmdline())
            ppid = proc.ppid()
        except Exception:
            return "?"
        parent = self.seen.get(ppid, {}).get("role")
        if "resource_tracker" in cmd:
            return "tracker"
        if parent == "forkserver" or "spawn_main" in cmd:
            return "worker"
        if "forkserver" in cmd:
            return "forkserver"
        return "other"

    def sample(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
            procs = [root] + root.children(recursive=True)
        except psutil.Error:
            return
        # parents before children, so that a worker's role can look up its forkserver
        procs.sort(key=lambda p: p.pid != self.pid)
        for p in procs:
            entry = self.seen.get(p.pid)
            if entry is None:
                role = self._role(p)
                if role == "?":
                    continue
                entry = self.seen[p.pid] = {"role": role, "hwm_kb": 0}
            hwm = self._hwm_kb(p.pid)
            if hwm > entry["hwm_kb"]:
                entry["hwm_kb"] = hwm
        # workers whose parent was seen after them
        for pid, entry in self.seen.items():
            if entry["role"] == "other":
                try:
                    ppid = psutil.Process(pid).ppid()
                except psutil.Error:
                    continue
                if self.seen.get(ppid, {}).get("role") == "forkserver":
                    entry["role"] = "worker"

    def run(self) -> None:
        while not self._halt.is_set():
            self.sample()
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()

    def peaks_mb(self, role: str) -> list[float]:
        return [e["hwm_kb"] / 1024 for e in self.seen.values() if e["role"] == role and e["hwm_kb"]]


def run_ingest(folder: Path, workers: int, *, pin: bool, tag: str) -> dict:
    db = corpus.fresh_db(f"{tag}.db")
    cmd = [str(KEHOACH), "ingest", str(folder), "--db", str(db), "--workers", str(workers), "-q"]
    if pin and shutil.which("taskset"):
        cmd = ["taskset", "-c", str(min(os.sched_getaffinity(0))), *cmd]
    env = dict(os.environ, COLUMNS="200")
    try:
        import psutil  # noqa: F401

        have_psutil = True
    except ImportError:
        have_psutil = False
    load_before = os.getloadavg()[0]
    busy0 = corpus.busy_cpu_seconds()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    sampler = TreeSampler(proc.pid) if have_psutil else None
    if sampler:
        sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    busy = (corpus.busy_cpu_seconds() - busy0) / wall if wall else 0.0
    if sampler:
        sampler.stop()
    m = re.search(r"files\s+in\s+([\d.]+)\s+s", out)  # rich may wrap the title
    got = corpus.db_summary(db)
    pages = got["pages"]
    con = sqlite3.connect(db)
    breakdown = db_breakdown(con)
    con.close()
    res = {
        "workers": workers,
        "pinned": pin,
        "exit": proc.returncode,
        "wall": wall,
        "tool_seconds": float(m.group(1)) if m else None,
        "status": got["status"],
        "pages": pages,
        "documents": got["documents"],
        "records": got["records"],
        "pages_per_s": pages / wall if wall else 0.0,
        "tool_pages_per_s": pages / float(m.group(1)) if m and float(m.group(1)) else None,
        "db_bytes": db.stat().st_size,
        "errors": got["errors"],
        "breakdown": breakdown,
        "stderr_tracebacks": (err or "").count("Traceback (most recent call last)"),
        "stderr_first_error": next((ln for ln in (err or "").splitlines() if re.match(r"\w+(Error|Exception)\b", ln)), None),
        "loadavg_before": load_before,
        "machine_busy_cores": busy,
    }
    if sampler:
        w = sampler.peaks_mb("worker")
        res.update({
            "worker_processes": len(w),
            "worker_peak_mb_max": max(w) if w else None,
            "worker_peak_mb_median": statistics.median(w) if w else None,
            "main_peak_mb": max(sampler.peaks_mb("main") or [0]),
            "forkserver_peak_mb": max(sampler.peaks_mb("forkserver") or [0]) or None,
        })
    if proc.returncode not in (0,) or got["status"].get("failed"):
        res["stderr_tail"] = (err or out)[-2000:]
    return res


# --------------------------------------------------------------------------- profile

_COLD_CODE = r"""
import json, sys, time
import extractor.warm                              # what the forkserver preloads
from extractor.pipeline import extract_raw
from extractor.read import read_file
path = sys.argv[1]
before = {m.split(".")[0] for m in sys.modules}
times = []
for k in range(3):
    t0 = time.perf_counter()
    extract_raw(read_file(path))
    times.append(time.perf_counter() - t0)
    if k == 0:
        new = sorted(m for m in {m.split(".")[0] for m in sys.modules} - before
                     if "site-packages" in (getattr(sys.modules.get(m), "__file__", None) or ""))
print(json.dumps({"times": times, "imports": new}))
"""


def cold_start(path: str) -> dict:
    """First vs later files in a fresh process that has imported what the forkserver preloads
    (``extractor.warm``: the pipeline, the rules, one small extraction): what a replacement
    worker pays."""
    cmd = [sys.executable, "-c", _COLD_CODE, path]
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", str(min(os.sched_getaffinity(0))), *cmd]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    try:
        data = json.loads(out.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        return {"error": out.stderr[-500:]}
    t = data["times"]
    return {"first": t[0], "warm": min(t[1:]), "extra": t[0] - min(t[1:]), "imports": data["imports"]}



def profile_ingest(folder: Path, n: int, top: int = 25) -> dict:
    from extractor.ingest import ingest_paths

    # unprofiled reference run first (also warms up imports and rules)
    db = corpus.fresh_db(f"profile_ref_N{n}.db")
    t0 = time.perf_counter()
    summary = ingest_paths([folder], db=str(db), workers=0)
    ref_wall = time.perf_counter() - t0
    ref_pages = sum(r.pages for r in summary.ingested)

    db = corpus.fresh_db(f"profile_N{n}.db")
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    summary = ingest_paths([folder], db=str(db), workers=0)
    prof.disable()
    wall = time.perf_counter() - t0
    pages = sum(r.pages for r in summary.ingested)

    def table(sort: str, k: int) -> str:
        buf = io.StringIO()
        st = pstats.Stats(prof, stream=buf)
        st.sort_stats(sort).print_stats(k)
        text = buf.getvalue()
        # keep the table, drop pstats' preamble; shorten paths
        start = text.find("   ncalls")
        text = text[start:] if start >= 0 else text
        text = re.sub(r"\S*/site-packages/", "", text)  # third-party: package path only
        text = text.replace(str(ROOT) + "/", "")
        text = re.sub(r"\S*/lib/python3\.\d+/", "", text)  # standard library
        return text.rstrip()

    stats = pstats.Stats(prof).stats  # {(file, line, name): (cc, nc, tt, ct, callers)}

    def cum(file_end: str, name: str) -> float:
        return sum(v[3] for (f, _, fn), v in stats.items() if f.endswith(file_end) and fn == name)

    total = sum(v[2] for v in stats.values())
    stages = {
        "hash + plan (sha256, duplicate check)": cum("extractor/ingest.py", "plan"),
        "read_file (pypdfium2)": cum("extractor/read/__init__.py", "read_file"),
        "extract_raw (normalise ... assemble)": cum("extractor/pipeline.py", "extract_raw"),
        "store_documents (SQLite)": cum("extractor/store/__init__.py", "store_documents"),
    }
    inner = {
        "normalise": cum("extractor/normalise.py", "normalise"),
        "split_documents": cum("extractor/split.py", "split_documents"),
        "extract_metas": cum("extractor/meta/resolve.py", "extract_metas"),
        "paragraphs + build_sections": cum("extractor/sections.py", "paragraphs") + cum("extractor/sections.py", "build_sections"),
        "sentences (segment)": cum("extractor/segment.py", "sentences"),
        "assemble": cum("extractor/assemble/__init__.py", "assemble"),
    }
    from extractor.settings import load_settings

    first = sorted(Path(folder).glob("*.pdf"))[0]
    return {
        "files": n,
        "pages": pages,
        "cold": cold_start(str(first)),
        "max_tasks_per_child": load_settings().max_tasks_per_child,
        "profiled_wall": wall,
        "profiled_total": total,
        "ref_wall": ref_wall,
        "ref_pages": ref_pages,
        "ref_pages_per_s": ref_pages / ref_wall if ref_wall else 0.0,
        "stages": stages,
        "inner": inner,
        "cumulative": table("cumulative", top),
        "tottime": table("tottime", 15),
    }


# --------------------------------------------------------------------------- report


def fmt(x, spec=".1f", none="n/a") -> str:
    return none if x is None else format(x, spec)


def reading(rows: list[dict]) -> str:
    """A paragraph on what the figures say, computed from them."""
    if not rows:
        return ""

    def which(ok) -> str:
        hit = [str(r["n"]) for r in rows if ok(r)]
        miss = [str(r["n"]) for r in rows if not ok(r)]
        if not miss:
            return "holds at every N measured"
        if not hit:
            return "does not hold at any N measured"
        return f"holds at N = {', '.join(hit)} but not at N = {', '.join(miss)}"

    parts = []
    ratios = [r["ratio"] for r in rows]
    one = [r["w1"]["pages_per_s"] for r in rows]
    pl = [r["plumber"]["pages_per_s"] for r in rows]
    big = max(rows, key=lambda r: r["n"])
    parts.append(
        f"On one core `kehoach ingest` (1 worker) moves {min(one):.0f}–{max(one):.0f} pages/s against "
        f"{min(pl):.0f}–{max(pl):.0f} pages/s for bare pdfplumber, {min(ratios):.1f}–{max(ratios):.1f}x. "
        f"The >= {GOAL_PAGES_PER_S:.0f} pages/s goal {which(lambda r: r['w1']['pages_per_s'] >= GOAL_PAGES_PER_S)}; "
        f"the >= {GOAL_RATIO:.0f}x goal {which(lambda r: r['ratio'] >= GOAL_RATIO)}."
    )
    small = min(rows, key=lambda r: r["n"])
    if small["n"] < big["n"] and small["w1"].get("tool_pages_per_s"):
        parts.append(
            f"The rate rises with N because of fixed costs: at N = {small['n']} starting the command (imports, "
            f"the forkserver preloading the pipeline) takes {small['w1']['wall'] - (small['w1']['tool_seconds'] or 0):.1f} s "
            f"of {small['w1']['wall']:.1f} s, and inside the command the batch runs at "
            f"{small['w1']['tool_pages_per_s']:.0f} pages/s."
        )
    if big["w2"]["pages_per_s"] and big["w1"]["pages_per_s"]:
        sp = big["w2"]["pages_per_s"] / big["w1"]["pages_per_s"]
        parts.append(
            f"Two workers on two cores give {sp:.2f}x the one-core rate at N = {big['n']} "
            f"(goal >= {GOAL_SPEEDUP_2W}x: {'met' if sp >= GOAL_SPEEDUP_2W else 'not met'}; the main process, "
            "which stores every file, shares the two cores with the workers; two files are in flight per "
            "worker, so storing one overlaps extracting the next)."
        )
    bd = big["w1"].get("breakdown") or {}
    if bd.get("ok_files"):
        per = big["w1"]["wall"] / bd["ok_files"]
        ex = (bd.get("read_s") or 0) + (bd.get("extract_s") or 0)
        parts.append(
            f"At N = {big['n']} on one core a file takes {per * 1000:.0f} ms, of which reading + extracting "
            f"{ex * 1000:.0f} ms ({ex / per:.0%}), storing {(bd.get('store_s') or 0) * 1000:.0f} ms: the "
            f"{GOAL_PAGES_PER_S:.0f} pages/s goal needs {big['pages'] / big['n'] / GOAL_PAGES_PER_S * 1000:.0f} ms a file."
        )
    peaks = [p for r in rows for p in (r["w1"].get("worker_peak_mb_max"), r["w2"].get("worker_peak_mb_max")) if p]
    if peaks:
        lo, hi = min(peaks), max(peaks)
        flat = hi - lo <= max(20.0, 0.15 * lo)
        span = f"stays at {lo:.0f} MB" if round(lo) == round(hi) else f"stays between {lo:.0f} and {hi:.0f} MB"
        parts.append(
            f"Peak RSS per worker {span} from N = {rows[0]['n']} to N = {big['n']} "
            f"({'flat' if flat else 'NOT flat'}; workers are replaced every `max_tasks_per_child` files)."
        )
        mains = [r["w1"].get("main_peak_mb") for r in rows]
        if all(mains):
            parts.append(f"The main process (CLI + writer) peaks at {min(mains):.0f}–{max(mains):.0f} MB.")
    return " ".join(parts)


def write_results(rows: list[dict], prof: dict | None, args) -> None:
    lines = [
        "## ingest: N text-layer PDF plans, bare pdfplumber vs `kehoach ingest`",
        "",
        f"Machine: {corpus.machine()}.  `bench/ingest.py --sizes {' '.join(map(str, args.sizes))}`.",
        "Corpus: N distinct PDFs made from the 10 sample plans (`corpora/plans` + `../shared/seeds`), "
        "file i = copy i // 10 of plan i % 10 with its document number changed (DejaVuSans 11 pt, A4, "
        f"~90 characters a line, about {sum(r['pages'] for r in rows) / sum(r['n'] for r in rows):.1f} pages a file).",
        "pdfplumber: `pdfplumber.open` + `page.extract_text()` for every page, one process, one CPU"
        + (f"; on the first {args.plumber_files} files when N is larger (same mix of plans)" if args.plumber_files else "")
        + ".  Ingest: wall clock of `kehoach ingest DIR --db FRESH.db --workers W -q` as a subprocess "
        "(CLI start-up included), fresh database each run; W = 1 pinned to one CPU with `taskset` "
        "(main process, forkserver and worker share it), W = 2 on both CPUs"
        + (f"; median of {args.repeat} runs for N <= 100" if args.repeat > 1 else "")
        + ".  Ratio = ingest pages/s at 1 worker / pdfplumber pages/s.  Peak RSS: VmHWM of each worker process, "
        "sampled every 0.1 s with psutil; the largest worker shown (workers are replaced every `max_tasks_per_child` files, default 100).",
        "",
        f"Goals (issue 14): 1 worker on 1 core >= {GOAL_PAGES_PER_S:.0f} pages/s and >= {GOAL_RATIO:.0f}x bare "
        f"pdfplumber at N = 1000; 2 workers >= {GOAL_SPEEDUP_2W}x one; memory per worker flat; database linear in N.",
        "",
        "| N | pages | pdfplumber pages/s | pypdfium2 pages/s | ingest pages/s, 1 worker (1 core) | ingest pages/s, 2 workers | ratio (1 worker / pdfplumber) | 2 w / 1 w | peak RSS per worker, MB (1 w / 2 w) | main process peak RSS, MB | DB KB a file (sections + FTS) | failed |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        pl, w1, w2 = r["plumber"], r["w1"], r["w2"]
        pdfium = (r.get("pdfium") or {}).get("pages_per_s")
        plabel = fmt(pl["pages_per_s"]) + ("" if pl["files"] == r["n"] else f" ({pl['files']} files)")
        failed = (w1["status"].get("failed", 0), w2["status"].get("failed", 0))
        sp = w2["pages_per_s"] / w1["pages_per_s"] if w1["pages_per_s"] and w2 is not w1 else None
        bd = w1.get("breakdown") or {}
        sec_kb = bd.get("sections_bytes") / 1024 / r["n"] if bd.get("sections_bytes") else None
        lines.append(
            f"| {r['n']} | {r['pages']:,} | {plabel} | {fmt(pdfium)} | {fmt(w1['pages_per_s'])} "
            f"({fmt(w1.get('tool_pages_per_s'))} in-command) | {fmt(w2['pages_per_s'])} "
            f"({fmt(w2.get('tool_pages_per_s'))}) | {r['ratio']:.2f}x | {fmt(sp, '.2f')}x | "
            f"{fmt(w1.get('worker_peak_mb_max'), '.0f')} / {fmt(w2.get('worker_peak_mb_max'), '.0f')} | "
            f"{fmt(w1.get('main_peak_mb'), '.0f')} | {w1['db_bytes'] / 1024 / r['n']:.0f} ({fmt(sec_kb, '.0f')}) | "
            f"{failed[0]} / {failed[1]} |"
        )
    lines += [
        "",
        "Where a file's time goes, 1 worker on 1 core (ms a file; read and extract as the worker timed them, "
        "store = preparing and inserting in the main process, overhead = the rest of the wall clock: CLI "
        "start-up, forkserver, worker replacement, hashing, pickling, commits):",
        "",
        "| N | wall | read | extract | store | overhead |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        bd = r["w1"].get("breakdown") or {}
        if not bd.get("ok_files"):
            continue
        per = r["w1"]["wall"] / bd["ok_files"] * 1000
        parts = [(bd.get(k) or 0) * 1000 for k in ("read_s", "extract_s", "store_s")]
        lines.append(f"| {r['n']} | {per:.1f} | {parts[0]:.1f} | {parts[1]:.1f} | {parts[2]:.1f} | "
                     f"{per - sum(parts):.1f} |")
    lines += [
        "",
        "Machine busy during each run (CPU cores in use, all processes; a 1-worker run pinned to one CPU "
        "uses ~1.0, more means other work on the machine): "
        + "; ".join(f"N = {r['n']}: {r['w1']['machine_busy_cores']:.2f} (1 w), {r['w2']['machine_busy_cores']:.2f} (2 w)"
                    for r in rows)
        + ".",
    ]
    errs = sorted({e for r in rows for w in (r["w1"], r["w2"]) for e in w.get("errors", [])})
    tbs = [(r["n"], w["workers"], w["stderr_first_error"]) for r in rows for w in (r["w1"], r["w2"])
           if w.get("stderr_tracebacks")]
    if errs:
        lines += ["", "Failed files: " + "; ".join(f"`{e}`" for e in errs[:5])]
    if tbs:
        lines += ["", "Tracebacks on stderr, every file stored all the same: "
                  + "; ".join(f"N = {n}, {w} w: `{e}`" for n, w, e in tbs)
                  + ".  The traceback is the forkserver failing to start a process "
                  "(`SemLock._rebuild` in `spawn._main`): most likely the replacement the pool starts for a "
                  "worker that reached `max_tasks_per_child` just as `run_pool` shuts the pool down, whose "
                  "queues are gone by then.  Harmless to the data, but alarming on a clerk's terminal."]
    lines += [
        "",
        "\"in-command\": pages / the seconds `kehoach ingest` itself reports (its batch, without Python "
        "start-up and imports of the CLI).",
        "",
        "**Reading.** " + reading(rows),
    ]
    corpus.write_section("ingest", "\n".join(lines))

    if prof:
        total = prof["profiled_total"] or 1.0
        pl = [
            f"## profile: one in-process ingest (workers = 0) of N = {prof['files']} ({prof['pages']} pages), cProfile",
            "",
            f"Unprofiled, the same in-process run (extract + store in one thread, no pool, no CLI) takes "
            f"{prof['ref_wall']:.1f} s = **{prof['ref_pages_per_s']:.0f} pages/s**; under cProfile "
            f"{prof['profiled_wall']:.1f} s.",
            "",
            "Where the time goes (cumulative, share of the profiled run):",
            "",
            "| stage | seconds | share |",
            "| --- | ---: | ---: |",
        ]
        for name, s in prof["stages"].items():
            pl.append(f"| {name} | {s:.2f} | {s / total:.0%} |")
        for name, s in prof["inner"].items():
            pl.append(f"| &nbsp;&nbsp;extract_raw › {name} | {s:.2f} | {s / total:.0%} |")
        cold = prof.get("cold") or {}
        if "extra" in cold:
            k = prof["max_tasks_per_child"]
            pl += [
                "",
                f"Not in this profile but in every pooled run: a worker is replaced every {k} files "
                f"(`max_tasks_per_child`), and a fresh process that has imported only what the forkserver "
                f"preloads (`extractor.warm`) takes {cold['first']:.2f} s for its first "
                f"file against {cold['warm']:.3f} s warm: **+{cold['extra']:.2f} s per worker, "
                f"≈ {cold['extra'] / k * 1000:.0f} ms per file** (lazy imports"
                + (" of " + ", ".join(f"`{m}`" for m in cold["imports"]) if cold.get("imports") else "")
                + " — and loading `rules/*.yml`).",
            ]
        pl += [
            "",
            "Top 25 by cumulative time:",
            "",
            "```",
            prof["cumulative"],
            "```",
            "",
            "Top 15 by own time (tottime):",
            "",
            "```",
            prof["tottime"],
            "```",
        ]
        corpus.write_section("profile", "\n".join(pl))


# --------------------------------------------------------------------------- main


def rewrite_from_json() -> int:
    """Rewrite the RESULTS.md sections from bench/_work/ingest.json (no measuring)."""
    dump = json.loads((corpus.WORK / "ingest.json").read_text())
    args = argparse.Namespace(**dump["args"])
    rows = dump["rows"]
    for r in rows:  # JSON turned the workers keys into strings
        r["runs"] = {int(k): v for k, v in r.get("runs", {}).items()}
    write_results(rows, dump.get("profile") or None, args)
    log(f"wrote {corpus.RESULTS}")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000], help="corpus sizes N")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="(only 1 and 2 go into the table)")
    ap.add_argument("--plumber-files", type=int, default=200,
                    help="time pdfplumber on at most this many files of each corpus (0 = all; default 200)")
    ap.add_argument("--repeat", type=int, default=3, help="ingest runs for N <= 100 (median reported)")
    ap.add_argument("--no-pin", action="store_true", help="do not pin the 1-worker run to one CPU")
    ap.add_argument("--profile-size", type=int, default=100, help="files in the profiled run (0 = no profile)")
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    ap.add_argument("--rewrite", action="store_true",
                    help="only rewrite RESULTS.md from the last run's bench/_work/ingest.json")
    args = ap.parse_args(argv)
    if args.rewrite:
        return rewrite_from_json()
    args.sizes = sorted(set(args.sizes))
    if not KEHOACH.exists():
        log(f"{KEHOACH} not found: install the package into the venv first")
        return 1
    try:
        import psutil  # noqa: F401
    except ImportError:
        log("psutil is not installed: peak RSS per worker will be n/a (.venv/bin/pip install psutil)")

    t_start = time.perf_counter()
    log(f"machine: {corpus.machine()}")
    t0 = time.perf_counter()
    corpus.pdf_pool(max(args.sizes + [args.profile_size]), log)
    log(f"corpus ready in {time.perf_counter() - t0:.1f} s")

    rows = []
    for n in args.sizes:
        folder, files = corpus.corpus_dir(n, log)
        pages = sum(f["pages"] for f in files)
        log(f"N = {n}: {pages} pages in {folder}")
        sample = files if not args.plumber_files else files[: args.plumber_files]
        pl = time_pdfplumber(sample)
        log(f"  pdfplumber  {pl['pages']} pages {pl['seconds']:.1f} s  {pl['pages_per_s']:.1f} pages/s")
        pdfium = time_pdfium(files)
        log(f"  pypdfium2   {pdfium['pages']} pages {pdfium['seconds']:.1f} s  {pdfium['pages_per_s']:.1f} pages/s")
        runs = {}
        for w in args.workers:
            reps = args.repeat if n <= 100 else 1
            got = []
            for k in range(reps):
                res = run_ingest(folder, w, pin=(w == 1 and not args.no_pin), tag=f"ingest_N{n}_w{w}")
                got.append(res)
                log(f"  ingest w={w} run {k + 1}/{reps}: {res['pages']} pages {res['wall']:.1f} s wall "
                    f"({res['tool_seconds']} s in-command)  {res['pages_per_s']:.1f} pages/s  status {res['status']}  "
                    f"worker peak {fmt(res.get('worker_peak_mb_max'), '.0f')} MB ({res.get('worker_processes')} workers), "
                    f"main {fmt(res.get('main_peak_mb'), '.0f')} MB; machine busy {res['machine_busy_cores']:.2f} cores, "
                    f"load {res['loadavg_before']:.2f} before")
                if res["errors"]:
                    log(f"  !! failed: {res['errors']}")
                if res["stderr_tracebacks"]:
                    log(f"  !! stderr: {res['stderr_tracebacks']} traceback(s), first: {res['stderr_first_error']}")
            got.sort(key=lambda r: r["wall"])
            runs[w] = got[len(got) // 2]
            runs[w]["all_walls"] = [r["wall"] for r in got]
        w1, w2 = runs.get(1), runs.get(2)
        row = {"n": n, "pages": pages, "plumber": pl, "pdfium": pdfium, "runs": runs, "w1": w1, "w2": w2 or w1,
               "ratio": (w1["pages_per_s"] / pl["pages_per_s"]) if w1 else 0.0}
        rows.append(row)
        log(f"  ratio (1 worker / pdfplumber): {row['ratio']:.2f}x")

    prof = None
    if not args.no_profile and args.profile_size:
        folder, _ = corpus.corpus_dir(args.profile_size, log)
        log(f"profiling an in-process ingest of {args.profile_size} files ...")
        prof = profile_ingest(folder, args.profile_size)
        log(f"  unprofiled in-process: {prof['ref_pages_per_s']:.1f} pages/s; stages: "
            + ", ".join(f"{k} {v:.1f}s" for k, v in prof["stages"].items()))
        log(prof["cumulative"])

    corpus.WORK.mkdir(parents=True, exist_ok=True)
    dump = {"machine": corpus.machine(), "args": vars(args), "rows": rows,
            "profile": {k: v for k, v in (prof or {}).items()}}
    (corpus.WORK / "ingest.json").write_text(json.dumps(dump, indent=2, default=str))
    if not args.no_write and rows and all(r["w1"] for r in rows):
        write_results(rows, prof, args)
        log(f"wrote {corpus.RESULTS}")
    log(f"done in {time.perf_counter() - t_start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
