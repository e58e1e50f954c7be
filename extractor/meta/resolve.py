"""Every field of one document's metadata, from the sources the other modules read,
strongest first (the order is told in the package docstring)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from ..citations import doc_type_of_code, extract_citations, issuer_code
from ..model import Citation, DocMeta
from ..normalise import canonical
from ..rules import gazetteer
from ..split import FrontMatter, front_matter, paragraphs, split_documents
from .closing import Closing, archive_org, parse_closing, recipients_level
from .dates import dateline, period_of
from .letterhead import displaced, number_code_only, parse_header
from .orgs import LEVEL_ORDER, Org, lookup_place, parse_org
from .places import Mention, bare_districts, opening_org, place_mentions, province_of, title_scope

_SLOTS = {"tinh": "province", "huyen": "district", "xa": "commune"}


@dataclass
class _Doc:
    """One document being read: its text and spans, and what is resolved so far."""

    text: str
    ctext: str  # canonical text, same offsets
    fm: FrontMatter
    paras: list[tuple[int, int, str]]
    meta: DocMeta
    cite_spans: list[tuple[int, int]]
    prov: dict[str, str] = field(default_factory=dict)
    body_start: int = 0
    org: Org | None = None
    org_src: str | None = None
    code_only: str | None = None  # the codes of a number left blank ("Số: /KH-UBND")
    date_place: str | None = None
    level: str | None = None

    def put(self, name: str, value, source: str) -> None:
        """Set the metadata field ``name`` and where it came from."""
        setattr(self.meta, name, value)
        self.prov[name] = source


@dataclass
class _Places:
    """Province, district and commune of a document, each with the source that named it first."""

    province: str | None = None
    district: str | None = None
    commune: str | None = None
    sources: dict[str, str] = field(default_factory=dict)

    def offer(self, level: str | None, name: str, source: str) -> None:
        """Take ``name`` as the place at ``level`` (tinh | huyen | xa) unless one is known."""
        slot = _SLOTS.get(level or "")
        if slot and getattr(self, slot) is None:
            setattr(self, slot, name)
            self.sources[slot] = source

    def keep_at(self, level: str | None) -> None:
        """Drop the fields below the document's level (a provincial plan has no district)."""
        if level == "tinh":
            self.district = self.commune = None
        elif level == "huyen":
            self.commune = None
        elif level == "trung_uong":
            self.province = self.district = self.commune = None


def _applies(place_level: str | None, doc_level: str | None) -> bool:
    """May a place at ``place_level`` named in the title or opening fill a field of a
    document at ``doc_level``?  A province always; a district or commune only at or above it."""
    if place_level == "huyen":
        return doc_level in ("huyen", "xa", "thon")
    if place_level == "xa":
        return doc_level in ("xa", "thon")
    return place_level == "tinh"


def _orgs_chain(org: Org | None):
    """The organisation and its parents, nearest first."""
    while org is not None:
        yield org
        org = org.parent


def _open(text: str, meta: DocMeta) -> _Doc:
    """The document's spans, paragraphs and citations."""
    ctext = canonical(text)
    if len(ctext) != len(text):
        ctext = text
    fm = front_matter(text)
    meta.cites = extract_citations(text, fm)
    cite_spans = [(c.start, c.end) for c in meta.cites]
    return _Doc(text, ctext, fm, paragraphs(text), meta, cite_spans, body_start=fm.heading[1] if fm.heading else 0)


