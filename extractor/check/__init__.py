"""Cross-checks: each plan against the plan it implements, and against itself.

Python API (``kehoach check`` and ``kehoach link`` are thin layers over it)::

    from extractor.check import run, run_checks, store_flags
    result = run(db)                  # links, flags, aggregates; nothing written
    flags = run_checks(db)            # the findings only: list[Flag]
    summary = store_flags(db, flags)  # upsert by stable id; vanished ones -> 'resolved'
    store_links(db, result.links)     # documents.parent_id / parent_by (manual kept)

Modules: ``data`` (documents as the rules see them), ``link`` (parent resolution),
``figures`` (targets linked to the indicator catalogue, periods, direction),
``rules_targets``, ``rules_funding``, ``rules_counts`` (with ``align``: shares and
counts of units), ``rules_citations``, ``rules_criteria``, ``aggregate``, ``matrix``
(the indicator matrix export and canned query).
Thresholds, tolerances, severities, lexicon and messages: ``rules/checks.yml``.

A finding's ``id`` is a hash of its rule, the child document's identity (number, or
file name and part), both quotes (normalised) and criterion/set: the same finding on
a re-run has the same id, so a reviewer's decision (``reviews.flag_id``) stays
attached; a finding that no longer appears is marked ``status='resolved'``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from ..store import write_transaction
from .config import pinned
from .data import Doc, load_documents
from .flags import Flag, Passage
from .link import Link, resolve, set_manual_link, store_links, unresolved_flags

__all__ = ["CheckResult", "Flag", "Passage", "run", "run_checks", "store_flags", "store_links",
           "set_manual_link", "flags_json"]


@dataclass
class CheckResult:
    docs: list[Doc]
    links: dict[int, Link]
    flags: list[Flag] = field(default_factory=list)
    aggregates: list[dict] = field(default_factory=list)


def run(db, progress=None, workers=None, keep_records: bool = True) -> CheckResult:
    """Resolve parents and run every rule over the database's current documents.

    ``progress(total=None, advance=0)`` is told the number of documents, then each
    one done; ``workers``: processes for the per-document rules (default: see
    ``check.parallel``; the findings are the same).  With workers the records are read
    by the workers; ``keep_records=False`` leaves them out of ``CheckResult.docs``
    (nothing after the findings needs them) instead of reading them here as well."""
    with pinned():
        return _run(db, progress, workers, keep_records)


def _run(db, progress, workers, keep_records: bool) -> CheckResult:
    from .aggregate import children_of
    from .config import section
    from .data import fill_records
    from .parallel import db_path, per_document, workers_for
    from .rules_citations import citation_conflicts

    docs = load_documents(db, with_records=False)
    links = resolve(docs, db)
    n = min(workers if workers is not None else workers_for(len(docs)), len(docs))
    path = db_path(db) if n > 1 else None
    if path is None:
        fill_records(db, docs)
    if progress:
        progress(total=len(docs))
    kids_of = children_of(links) if section("aggregate").get("enabled", True) else {}
    per_doc, per_parent, across = per_document(
        docs, links, kids_of, (lambda k: progress(advance=k)) if progress else None, n,
        meanwhile=lambda: citation_conflicts(docs) + unresolved_flags(links), db_path=path)
    if path is not None and keep_records:
        fill_records(db, docs)
    flags: list[Flag] = []
    for d in docs:
        flags += per_doc.get(d.id, [])
    flags += across
    aggs: list[dict] = []
    for pid in kids_of:
        reports, agg_flags = per_parent.get(pid, ([], []))
        aggs += reports
        flags += agg_flags
    # one finding per id; two findings on different figures of the same sentences keep both
    seen: dict[str, Flag] = {}
    unique = []
    for f in flags:
        old = seen.get(f.id)
        if old is not None and _other_figures(old, f):
            f.distinct = "\x1f".join(str(f.values.get(k) or "") for k in ("indicator", "child_written", "parent_written"))
            old = seen.get(f.id)
        if old is None:
            seen[f.id] = f
            unique.append(f)
    return CheckResult(docs=docs, links=links, flags=unique, aggregates=aggs)


def _other_figures(a: Flag, b: Flag) -> bool:
    """Are two findings with one id about different figures (not the same finding twice)?"""
    def where(f: Flag):
        return (f.values.get("indicator"), f.values.get("child_written"), f.values.get("parent_written"))

    return a.rule == b.rule and where(a) != where(b) and any(where(a)) and any(where(b))


def run_checks(db) -> list[Flag]:
    """Every finding over the database (nothing written)."""
    return run(db).flags


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def store_flags(db, flags: list[Flag]) -> dict:
    """Write findings to the ``flags`` table in one transaction.

    A finding already stored (same id) keeps its ``first_seen`` and is re-opened if
    it had been resolved; a stored open finding absent from ``flags`` is marked
    ``resolved`` (never deleted, so its reviews stay).  Returns counts:
    ``{"new", "seen", "reopened", "resolved", "open"}``.
    """
    now = _now()
    table = db["flags"]
    existing = {r["id"]: r for r in db.query("SELECT id, status, first_seen FROM flags")}
    counts = {"new": 0, "seen": 0, "reopened": 0, "resolved": 0}
    current: set[str] = set()
    rows: list[dict] = []
    with write_transaction(db):  # BEGIN IMMEDIATE: waits for other writers
        for f in flags:
            if f.id in current:
                continue
            current.add(f.id)
            vi, en = f.messages
            row = {
                "id": f.id, "rule": f.rule, "severity": f.severity, "message": vi, "message_en": en,
                "child_document_id": f.child.doc.id, "child_quote": f.child.quote,
                "child_start": f.child.start, "child_end": f.child.end,
                "parent_document_id": f.parent.doc.id if f.parent else None,
                "parent_quote": f.parent.quote if f.parent else None,
                "parent_start": f.parent.start if f.parent else None,
                "parent_end": f.parent.end if f.parent else None,
                "criterion": f.criterion, "set_name": f.set, "status": "open", "last_seen": now,
            }
            old = existing.get(f.id)
            if old is None:
                row["first_seen"] = now
                counts["new"] += 1
            else:
                row["first_seen"] = old["first_seen"] or now
                counts["reopened" if old["status"] == "resolved" else "seen"] += 1
            rows.append(row)
        _upsert_rows(db, table, rows)
        gone = [(fid,) for fid, old in existing.items() if fid not in current and old["status"] != "resolved"]
        db.conn.executemany("UPDATE flags SET status = 'resolved' WHERE id = ?", gone)
        counts["resolved"] = len(gone)
    counts["open"] = len(current)
    return counts


def _upsert_rows(db, table, rows: list[dict]) -> None:
    """Insert the rows, or update the columns they give where the id is stored (what
    ``table.upsert`` does, in one statement for all rows)."""
    if not rows:
        return
    cols = list(rows[0])
    missing = [c for c in cols if c not in table.columns_dict]
    if missing:  # an older database: let sqlite-utils add the columns
        table.upsert_all(rows, pk="id", alter=True)
        return
    names = ", ".join(f"[{c}]" for c in cols)
    sets = ", ".join(f"[{c}] = excluded.[{c}]" for c in cols if c != "id")
    db.conn.executemany(
        f"INSERT INTO flags ({names}) VALUES ({', '.join('?' * len(cols))}) ON CONFLICT(id) DO UPDATE SET {sets}",
        [tuple(r[c] for c in cols) for r in rows],
    )


def flags_json(result: CheckResult, db=None) -> dict:
    """The ``kehoach check --json`` document: ``{"flags": [...], "aggregates": [...], "links": [...]}``."""
    reviews: dict[str, dict] = {}
    if db is not None:
        for r in db.query("SELECT flag_id, decision, comment, who, at FROM reviews ORDER BY id"):
            reviews[r["flag_id"]] = {k: r[k] for k in ("decision", "comment", "who", "at")}
    order = {"error": 0, "warning": 1, "info": 2}
    flags = sorted(result.flags, key=lambda f: (f.child.doc.source, f.child.doc.part, order.get(f.severity, 3),
                                               f.rule, f.child.start or 0))
    out = []
    for f in flags:
        item = f.public()
        item["status"] = "open"
        if f.id in reviews:
            item["review"] = reviews[f.id]
        out.append(item)
    links = []
    for link in result.links.values():
        d = link.child
        links.append({
            "source": d.source, "part": d.part, "number": d.number, "document_id": d.id,
            "parent": ({"source": link.parent.source, "part": link.parent.part, "number": link.parent.number,
                        "document_id": link.parent.id} if link.parent else None),
            "by": link.by,
            "citation": (link.citation or {}).get("quote"),
        })
    return {"flags": out, "aggregates": result.aggregates, "links": links}
