"""Score extracted records and cross-check findings against hand-made gold answers.

The contract is ``../shared/gold/FORMAT.md`` ("Scoring" and the ``flags.jsonl``
section).  Everything here is pure: functions take dicts (the ``kehoach extract
--json`` / ``kehoach check --json`` shapes and the gold JSON Lines objects) and
return dicts; nothing is printed.  The ``kehoach evaluate`` command is a thin
layer over this module.

    from extractor.evaluate import load_gold, score_records, render_report
    gold = load_gold("../shared/gold")            # {"000_77dff67c0cd1bcec": [...], ...}
    result = score_records(extract_json["documents"], gold)
    result["overall"]["f1"]

Matching rule (records)
    A prediction matches a gold record when the ``type`` is the same, the gold
    ``anchor`` is a substring of the predicted ``quote`` (both passed through
    :func:`collapse`), and the key figure agrees: ``value`` (targets, numbers
    compared with a small tolerance), ``amount_vnd`` (funding, to the đồng),
    ``date`` (deadlines, string equality) or ``agency`` (assignments,
    case-insensitive containment either way after :func:`collapse`).  Gold
    records are taken in file order; each takes the first unused prediction of
    the same source file (all parts, ordered by part then ``start``) that
    matches it.

Field accuracy (matched pairs only)
    target ``value_max`` / ``unit`` / ``comparator`` / ``year``; funding
    ``role``; assignment ``criteria`` (as sets, leading zeros stripped:
    ``"05"`` == ``"5"``, ``"13.02"`` == ``"13.2"``).  A field the gold record
    does not carry at all is not scored for that pair; a field the gold gives
    as ``null`` is scored and the prediction must be ``null`` or absent (an
    absent predicted field counts as ``null``).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Iterable, Optional

from .normalise import collapse  # the FORMAT.md anchor text form (one definition)

RECORD_TYPES = ("target", "funding", "deadline", "assignment", "status")

#: the key figure of each record type (decides a match)
KEY_FIELD = {"target": "value", "funding": "amount_vnd", "deadline": "date", "assignment": "agency", "status": "value"}

#: fields reported as accuracies over matched pairs
SCORED_FIELDS = {
    "target": ("value_max", "unit", "comparator", "year"),
    "funding": ("role",),
    "deadline": (),
    "assignment": ("criteria",),
    "status": ("unit", "as_of"),
}

#: every field FORMAT.md says a gold record of a type carries (besides doc/type/anchor)
GOLD_FIELDS = {
    "target": ("value", "value_max", "unit", "comparator", "year"),
    "funding": ("amount_vnd", "role"),
    "deadline": ("date",),
    "assignment": ("agency", "criteria"),
    "status": ("value",),
}

COMPARATORS = (">=", "<=", "=", "range", "maintain", "increase", "decrease")
FUNDING_ROLES = ("total", "component", "item")
FLAG_RULES = (
    "threshold_below_parent",
    "exceeds_parent",
    "deadline_after_parent",
    "missing_parent_target",
    "funding_sum_mismatch",
    "count_mismatch",
    "citation_conflict",
    "internal_conflict",
    "criterion_name_mismatch",
    "criterion_unassigned",
    "criterion_multiply_assigned",
    "parent_period_ended",  # info, added with the indicator checks: the child plan is for a later cycle
)
CRITERION_SETS = ("xa_ntm", "xa_ntm_nang_cao", "xa_ntm_kieu_mau", "huyen_ntm", "thon")

QUOTE_WIDTH = 100  # characters of a predicted quote kept in the "extra" list



class GoldError(ValueError):
    """The gold folder or a gold file cannot be used (missing, bad JSON)."""


# --------------------------------------------------------------------------- text


def doc_key(name: str) -> str:
    """The key a source file is matched to gold by: its file name without the suffix.

    ``"/x/000_77dff67c0cd1bcec.txt"`` and ``"000_77dff67c0cd1bcec.pdf"`` both give
    ``"000_77dff67c0cd1bcec"`` (the gold file ``000_77dff67c0cd1bcec.jsonl``).
    """
    return Path(str(name).replace("\\", "/")).stem


def _criterion(c: Any) -> str:
    """``"05"`` -> ``"5"``, ``"13.02"`` -> ``"13.2"``, ``"13.10"`` stays."""
    parts = collapse(str(c)).strip().split(".")
    return ".".join((p.lstrip("0") or "0") if p.isdigit() else p for p in parts)


def _criteria_set(v: Any) -> Optional[frozenset]:
    if v is None:
        return None
    if isinstance(v, (str, int, float)):
        v = [v]
    return frozenset(_criterion(c) for c in v)


def _num(v: Any) -> Optional[float]:
    if v is None or isinstance(v, bool):
        return None
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(x) else x


def numbers_agree(a: Any, b: Any) -> bool:
    """Two numbers agree within a small tolerance (relative 1e-6, absolute 1e-6).

    ``None`` agrees only with ``None``; something that is not a number agrees with nothing.
    """
    if a is None or b is None:
        return a is None and b is None
    x, y = _num(a), _num(b)
    if x is None or y is None:
        return False
    return math.isclose(x, y, rel_tol=1e-6, abs_tol=1e-6)


def _amount_agrees(a: Any, b: Any) -> bool:
    x, y = _num(a), _num(b)
    return x is not None and y is not None and abs(x - y) < 1  # to the đồng


def _agency_agrees(gold: Any, pred: Any) -> bool:
    g = collapse(gold).strip().casefold()
    p = collapse(pred).strip().casefold()
    return bool(g) and bool(p) and (g in p or p in g)


def key_agrees(rtype: str, gold: dict, pred: dict) -> bool:
    """Whether the key figure of a gold and a predicted record of type ``rtype`` agrees."""
    if rtype in ("target", "status"):
        return gold.get("value") is not None and numbers_agree(gold.get("value"), pred.get("value"))
    if rtype == "funding":
        return _amount_agrees(gold.get("amount_vnd"), pred.get("amount_vnd"))
    if rtype == "deadline":
        g, p = gold.get("date"), pred.get("date")
        return g is not None and p is not None and str(g).strip() == str(p).strip()
    if rtype == "assignment":
        return _agency_agrees(gold.get("agency"), pred.get("agency"))
    return False


def field_agrees(rtype: str, field: str, gold_value: Any, pred_value: Any) -> bool:
    """Whether one scored field of a matched pair agrees (``None`` == absent)."""
    if field == "criteria":
        return _criteria_set(gold_value) == _criteria_set(pred_value)
    if field in ("value", "value_max"):
        return numbers_agree(gold_value, pred_value)
    if field == "year":
        if gold_value is None or pred_value is None:
            return gold_value is None and pred_value is None
        g, p = _num(gold_value), _num(pred_value)
        return g is not None and p is not None and g == p
    if field == "amount_vnd":
        if gold_value is None or pred_value is None:
            return gold_value is None and pred_value is None
        return _amount_agrees(gold_value, pred_value)
    # strings: unit, comparator, role, date
    if gold_value is None or pred_value is None:
        return gold_value is None and pred_value is None
    return collapse(gold_value).strip() == collapse(pred_value).strip()


def _key_value(rec: dict) -> Any:
    return rec.get(KEY_FIELD.get(rec.get("type"), ""), None)


# --------------------------------------------------------------------------- gold


def _read_jsonl(path: Path) -> list[dict]:
    out = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise GoldError(f"cannot read gold file {path}: {exc}") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(f"{path}:{n}: not valid JSON ({exc.msg})") from exc
        if not isinstance(obj, dict):
            raise GoldError(f"{path}:{n}: expected a JSON object")
        out.append(obj)
    return out


def load_gold(directory: str | Path) -> dict[str, list[dict]]:
    """Read every ``<stem>.jsonl`` record file of a gold folder.

    Returns ``{stem: [record, ...]}`` in file order (``flags.jsonl`` is not a
    record file: see :func:`load_gold_flags`).  Raises :class:`GoldError` when the
    folder does not exist or a line is not a JSON object.
    """
    d = Path(directory)
    if not d.is_dir():
        raise GoldError(f"gold folder not found: {d}")
    return {p.stem: _read_jsonl(p) for p in sorted(d.glob("*.jsonl")) if p.name != "flags.jsonl"}


def load_gold_flags(directory: str | Path) -> list[dict]:
    """Read ``flags.jsonl`` of a gold folder (the expected ``kehoach check`` findings)."""
    p = Path(directory) / "flags.jsonl"
    if not p.is_file():
        raise GoldError(f"no flags.jsonl in gold folder {Path(directory)}")
    return _read_jsonl(p)


# --------------------------------------------------------------------------- records


def _prf(gold: int, pred: int, tp: int) -> dict:
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"gold": gold, "pred": pred, "tp": tp, "precision": p, "recall": r, "f1": f}


def _sort_preds(docs: list[dict]) -> list[dict]:
    """All records of a source's parts in document order (part, then start)."""
    out = []
    for doc in sorted(docs, key=lambda d: d.get("part") or 1):
        for i, r in enumerate(doc.get("records") or []):
            if isinstance(r, dict):
                out.append((doc.get("part") or 1, r.get("start") if isinstance(r.get("start"), int) else 0, i, r, doc))
    out.sort(key=lambda t: (t[0], t[1], t[2]))
    return [dict(t[3], _part=t[0]) for t in out]


