"""The numbering of the indicator catalogue (rules/indicators.yml) against the national criteria sets
(rules/criteria.yml): links, criterion entries and the numbered indicators of the commune set agree."""

from __future__ import annotations

import re

import pytest
import yaml

from extractor.assemble.criteria import criteria_sets
from extractor.rules import load_rules, rules_dir

# which criteria set of rules/criteria.yml a decision key of `links` numbers
DECISION_SET = {"qd318_xa": "xa_ntm", "qd318_nc": "xa_ntm_nang_cao", "qd319": "xa_ntm_kieu_mau", "qd320": "huyen_ntm"}
NUMBER = re.compile(r"(\d{1,2})(?:\.(\d{1,2}))?")
# Quyết định 318/QĐ-TTg, Phụ lục I: the commune set has 57 numbered indicators
COMMUNE_SET_INDICATORS = 57


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice in one mapping (plain YAML keeps the last)."""

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(k, deep=deep) for k, _v in node.value]
        twice = {k for k in keys if keys.count(k) > 1}
        if twice:
            raise yaml.constructor.ConstructorError(None, None, f"keys given twice: {sorted(twice)}", node.start_mark)
        return super().construct_mapping(node, deep=deep)


def _entries() -> list[dict]:
    data = load_rules("indicators")
    return list(data.get("indicators") or []) + list(data.get("criterion_indicators") or [])


def _numbers(value: str) -> list[tuple[str, str | None]]:
    """The (criterion, indicator) pairs of a link value such as ``'17.5'`` or ``'18.2, 18.3'``."""
    out = []
    for part in str(value).split(","):
        m = NUMBER.fullmatch(part.strip())
        assert m, f"not an indicator number: {value!r}"
        out.append((m.group(1), m.group(2)))
    return out


def test_no_key_given_twice():
    with open(rules_dir() / "indicators.yml", encoding="utf-8") as f:
        yaml.load(f, Loader=_UniqueKeyLoader)


def test_links_name_criteria_of_their_set():
    sets = criteria_sets()
    for e in _entries():
        links = e.get("links") or {}
        assert set(links) <= set(DECISION_SET) | {"qd263"}, e["id"]
        assert set(e.get("unverified") or []) <= set(links), e["id"]
        for key, value in links.items():
            if key == "qd263" or value == "whole set":
                continue
            for crit, sub in _numbers(value):
                if key == "qd319":  # the four conditions of 319/QĐ-TTg, not rules/criteria.yml's numbering
                    assert 1 <= int(crit) <= 4 and sub is None, (e["id"], value)
                else:
                    assert crit in sets[DECISION_SET[key]]["criteria"], (e["id"], key, value)


def test_criterion_entries_match_the_sets():
    sets = criteria_sets()
    seen: dict[str, list[str]] = {}
    for e in _entries():
        if not e.get("criterion"):
            continue
        set_name, number = e["criterion"]["set"], str(e["criterion"]["number"])
        seen.setdefault(set_name, []).append(number)
        official = sets[set_name]["criteria"][number]["name"]
        assert f"tiêu chí số {number} ({official}" in e["name"], e["id"]
        assert any(official in n for n in e["criterion_names"]), e["id"]
        assert e["polarity"] == "higher_better", e["id"]
        key = next(k for k, s in DECISION_SET.items() if s == set_name)
        if set_name != "xa_ntm_kieu_mau":  # 319/QĐ-TTg numbers its conditions unlike rules/criteria.yml
            assert e["links"] == {key: number}, e["id"]
    for set_name, numbers in seen.items():
        assert len(numbers) == len(set(numbers)), set_name  # one entry per criterion
        assert sorted(numbers, key=int) == sorted(sets[set_name]["criteria"], key=int), set_name
    # the commune sets of 318/QĐ-TTg have 19 criteria each, the district set of 320/QĐ-TTg 9
    assert sorted(seen["xa_ntm"], key=int) == [str(n) for n in range(1, 20)]
    assert sorted(seen["xa_ntm_nang_cao"], key=int) == [str(n) for n in range(1, 20)]
    assert sorted(seen["huyen_ntm"], key=int) == [str(n) for n in range(1, 10)]


def test_commune_set_indicators_are_numbered_consistently():
    mapping = load_rules("indicators")["set_indicators"]["xa_ntm"]
    by_id = {e["id"]: e for e in _entries()}
    subs: dict[str, list[int]] = {}
    for key, entry_id in mapping.items():
        ((crit, sub),) = _numbers(key)
        assert 1 <= int(crit) <= 19, key
        if sub:
            subs.setdefault(crit, []).append(int(sub))
        entry = by_id[entry_id]
        if entry.get("criterion"):  # the share of communes meeting the criterion the indicator belongs to
            assert entry["criterion"] == {"set": "xa_ntm", "number": crit}, (key, entry_id)
            continue
        linked = _numbers(entry.get("links", {}).get("qd318_xa", ""))
        # the entry names this number (or, for a bare criterion, one of its indicators)
        assert (crit, sub) in linked or (sub is None and any(c == crit for c, _s in linked)), (key, entry_id)
    for crit, numbers in subs.items():
        assert sorted(numbers) == list(range(1, len(numbers) + 1)), crit  # n.1, n.2, ... without gaps
    bare_only = [k for k in mapping if "." not in k and k not in subs]
    assert sum(len(v) for v in subs.values()) + len(bare_only) == COMMUNE_SET_INDICATORS


def test_every_commune_set_number_a_catalogue_entry_names_is_mapped():
    mapping = load_rules("indicators")["set_indicators"]["xa_ntm"]
    for e in _entries():
        value = (e.get("links") or {}).get("qd318_xa")
        if not value or e.get("criterion"):
            continue
        for crit, sub in _numbers(value):
            if sub:
                assert f"{crit}.{sub}" in mapping, (e["id"], value)
            else:  # a whole criterion ("Giao thông"): the set has it or its indicators
                assert crit in mapping or any(k.startswith(f"{crit}.") for k in mapping), (e["id"], value)


@pytest.mark.parametrize("entry_id, number", [
    ("hop_tac_xa", "13.1"), ("mai_tang", "17.5"), ("nha_tieu_hop_ve_sinh", "17.8"),
    ("tiep_can_phap_luat", "18.4"), ("binh_dang_gioi", "18.5"), ("quoc_phong", "19.1"),
    ("an_ninh_trat_tu", "19.2"), ("cntt_quan_ly", "8.4"),
])
def test_numbers_confirmed_by_sources(entry_id, number):
    """Commune-set numbers a published text confirms (see the sources at the top of the YAML)."""
    entry = next(e for e in _entries() if e["id"] == entry_id)
    assert number in [f"{c}.{s}" if s else c for c, s in _numbers(entry["links"]["qd318_xa"])]
    assert load_rules("indicators")["set_indicators"]["xa_ntm"][number] == entry_id