def _letterhead(doc: _Doc) -> None:
    """Doc type, number, date and issuer from the letterhead, or from its lines displaced into the body."""
    fm, meta = doc.fm, doc.meta
    if fm.doc_type:
        doc.put("doc_type", fm.doc_type, "heading")
    head_lines = [p[2] for p in doc.paras if p[1] <= fm.letterhead[1]] if fm.heading else []
    header = parse_header(head_lines)
    if header.number:
        doc.put("number", header.number, "letterhead")
    if header.date:
        doc.put("date", header.date, "letterhead")
    if header.org and (header.org.place or header.org.kind in ("central", "other")):
        doc.org, doc.org_src = header.org, "letterhead"
    if meta.number is None:
        doc.code_only = next((number_code_only(canonical(ln)) for ln in head_lines if number_code_only(canonical(ln))), None)

    body_end = fm.closing[0] if fm.closing else len(doc.text)
    disp = displaced(doc.paras, doc.body_start, body_end)
    if doc.org is None and disp.org is not None and disp.org.place:
        doc.org, doc.org_src = disp.org, "letterhead_displaced"
    if meta.number is None and disp.number:
        doc.put("number", disp.number, "letterhead_displaced")
    if meta.date is None and disp.date:
        doc.put("date", disp.date, "letterhead_displaced")
    doc.date_place = header.date_place or disp.date_place


def _attachment_note(cover: DocMeta | None, doc_type: str | None) -> Citation | None:
    """The cover's "Gửi kèm ..." citation of a document of this type, if any."""
    if cover is None:
        return None
    notes = [c for c in cover.cites if c.relation == "attached"]
    if not notes:
        return None
    same = [c for c in notes if doc_type is None or c.doc_type in (None, doc_type)]
    return (same or [None])[0]


def _attachment(doc: _Doc, cover: DocMeta | None) -> None:
    """Number, date, type and issuer from the cover's "Gửi kèm ..." note, when missing."""
    meta = doc.meta
    note = _attachment_note(cover, meta.doc_type)
    if note is None:
        return
    if meta.number is None and note.number:
        doc.put("number", note.number, "attachment_note")
    if meta.date is None and note.date:
        doc.put("date", note.date, "attachment_note")
    if meta.doc_type is None and note.doc_type:
        doc.put("doc_type", note.doc_type, "attachment_note")
    if doc.org is None and note.issuer:
        got = parse_org(canonical(note.issuer))
        if got:
            doc.org, doc.org_src = got[0], "attachment_note"
    if cover is not None and cover.number:
        meta.attached_to = cover.number


def _closing(doc: _Doc) -> Closing:
    """Signer and date from the closing block; a web page's dateline when no date was found."""
    closing = parse_closing(doc.text, doc.fm)
    if closing.signer:
        doc.put("signer", closing.signer, "signature")
    if doc.meta.date is None and closing.date:
        doc.put("date", closing.date, "signature")
    if doc.meta.date is None:  # a portal or newspaper page: the dateline under its headline
        dl = dateline(doc.text)
        if dl:
            doc.put("date", dl, "dateline")
    return closing


def _opening(doc: _Doc) -> tuple[Org | None, int | None]:
    """The issuer the opening sentence states, and where; it is the issuer when nothing stronger named one."""
    fm = doc.fm
    pre_end = fm.preamble[1] if fm.preamble[1] > fm.preamble[0] else min(len(doc.text), doc.body_start + 1500)
    got = opening_org(doc.ctext, doc.body_start, pre_end, doc.cite_spans)
    opening, opening_at = got if got else (None, None)
    if doc.org is None and opening is not None:
        doc.org, doc.org_src = opening, "body"
    return opening, opening_at


def _issuer_kind(doc: _Doc, closing: Closing) -> None:
    """The kind of issuer from the signature and the archive line, when nothing named the issuer."""
    if doc.org is not None:
        return
    sig_org = closing.org
    arch = archive_org(closing.archive)
    if sig_org is not None and sig_org.kind == "ban" and arch is not None and arch.kind == "ban":
        doc.org, doc.org_src = arch, "signature+recipients"
    elif sig_org is not None and sig_org.kind == "party" and arch is not None and arch.kind == "party" and sig_org.unit is None:
        doc.org, doc.org_src = replace(sig_org, unit=arch.unit), "signature+recipients"
    elif sig_org is not None:
        doc.org, doc.org_src = sig_org, "signature"
    elif arch is not None:
        doc.org, doc.org_src = arch, "recipients"