def match_records(gold: list[dict], preds: list[dict]) -> list[Optional[int]]:
    """Greedy FORMAT.md matching: for each gold record (in order), the index of the
    first unused prediction (in the given order) that matches it, else ``None``."""
    used: set[int] = set()
    cquotes = [collapse(p.get("quote")) for p in preds]
    out: list[Optional[int]] = []
    for g in gold:
        anchor = collapse(g.get("anchor"))
        found = None
        for j, p in enumerate(preds):
            if j in used or p.get("type") != g.get("type"):
                continue
            if anchor and anchor in cquotes[j] and key_agrees(g.get("type"), g, p):
                found = j
                break
        if found is not None:
            used.add(found)
        out.append(found)
    return out


def _truncate(s: str, width: int = QUOTE_WIDTH) -> str:
    s = collapse(s).strip()
    return s if len(s) <= width else s[: width - 1] + "…"


def score_records(
    pred_docs: list[dict],
    gold: dict[str, list[dict]],
    sources: Optional[Iterable[str]] = None,
) -> dict:
    """Score predicted records (``extract --json`` documents) against gold.

    ``pred_docs``: the ``"documents"`` list of ``kehoach extract --json``; the
    parts of one source file are pooled.  ``gold``: :func:`load_gold` output
    (keys may be stems or file names).  ``sources``: the source files to score
    (names or paths); default: every source in ``pred_docs`` that has gold.  A
    requested source with gold but no predictions scores all its gold as missed.

    Returns ``{"per_type", "overall", "fields", "missed", "extra", "mismatches",
    "per_doc", "skipped"}``: ``per_type[t]`` and ``overall`` hold gold, pred, tp,
    precision, recall, f1 (0.0 when undefined); ``fields[t][f]`` holds compared,
    correct, accuracy (``None`` when nothing was compared); ``skipped`` lists
    sources without gold.
    """
    gold_by = {doc_key(k): v for k, v in gold.items()}
    preds_by: dict[str, list[dict]] = {}
    names: dict[str, str] = {}
    for d in pred_docs:
        k = doc_key(d.get("source") or "")
        preds_by.setdefault(k, []).append(d)
        names.setdefault(k, Path(str(d.get("source") or "")).name)

    if sources is None:
        wanted = list(dict.fromkeys(preds_by))
    else:
        wanted = []
        for s in sources:
            k = doc_key(s)
            names.setdefault(k, Path(str(s)).name)
            if k not in wanted:
                wanted.append(k)

    skipped = [names.get(k, k) for k in wanted if k not in gold_by]
    scored = [k for k in wanted if k in gold_by]

    types = list(RECORD_TYPES)
    counts = {t: [0, 0, 0] for t in types}  # gold, pred, tp
    fields = {t: {f: [0, 0] for f in SCORED_FIELDS[t]} for t in types}
    missed, extra, mismatches, per_doc = [], [], [], {}

    for k in scored:
        golds = gold_by[k]
        preds = _sort_preds(preds_by.get(k, []))
        match = match_records(golds, preds)
        dcount = [len(golds), len(preds), 0]
        for g in golds:
            t = g.get("type")
            counts.setdefault(t, [0, 0, 0])[0] += 1
        for p in preds:
            t = p.get("type")
            counts.setdefault(t, [0, 0, 0])[1] += 1
        docname = golds[0].get("doc") if golds else names.get(k, k)
        for g, j in zip(golds, match):
            t = g.get("type")
            if j is None:
                missed.append({"doc": g.get("doc") or docname, "type": t, "anchor": g.get("anchor"),
                               "key": _key_value(g), "section": g.get("section")})
                continue
            counts[t][2] += 1
            dcount[2] += 1
            p = preds[j]
            for f in SCORED_FIELDS.get(t, ()):
                if f not in g:
                    continue
                fields[t][f][0] += 1
                if field_agrees(t, f, g.get(f), p.get(f)):
                    fields[t][f][1] += 1
                else:
                    mismatches.append({"doc": g.get("doc") or docname, "type": t, "anchor": g.get("anchor"),
                                       "field": f, "gold": g.get(f), "pred": p.get(f)})
        used = {j for j in match if j is not None}
        for j, p in enumerate(preds):
            if j not in used:
                extra.append({"doc": names.get(k, k), "part": p["_part"], "type": p.get("type"),
                              "quote": _truncate(p.get("quote") or ""), "key": _key_value(p),
                              "start": p.get("start")})
        per_doc[docname] = _prf(*dcount)

    per_type = {t: _prf(*c) for t, c in counts.items() if t in RECORD_TYPES or c[0] or c[1]}
    overall = _prf(*(sum(c[i] for c in counts.values()) for i in range(3)))
    fields_out = {
        t: {f: {"compared": n, "correct": ok, "accuracy": (ok / n if n else None)} for f, (n, ok) in fs.items()}
        for t, fs in fields.items()
        if fs
    }
    return {
        "per_type": per_type,
        "overall": overall,
        "fields": fields_out,
        "missed": missed,
        "extra": extra,
        "mismatches": mismatches,
        "per_doc": per_doc,
        "skipped": skipped,
    }


