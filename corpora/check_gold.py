#!/usr/bin/env python3
"""Check the hand-made answers in corpora/gold against the plans in corpora/plans.

Standard library only.  Run from anywhere:

    python corpora/check_gold.py                 # this corpus
    python corpora/check_gold.py --plans ../shared/seeds --gold ../shared/gold   # another folder pair

What is checked (see shared/gold/FORMAT.md for the format itself):

* every plan has a gold file and every gold file a plan;
* every record has the fields its type needs, with values from the allowed sets;
* every anchor is an exact substring of its document after NFC + whitespace-run collapse,
  and an anchor is not used by more records than it has occurrences (assignments excepted:
  one passage may carry two criteria sets);
* the anchor carries the figure: a target's value (or value_max), a funding amount, a
  deadline's day/month or year, a status's value can be read back from the anchor text (a year
  the anchor does not state, e.g. "vào cuối năm" in a one-year plan, is taken as implied);
* a status record (a result already achieved) has a short unit and an as_of that is null or
  an ISO date / year;
* flags.jsonl: rules, severities, files and anchors exist, criterion rules name a criterion and set;
* meta.jsonl (when present): one line per document part, known fields, the number occurs in the text.

Exit status 0 when everything passes, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent

TYPES = {"target", "funding", "deadline", "assignment", "status"}
COMPARATORS = {">=", "<=", "=", "range", "maintain", "increase", "decrease"}
ROLES = {"total", "component", "item"}
TOPICS = {
    "planning", "transport_irrigation_power", "infrastructure_social", "agriculture_economy",
    "income_labour", "poverty_housing", "education", "health", "culture", "environment",
    "administration_law", "front_organizations", "security_defence", "monitoring", "ntm_status", "other",
}
SETS = {"xa_ntm", "xa_ntm_nang_cao", "xa_ntm_kieu_mau", "huyen_ntm", "thon", "unspecified"}
RULES = {
    "threshold_below_parent", "exceeds_parent", "deadline_after_parent", "missing_parent_target",
    "funding_sum_mismatch", "count_mismatch", "citation_conflict", "internal_conflict",
    "criterion_name_mismatch", "criterion_unassigned", "criterion_multiply_assigned",
    "parent_period_ended",  # info: a plan for a later cycle than its parent (added with the indicator checks)
}
CRITERION_RULES = {"criterion_name_mismatch", "criterion_unassigned", "criterion_multiply_assigned"}
SEVERITIES = {"info", "warning", "error"}
LEVELS = {"trung_uong", "tinh", "huyen", "xa", "thon"}
META_FIELDS = ["doc", "part", "doc_type", "number", "date", "issuer", "level",
               "province", "district", "commune", "period"]

COMMON = {"doc", "type", "anchor"}
REQUIRED = {
    "target": {"value", "value_max", "unit", "comparator", "year"},
    "funding": {"amount_vnd", "role"},
    "deadline": {"date"},
    "assignment": {"agency", "criteria"},
    "status": {"value", "unit", "as_of"},
}
OPTIONAL = {"section", "subject", "topic", "note", "set", "set_also", "part", "scope",
            "parent_anchor", "parent_occurrence"}

DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
CRIT_RE = re.compile(r"^(\d{1,2})(\.\d{1,2})?$")
NUM_RE = re.compile(r"\d+(?:[.,]\d+)*")


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text))


def vn_number(tok: str) -> float | None:
    """Decode Vietnamese notation: '.' groups thousands, ',' is the decimal mark."""
    if "," in tok:
        whole, _, frac = tok.rpartition(",")
        if "," in whole:
            return None
        whole = whole.replace(".", "")
        try:
            return float(f"{whole}.{frac}")
        except ValueError:
            return None
    if "." in tok:
        parts = tok.split(".")
        if all(len(p) == 3 for p in parts[1:]):
            return float("".join(parts))
        try:  # "13.2" style indicator numbers, or a decimal point
            return float(tok)
        except ValueError:
            return None
    return float(tok)


def numbers_in(s: str) -> list[float]:
    out = []
    for tok in NUM_RE.findall(s):
        v = vn_number(tok)
        if v is not None:
            out.append(v)
    return out


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def amount_in(anchor: str) -> list[int]:
    """Money amounts an anchor states, in đồng."""
    out = []
    for m in re.finditer(r"(\d+(?:[.,]\d+)*)\s*(triệu|tỷ|nghìn|ngàn)?\s*đồng", anchor):
        v = vn_number(m.group(1))
        if v is None:
            continue
        mult = {"triệu": 10**6, "tỷ": 10**9, "nghìn": 10**3, "ngàn": 10**3, None: 1}[m.group(2)]
        out.append(round(v * mult))
    return out


class Report:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []

    def err(self, where: str, msg: str) -> None:
        self.errors.append(f"{where}: {msg}")

    def warn(self, where: str, msg: str) -> None:
        self.warnings.append(f"{where}: {msg}")


def check_record(r: dict, text: str, where: str, rep: Report) -> None:
    t = r.get("type")
    if t not in TYPES:
        rep.err(where, f"unknown type {t!r}")
        return
    missing = (COMMON | REQUIRED[t]) - r.keys()
    if missing:
        rep.err(where, f"missing fields {sorted(missing)}")
        return
    extra = r.keys() - COMMON - REQUIRED[t] - OPTIONAL
    if extra:
        rep.warn(where, f"unknown extra fields {sorted(extra)}")
    anchor = r["anchor"]
    if not isinstance(anchor, str) or not anchor.strip():
        rep.err(where, "empty anchor")
        return
    if anchor != collapse(anchor).strip():
        rep.err(where, f"anchor is not NFC/whitespace-collapsed: {anchor!r}")
    if anchor not in text:
        rep.err(where, f"anchor not found in document: {anchor!r}")
    if len(anchor) > 120:
        rep.warn(where, f"anchor is long ({len(anchor)} chars)")
    if "topic" in r and r["topic"] not in TOPICS:
        rep.err(where, f"topic {r['topic']!r} not allowed")
    if "set" in r and r["set"] not in SETS:
        rep.err(where, f"set {r['set']!r} not allowed")
    if "set_also" in r and r["set_also"] not in SETS:
        rep.err(where, f"set_also {r['set_also']!r} not allowed")

    if t == "target":
        v, vmax = r["value"], r["value_max"]
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            rep.err(where, "value is not a number")
            return
        if vmax is not None and (not isinstance(vmax, (int, float)) or vmax < v):
            rep.err(where, "value_max must be null or a number >= value")
        if r["comparator"] not in COMPARATORS:
            rep.err(where, f"comparator {r['comparator']!r} not allowed")
        if r["comparator"] == "range" and vmax is None:
            rep.err(where, "comparator range without value_max")
        unit = r["unit"]
        if not isinstance(unit, str) or not unit.strip() or len(unit) > 30:
            rep.err(where, f"unit must be a short string, got {unit!r}")
        y = r["year"]
        if y is not None and (not isinstance(y, int) or not 2000 <= y <= 2050):
            rep.err(where, f"year {y!r} not an integer year or null")
        nums = numbers_in(anchor)
        if not any(close(n, v) for n in nums):
            rep.err(where, f"value {v} cannot be read from anchor {anchor!r}")
        if vmax is not None and not any(close(n, vmax) for n in nums):
            rep.err(where, f"value_max {vmax} cannot be read from anchor {anchor!r}")
    elif t == "status":
        v = r["value"]
        if not isinstance(v, (int, float)) or isinstance(v, bool):
            rep.err(where, "value is not a number")
            return
        unit = r["unit"]
        if not isinstance(unit, str) or not unit.strip() or len(unit) > 30:
            rep.err(where, f"unit must be a short string, got {unit!r}")
        a = r["as_of"]
        if a is not None and (not isinstance(a, str) or not DATE_RE.match(a)):
            rep.err(where, f"as_of {a!r} is not null, YYYY, YYYY-MM or YYYY-MM-DD")
        if not any(close(n, v) for n in numbers_in(anchor)):
            rep.err(where, f"value {v} cannot be read from anchor {anchor!r}")
    elif t == "funding":
        a = r["amount_vnd"]
        if not isinstance(a, int) or isinstance(a, bool) or a <= 0:
            rep.err(where, "amount_vnd must be a positive integer (đồng)")
        elif a not in amount_in(anchor):
            rep.err(where, f"amount {a} cannot be read from anchor {anchor!r} (got {amount_in(anchor)})")
        if r["role"] not in ROLES:
            rep.err(where, f"role {r['role']!r} not allowed")
    elif t == "deadline":
        d = r["date"]
        if not isinstance(d, str) or not DATE_RE.match(d):
            rep.err(where, f"date {d!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
            return
        y, *rest = d.split("-")
        nums = [int(x) for x in re.findall(r"\d+", anchor)]
        if len(rest) == 2:
            day, month = int(rest[1]), int(rest[0])
            dm = re.findall(r"(\d{1,2})[/.-](\d{1,2})", anchor)  # 30/8, 30-8, 30.8
            if not any(int(a) == day and int(b) == month for a, b in dm):
                rep.err(where, f"day/month of {d} not in anchor {anchor!r}")
            if int(y) in nums or re.search(r"\d{1,2}/\d{1,2}/\d{4}", anchor):
                if not re.search(rf"\b{day}/0?{month}/{y}\b|\b0?{day}/0?{month}/{y}\b", anchor) and int(y) not in nums:
                    rep.err(where, f"year of {d} not in anchor {anchor!r}")
        else:
            years = [n for n in nums if 1990 <= n <= 2100]
            if years and int(y) not in years:  # no year in the anchor: implied (plan year)
                rep.err(where, f"year {y} not in anchor {anchor!r}")
    elif t == "assignment":
        if not isinstance(r["agency"], str) or not r["agency"].strip():
            rep.err(where, "agency must be a non-empty string")
        crit = r["criteria"]
        if not isinstance(crit, list) or not crit:
            rep.err(where, "criteria must be a non-empty list")
        else:
            for c in crit:
                m = CRIT_RE.match(c) if isinstance(c, str) else None
                if not m or not 1 <= int(m.group(1)) <= 19:
                    rep.err(where, f"criterion {c!r} is not a national criterion/indicator number")
            if len(set(crit)) != len(crit):
                rep.warn(where, "criteria list has duplicates")
        if "set" not in r:
            rep.warn(where, "assignment without set")


def load_jsonl(path: Path, rep: Report) -> list[dict]:
    out = []
    for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(json.loads(line))
        except json.JSONDecodeError as e:
            rep.err(f"{path.name}:{i}", f"bad JSON: {e}")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--plans", type=Path, default=HERE / "plans")
    ap.add_argument("--gold", type=Path, default=HERE / "gold")
    ap.add_argument("-q", "--quiet", action="store_true", help="print only problems and the summary")
    args = ap.parse_args(argv)
    rep = Report()

    plans = {p.name: collapse(p.read_text(encoding="utf-8")) for p in sorted(args.plans.glob("*.txt"))}
    golds = {p.stem: p for p in sorted(args.gold.glob("*.jsonl")) if p.name not in {"flags.jsonl", "meta.jsonl"}}
    for name in plans:
        if Path(name).stem not in golds:
            rep.err(name, "plan has no gold file")
    counts: dict[str, Counter] = {}
    for stem, gpath in golds.items():
        doc = stem + ".txt"
        if doc not in plans:
            rep.err(gpath.name, "gold file has no plan")
            continue
        text = plans[doc]
        recs = load_jsonl(gpath, rep)
        counts[doc] = Counter(r.get("type") for r in recs)
        used: Counter = Counter()
        for i, r in enumerate(recs, 1):
            where = f"{gpath.name}:{i}"
            if r.get("doc") != doc:
                rep.err(where, f"doc is {r.get('doc')!r}, expected {doc!r}")
            check_record(r, text, where, rep)
            if r.get("type") != "assignment" and isinstance(r.get("anchor"), str):
                used[r["anchor"]] += 1
            pa = r.get("parent_anchor")
            if pa is not None and pa not in text:
                rep.err(where, f"parent_anchor not found: {pa!r}")
        for a, n in used.items():
            occ = text.count(a)
            if 0 < occ < n:
                rep.err(gpath.name, f"anchor {a!r} used by {n} records but occurs {occ} time(s)")

    # funding totals: components that name a parent should add up to it (report, do not fail:
    # a planted funding_sum_mismatch is expected to show here)
    sums = []
    for stem, gpath in golds.items():
        recs = [r for r in load_jsonl(gpath, Report()) if r.get("type") == "funding"]
        by_anchor = {}
        for r in recs:
            by_anchor.setdefault(r["anchor"], r)
        kids = defaultdict(int)
        for r in recs:
            if r.get("parent_anchor") and r.get("role") == "component":
                kids[(r["parent_anchor"], r.get("parent_occurrence", 1))] += r["amount_vnd"]
        for (pa, _occ), total in kids.items():
            parent = by_anchor.get(pa)
            if parent and parent["amount_vnd"] != total:
                sums.append(f"{gpath.name}: components of {pa!r} add up to {total:,} đồng, "
                            f"not {parent['amount_vnd']:,}")

    flags_path = args.gold / "flags.jsonl"
    nflags = 0
    if flags_path.exists():
        for i, f in enumerate(load_jsonl(flags_path, rep), 1):
            nflags += 1
            where = f"flags.jsonl:{i}"
            need = {"rule", "child_doc", "parent_doc", "child_anchor", "parent_anchor", "severity"}
            if need - f.keys():
                rep.err(where, f"missing fields {sorted(need - f.keys())}")
                continue
            if f["rule"] not in RULES:
                rep.err(where, f"rule {f['rule']!r} not allowed")
            if f["severity"] not in SEVERITIES:
                rep.err(where, f"severity {f['severity']!r} not allowed")
            child = plans.get(f["child_doc"])
            if child is None:
                rep.err(where, f"child_doc {f['child_doc']!r} not in plans")
                continue
            parent = child
            if f["parent_doc"] is not None:
                parent = plans.get(f["parent_doc"])
                if parent is None:
                    rep.err(where, f"parent_doc {f['parent_doc']!r} not in plans")
                    continue
                if f["parent_doc"] == f["child_doc"]:
                    rep.err(where, "parent_doc equals child_doc (use null for a finding inside one document)")
            if f["child_anchor"] is not None and f["child_anchor"] not in child:
                rep.err(where, f"child_anchor not found: {f['child_anchor']!r}")
            if f["parent_anchor"] is not None and f["parent_anchor"] not in parent:
                rep.err(where, f"parent_anchor not found: {f['parent_anchor']!r}")
            if f["rule"] in CRITERION_RULES:
                if not f.get("criterion") or not CRIT_RE.match(str(f["criterion"])):
                    rep.err(where, "criterion rule without a criterion number")
                if f.get("set") not in SETS:
                    rep.err(where, f"criterion rule with set {f.get('set')!r}")
            if f["rule"] == "exceeds_parent" and f["severity"] != "info":
                rep.warn(where, "exceeds_parent is expected to be info")
    else:
        rep.warn(str(flags_path), "no flags.jsonl")

    meta_path = args.gold / "meta.jsonl"
    nmeta = 0
    if meta_path.exists():
        seen = Counter()
        for i, m in enumerate(load_jsonl(meta_path, rep), 1):
            nmeta += 1
            where = f"meta.jsonl:{i}"
            miss = set(META_FIELDS) - m.keys()
            if miss:
                rep.err(where, f"missing fields {sorted(miss)}")
                continue
            text = plans.get(m["doc"])
            if text is None:
                rep.err(where, f"doc {m['doc']!r} not in plans")
                continue
            seen[m["doc"]] += 1
            if m["level"] not in LEVELS:
                rep.err(where, f"level {m['level']!r} not allowed")
            if m["date"] is not None and not re.match(r"^\d{4}-\d{2}-\d{2}$", m["date"]):
                rep.err(where, f"date {m['date']!r} is not ISO")
            if m["number"] is not None and m["number"] not in text:
                rep.err(where, f"number {m['number']!r} does not occur in the text")
            if m["period"] is not None and not re.match(r"^\d{4}(-\d{4})?$", m["period"]):
                rep.err(where, f"period {m['period']!r} is not YYYY or YYYY-YYYY")
            if m["doc_type"] is not None and m["doc_type"] != m["doc_type"].upper():
                rep.err(where, "doc_type should be upper case")
        for name in plans:
            if name not in seen:
                rep.err("meta.jsonl", f"no line for {name}")

    if not args.quiet:
        for doc, c in counts.items():
            print(f"{doc}: " + ", ".join(f"{t} {c.get(t, 0)}" for t in ["target", "funding", "deadline", "assignment", "status"])
                  + f" (total {sum(c.values())})")
        print(f"flags: {nflags}, meta lines: {nmeta}")
        for s in sums:
            print("note:", s)
    for w in rep.warnings:
        print("warning:", w)
    for e in rep.errors:
        print("ERROR:", e)
    print(f"{len(rep.errors)} error(s), {len(rep.warnings)} warning(s)")
    return 1 if rep.errors else 0


if __name__ == "__main__":
    sys.exit(main())
