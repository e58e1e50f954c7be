"""Speed of ``extract`` (read + normalise + split + meta + extract; no database) on ONE core.

    .venv/bin/python bench/extract.py [--repeat 5] [--no-write]

Inputs: corpora/plans/*.txt and ../shared/seeds/*.txt (when present) as text, and
the same plans as text-layer PDFs (bench/corpus.py: DejaVuSans 11 pt, A4, ~90
characters a line).  The process is pinned to one CPU and runs single-threaded,
in-process.  Every file is extracted once to warm up (imports, rule loading,
models), then the whole set is timed ``--repeat`` times; the median pass is
reported (and the best).  Pages: PDF pages for PDFs, 3 000 characters for text.
Characters: those the reader returns (the text the pipeline works on).
Writes the "extract" section of bench/RESULTS.md and bench/_work/extract.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import corpus  # noqa: E402


def pin_one_core() -> str:
    try:
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return "not pinned"


def time_set(files: list[str], repeat: int) -> dict:
    from extractor.pipeline import extract_raw
    from extractor.read import read_file

    # warm-up: imports, rules, models, first-call caches
    chars = pages = 0
    records = 0
    for f in files:
        raw = read_file(f)
        docs = extract_raw(raw)
        chars += sum(len(b.text) for b in raw.blocks)
        pages += raw.pages if raw.format == "pdf" else 0
        records += sum(len(d.records) for d in docs)
    passes, reads = [], []
    for _ in range(repeat):
        gc.collect()
        t_read = 0.0
        t0 = time.perf_counter()
        for f in files:
            a = time.perf_counter()
            raw = read_file(f)
            b = time.perf_counter()
            extract_raw(raw)
            t_read += b - a
        passes.append(time.perf_counter() - t0)
        reads.append(t_read)
    med = statistics.median(passes)
    if not pages:  # text: a page is 3 000 characters
        pages = chars / corpus.PAGE_CHARS
    return {
        "files": len(files),
        "chars": chars,
        "pages": pages,
        "records": records,
        "seconds_median": med,
        "seconds_best": min(passes),
        "seconds_all": passes,
        "read_share": statistics.median(reads) / med if med else 0.0,
        "chars_per_s": chars / med,
        "pages_per_s": pages / med,
        "pages_per_s_best": pages / min(passes),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5, help="timed passes over the whole set (median reported)")
    ap.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    args = ap.parse_args(argv)

    pinned = pin_one_core()
    root = corpus.ROOT
    texts = sorted((root / "corpora" / "plans").glob("*.txt")) + sorted((root.parent / "shared" / "seeds").glob("*.txt"))
    if not texts:
        print("no text plans found", file=sys.stderr)
        return 1
    pdfs = [f["path"] for f in corpus.pdf_pool(len(corpus.source_texts()))]
    print(f"{len(texts)} text plans, {len(pdfs)} PDFs; {pinned}; {args.repeat} passes each")

    results = {}
    for kind, files in (("text", [str(p) for p in texts]), ("pdf", pdfs)):
        r = time_set(files, args.repeat)
        results[kind] = r
        print(f"{kind:5s} {r['files']:3d} files {r['chars']:8,d} chars {r['pages']:7.1f} pages  "
              f"{r['seconds_median']:.3f} s  {r['chars_per_s']:10,.0f} chars/s  {r['pages_per_s']:7.1f} pages/s  "
              f"(best {r['pages_per_s_best']:.1f}; read {r['read_share']:.0%} of the time)")

    corpus.WORK.mkdir(parents=True, exist_ok=True)
    (corpus.WORK / "extract.json").write_text(json.dumps({"machine": corpus.machine(), **results}, indent=2))
    if args.no_write:
        return 0

    seeds = (root.parent / "shared" / "seeds").is_dir()
    lines = [
        "## extract: read + normalise + split + meta + extract, no database, one core",
        "",
        f"Machine: {corpus.machine()}.  `bench/extract.py`, in-process, single thread, {pinned}; "
        f"one warm-up pass, then the median of {args.repeat} passes over the set.",
        f"Set: {len(texts)} plans (`corpora/plans/*.txt`{' + `../shared/seeds/*.txt`' if seeds else ''}), "
        "as text and as text-layer PDFs made from them (DejaVuSans 11 pt, A4, ~90 characters a line).  "
        "Pages: PDF pages for PDFs, 3 000 characters for text.",
        "",
        "| input | files | characters | pages | seconds | characters/s | pages/s | reading share |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for kind, label in (("text", "text (.txt)"), ("pdf", "text-layer PDF")):
        r = results[kind]
        lines.append(
            f"| {label} | {r['files']} | {r['chars']:,} | {r['pages']:.0f} | {r['seconds_median']:.3f} | "
            f"{r['chars_per_s']:,.0f} | {r['pages_per_s']:.1f} | {r['read_share']:.0%} |"
        )
    lines += [
        "",
        "\"Reading share\": the part of the time spent in `read_file` (pypdfium2 for PDFs); "
        "the rest is `extract_raw`.",
    ]
    corpus.write_section("extract", "\n".join(lines))
    print(f"wrote {corpus.RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