# --------------------------------------------------------------------------- flags


def _side(flag: dict, side: str) -> Optional[dict]:
    v = flag.get(side)
    return v if isinstance(v, dict) else None


def flag_matches(gold: dict, reported: dict) -> bool:
    """FORMAT.md rule for one expected finding (``flags.jsonl`` object) and one
    reported finding (an item of ``kehoach check --json`` ``"flags"``)."""
    if gold.get("rule") != reported.get("rule"):
        return False
    child = _side(reported, "child")
    parent = _side(reported, "parent")
    if child is None or doc_key(child.get("source") or "") != doc_key(gold.get("child_doc") or ""):
        return False
    if gold.get("parent_doc"):
        if parent is None or doc_key(parent.get("source") or "") != doc_key(gold["parent_doc"]):
            return False
    if gold.get("child_anchor"):
        if collapse(gold["child_anchor"]) not in collapse(child.get("quote")):
            return False
    if gold.get("parent_anchor"):
        if parent is None or collapse(gold["parent_anchor"]) not in collapse(parent.get("quote")):
            return False
    if gold.get("criterion") is not None:
        if reported.get("criterion") is None or _criterion(gold["criterion"]) != _criterion(reported["criterion"]):
            return False
    if gold.get("set") is not None and gold.get("set") != reported.get("set"):
        return False
    return True


