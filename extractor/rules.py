"""Rule data (YAML files under ``<repo>/rules``) and the place gazetteer built from it.

``load_rules(name)`` reads ``rules/<name>.yml`` once per process.  The folder can be
moved with the environment variable ``KEHOACH_RULES`` (a directory); call
``clear_cache()`` after changing it in a running process (tests).

``gazetteer()`` indexes ``rules/places.yml`` (63 provinces, their districts and
communes) for look-ups by name, case- and tone-placement-insensitive.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import user_cache
from .normalise import canonical

_DEFAULT_DIR = Path(__file__).resolve().parent.parent / "rules"


def rules_dir() -> Path:
    env = os.environ.get("KEHOACH_RULES", "").strip()
    return Path(env) if env else _DEFAULT_DIR


def _cache_name(path: str) -> str:
    """The name of a rules file's parse in the user's cache: it changes with the file's
    path, size and modification time."""
    st = os.stat(path)
    tag = hashlib.sha1(f"{os.path.abspath(path)}|{st.st_size}|{st.st_mtime_ns}|{sys.version_info[:2]}".encode()).hexdigest()[:20]
    return f"rules-{Path(path).stem}-{tag}.bin"


@functools.lru_cache(maxsize=None)
def _load(path: str) -> dict:
    """A rules file, parsed.  The parse (places.yml: ~80 ms of YAML) is kept in the user's
    cache (``extractor.user_cache``), so a new process (a worker, a one-file ``extract``)
    reads it in a few milliseconds."""
    name = _cache_name(path)
    data = user_cache.read(name)
    if isinstance(data, dict):
        return data
    import yaml  # only when the cache has no parse of this file (~13 ms to import)

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C loader reads places.yml ten times faster
    with open(path, encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=loader)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a rules file must hold a mapping at the top")
    user_cache.write(name, data)
    return data


def load_rules(name: str) -> dict:
    """The mapping in ``<rules dir>/<name>.yml`` (cached: read and checked once per process)."""
    return _load_named(os.environ.get("KEHOACH_RULES", "").strip(), name)


@functools.lru_cache(maxsize=None)
def _load_named(env_dir: str, name: str) -> dict:
    path = (Path(env_dir) if env_dir else _DEFAULT_DIR) / f"{name}.yml"
    if not path.is_file():
        raise FileNotFoundError(f"rules file not found: {path}")
    return _load(str(path))


def topic_label(key: str | None) -> str:
    """The words a reader sees for a topic key (``environment`` -> ``Môi trường / Environment``)."""
    labels = load_rules("topics").get("labels") or {}
    return labels.get(key or "other") or (key or "")


def clear_cache() -> None:
    _load.cache_clear()
    _load_named.cache_clear()
    gazetteer.cache_clear()


_DAK_RE = re.compile(r"(?<!\w)(?:đ[ăắa][ck]|dak|đak)(?!\w)")
_JOINER_RE = re.compile(r"\s*([-'])\s*")


def key(name: str) -> str:
    """Matching key of a place name: canonical tone placement, lower case, single spaces,
    no space around "-" or an apostrophe, and the variants of "Đắk" (Đăk, Đắc, Dak) as one."""
    k = " ".join(canonical(name).lower().replace("’", "'").split())
    if "-" in k or "'" in k:
        k = _JOINER_RE.sub(r"\1", k)
    return _DAK_RE.sub("đắk", k)


# --------------------------------------------------------------------------- gazetteer

CENTRAL_CITY_TYPE = "thành phố"


@dataclass
class Gazetteer:
    """Look-ups in the list of administrative units (names without their unit word)."""

    provinces: dict[str, str] = field(default_factory=dict)  # key -> name
    province_type: dict[str, str] = field(default_factory=dict)  # name -> tỉnh | thành phố
    # key -> [(province, district, type)]
    districts: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    # key -> [(province, district, commune, type)]
    communes: dict[str, list[tuple[str, str, str, str]]] = field(default_factory=dict)
    districts_of: dict[str, list[str]] = field(default_factory=dict)  # province -> district names

    def province(self, name: str | None) -> str | None:
        if not name:
            return None
        return self.provinces.get(key(name))

    def is_central_city(self, province: str | None) -> bool:
        return bool(province) and self.province_type.get(province) == CENTRAL_CITY_TYPE

    def find_districts(self, name: str | None, province: str | None = None) -> list[tuple[str, str, str]]:
        if not name:
            return []
        rows = self.districts.get(key(name), [])
        if province:
            rows = [r for r in rows if r[0] == province]
        return rows

    def find_communes(
        self, name: str | None, province: str | None = None, district: str | None = None
    ) -> list[tuple[str, str, str, str]]:
        if not name:
            return []
        rows = self.communes.get(key(name), [])
        if province:
            rows = [r for r in rows if r[0] == province]
        if district:
            rows = [r for r in rows if r[1] == district]
        return rows


@functools.lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The administrative units of ``rules/places.yml``, indexed by matching key (built
    once per process)."""
    data = load_rules("places")
    g = Gazetteer()
    keys: dict[str, str] = {}  # many communes share a name: each name's key is worked out once

    def name_key(name: str) -> str:
        k = keys.get(name)
        if k is None:
            k = keys[name] = key(name)
        return k

    for p in data.get("provinces", []):
        pname = p["name"]
        g.province_type[pname] = p.get("type", "tỉnh")
        for alias in [pname, *(p.get("aliases") or [])]:
            g.provinces[name_key(alias)] = pname
        names = []
        for d in p.get("districts") or []:
            dname = str(d["name"])
            names.append(dname)
            g.districts.setdefault(name_key(dname), []).append((pname, dname, d.get("type", "huyện")))
            for cname, ctype in (d.get("communes") or {}).items():
                g.communes.setdefault(name_key(str(cname)), []).append((pname, dname, str(cname), ctype))
        g.districts_of[pname] = names
    return g
