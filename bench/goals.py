"""Every speed goal of issue 14, measured in one run, with a table of goal / measured / met.

    .venv/bin/python bench/goals.py            # ~15 min on 2 cores
    .venv/bin/python bench/goals.py --quick    # N = 10, 100 and check at 1 000 / 2 000 only (~5 min)
    .venv/bin/python bench/goals.py --rewrite  # the goals table again from the last run's JSON

Runs, one after the other, so that they do not disturb each other:

1. ``bench/ingest.py --sizes 10 100 1000`` (bare pdfplumber and pypdfium2 beside
   ``kehoach ingest`` with 1 worker on 1 core and with 2 workers; memory per
   worker; database size);
2. ``bench/cli.py`` (``kehoach --help``, ``kehoach extract --json``, 12 small PDFs
   against pdfplumber);
3. ``bench/check.py --sizes 2000 4000`` (``kehoach check`` on thousands of files).

Each writes its own section of bench/RESULTS.md and its JSON under bench/_work/;
this script then reads those JSON files and writes the "goals" section.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import corpus  # noqa: E402

WORK = corpus.WORK
PY = sys.executable


def run(script: str, *args: str) -> None:
    cmd = [PY, str(BENCH / script), *args]
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)


def _load(path: Path) -> dict:
    return json.loads(path.read_text()) if path.exists() else {}


def goal_rows() -> list[tuple[str, str, str, bool | None]]:
    """(goal, target, measured, met) from the last runs' JSON files."""
    rows: list[tuple[str, str, str, bool | None]] = []
    ing = {r["n"]: r for r in _load(WORK / "ingest.json").get("rows", [])}
    big = ing.get(max(ing)) if ing else None
    if big:
        w1, w2 = big["w1"], big["w2"]
        pdfium = big["pdfium"].get("pages_per_s")
        rows.append((f"`ingest`, 1 worker on 1 core, N = {big['n']} text-layer PDFs ({big['pages']:,} pages)",
                     ">= 300 pages/s", f"{w1['pages_per_s']:.0f} pages/s (pypdfium2 alone: {pdfium:.0f})",
                     w1["pages_per_s"] >= 300))
        rows.append(("… against bare pdfplumber, same run", ">= 10x",
                     f"{big['ratio']:.1f}x (pdfplumber {big['plumber']['pages_per_s']:.1f} pages/s)", big["ratio"] >= 10))
        sp = w2["pages_per_s"] / w1["pages_per_s"]
        rows.append(("2 workers against 1", ">= 1.8x", f"{sp:.2f}x", sp >= 1.8))
        peaks = [r["w1"]["worker_peak_mb_max"] for _, r in sorted(ing.items()) if r["w1"].get("worker_peak_mb_max")]
        if peaks:
            rows.append(("memory per worker, N = " + " / ".join(str(n) for n in sorted(ing)), "flat",
                         " / ".join(f"{p:.0f}" for p in peaks) + " MB", max(peaks) <= 1.25 * min(peaks)))
        per_file = [r["w1"]["db_bytes"] / r["n"] / 1024 for _, r in sorted(ing.items()) if r["w1"].get("db_bytes")]
        if per_file:
            rows.append(("database size a file, same N", "linear (flat a file)",
                         " / ".join(f"{k:.0f}" for k in per_file) + " KB", max(per_file) <= 1.25 * min(per_file)))
    cli = _load(WORK / "cli.json")
    if cli:
        med = cli["median"]
        rows.append(("`kehoach --help`", "<= 0.15 s", f"{med['help']:.3f} s", med["help"] <= 0.15))
        rows.append((f"`kehoach extract --json {cli['one']}`", "<= 0.5 s", f"{med['extract']:.3f} s", med["extract"] <= 0.5))
        ratio = med["plumber"] / med["ingest"]
        rows.append((f"`kehoach ingest` of {cli['files']} small PDFs, against bare pdfplumber", ">= 3x",
                     f"{ratio:.2f}x ({med['ingest']:.2f} s against {med['plumber']:.2f} s; pypdfium2 {med['pdfium']:.2f} s)",
                     ratio >= 3))
    chk = {r["n"]: r for r in _load(WORK / "check" / "check.json").get("rows", [])}
    if 2000 in chk:
        rows.append(("`kehoach check`, 2 000 files", "<= 10 s", f"{chk[2000]['seconds']:.1f} s", chk[2000]["seconds"] <= 10))
    if 2000 in chk and 4000 in chk:
        g = chk[4000]["seconds"] / chk[2000]["seconds"]
        rows.append(("`kehoach check`, 4 000 files against 2 000", "<= 2x (linear)",
                     f"{chk[4000]['seconds']:.1f} s, {g:.2f}x", g <= 2.0))
    return rows


def report(rows) -> str:
    mark = {True: "met", False: "**not met**", None: ""}
    lines = [
        "## goals: issue 14, every goal in one run (`bench/goals.py`)",
        "",
        f"Machine: {corpus.machine()}.  Measured by the sections below (ingest, cli, check), run one after "
        "the other by `bench/goals.py`; this table is read from their JSON files.",
        "",
        "| goal | target | measured | |",
        "| --- | --- | --- | --- |",
        *[f"| {g} | {t} | {m} | {mark[ok]} |" for g, t, m, ok in rows],
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="ingest N = 10, 100; check 1 000 and 2 000")
    ap.add_argument("--rewrite", action="store_true", help="only rewrite the goals table from the last JSON")
    args = ap.parse_args(argv)
    if not args.rewrite:
        run("ingest.py", "--sizes", *(["10", "100"] if args.quick else ["10", "100", "1000"]))
        run("cli.py")
        run("check.py", "--sizes", *(["1000", "2000"] if args.quick else ["2000", "4000"]))
    text = report(goal_rows())
    print(text)
    corpus.write_section("goals", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
