"""Parent resolution: which plan in the database each document implements.

Order of evidence, per document:

1. a manual link (``kehoach link CHILD PARENT``: ``documents.parent_by = 'manual'``),
   kept across re-checks and carried over to a newer version of the same document;
2. its citations, ``implements`` first (``Thực hiện / Căn cứ Kế hoạch số ...``) then
   the others, resolved against the documents' numbers (accents, case and spaces
   ignored); several documents with that number are told apart by date, then by
   level (the parent is above the child) and geography (same province / district);
3. a cited plan whose number no stored document carries, matched to a stored
   document without a number of the same type, level and place as the citation's
   issuer (``Kế hoạch số 150/KH-UBND ... của UBND huyện Gio Linh``);
4. an attachment (``Gửi kèm``) is linked to its cover when nothing else is found.

A document whose cited parent is not in the database gets one ``parent_not_in_db``
finding (info) with the citation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..citations import issuer_code
from ..errors import KehoachError
from ..fold import fold
from ..store import write_transaction
from .config import fold_word, level_rank, rx, section
from .data import Doc, number_key
from .flags import Flag, Passage


@dataclass
class Link:
    child: Doc
    parent: Optional[Doc] = None
    by: Optional[str] = None  # manual | citation | place | attachment
    citation: Optional[dict] = None
    unresolved: Optional[dict] = None  # the cited parent not in the database


def citation_level(c: dict) -> Optional[str]:
    """The level of a cited document, from its number's issuer code or its issuer's words."""
    code = issuer_code(c.get("number"))
    if code and code.get("level"):
        return code["level"]
    issuer = c.get("issuer") or ""
    for item in section("linking").get("issuer_levels") or []:
        if rx(item["pattern"]).search(issuer):
            return item["level"]
    return None


def _place_ok(cand: Doc, issuer: str) -> bool:
    """Does a citation's issuer fit the candidate's place?  True when it names the
    candidate's commune, district or province, or names no province at all."""
    f = fold_word(issuer)
    for place in (cand.commune, cand.district, cand.province):
        if place and fold_word(place) in f:
            return True
    return not any(p in f for p in _province_names())


def _province_names() -> list[str]:
    cached = getattr(_province_names, "_cache", None)
    if cached is None:
        from ..rules import gazetteer

        cached = [fold(p) for p in gazetteer().province_type]
        _province_names._cache = cached  # type: ignore[attr-defined]
    return cached


def _geo_ok(child: Doc, cand: Doc, c: dict) -> bool:
    """A parent lies in the child's province (national documents excepted), and the
    citation's issuer does not name another place."""
    if cand.level == "trung_uong":
        return True
    if child.province and cand.province and child.province != cand.province:
        return False
    issuer = c.get("issuer") or ""
    return not issuer or _place_ok(cand, issuer)


def _rank_candidates(child: Doc, c: dict, cands: list[Doc]) -> list[Doc]:
    if len(cands) <= 1:
        return cands
    date = c.get("date")
    if date:
        same = [d for d in cands if d.date == date]
        if same:
            cands = same
    lc = level_rank(child.level)
    if lc is not None:
        above = [d for d in cands if level_rank(d.level) is not None and level_rank(d.level) <= lc]
        if above:
            cands = above
    if child.province:
        same = [d for d in cands if d.province == child.province]
        if same:
            cands = same
    issuer = c.get("issuer") or ""
    if issuer:
        named = [d for d in cands if _place_ok(d, issuer)]
        if named:
            cands = named
    return cands


def _level_ok(child: Doc, parent: Doc, relation: str) -> bool:
    lc, lp = level_rank(child.level), level_rank(parent.level)
    if lc is None or lp is None:
        return True
    if relation == "implements":
        return lp <= lc
    return lp < lc


