"""The per-document rules of a check run, in this process or in forked workers.

Every rule but ``citation_conflict`` and ``parent_not_in_db`` looks at one document,
its parent, or one parent and its children.  The documents are cut into *families*
(a parent with everything linked below it), so a parent's figures are worked out in
the same process as its children's; families are dealt to ``workers`` forked
processes, which inherit the loaded documents and send back only the findings (each
passage as a document id) and the aggregate reports.  The findings come back in the
order one process gives them: per document in document order, then per parent in link
order.  Workers are used on Linux-like systems (``fork``) for large databases only
(``KEHOACH_CHECK_WORKERS``: number of processes, 1 = none; default: the CPUs, for
more than ``MIN_DOCS_PER_WORKER`` documents each).
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Any, Callable, Optional

from .data import Doc
from .flags import Flag, Passage
from .link import Link

MIN_DOCS_PER_WORKER = 300

Progress = Optional[Callable[[int], None]]


def doc_flags(d: Doc, link: Optional[Link]) -> list[Flag]:
    """The findings of one document: against its parent, then on its own."""
    from .rules_counts import count_mismatches
    from .rules_criteria import coverage, name_mismatches
    from .rules_funding import funding_mismatches
    from .rules_tables import table_mismatches
    from .rules_targets import compare_with_parent, deadline_conflicts, internal_conflicts, missing_targets

    flags: list[Flag] = []
    if link and link.parent is not None and link.by != "attachment":
        flags += compare_with_parent(d, link.parent)
        flags += missing_targets(d, link.parent)
        flags += deadline_conflicts(d, link.parent)
    flags += internal_conflicts(d)
    flags += funding_mismatches(d)
    flags += table_mismatches(d)
    flags += count_mismatches(d)
    flags += name_mismatches(d)
    flags += coverage(d)
    return flags


def workers_for(n_docs: int) -> int:
    env = os.environ.get("KEHOACH_CHECK_WORKERS", "").strip()
    if env:
        try:
            want = max(1, int(env))
        except ValueError:
            want = 1
    else:
        want = min(os.cpu_count() or 1, max(1, n_docs // MIN_DOCS_PER_WORKER))
    if want > 1 and "fork" not in multiprocessing.get_all_start_methods():
        return 1
    return want


# --------------------------------------------------------------------------- families


def families(docs: list[Doc], links: dict[int, Link]) -> list[list[int]]:
    """Indexes of ``docs`` grouped by family (connected by links), each in document order."""
    index = {d.id: i for i, d in enumerate(docs)}
    up = list(range(len(docs)))

    def root(i: int) -> int:
        while up[i] != i:
            up[i] = up[up[i]]
            i = up[i]
        return i

    for link in links.values():
        if link.parent is None or link.child.id not in index or link.parent.id not in index:
            continue
        a, b = root(index[link.child.id]), root(index[link.parent.id])
        if a != b:
            up[max(a, b)] = min(a, b)
    groups: dict[int, list[int]] = {}
    for i in range(len(docs)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def deal(groups: list[list[int]], n: int) -> list[list[int]]:
    """``groups`` dealt to ``n`` shares of about equal size (largest first)."""
    shares: list[list[int]] = [[] for _ in range(n)]
    for g in sorted(groups, key=len, reverse=True):
        min(shares, key=len).extend(g)
    return [sorted(s) for s in shares if s]


# --------------------------------------------------------------------------- one share

_STATE: dict = {}


def _dry(f: Flag) -> tuple:
    def p(x: Optional[Passage]):
        return None if x is None else (x.doc.id, x.quote, x.start, x.end)

    return (f.rule, p(f.child), p(f.parent), f.criterion, f.set, f.values, f.severity, f.distinct)


def _wet(t: tuple, by_id: dict[int, Doc]) -> Flag:
    rule, c, par, criterion, set_, values, sev, distinct = t

    def p(x):
        return None if x is None else Passage(by_id[x[0]], x[1], x[2], x[3])

    return Flag(rule, p(c), p(par), criterion=criterion, set=set_, values=values, severity=sev, distinct=distinct)


def _share(idx: list[int], progress: Progress = None) -> tuple[dict[int, list], dict[int, tuple]]:
    """Findings of the documents ``idx`` (by document id) and aggregates of the parents
    among them (by parent id)."""
    from .aggregate import aggregate_parent

    docs, links, kids_of, dry = _STATE["docs"], _STATE["links"], _STATE["kids_of"], _STATE["dry"]
    per_doc: dict[int, list] = {}
    per_parent: dict[int, tuple] = {}
    for n, i in enumerate(idx, 1):
        d = docs[i]
        fl = doc_flags(d, links.get(d.id))
        per_doc[d.id] = [_dry(f) for f in fl] if dry else fl
        if d.id in kids_of:
            reports, af = aggregate_parent(d, kids_of[d.id])
            per_parent[d.id] = (reports, [_dry(f) for f in af] if dry else af)
        if progress and n % 50 == 0:
            progress(50)
    if progress:
        progress(len(idx) % 50)
    return per_doc, per_parent


def _share_in_worker(idx: list[int]):
    from .config import pinned

    path = _STATE.get("db_path")
    if path:
        from .data import fill_records

        ro = _open_ro(path)
        try:
            fill_records(ro, [_STATE["docs"][i] for i in idx])
        finally:
            ro.conn.close()
    with pinned():
        return _share(idx)


def _open_ro(path: str):
    import sqlite3

    import sqlite_utils

    return sqlite_utils.Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True))


def db_path(db) -> Optional[str]:
    """The file of a database, for workers to read it themselves (None: in memory)."""
    try:
        row = db.execute("PRAGMA database_list").fetchone()
    except Exception:  # noqa: BLE001 - any failure: the records are read here
        return None
    path = row[2] if row else ""
    return path if path and os.path.isfile(path) else None


def per_document(docs: list[Doc], links: dict[int, Link], kids_of: dict[int, list[Doc]],
                 progress: Progress = None, workers: Optional[int] = None,
                 meanwhile: Optional[Callable[[], Any]] = None,
                 db_path: Optional[str] = None) -> tuple[dict[int, list], dict[int, tuple], Any]:
    """Findings per document id and (reports, findings) per parent id, in one process or
    ``workers`` forked ones; and what ``meanwhile()`` gives (run here while the workers work).
    With ``db_path`` each worker reads the records and sections of its documents from
    that file (they are not loaded here)."""
    n = workers if workers is not None else workers_for(len(docs))
    n = min(n, len(docs)) or 1
    _STATE.update(docs=docs, links=links, kids_of=kids_of, dry=n > 1, db_path=db_path if n > 1 else None)
    try:
        if n <= 1:
            per_doc, per_parent = _share(list(range(len(docs))), progress)
            return per_doc, per_parent, meanwhile() if meanwhile else None
        # warm the catalogue and the compiled patterns here once, for every worker to inherit
        warm = docs[0]
        if db_path:  # a throw-away copy with its records
            import copy

            from .data import fill_records

            warm = copy.copy(warm)
            ro = _open_ro(db_path)
            try:
                fill_records(ro, [warm])
            finally:
                ro.conn.close()
        doc_flags(warm, None)  # no parent: the parent's figures need its records
        shares = deal(families(docs, links), n * 16)  # small shares: no worker waits long at the end
        by_id = {d.id: d for d in docs}
        per_doc: dict[int, list] = {}
        per_parent: dict[int, tuple] = {}
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(n) as pool:
            results = pool.imap(_share_in_worker, shares)
            other = meanwhile() if meanwhile else None
            for (pd, pp), share in zip(results, shares):
                for k, v in pd.items():
                    per_doc[k] = [_wet(t, by_id) for t in v]
                for k, (reports, fl) in pp.items():
                    per_parent[k] = (reports, [_wet(t, by_id) for t in fl])
                if progress:
                    progress(len(share))
        return per_doc, per_parent, other
    finally:
        _STATE.clear()
