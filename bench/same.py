"""Is the output unchanged?  Dump every document the pipeline extracts from a fixed
set of files, or compare the dump with one made earlier.

    .venv/bin/python bench/same.py save  [--out bench/_work/same.json]
    .venv/bin/python bench/same.py check [--ref bench/_work/same.json]

Files: corpora/plans/*.txt, tests' sample inputs, ../shared/seeds and
../shared/real/texts when present, and the benchmark PDFs of bench/_work/corpus/N10
(made by bench/ingest.py).  Each document is its full JSON (metadata, sections,
records with quotes and offsets).  ``check`` exits 1 and names the first differing
field of every file that changed, so a speed change can be shown to leave the
output alone.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def files() -> list[Path]:
    out = sorted((ROOT / "corpora" / "plans").glob("*.txt"))
    shared = ROOT.parent / "shared"
    out += sorted((shared / "seeds").glob("*.txt"))
    out += sorted((shared / "real" / "texts").glob("*.txt"))
    out += sorted((ROOT / "bench" / "_work" / "corpus" / "N10").glob("*.pdf"))
    for ext in ("txt", "docx", "pdf", "html"):
        out += sorted((ROOT / "tests").rglob(f"*.{ext}"))
    return out


def dump() -> dict[str, object]:
    from extractor.pipeline import extract_path

    out: dict[str, object] = {}
    for f in files():
        key = str(f.relative_to(ROOT.parent))
        try:
            docs = extract_path(f)
        except Exception as e:  # a test fixture that is meant to fail
            out[key] = {"error": type(e).__name__}
            continue
        out[key] = [json.loads(d.model_dump_json()) for d in docs]
    return out


def first_difference(a, b, path: str = "") -> str | None:
    if type(a) is not type(b):
        return f"{path}: {a!r:.80} != {b!r:.80}"
    if isinstance(a, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}: only in {'ref' if k in a else 'now'}"
            d = first_difference(a[k], b[k], f"{path}.{k}")
            if d:
                return d
        return None
    if isinstance(a, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {a!r:.120} != {b!r:.120}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=["save", "check"])
    ap.add_argument("--out", "--ref", dest="path", default=str(ROOT / "bench" / "_work" / "same.json"))
    args = ap.parse_args()
    now = dump()
    if args.what == "save":
        Path(args.path).write_text(json.dumps(now, ensure_ascii=False, sort_keys=True))
        print(f"saved {len(now)} files to {args.path}")
        return 0
    ref = json.loads(Path(args.path).read_text())
    bad = 0
    new = sorted(set(now) - set(ref))
    if new:
        print(f"not in the reference (not compared): {', '.join(new)}")
    for key in sorted(ref):
        d = first_difference(ref.get(key), now.get(key), "")
        if d:
            bad += 1
            print(f"CHANGED {key}{d}")
    print(f"{len(ref)} files, {bad} changed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
