"""Extraction speed of this checkout against an earlier commit, on the same PDFs, in one run.

    .venv/bin/python bench/compare.py --ref f83ffef [--rounds 3] [--no-write]

Why paired: on a shared 2-core machine the absolute pages/s of two runs minutes
apart differ by ±30 %; alternating the two versions in one run, on the same files,
pinned to one CPU, measures their ratio to a few per cent.

How: ``git worktree add`` puts ``--ref`` in ``bench/_work/ref-<ref>``; each round runs
``read_file`` + ``extract_raw`` over the text-layer PDFs of ``bench/corpus.py``'s pool
(one per plan: corpora/plans + ../shared/seeds) in a fresh process, first for the
reference, then for this checkout: a warm-up pass, then the median of 5 timed passes
(process CPU time).  Reports pages/s of both and their ratio (median over rounds).
Writes the "compare" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402

ROOT = corpus.ROOT

_TIMER = r"""
import gc, json, os, statistics, sys, time
repo = sys.argv[1]
sys.path.insert(0, repo)
try:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
except (AttributeError, OSError):
    pass
from extractor.pipeline import extract_raw
from extractor.read import read_file
import extractor
assert extractor.__file__.startswith(repo), extractor.__file__
files = sys.argv[2:]
pages = 0
for f in files:
    raw = read_file(f)
    extract_raw(raw)
    pages += raw.pages or 0
passes = []
for _ in range(5):
    gc.collect()
    t0 = time.process_time()
    for f in files:
        extract_raw(read_file(f))
    passes.append(time.process_time() - t0)
print(json.dumps({"pages": pages, "seconds": statistics.median(passes)}))
"""


def worktree(ref: str) -> Path:
    path = corpus.WORK / f"ref-{ref}"
    if not (path / "extractor").is_dir():
        corpus.WORK.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "worktree", "add", "-f", "--detach", str(path), ref], cwd=ROOT, check=True,
                       capture_output=True)
    return path


def timed(repo: Path, files: list[str]) -> dict:
    out = subprocess.run([sys.executable, "-c", _TIMER, str(repo), *files], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ref", required=True, help="the git commit to compare against")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--no-write", action="store_true", help="do not touch bench/RESULTS.md")
    args = ap.parse_args(argv)

    ref = worktree(args.ref)
    files = [f["path"] for f in corpus.pdf_pool(len(corpus.source_texts()))]
    rows = []
    for i in range(args.rounds):
        a = timed(ref, files)
        b = timed(ROOT, files)
        ratio = (b["pages"] / b["seconds"]) / (a["pages"] / a["seconds"])
        rows.append((a, b, ratio))
        print(f"round {i + 1}: {args.ref} {a['pages'] / a['seconds']:.1f} pages/s, "
              f"this checkout {b['pages'] / b['seconds']:.1f} pages/s, ratio {ratio:.2f}")
    ratio = statistics.median(r for _, _, r in rows)
    ref_ps = statistics.median(a["pages"] / a["seconds"] for a, _, _ in rows)
    new_ps = statistics.median(b["pages"] / b["seconds"] for _, b, _ in rows)
    print(f"median: {args.ref} {ref_ps:.1f} pages/s, this checkout {new_ps:.1f} pages/s, ratio {ratio:.2f}")
    if args.no_write:
        return 0
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    lines = [
        "## compare: extraction speed against an earlier commit, paired",
        "",
        f"Machine: {corpus.machine()}.  `bench/compare.py --ref {args.ref}`: {len(files)} text-layer PDFs "
        f"({rows[0][1]['pages']} pages), read + extract, one core, process CPU time, median of 5 passes per "
        f"process; the two versions alternate, {args.rounds} rounds.",
        "",
        "| version | pages/s (median of rounds) |",
        "| --- | ---: |",
        f"| `{args.ref}` (reference) | {ref_ps:.1f} |",
        f"| `{head}` (this checkout) | {new_ps:.1f} |",
        "",
        f"Ratio this checkout / reference: **{ratio:.2f}** (rounds: {', '.join(f'{r:.2f}' for _, _, r in rows)}).",
    ]
    corpus.write_section("compare", "\n".join(lines))
    print(f"wrote {corpus.RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