def _level(doc: _Doc, closing: Closing) -> Mention | None:
    """The document's level (issuer, number code, title, recipients); returns the lowest
    place the title names, which the places step reads too."""
    meta, prov = doc.meta, doc.prov
    level = doc.org.level() if doc.org else None
    if level:
        prov["level"] = doc.org_src
    num_issuer = issuer_code(meta.number or doc.code_only)
    if level is None and num_issuer and num_issuer.get("level"):
        level, prov["level"] = num_issuer["level"], prov.get("number", "letterhead")
    t_named, t_unnamed = title_scope(doc.ctext, doc.fm.title, doc.cite_spans)
    if level is None:
        cands = [x for x in (t_named.level if t_named else None, t_unnamed) if x]
        if cands:
            level, prov["level"] = max(cands, key=lambda x: LEVEL_ORDER[x]), "title"
    if level is None:
        lv = recipients_level(closing.recipients)
        if lv:
            level, prov["level"] = lv, "recipients"
    meta.level = doc.level = level
    return t_named


def _named_places(doc: _Doc, opening: Org | None, t_named: Mention | None) -> _Places:
    """Places named by the issuer chain, the title, the opening sentence and the date line."""
    level, fm = doc.level, doc.fm
    pl = _Places()
    for o in _orgs_chain(doc.org):
        if o.place:
            name, found_level = lookup_place(o.unit, o.place)
            pl.offer(found_level or o.level(), name or o.place, doc.org_src)
    if t_named is not None and _applies(t_named.level, level):
        pl.offer(t_named.level, t_named.name, "title")
    if t_named is not None or fm.title:
        for m in place_mentions(doc.ctext, *(fm.title or (0, 0))):
            if m.known and m.level == "tinh":
                pl.offer("tinh", m.name, "title")
    for o in _orgs_chain(opening):  # when the issuer came from elsewhere
        if o.place:
            name, lv = lookup_place(o.unit, o.place)
            name, lv = (name or o.place), (lv or o.level())
            if _applies(lv, level):
                pl.offer(lv, name, "body")
    if doc.date_place and level in ("huyen", "xa"):  # "Lạc Dương, ngày ..."
        name, lv = lookup_place(None, canonical(doc.date_place), pl.province)
        if lv == level:
            pl.offer(lv, name, "letterhead")
    return pl


def _province_fallback(pl: _Places, body_provinces: Counter) -> None:
    """The province of a named district or commune, else the province the text names most."""
    if pl.province is None:
        hint = set(body_provinces)
        for lv, name in (("xa", pl.commune), ("huyen", pl.district)):
            if name:
                p = province_of(lv, name, hint)
                if p:
                    pl.offer("tinh", p, "gazetteer")
                    break
    if pl.province is None and body_provinces:
        top = body_provinces.most_common()
        if len(top) == 1 or top[0][1] > top[1][1]:
            pl.offer("tinh", top[0][0], "body")


def _district_fallback(doc: _Doc, pl: _Places, body_mentions: list[Mention], body_provinces: Counter) -> None:
    """The district of a district or commune document: the commune's, else the one district the text names."""
    level = doc.level
    if pl.district is not None or level not in ("huyen", "xa", "thon"):
        return
    g = gazetteer()
    province = pl.province
    if pl.commune and province:
        rows = g.find_communes(pl.commune, province)
        if len({r[1] for r in rows}) == 1:
            pl.offer("huyen", rows[0][1], "gazetteer")
    if pl.district is None and level == "huyen":
        named = {m.name for m in body_mentions if m.level == "huyen" and (province is None or g.find_districts(m.name, province))}
        if len(named) == 1:
            pl.offer("huyen", named.pop(), "body")
        elif not named and province:
            district_names = bare_districts(doc.ctext, doc.body_start, province)
            if len(district_names) == 1:
                pl.offer("huyen", district_names.pop(), "body")
    if pl.district is not None and pl.province is None:
        p = province_of("huyen", pl.district, set(body_provinces))
        if p:
            pl.offer("tinh", p, "gazetteer")