def score_flags(pred: dict, gold: list[dict]) -> dict:
    """Score ``kehoach check --json`` output against ``flags.jsonl`` objects.

    Greedy like records: expected findings in file order, each takes the first
    unused reported finding that matches it.  Returns ``{"gold", "reported",
    "matched", "recall", "unmatched_non_info", "per_rule", "missed",
    "unmatched"}``; ``unmatched_non_info`` counts reported findings whose
    severity is not ``info`` that matched no expected finding (listed in
    ``unmatched``); ``recall`` is 0.0 when there is no gold.
    """
    reported = [f for f in (pred.get("flags") or []) if isinstance(f, dict)]
    used: set[int] = set()
    per_rule: dict[str, list[int]] = {}
    missed = []
    for g in gold:
        rule = g.get("rule")
        per_rule.setdefault(rule, [0, 0, 0])[0] += 1
        found = next((j for j, r in enumerate(reported) if j not in used and flag_matches(g, r)), None)
        if found is None:
            missed.append({k: g.get(k) for k in ("rule", "child_doc", "parent_doc", "child_anchor",
                                                  "parent_anchor", "criterion", "set", "severity")})
        else:
            used.add(found)
            per_rule[rule][1] += 1
    unmatched = []
    for j, r in enumerate(reported):
        per_rule.setdefault(r.get("rule"), [0, 0, 0])[2] += 1
        if j in used or r.get("severity") == "info":
            continue
        child = _side(r, "child") or {}
        unmatched.append({"id": r.get("id"), "rule": r.get("rule"), "severity": r.get("severity"),
                          "child_doc": child.get("source"), "criterion": r.get("criterion"),
                          "set": r.get("set"), "message": _truncate(r.get("message") or "")})
    return {
        "gold": len(gold),
        "reported": len(reported),
        "matched": len(used),
        "recall": len(used) / len(gold) if gold else 0.0,
        "unmatched_non_info": len(unmatched),
        "per_rule": {
            rule: {"gold": n, "matched": m, "reported": rep, "recall": (m / n if n else None)}
            for rule, (n, m, rep) in per_rule.items()
        },
        "missed": missed,
        "unmatched": unmatched,
    }


# --------------------------------------------------------------------------- report


def _pct(x: Optional[float]) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def _show(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (list, tuple, set, frozenset)):
        return ", ".join(str(x) for x in v)
    return str(v)


