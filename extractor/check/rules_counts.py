"""``count_mismatch``: figures of one sentence that contradict each other.

* a stated count against the names listed after it (``03 xã: A, B``) or against
  the sum of a breakdown (``20 xóm (xã A: 05 xóm; xã B: 09 xóm; ...)``);
* a fraction against the percentage beside it (``40% ... (5/12 xã)``);
* a count against a share of a known total (``40% số xã (khoảng 47 xã)`` when the
  document counts 111 communes), allowing for the comparator and rounding.
"""

from __future__ import annotations

import regex

from .align import Ind, analyse
from .config import rx, section
from .data import Doc
from .flags import Flag, Passage, fmt_value


def _list_after(doc: Doc, end: int) -> str | None:
    """The list that follows a count: ``(...)`` or ``: ...`` in the same clause."""
    t = doc.text
    i = end
    limit = min(len(t), end + 120)
    while i < limit:
        c = t[i]
        if c in ";.\n" or c.isdigit():
            return None
        if c == "(":
            j = t.find(")", i + 1, i + 600)
            return t[i + 1 : j] if j > 0 else None
        if c == ":":
            stop = len(t)
            for ch in ".\n)":
                k = t.find(ch, i + 1)
                if k >= 0:
                    stop = min(stop, k)
            # a ":" list may wrap onto the next line only inside parentheses
            return t[i + 1 : stop]
        if c == ")":
            return None
        i += 1
    return None


def _count_items(text: str) -> tuple[str, int] | None:
    """("names", n) or ("sum", total) for a list, None when it is not a clean list."""
    c = section("counts")
    body = " ".join(text.split())
    lead = rx(c.get("list_lead") or r"^")
    m = lead.match(body)
    if m:
        body = body[m.end():]
    items = [x.strip(" -–") for x in regex.split(r"\s*[,;]\s*|\s+và\s+", body) if x.strip(" -–")]
    if not items:
        return None
    name_re = regex.compile(c.get("name_item"), regex.V1)  # case matters: names are capitalised
    brk_re = rx(c.get("breakdown_item"))
    names = total = 0
    for it in items:
        b = brk_re.match(it)
        if b:
            total += int(b.group("n"))
            continue
        if regex.search(r"\d", it):
            return None
        if not name_re.match(it):
            return None
        names += 1
    if names and total:
        return None
    return ("sum", total) if total else ("names", names)


def _count_ok(n: float, n_max: float | None, comp: str | None, found: int) -> bool:
    if comp == ">=":
        return found >= n
    if comp == "<=":
        return found <= (n_max if n_max is not None else n)
    if n_max is not None:
        return n <= found <= n_max
    return found == n


def _percent_ok(p: Ind, pct: float, tol: float) -> bool:
    v = p.value
    vmax = p.value_max if p.value_max is not None else v
    if p.comparator == ">=":
        return pct >= v - tol
    if p.comparator == "<=":
        return pct <= vmax + tol
    return v - tol <= pct <= vmax + tol


def _bases(doc: Doc, unit_key: str) -> set[int]:
    """Totals of a unit the document states: the numbers of its fractions."""
    out: set[int] = set()
    for i in analyse(doc):
        fr = i.rec.get("fraction")
        if i.kind == "count" and i.unit_key == unit_key and isinstance(fr, list) and len(fr) == 2:
            out.update(int(x) for x in fr if x)
    return out


def count_mismatches(doc: Doc) -> list[Flag]:
    cfg = section("counts")
    tol_pp = float(cfg.get("share_points", 1.0))
    tol_n = float(cfg.get("count_units", 1))
    inds = analyse(doc)
    out: list[Flag] = []
    # ---- counts against the names listed after them
    for i in inds:
        if i.kind != "count" or not i.unit_key:
            continue
        r = i.rec
        if isinstance(r.get("fraction"), list):
            continue
        lst = _list_after(doc, r["value_end"])
        if lst is None:
            continue
        got = _count_items(lst)
        if got is None:
            continue
        kind, found = got
        if found == 0 or _count_ok(i.value, i.value_max, i.comparator, found):
            continue
        what = (f"Số lượng {fmt_value(r)} nhưng danh sách kèm theo có {found} "
                + ("tên." if kind == "names" else f"(tổng các phần là {found})."))
        what_en = (f"The count {fmt_value(r)} is followed by {found} "
                   + ("names." if kind == "names" else "units in its breakdown."))
        out.append(Flag("count_mismatch", Passage.of_record(doc, r), None,
                        values={"what": what, "what_en": what_en}))
    # ---- a percentage and the fraction or count restating it
    for p in inds:
        if p.kind != "%" or p.helper or not p.unit_key:
            continue
        pr = p.rec
        after = [h for h in inds if h.helper and h.kind == "count" and h.rec.get("start") == pr.get("start")
                 and h.rec["value_start"] > pr["value_end"] and h.unit_key == p.unit_key]
        exact = [h for h in after if h.status is not None and h.status == p.status and h.criterion == p.criterion]
        if exact:
            h = min(exact, key=lambda h: h.rec["value_start"])
        else:
            near = [h for h in after if h.status in (None, p.status) and not any(
                o.kind == "%" and pr["value_end"] <= o.rec["value_start"] < h.rec["value_start"] for o in inds)]
            if not near:
                continue
            h = min(near, key=lambda h: h.rec["value_start"])
        if h.rec["value_start"] - pr["value_end"] > 160:
            continue
        fr = h.rec.get("fraction")
        if isinstance(fr, list) and len(fr) == 2 and fr[1]:
            pct = 100.0 * fr[0] / fr[1]
            if not _percent_ok(p, pct, tol_pp):
                what = f"Tỷ lệ {fmt_value(pr)} không khớp với {fr[0]}/{fr[1]} (= {pct:.1f}%).".replace(".", ",", 1)
                what_en = f"The share {fmt_value(pr)} does not match {fr[0]}/{fr[1]} (= {pct:.1f}%)."
                out.append(Flag("count_mismatch", Passage.of_record(doc, pr), None,
                                values={"what": what, "what_en": what_en}))
            continue
        bases = _bases(doc, p.unit_key)
        if not bases:
            continue
        n = h.value
        ok = False
        for b in bases:
            lo = b * p.value / 100.0
            hi = b * (p.value_max if p.value_max is not None else p.value) / 100.0
            if p.comparator == ">=":
                ok = n >= lo - tol_n
            elif p.comparator == "<=":
                ok = n <= hi + tol_n
            else:
                ok = lo - tol_n <= n <= hi + tol_n
            if ok:
                break
        if not ok:
            bl = ", ".join(str(b) for b in sorted(bases))
            what = f"{fmt_value(h.rec)} không khớp với {fmt_value(pr)} của tổng số ({bl})."
            what_en = f"{fmt_value(h.rec)} does not match {fmt_value(pr)} of the stated total ({bl})."
            out.append(Flag("count_mismatch", Passage.of_record(doc, pr), None,
                            values={"what": what, "what_en": what_en}))
    return out