def resolve(docs: list[Doc], db=None) -> dict[int, Link]:
    """The parent of every document (see module doc); nothing is written."""
    cfg = section("linking")
    parent_types = set(cfg.get("parent_types") or [])
    relations = cfg.get("relations") or ["implements", "mentions"]
    by_id = {d.id: d for d in docs}
    by_number: dict[str, list[Doc]] = {}
    for d in docs:
        if d.number:
            by_number.setdefault(number_key(d.number), []).append(d)
    _attachment_numbers(docs, by_number)
    manual = _manual_links(db, docs) if db is not None else {}
    numbered = _NumberIndex(by_number)
    places = _place_index(docs)
    links: dict[int, Link] = {}
    for d in docs:
        link = Link(child=d)
        links[d.id] = link
        if d.id in manual and manual[d.id] in by_id:
            link.parent, link.by = by_id[manual[d.id]], "manual"
            continue
        own = number_key(d.number) if d.number else None
        cits = [c for c in d.citations if c.get("number") and c.get("relation") != "attached"
                and number_key(c["number"]) != own]
        ordered = []
        for rel in relations:
            ordered += [c for c in cits if (c.get("relation") or "mentions") == rel]
        ordered += [c for c in cits if c not in ordered]
        found: list[tuple[Doc, str, dict]] = []
        for c in ordered:
            rel = c.get("relation") or "mentions"
            if found and rel != "implements":
                break  # a plan the document implements outranks one it mentions
            if c.get("doc_type") and c["doc_type"] not in parent_types:
                continue
            cands = [x for x in numbered.candidates(number_key(c["number"]), d.province) if x.id != d.id]
            cands = [x for x in cands if _level_ok(d, x, rel) and _geo_ok(d, x, c)]
            cands = _rank_candidates(d, c, cands)
            if cands:
                found.append((cands[0], "citation", c))
                if rel != "implements":
                    break
                continue
            if rel != "implements":
                continue
            p = _by_place(d, c, places)
            if p is not None:
                found.append((p, "place", c))
        if found:
            # the nearest level above the child is its parent (a commune plan citing the
            # province's and the district's plans implements the district's); a number
            # match outranks a place match, then text order
            lc = level_rank(d.level)

            def closeness(item):
                lp = level_rank(item[0].level)
                gap = (lc - lp) if (lc is not None and lp is not None) else 99
                return (gap, 0 if item[1] == "citation" else 1)

            found.sort(key=closeness)
            link.parent, link.by, link.citation = found[0]
        if link.parent is None and d.attached_to:
            covers = [x for x in by_number.get(number_key(d.attached_to), []) if x.id != d.id]
            if covers:
                link.parent, link.by = covers[0], "attachment"
        if link.parent is None:
            report = set(cfg.get("report_missing_types") or [])
            for c in ordered:
                if (c.get("relation") == "implements" and (c.get("doc_type") in report)
                        and citation_level(c) != "trung_uong"):
                    link.unresolved = c
                    break
    # no cycles: an attachment linked to a cover that implements it loses that link
    for d in docs:
        link = links[d.id]
        if link.parent is not None and link.by == "attachment":
            back = links.get(link.parent.id)
            if back and back.parent is not None and back.parent.id == d.id:
                link.parent, link.by = None, None
    return links


class _NumberIndex:
    """The documents carrying each number, split by province: a citation's candidates
    are the documents of the child's province, those without a province and national
    ones (``_geo_ok`` drops the others), in the order of ``by_number``."""

    def __init__(self, by_number: dict[str, list[Doc]]):
        self.by_number = by_number
        self.split: dict[str, tuple[dict[str, list[tuple[int, Doc]]], list[tuple[int, Doc]]]] = {}

    def _split(self, key: str):
        got = self.split.get(key)
        if got is None:
            per: dict[str, list[tuple[int, Doc]]] = {}
            anywhere: list[tuple[int, Doc]] = []
            for i, x in enumerate(self.by_number.get(key, [])):
                if x.level == "trung_uong" or not x.province:
                    anywhere.append((i, x))
                else:
                    per.setdefault(x.province, []).append((i, x))
            got = self.split[key] = (per, anywhere)
        return got

    def candidates(self, key: str, province: Optional[str]) -> list[Doc]:
        docs = self.by_number.get(key, [])
        if not province or len(docs) <= 1:
            return docs
        per, anywhere = self._split(key)
        return [x for _, x in sorted(per.get(province, []) + anywhere, key=lambda ix: ix[0])]


_LEVEL_PLACE = {"tinh": "province", "huyen": "district", "xa": "commune"}


def _place_index(docs: list[Doc]) -> dict[str, dict[str, list[Doc]]]:
    """Documents without a number, by level and folded place name of that level."""
    out: dict[str, dict[str, list[Doc]]] = {}
    for x in docs:
        if x.number or x.level not in _LEVEL_PLACE:
            continue
        place = getattr(x, _LEVEL_PLACE[x.level])
        if place:
            out.setdefault(x.level, {}).setdefault(fold_word(place), []).append(x)
    return out


def _attachment_numbers(docs: list[Doc], by_number: dict[str, list[Doc]]) -> None:
    """An attachment without a number takes the number its cover sends it with."""
    by_part = {(x.source_id, x.part): x for x in docs}
    for d in docs:
        if d.number:
            continue
        cover = by_part.get((d.source_id, d.part - 1))
        if cover:
            att = [c for c in cover.citations if c.get("relation") == "attached" and c.get("number")]
            if att:
                d.number = att[0]["number"]
                d.date = d.date or att[0].get("date")
                by_number.setdefault(number_key(d.number), []).append(d)