def render_report(result: Optional[dict] = None, flags: Optional[dict] = None):
    """The human report (Rich renderables in a ``Group``) for :func:`score_records`
    and/or :func:`score_flags` results.  Print it with ``rich.console.Console().print``."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    parts: list = []
    if result is not None:
        if result.get("skipped"):
            parts.append(Text("No gold for: " + ", ".join(result["skipped"]) + " (skipped)", style="yellow"))
        t = Table(title="Records", title_justify="left")
        for c in ("type", "gold", "pred", "TP", "precision", "recall", "F1"):
            t.add_column(c, justify="left" if c == "type" else "right")
        rows = list(result["per_type"].items()) + [("overall", result["overall"])]
        for name, s in rows:
            t.add_row(name, str(s["gold"]), str(s["pred"]), str(s["tp"]), _pct(s["precision"]),
                      _pct(s["recall"]), _pct(s["f1"]), style="bold" if name == "overall" else None)
        parts.append(t)

        if result.get("per_doc"):
            t = Table(title="Per document", title_justify="left")
            for c in ("doc", "gold", "pred", "TP", "precision", "recall", "F1"):
                t.add_column(c, justify="left" if c == "doc" else "right")
            for name, s in result["per_doc"].items():
                t.add_row(name, str(s["gold"]), str(s["pred"]), str(s["tp"]), _pct(s["precision"]),
                          _pct(s["recall"]), _pct(s["f1"]))
            parts.append(t)

        t = Table(title="Field accuracy (matched pairs)", title_justify="left")
        for c in ("type", "field", "compared", "correct", "accuracy"):
            t.add_column(c, justify="right" if c in ("compared", "correct", "accuracy") else "left")
        for rtype, fs in result["fields"].items():
            for f, s in fs.items():
                t.add_row(rtype, f, str(s["compared"]), str(s["correct"]), _pct(s["accuracy"]))
        parts.append(t)

        if result["missed"]:
            t = Table(title=f"Missed gold records ({len(result['missed'])})", title_justify="left")
            for c in ("doc", "type", "anchor", "key"):
                t.add_column(c, overflow="fold")
            for m in result["missed"]:
                t.add_row(str(m["doc"]), str(m["type"]), str(m["anchor"]), _show(m["key"]))
            parts.append(t)
        if result["extra"]:
            t = Table(title=f"Extra predictions ({len(result['extra'])})", title_justify="left")
            for c in ("doc", "type", "quote", "key"):
                t.add_column(c, overflow="fold")
            for e in result["extra"]:
                t.add_row(str(e["doc"]), str(e["type"]), e["quote"], _show(e["key"]))
            parts.append(t)
        if result["mismatches"]:
            t = Table(title=f"Field mismatches ({len(result['mismatches'])})", title_justify="left")
            for c in ("doc", "type", "anchor", "field", "gold", "pred"):
                t.add_column(c, overflow="fold")
            for m in result["mismatches"]:
                t.add_row(str(m["doc"]), str(m["type"]), str(m["anchor"]), m["field"], _show(m["gold"]),
                          _show(m["pred"]))
            parts.append(t)

    if flags is not None:
        t = Table(title=(f"Cross-check findings: recall {_pct(flags['recall'])} "
                         f"({flags['matched']}/{flags['gold']}), reported {flags['reported']}, "
                         f"unmatched non-info {flags['unmatched_non_info']}"), title_justify="left")
        for c in ("rule", "gold", "matched", "reported", "recall"):
            t.add_column(c, justify="left" if c == "rule" else "right")
        for rule, s in flags["per_rule"].items():
            t.add_row(str(rule), str(s["gold"]), str(s["matched"]), str(s["reported"]), _pct(s["recall"]))
        parts.append(t)
        if flags["missed"]:
            t = Table(title=f"Missed findings ({len(flags['missed'])})", title_justify="left")
            for c in ("rule", "child", "parent", "child anchor", "parent anchor", "criterion"):
                t.add_column(c, overflow="fold")
            for m in flags["missed"]:
                crit = f"{m['criterion']} ({m['set']})" if m.get("criterion") else ""
                t.add_row(str(m["rule"]), str(m["child_doc"]), str(m["parent_doc"] or ""),
                          str(m["child_anchor"] or ""), str(m["parent_anchor"] or ""), crit)
            parts.append(t)
        if flags["unmatched"]:
            t = Table(title=f"Unmatched non-info findings ({len(flags['unmatched'])})", title_justify="left")
            for c in ("rule", "severity", "child", "message"):
                t.add_column(c, overflow="fold")
            for u in flags["unmatched"]:
                t.add_row(str(u["rule"]), str(u["severity"]), str(u["child_doc"]), u["message"])
            parts.append(t)
    return Group(*parts)