def _places(doc: _Doc, opening: Org | None, t_named: Mention | None) -> _Places:
    """Province, district and commune of the document, stored in its metadata."""
    pl = _named_places(doc, opening, t_named)
    body_mentions = [m for m in place_mentions(doc.ctext, doc.body_start) if m.known]
    body_provinces = Counter(m.name for m in body_mentions if m.level == "tinh")
    _province_fallback(pl, body_provinces)
    _district_fallback(doc, pl, body_mentions, body_provinces)
    pl.keep_at(doc.level)
    for f in ("province", "district", "commune"):
        setattr(doc.meta, f, getattr(pl, f))
        if getattr(pl, f) is not None:
            doc.prov[f] = pl.sources[f]
    return pl


def _issuer_text(doc: _Doc, pl: _Places) -> None:
    """The issuer as written (``UBND huyện Lạc Dương``), its place filled from the places step."""
    if doc.org is None:
        return
    g = gazetteer()
    level = doc.level
    issuer_org = replace(doc.org)
    src = doc.org_src
    if issuer_org.kind not in ("central", "other") and not issuer_org.place:
        fill = {"tinh": ("tỉnh", pl.province, "province"), "huyen": ("huyện", pl.district, "district"), "xa": ("xã", pl.commune, "commune")}.get(level or "")
        if fill and fill[1]:
            unit = issuer_org.unit or fill[0]
            if level == "huyen":
                rows = g.find_districts(fill[1], pl.province)
                if rows and issuer_org.unit is None:
                    unit = rows[0][2]
            if level == "xa":
                rows = g.find_communes(fill[1], pl.province, pl.district)
                if rows and issuer_org.unit is None:
                    unit = rows[0][3]
            issuer_org.unit, issuer_org.place = unit, fill[1]
            if pl.sources.get(fill[2]) and pl.sources[fill[2]] not in src.split("+"):
                src = f"{src}+{pl.sources[fill[2]]}"
        elif issuer_org.unit is None and level:
            issuer_org.unit = {"tinh": "tỉnh", "huyen": "huyện", "xa": "xã"}.get(level)
    rendered = issuer_org.render()
    if rendered:
        doc.put("issuer", rendered, src)


def _title(doc: _Doc, opening_at: int | None) -> None:
    """Title (without an opening sentence glued to it) and the period it names."""
    fm = doc.fm
    if not fm.title:
        return
    t_end = fm.title[1]
    if opening_at is not None and fm.title[0] < opening_at < t_end:
        t_end = opening_at  # the opening sentence glued to the title
    title = " ".join(doc.text[fm.title[0] : t_end].replace("*", " ").split())
    doc.put("title", title or None, "title")
    per = period_of(canonical(title))
    if per:
        doc.put("period", per, "title")


def extract_meta(text: str, *, attachment_of: DocMeta | None = None) -> DocMeta:
    """Metadata of one document (see the package docstring for the sources, in order)."""
    meta = DocMeta()
    if not text.strip():
        return meta
    doc = _open(text, meta)
    _letterhead(doc)
    _attachment(doc, attachment_of)
    if meta.doc_type is None:
        t = doc_type_of_code(meta.number or doc.code_only)
        if t:
            doc.put("doc_type", t, doc.prov.get("number", "letterhead"))
    closing = _closing(doc)
    opening, opening_at = _opening(doc)
    _issuer_kind(doc, closing)
    t_named = _level(doc, closing)
    places = _places(doc, opening, t_named)
    _issuer_text(doc, places)
    _title(doc, opening_at)
    meta.provenance = {k: v for k, v in doc.prov.items() if getattr(meta, k, None) is not None}
    return meta


def extract_metas(full_text: str, parts: list[tuple[int, int]] | None = None) -> list[DocMeta]:
    """Metadata of every document of a file, linking attachments to their cover."""
    parts = parts if parts is not None else split_documents(full_text)
    out: list[DocMeta] = []
    for i, (a, b) in enumerate(parts):
        text = full_text[a:b]
        cover = None
        if i > 0:
            prev = out[-1]
            if any(c.relation == "attached" for c in prev.cites):
                cover = prev
        out.append(extract_meta(text, attachment_of=cover))
    return out
