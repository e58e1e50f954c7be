"""``kehoach evaluate``: score extraction (and cross-check findings) against gold answers.

A thin layer over :mod:`extractor.evaluate`; the scoring rule is ``FORMAT.md`` in
the gold folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

# extractor.evaluate (and through it the model) is imported inside the functions:
# `kehoach --help` imports this module and must stay quick.


def _fail(msg: str) -> None:
    typer.echo(f"Error: {msg}", err=True)
    raise typer.Exit(2)


def _warn(msg: str) -> None:
    typer.echo(f"Warning: {msg}", err=True)


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        _fail(f"cannot read {what} {path}: {exc.strerror or exc}")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        _fail(f"{what} {path} is not valid JSON: {exc}")


def _pred_documents(path: Path) -> list[dict]:
    data = _read_json(path, "--pred file")
    if isinstance(data, dict) and isinstance(data.get("documents"), list):
        docs = data["documents"]
    elif isinstance(data, dict) and "records" in data:  # one document
        docs = [data]
    elif isinstance(data, list):
        docs = data
    else:
        _fail(f"--pred file {path} is not `kehoach extract --json` output (no \"documents\" list)")
    docs = [d for d in docs if isinstance(d, dict)]
    if any("source" not in d for d in docs):
        _fail(f"--pred file {path}: every document needs a \"source\" file name")
    return docs


def _extract(sources: list[Path], gold: dict) -> tuple[list[dict], list[str]]:
    try:
        from ..pipeline import extract_path
    except ImportError as exc:
        _fail(f"the extraction pipeline is not available ({exc}); score a saved output with --pred")
    from ..errors import KehoachError
    from ..evaluate import doc_key

    docs, scored = [], []
    for src in sources:
        if not src.is_file():
            _fail(f"source file not found: {src}")
        if doc_key(src.name) not in gold:
            _warn(f"no gold file {doc_key(src.name)}.jsonl for {src.name}; skipped")
            continue
        scored.append(src.name)
        try:
            found = extract_path(src)
        except KehoachError as exc:
            _warn(f"{src.name}: {exc}; all its gold records count as missed")
            continue
        except Exception as exc:  # a pipeline bug must not hide the other files' scores
            _warn(f"{src.name}: extraction failed ({type(exc).__name__}: {exc}); all its gold records count as missed")
            continue
        for d in found:
            pub = d.public() if hasattr(d, "public") else d
            pub = dict(pub, source=src.name)
            docs.append(pub)
    return docs, scored


def evaluate(
    sources: Annotated[
        Optional[list[Path]],
        typer.Argument(help="Source files to extract and score (optional with --pred: default every source in it)."),
    ] = None,
    gold: Annotated[Path, typer.Option("--gold", help="Gold folder: <stem>.jsonl per source, flags.jsonl, FORMAT.md.")] = ...,
    pred: Annotated[
        Optional[Path], typer.Option("--pred", help="Score a saved `kehoach extract --json` output instead of extracting.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object instead of tables.")] = False,
    flags: Annotated[
        Optional[Path], typer.Option("--flags", help="Also score a saved `kehoach check --json` output against flags.jsonl.")
    ] = None,
) -> None:
    """Score extracted records against gold answers: precision, recall, F1 per type, field accuracy, misses.

    Exit code 0 whatever the scores (the evaluation is a report); 2 on bad input.
    """
    from ..evaluate import GoldError, doc_key, load_gold, load_gold_flags, render_report, score_flags, score_records

    sources = list(sources or [])
    if not gold.is_dir():
        _fail(f"gold folder not found: {gold}")
    if not sources and pred is None and flags is None:
        _fail("give SOURCE files, --pred FILE.json or --flags FILE.json")
    try:
        gold_records = load_gold(gold)
    except GoldError as exc:
        _fail(str(exc))

    result = None
    if sources or pred is not None:
        if pred is not None:
            docs = _pred_documents(pred)
            present = {doc_key(d["source"]) for d in docs}
            for s in sources:
                if doc_key(s.name) in gold_records and doc_key(s.name) not in present:
                    _warn(f"no predictions for {s.name} in {pred}; all its gold records count as missed")
            result = score_records(docs, gold_records, sources=[s.name for s in sources] or None)
            for name in result["skipped"]:
                _warn(f"no gold file {doc_key(name)}.jsonl for {name}; skipped")
        else:
            docs, scored = _extract(sources, gold_records)
            result = score_records(docs, gold_records, sources=scored)
            result["skipped"] = [s.name for s in sources if s.name not in scored]

    flag_result = None
    if flags is not None:
        try:
            gold_flags = load_gold_flags(gold)
        except GoldError as exc:
            _fail(str(exc))
        data = _read_json(flags, "--flags file")
        if isinstance(data, list):
            data = {"flags": data}
        if not isinstance(data, dict) or not isinstance(data.get("flags"), list):
            _fail(f"--flags file {flags} is not `kehoach check --json` output (no \"flags\" list)")
        flag_result = score_flags(data, gold_flags)

    if as_json:
        out: dict = dict(result) if result is not None else {}
        if flag_result is not None:
            out["flags"] = flag_result
        typer.echo(json.dumps(out, ensure_ascii=False, indent=2))
        return

    from rich.console import Console

    Console().print(render_report(result, flag_result))
