"""Start-up work kept between processes (issue 14): compiled regular expressions rebuilt
from the user's cache are the patterns regex compiles (same groups, same matches, the
same code up to the order of a first-character set), a damaged cache is ignored, and
``KEHOACH_CACHE_DIR=off`` keeps nothing."""

from __future__ import annotations

import marshal
import os
import subprocess
import sys
from pathlib import Path

import regex

from extractor import rx, user_cache

ROOT = Path(__file__).resolve().parents[1]
PLAN = ROOT / "corpora" / "plans" / "04_giomy_xa_kh28_2024.txt"


def _extract(cache: str, **env: str) -> str:
    """``kehoach extract --json PLAN`` in a new process with the given cache folder."""
    proc = subprocess.run(
        [sys.executable, "-m", "extractor", "extract", "--json", str(PLAN)],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "KEHOACH_CACHE_DIR": cache, **env},
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def test_cached_patterns_are_the_ones_regex_compiles(tmp_path, monkeypatch):
    first = _extract(str(tmp_path))
    monkeypatch.setenv("KEHOACH_CACHE_DIR", str(tmp_path))
    kept = user_cache.read(rx._CACHE_NAME)
    assert isinstance(kept, dict) and len(kept) > 100
    texts = [p.read_text(encoding="utf-8") for p in sorted(PLAN.parent.glob("0[14]*.txt"))]
    for (pattern, flags, version), args in kept.items():
        assert version == int(regex.DEFAULT_VERSION)
        rebuilt = regex._regex.compile(pattern, *marshal.loads(args))
        fresh = regex.compile(pattern, flags)
        # regex's own code for a pattern differs between processes only in the order of a
        # set of possible first characters; compare what the patterns do
        assert (rebuilt.flags, rebuilt.groups, rebuilt.groupindex) == (fresh.flags, fresh.groups, fresh.groupindex)
        assert sorted(rebuilt._pickled_data[2]) == sorted(fresh._pickled_data[2]), pattern
        for text in texts:
            got = [(m.span(), m.groups()) for m in rebuilt.finditer(text)]
            assert got == [(m.span(), m.groups()) for m in fresh.finditer(text)], pattern
    assert _extract(str(tmp_path)) == first  # the second run builds its patterns from the cache


def test_a_damaged_cache_is_ignored_and_rewritten(tmp_path, monkeypatch):
    first = _extract(str(tmp_path))
    path = tmp_path / rx._CACHE_NAME
    blob = bytearray(path.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    path.write_bytes(bytes(blob))
    monkeypatch.setenv("KEHOACH_CACHE_DIR", str(tmp_path))
    assert user_cache.read(rx._CACHE_NAME) is None
    assert _extract(str(tmp_path)) == first
    assert isinstance(user_cache.read(rx._CACHE_NAME), dict)


def test_cache_off_keeps_nothing(tmp_path):
    _extract("off", XDG_CACHE_HOME=str(tmp_path), HOME=str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_pool_workers_save_their_patterns(tmp_path, monkeypatch):
    """A pool worker ends without atexit; its patterns are saved all the same (a
    multiprocessing finalizer), so an ingest with workers leaves every pattern an
    in-process extraction of the same files needs."""
    plans = [str(PLAN), str(PLAN.parent / "02_giolinh_huyen_kh150_2022.txt")]
    env = {**os.environ, "KEHOACH_CACHE_DIR": str(tmp_path / "pool")}
    proc = subprocess.run([sys.executable, "-m", "extractor", "ingest", *plans, "--db", str(tmp_path / "k.db"),
                           "--workers", "1", "-q"], cwd=ROOT, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    proc = subprocess.run([sys.executable, "-m", "extractor", "extract", "--json", *plans], cwd=ROOT,
                          capture_output=True, text=True, env={**env, "KEHOACH_CACHE_DIR": str(tmp_path / "one")})
    assert proc.returncode == 0, proc.stderr[-2000:]
    kept = {}
    for name in ("pool", "one"):
        monkeypatch.setenv("KEHOACH_CACHE_DIR", str(tmp_path / name))
        kept[name] = set(user_cache.read(rx._CACHE_NAME) or {})
    assert len(kept["one"]) > 100 and kept["one"] <= kept["pool"]
