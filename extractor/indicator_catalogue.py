"""The indicator catalogue (``rules/indicators.yml``) as objects: indicators, their
aliases compiled to patterns on folded text, unit families, administrative units,
statuses and the criteria of the national sets.  ``extractor.indicators`` links
figures to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from . import rx as regex

from .fold import fold

_WORDS = regex.compile(r"[\w&/]+")


@dataclass
class Indicator:
    id: str
    name: str
    name_en: str = ""
    counts: str = ""
    families: tuple = ()
    polarity: str = "higher_better"
    of: Optional[str] = None
    status: Optional[str] = None
    criterion: Optional[dict] = None
    variant_of: Optional[str] = None
    aliases: tuple = ()  # folded
    qualifier: tuple = ()  # folded
    criterion_names: tuple = ()  # folded
    links: dict = field(default_factory=dict)


_SPACES = regex.compile(r"\s*")
_WORD_CHAR = regex.compile(r"\w")


def _first_word(phrase: str) -> str:
    words = _WORDS.findall(fold(phrase.split("…")[0])) or _WORDS.findall(fold(phrase))
    return words[0] if words else ""


def _all_words(phrase: str) -> frozenset:
    """The folded words of an alias (empty when one holds "/": those are not whole tokens)."""
    words = [w for part in phrase.split("…") for w in _WORDS.findall(fold(part))]
    return frozenset() if any("/" in w for w in words) else frozenset(words)


class _Lazy:
    """A pattern compiled on first use: most aliases never meet a window holding their
    first word, and compiling all ~800 at start-up cost ~0.1 s per process."""

    __slots__ = ("source", "_rx")

    def __init__(self, source: str):
        self.source, self._rx = source, None

    def _get(self):
        if self._rx is None:
            self._rx = regex.compile(self.source)
        return self._rx

    def finditer(self, *a, **k):
        return self._get().finditer(*a, **k)

    def search(self, *a, **k):
        return self._get().search(*a, **k)

    def match(self, *a, **k):
        return self._get().match(*a, **k)


def _phrase_rx(phrase: str, gap: int) -> Optional[_Lazy]:
    toks = []
    for part in phrase.split("…"):
        words = _WORDS.findall(fold(part))
        if words:
            toks.append(r"[\s,\-–.]{1,3}".join(regex.escape(w) for w in words))
    if not toks:
        return None
    body = (r"(?:[\s,\-–]+[\w&/]+){0,%d}[\s,\-–]+" % gap).join(toks)
    return _Lazy(r"(?<![\w&])" + body + r"(?![\w&])")


class Catalogue:
    def __init__(self, data: dict):
        self._leads = None
        s = data.get("settings") or {}
        self.settings = s
        self.gap = int(s.get("gap_words", 6))
        self.abbrev = {fold(k): fold(v) for k, v in (s.get("abbreviations") or {}).items()}
        self.families = data.get("unit_families") or {}
        self._unit_family = {}
        for fam, spec in self.families.items():
            for u in spec.get("units") or []:
                self._unit_family[_norm_unit(u)] = fam
        self.by_id: dict[str, Indicator] = {}
        data_defaults = {r.get("id"): r.get("default_for") for r in data.get("indicators") or [] if r.get("default_for")}
        for raw in list(data.get("indicators") or []) + list(data.get("criterion_indicators") or []):
            ind = self._indicator(raw)
            if ind.id in self.by_id:
                raise ValueError(f"rules/indicators.yml: indicator id {ind.id!r} twice")
            self.by_id[ind.id] = ind
        self.variants: dict[str, list[Indicator]] = {}
        for ind in self.by_id.values():
            if ind.variant_of:
                self.variants.setdefault(ind.variant_of, []).append(ind)
        # alias -> ids (catalogue order), one pattern per distinct alias
        by_alias: dict[str, list[str]] = {}
        for ind in self.by_id.values():
            if ind.status == "criterion":
                continue
            for a in ind.aliases:
                by_alias.setdefault(a, []).append(ind.id)
        ordered = [(a, ids, p) for a, ids in sorted(by_alias.items(), key=lambda kv: -len(kv[0]))
                   if (p := _phrase_rx(a, self.gap)) is not None]
        self.alias_rx = [(p, ids) for _a, ids, p in ordered]
        # an alias can only match where its first folded word occurs: a substring test skips the rest
        self.alias_first = [_first_word(a) for a, _ids, _p in ordered]
        # every word of an alias is a whole token of any window it matches in: all must be there
        self.alias_words = [_all_words(a) for a, _ids, _p in ordered]
        # patterns by their first word (a whole [\w&]+ token where the pattern can match);
        # first words holding "/" are few and keep the substring test
        self.alias_by_first: dict[str, list[int]] = {}
        self.alias_slashed: list[int] = []
        for i, w in enumerate(self.alias_first):
            if "/" in w or not w:
                self.alias_slashed.append(i)
            else:
                self.alias_by_first.setdefault(w, []).append(i)
        # the indicator a figure of a family takes when its clause names none ("19/19 tiêu chí")
        self.default_for = {f: i.id for i in self.by_id.values() for f in (data_defaults.get(i.id) or [])}
        self.by_status = {(i.of, i.status): i.id for i in self.by_id.values() if i.of and i.status not in (None, "criterion")}
        self.by_criterion = {(i.criterion["set"], str(i.criterion["number"])): i.id
                             for i in self.by_id.values() if i.criterion}
        # (pattern, number, its words: all are whole tokens where it matches; empty = always try)
        self.criterion_rx: dict[str, list[tuple]] = {}
        for i in self.by_id.values():
            if i.criterion:
                for nm in i.criterion_names:
                    p = _phrase_rx(nm, 0)
                    if p is not None:
                        self.criterion_rx.setdefault(i.criterion["set"], []).append(
                            (p, str(i.criterion["number"]), _all_words(nm)))
        # the words that open a list of criteria named ("tiêu chí giao thông, thủy lợi")
        self.criterion_leads = [regex.compile(r"(?<!\w)" + regex.escape(fold(lead)) + r"(?!\w)")
                                for lead in s.get("criterion_lead") or ["tieu chi"]]
        # words right after an alias that make it the coverage of another figure
        self.coverage_rx = [regex.compile(r"\s*" + regex.escape(fold(c)) + r"(?!\w)") for c in s.get("coverage_cue") or []]
        # words before a share that may name its units ("tỷ lệ số xã ...")
        self.share_before_rx = [regex.compile(r"(?<!\w)%s\s+(?:so\s+)?" % regex.escape(fold(lead)))
                                for lead in s.get("share_before") or []]
        units = s.get("admin_units") or {}
        self.admin = {k: v for k, v in units.items()}
        alts = []
        for key, spec in units.items():
            for w in spec.get("words") or []:
                alts.append((fold(w), key))
        alts.sort(key=lambda x: -len(x[0]))
        self.admin_words = alts
        self._admin_by_first: dict[str, list] = {}  # the words by their first letter, longest first
        for w, key in alts:
            self._admin_by_first.setdefault(w[:1], []).append((w, key))
        self.statuses = [(st["key"], [p for w in st.get("words") or [] if (p := _phrase_rx(w, 0))])
                         for st in s.get("statuses") or []]
        self.criterion_number = regex.compile(s.get("criterion_number") or r"(?!)")

    def _expand(self, alias: str) -> list[str]:
        """An alias and its abbreviated forms ("bao hiem y te" -> "bhyt")."""
        out = [alias]
        for abbr, full in self.abbrev.items():
            if abbr == full:
                continue
            rx = None
            for a in list(out):
                if full not in a:
                    continue  # the whole-word pattern cannot match: skip building it
                rx = rx or regex.compile(r"(?<!\w)" + regex.escape(full) + r"(?!\w)")
                if rx.search(a):
                    out.append(rx.sub(abbr, a))
        return out

    def _indicator(self, raw: dict) -> Indicator:
        if not raw.get("id") or not raw.get("name"):
            raise ValueError(f"rules/indicators.yml: an indicator needs id and name: {raw!r}")
        aliases: list[str] = []
        for a in raw.get("aliases") or []:
            for x in self._expand(fold(a)):
                if x not in aliases:
                    aliases.append(x)
        names: list[str] = []
        for a in raw.get("criterion_names") or []:
            for x in self._expand(fold(a)):
                if x not in names:
                    names.append(x)
        return Indicator(
            id=str(raw["id"]), name=raw["name"], name_en=raw.get("name_en") or "", counts=raw.get("counts") or "",
            families=tuple(raw.get("families") or ()), polarity=raw.get("polarity") or "neither",
            of=raw.get("of"), status=raw.get("status"), criterion=raw.get("criterion"),
            variant_of=raw.get("variant_of"), aliases=tuple(aliases),
            qualifier=tuple(fold(q) for q in raw.get("qualifier") or ()), criterion_names=tuple(names),
            links=dict(raw.get("links") or {}),
        )

    def family(self, unit: Optional[str]) -> Optional[str]:
        """The unit family of an extractor unit (``%`` -> percent, ``xã`` -> unit_count ...)."""
        if not unit:
            return None
        u = _norm_unit(unit)
        if u in self._unit_family:
            return self._unit_family[u]
        if u.startswith("%"):
            return "percent_per_year" if "/nam" in u else "percent"
        if "dong/nguoi" in u or "dong/ nguoi" in u:
            return "money_per_head"
        if "dong" in u:
            return "money"
        return "count"

    def admin_at(self, folded: str, lead: bool) -> Optional[tuple[str, int]]:
        """The administrative unit a window starts with ("số xã ..."): (key, end)."""
        t = folded
        pos = _SPACES.match(t).end()
        if lead:
            for rx in self._share_leads():
                m = rx.match(t, pos)
                if m:
                    pos = m.end()
                    break
        for w, key in self._admin_by_first.get(t[pos:pos + 1], ()):  # only words that start there
            end = pos + len(w)
            if t.startswith(w, pos) and not (end < len(t) and _WORD_CHAR.match(t, end)):
                return key, end
        return None

    def _share_leads(self) -> list:
        if self._leads is None:
            self._leads = [regex.compile(r"(?:%s)\s+" % regex.escape(fold(w)))
                           for w in sorted(self.settings.get("share_lead") or [], key=len, reverse=True)]
        return self._leads


def _norm_unit(u: str) -> str:
    return " ".join(fold(u).replace(" /", "/").replace("/ ", "/").split())
