"""Ingest on a Dask cluster against the local pool, on the same files; and the writer's insert rate.

    .venv/bin/python bench/cluster.py                      # ~5 min on 2 cores
    .venv/bin/python bench/cluster.py --pdfs 40 --scans 4  # a quick look
    .venv/bin/python bench/cluster.py --no-write           # do not touch RESULTS.md
    .venv/bin/python bench/cluster.py --rewrite            # RESULTS.md from the last run's JSON

Needs ``pip install -e '.[cluster]'`` (Dask ``distributed``); the scanned set needs
Tesseract (``tesseract-ocr-vie``) and is left out without it.

Sets (under bench/_work/):
  text-layer PDFs  the first ``--pdfs`` files of bench/_work/pool (bench/corpus.py);
  scanned PDFs     ``--scans`` files of ``--scan-pages`` image-only pages each, rendered
                   at 200 dpi from the pool PDFs (no text layer: every page is OCR'd).

For each set, wall clock of ``kehoach ingest DIR --db FRESH.db -q`` as a subprocess with
  local:W          --workers W (the process pool), W = 1, 2;
  dask:N           --executor dask://127.0.0.1:PORT: a ``dask scheduler`` and ``dask worker
                   --nworkers N --nthreads 1`` started beforehand (as on a real cluster, the
                   cluster's start-up is not in the time), N = 1, 2;
  dask-local:N     --executor dask-local:N (a LocalCluster started by the command: start-up
                   included), N = 2.
Per-worker figures (files, pages, busy seconds) are read from the table the command prints.

Writer: the ``--pdfs`` files are read and extracted once in this process, then stored
with ``store.store_documents`` (what the one writer does per file) ``--writer-rounds``
times into a fresh database, each round as new files: files/s, documents/s, records/s
and pages/s the single SQLite writer sustains.

Results: the "cluster" section of bench/RESULTS.md; raw numbers in bench/_work/cluster.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import corpus  # noqa: E402

ROOT = corpus.ROOT
VENV_BIN = Path(sys.executable).parent
KEHOACH = VENV_BIN / "kehoach"
DASK = VENV_BIN / "dask"


def log(msg: str) -> None:
    print(msg, flush=True)


# --------------------------------------------------------------------------- sets


def scanned_set(n: int, pages: int) -> Path:
    """``n`` image-only PDFs of ``pages`` pages, rendered from the pool's text-layer PDFs."""
    import pypdfium2 as pdfium

    d = corpus.WORK / "scans" / f"S{n}x{pages}"
    d.mkdir(parents=True, exist_ok=True)
    pool = corpus.pdf_pool(n)
    for i, f in enumerate(pool):
        out = d / f"scan_{i:03d}.pdf"
        if out.exists():
            continue
        pdf = pdfium.PdfDocument(f["path"])
        imgs = [pdf[k].render(scale=200 / 72).to_pil().convert("L") for k in range(min(pages, len(pdf)))]
        imgs[0].save(out, "PDF", resolution=200, save_all=True, append_images=imgs[1:])
    return d


# --------------------------------------------------------------------------- a Dask cluster of processes


class Cluster:
    """``dask scheduler`` + ``dask worker --nworkers N --nthreads 1``, as separate processes."""

    def __init__(self, n: int):
        self.n = n
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.address = f"127.0.0.1:{self.port}"
        self.procs: list[subprocess.Popen] = []

    def __enter__(self):
        logs = corpus.WORK / "dask-logs"
        logs.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, DASK_DISTRIBUTED__SCHEDULER__ALLOWED_FAILURES="1")
        self.procs.append(subprocess.Popen(
            [str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(self.port), "--no-dashboard"],
            stdout=subprocess.DEVNULL, stderr=open(logs / "scheduler.log", "w"), env=env, cwd=ROOT))
        self.procs.append(subprocess.Popen(
            [str(DASK), "worker", f"tcp://{self.address}", "--nworkers", str(self.n), "--nthreads", "1",
             "--memory-limit", "2GiB", "--no-dashboard"],
            stdout=subprocess.DEVNULL, stderr=open(logs / f"workers{self.n}.log", "w"), env=env, cwd=ROOT))
        from distributed import Client

        with Client(f"tcp://{self.address}", timeout="60s") as c:
            c.wait_for_workers(self.n, timeout=120)
            from extractor.executors import warm_worker

            c.run(warm_worker)  # workers import the pipeline once, as a long-lived cluster has
        return self

    def __exit__(self, *exc):
        for p in reversed(self.procs):
            p.terminate()
        for p in reversed(self.procs):
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