def _by_place(child: Doc, c: dict, places: dict[str, dict[str, list[Doc]]]) -> Optional[Doc]:
    """A stored document without a number that fits a citation's type, level and place
    (the only one: none when two fit)."""
    level = citation_level(c)
    issuer = c.get("issuer") or ""
    if not level or not issuer:
        return None
    f_issuer = fold_word(issuer)
    found = []
    for place, xs in places.get(level, {}).items():
        if place not in f_issuer:
            continue
        for x in xs:
            if x.id == child.id:
                continue
            if c.get("doc_type") and x.doc_type and x.doc_type != c["doc_type"]:
                continue
            if c.get("date") and x.date and x.date != c["date"]:
                continue
            if not _level_ok(child, x, "implements"):
                continue
            found.append(x)
            if len(found) > 1:
                return None
    return found[0] if len(found) == 1 else None


# --------------------------------------------------------------------------- storage


def _identity_of_row(row: dict, source_name: str) -> str:
    if row.get("number"):
        return "no:" + number_key(row["number"])
    return f"src:{source_name}#{row.get('part') or 1}"


def _manual_links(db, docs: list[Doc]) -> dict[int, int]:
    """Manual links of current documents, and of older versions of the same documents
    (carried over by identity)."""
    by_identity = {d.identity: d.id for d in docs}
    current = {d.id for d in docs}
    out: dict[int, int] = {}
    rows = list(db.query(
        "SELECT d.id, d.number, d.part, d.parent_id, s.name AS source_name FROM documents d "
        "JOIN sources s ON s.id = d.source_id WHERE d.parent_by = 'manual' AND d.parent_id IS NOT NULL "
        "ORDER BY d.id"
    ))
    for row in rows:
        parent_row = db.execute(
            "SELECT d.id, d.number, d.part, s.name FROM documents d JOIN sources s ON s.id = d.source_id "
            "WHERE d.id = ?", [row["parent_id"]]
        ).fetchone()
        if parent_row is None:
            continue
        pid = parent_row[0]
        if pid not in current:
            pid = by_identity.get(_identity_of_row({"number": parent_row[1], "part": parent_row[2]}, parent_row[3]))
        cid = row["id"]
        if cid not in current:
            cid = by_identity.get(_identity_of_row(row, row["source_name"]))
        if cid is not None and pid is not None and cid != pid:
            out[cid] = pid
    return out


def store_links(db, links: dict[int, Link]) -> None:
    """Write ``documents.parent_id``/``parent_by`` (manual links are left as they are)."""
    with write_transaction(db):  # BEGIN IMMEDIATE: waits for other writers
        stored = {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, parent_id, parent_by FROM documents")}
        changes = []
        for cid, link in links.items():
            row = stored.get(cid)
            if row is None:
                continue
            if row[1] == "manual":
                continue
            if link.by == "manual":
                changes.append((link.parent.id, "manual", cid))
                continue
            new = (link.parent.id if link.parent else None, link.by)
            if (row[0], row[1]) != new:
                changes.append((new[0], new[1], cid))
        db.conn.executemany("UPDATE documents SET parent_id = ?, parent_by = ? WHERE id = ?", changes)


def set_manual_link(db, child_key: str, parent_key: Optional[str]) -> tuple[dict, Optional[dict]]:
    """``kehoach link CHILD PARENT``: record a manual parent (by id or number); with
    ``parent_key`` None the manual link is removed (automatic resolution again)."""
    from ..store import find_document

    child = find_document(db, child_key)
    if parent_key is None:
        with write_transaction(db):  # BEGIN IMMEDIATE: waits for other writers
            db["documents"].update(child["id"], {"parent_id": None, "parent_by": None})
        return child, None
    parent = find_document(db, parent_key)
    if parent["id"] == child["id"]:
        raise KehoachError("a document cannot be its own parent")
    # refuse a cycle through manual or automatic links already stored
    seen = {child["id"]}
    cur = parent
    while cur and cur.get("parent_id"):
        if cur["parent_id"] in seen:
            raise KehoachError(f"linking would make a cycle ({child_key} -> {parent_key} -> ... -> {child_key})")
        seen.add(cur["id"])
        nxt = db.execute("SELECT id, parent_id FROM documents WHERE id = ?", [cur["parent_id"]]).fetchone()
        cur = {"id": nxt[0], "parent_id": nxt[1]} if nxt else None
    with write_transaction(db):  # BEGIN IMMEDIATE: waits for other writers
        db["documents"].update(child["id"], {"parent_id": parent["id"], "parent_by": "manual"})
    return child, parent


def unresolved_flags(links: dict[int, Link]) -> list[Flag]:
    out = []
    for link in links.values():
        c = link.unresolved
        if not c:
            continue
        d = link.child
        out.append(Flag(
            rule="parent_not_in_db",
            child=Passage(d, c.get("quote"), c.get("start"), c.get("end")),
            values={"number": c.get("number")},
        ))
    return out