# --------------------------------------------------------------------------- one run

_ROW = re.compile(r"│\s*(\S+)\s*│\s*(\d+)\s*│\s*(\d+)\s*│\s*([\d.]+)\s*│")


def run_ingest(folder: Path, tag: str, args: list[str]) -> dict:
    db = corpus.fresh_db(f"cluster_{tag}.db")
    cmd = [str(KEHOACH), "ingest", str(folder), "--db", str(db), "-q", *args]
    env = dict(os.environ, COLUMNS="200")
    load = os.getloadavg()[0]
    busy0 = corpus.busy_cpu_seconds()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    wall = time.perf_counter() - t0
    busy = (corpus.busy_cpu_seconds() - busy0) / wall if wall else 0.0
    m = re.search(r"files\s+in\s+([\d.]+)\s+s", proc.stdout)
    got = corpus.db_summary(db, max_errors=3)
    workers = [{"worker": w, "files": int(f), "pages": int(p), "busy": float(b)}
               for w, f, p, b in _ROW.findall(proc.stdout) if w not in ("result",)]
    tool = float(m.group(1)) if m else None
    pages = got["pages"]
    return {"tag": tag, "exit": proc.returncode, "wall": wall, "tool_seconds": tool, **got,
            "pages_per_s": pages / wall if wall else 0.0, "tool_pages_per_s": pages / tool if tool else None,
            "machine_busy_cores": busy, "load_before": load, "workers": workers,
            "stderr_tail": proc.stderr[-1500:] if proc.returncode not in (0, 2) else ""}


def measure_set(name: str, folder: Path, repeat: int) -> list[dict]:
    runs = []

    def best(tag, args):
        got = [run_ingest(folder, tag, args) for _ in range(repeat)]
        got.sort(key=lambda r: r["wall"])
        r = got[len(got) // 2]
        r["all_walls"] = [g["wall"] for g in got]
        log(f"  {name:<9} {tag:<13} {r['pages']:>5} pages {r['wall']:6.1f} s wall ({r['tool_seconds']} s in-command) "
            f"{r['pages_per_s']:6.1f} pages/s  status {r['status']}  busy {r['machine_busy_cores']:.2f} cores"
            + (f"  !! {r['errors']}" if r["errors"] else "") + (f"\n{r['stderr_tail']}" if r["stderr_tail"] else ""))
        runs.append(r)

    for w in (1, 2):
        best(f"local:{w}", ["--workers", str(w)])
    for n in (1, 2):
        with Cluster(n) as c:
            best(f"dask:{n}", ["--executor", f"dask://{c.address}"])
            if n == 2 and name == "text":
                best(f"dask:{n} ship", ["--executor", f"dask://{c.address}", "--ship-bytes"])
    best("dask-local:2", ["--executor", "dask-local:2"])
    return runs


# --------------------------------------------------------------------------- the writer alone


def writer_rate(folder: Path, rounds: int) -> dict:
    """Insert rate of the one writer: ``store.store_documents`` on pre-extracted files."""
    from extractor import store
    from extractor.ingest import extract_file, sha256_file

    files = sorted(folder.glob("*.pdf"))
    extracted = []
    for f in files:
        res = extract_file(str(f), 50_000_000, 500, False)
        if "docs" in res:
            extracted.append((f, sha256_file(f), res))
    db = store.open_db(str(corpus.fresh_db("cluster_writer.db")))
    n_files = n_docs = n_records = n_pages = 0
    t0 = time.perf_counter()
    per_round = []
    for k in range(rounds):
        t_round = time.perf_counter()
        for f, sha, res in extracted:
            info = {"path": f"/round{k}/{f.name}", "name": f.name, "format": "pdf", "size": f.stat().st_size,
                    "sha256": f"{sha[:56]}{k:08d}"}
            info.update({x: res.get(x) for x in ("format", "encoding", "ocr", "pages", "warnings",
                                                 "seconds_read", "seconds_extract")})
            store.store_documents(db, info, res["docs"])
            n_files += 1
            n_docs += len(res["docs"])
            n_records += sum(len(d.records) for d in res["docs"])
            n_pages += res.get("pages") or 0
        per_round.append(len(extracted) / (time.perf_counter() - t_round))
    dt = time.perf_counter() - t0
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = Path(db.conn.execute("PRAGMA database_list").fetchone()[2]).stat().st_size
    db.conn.close()
    return {"files": n_files, "documents": n_docs, "records": n_records, "pages": n_pages, "seconds": dt,
            "files_per_s": n_files / dt, "documents_per_s": n_docs / dt, "records_per_s": n_records / dt,
            "pages_per_s": n_pages / dt, "db_bytes": size, "files_per_s_rounds": per_round,
            "load": os.getloadavg()[0]}


# --------------------------------------------------------------------------- report


def _per_worker(r: dict) -> str:
    if not r["workers"]:
        return "–"
    return "; ".join(f"{w['files']} files, {w['pages'] / w['busy']:.1f} pages/s busy" if w["busy"] else f"{w['files']} files"
                     for w in r["workers"])


def write_results(dump: dict) -> None:
    a = dump["args"]
    lines = [
        "## cluster: the same files through the local pool and through Dask workers",
        "",
        f"Machine: {dump['machine']}.  `bench/cluster.py --pdfs {a['pdfs']} --scans {a['scans']} "
        f"--scan-pages {a['scan_pages']} --repeat {a['repeat']}`.  Wall clock of `kehoach ingest DIR --db FRESH.db -q` "
        "(CLI start-up included), fresh database each run, median of the runs.  `local:W` = `--workers W`; "
        "`dask:N` = `--executor dask://…` to a `dask scheduler` + `dask worker --nworkers N --nthreads 1` started "
        "beforehand (workers warm, as on a running cluster); `dask-local:2` starts its LocalCluster inside the command. "
        "The machine has 2 cores and was shared with other work during these runs (\"load before\": 1-minute load "
        "average when the run started; 2 = both cores busy), so whole-run figures vary by tens of per cent between runs; "
        "\"pages/s while busy\" (pages / seconds a worker spent reading and extracting) is the steadier per-worker figure.",
        "",
    ]
    for name, title in (("text", "text-layer PDFs (pool of bench/corpus.py)"), ("scan", "scanned PDFs (image-only pages, OCR)")):
        runs = dump["sets"].get(name)
        if not runs:
            lines += [f"{title}: not measured (Tesseract missing?)", ""]
            continue
        files = sum(runs[0]["status"].values())
        lines += [f"**{title}**: {files} files, {runs[0]['pages']} pages.", "",
                  "| executor | wall s | pages/s | in-command pages/s | failed | load before | per worker (pages/s while busy) |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | --- |"]
        for r in runs:
            lines.append(f"| {r['tag']} | {r['wall']:.1f} | {r['pages_per_s']:.1f} | "
                         f"{r['tool_pages_per_s'] or 0:.1f} | {r['status'].get('failed', 0)} | "
                         f"{r.get('load_before', 0):.1f} | {_per_worker(r)} |")
        lines.append("")
    w = dump.get("writer")
    if w:
        lines += [
            f"**The one SQLite writer alone** (`store.store_documents`, one transaction per file, on {w['files']} "
            f"pre-extracted text-layer PDFs, {w['documents']} documents, {w['records']} records): "
            f"**{w['files_per_s']:.0f} files/s**, {w['documents_per_s']:.0f} documents/s, "
            f"{w['records_per_s']:.0f} records/s, {w['pages_per_s']:.0f} pages/s; database "
            f"{w['db_bytes'] / 1e6:.0f} MB ({w['db_bytes'] / max(w['files'], 1) / 1e3:.0f} kB a file).  Rounds of "
            f"{w['files'] // max(len(w['files_per_s_rounds']), 1)} files: "
            + ", ".join(f"{x:.0f}" for x in w["files_per_s_rounds"]) + f" files/s (load {w['load']:.1f}).",
            "",
        ]
    lines += [f"**Reading.** {dump.get('reading', '')}"]
    corpus.write_section("cluster", "\n".join(lines))


def reading(dump: dict) -> str:
    out = []
    for name in ("text", "scan"):
        runs = {r["tag"]: r for r in dump["sets"].get(name) or []}
        if not runs:
            continue
        l1, l2, d1, d2 = (runs.get(t) for t in ("local:1", "local:2", "dask:1", "dask:2"))
        if l1 and d1 and l2 and d2:
            out.append(f"{'Text-layer PDFs' if name == 'text' else 'Scanned pages'}: one Dask worker moves "
                       f"{d1['pages_per_s']:.1f} pages/s against {l1['pages_per_s']:.1f} for one pool worker "
                       f"({d1['pages_per_s'] / l1['pages_per_s']:.2f}x), two {d2['pages_per_s']:.1f} against "
                       f"{l2['pages_per_s']:.1f} ({d2['pages_per_s'] / l2['pages_per_s']:.2f}x); "
                       f"2 Dask workers / 1 = {d2['pages_per_s'] / d1['pages_per_s']:.2f}x.")
    scan = {r["tag"]: r for r in dump["sets"].get("scan") or []}
    if scan.get("local:1"):
        from extractor.read.ocr import workers as ocr_workers

        r = scan["local:1"]
        out.append(f"Scanned pages cost {r['wall'] / max(r['pages'], 1) * (os.cpu_count() or 1):.1f} CPU-s a page here "
                   f"(wall × cores / pages, CLI start-up included): one file's OCR already runs {ocr_workers()} Tesseract "
                   f"processes side by side on this {os.cpu_count()}-core machine, so one worker fills the cores and more "
                   "workers cannot help until there are more cores.  Dask's cost per file (a scheduler round trip) "
                   "is lost in the noise at these file sizes.")
    w = dump.get("writer")
    if w:
        out.append(f"The writer stores {w['files_per_s']:.0f} files/s ({w['pages_per_s']:.0f} pages/s of text-layer PDF) "
                   "when it does nothing else.")
    return " ".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pdfs", type=int, default=100, help="text-layer PDFs (about 10 pages each)")
    ap.add_argument("--scans", type=int, default=8, help="scanned PDFs")
    ap.add_argument("--scan-pages", type=int, default=2, help="pages per scanned PDF")
    ap.add_argument("--repeat", type=int, default=1, help="runs per executor (median reported)")
    ap.add_argument("--writer-rounds", type=int, default=3)
    ap.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    ap.add_argument("--rewrite", action="store_true", help="only rewrite RESULTS.md from bench/_work/cluster.json")
    args = ap.parse_args(argv)
    if args.rewrite:
        dump = json.loads((corpus.WORK / "cluster.json").read_text())
        dump["reading"] = reading(dump)
        write_results(dump)
        log(f"wrote {corpus.RESULTS}")
        return 0
    try:
        import distributed  # noqa: F401
    except ImportError:
        log("distributed is not installed: .venv/bin/pip install -e '.[cluster]'")
        return 1
    t_start = time.perf_counter()
    dump = {"machine": corpus.machine(), "args": vars(args), "sets": {}}
    folder, files = corpus.corpus_dir(args.pdfs, log)
    log(f"text-layer set: {len(files)} files, {sum(f['pages'] for f in files)} pages in {folder}")
    dump["sets"]["text"] = measure_set("text", folder, args.repeat)
    if shutil.which("tesseract") and args.scans:
        sfolder = scanned_set(args.scans, args.scan_pages)
        log(f"scanned set: {args.scans} files x {args.scan_pages} pages in {sfolder}")
        dump["sets"]["scan"] = measure_set("scan", sfolder, args.repeat)
    else:
        log("no tesseract: scanned set left out")
    log("writer alone ...")
    dump["writer"] = writer_rate(folder, args.writer_rounds)
    log(f"  writer: {json.dumps(dump['writer'], default=str)}")
    dump["reading"] = reading(dump)
    log(dump["reading"])
    corpus.WORK.mkdir(parents=True, exist_ok=True)
    (corpus.WORK / "cluster.json").write_text(json.dumps(dump, indent=2, default=str))
    if not args.no_write:
        write_results(dump)
        log(f"wrote {corpus.RESULTS}")
    log(f"done in {time.perf_counter() - t_start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
