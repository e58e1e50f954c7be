"""The ``regex`` module, with compiled patterns kept in a cheap cache, in memory and
between processes.

``regex.search(pattern_string, text)`` looks its compiled pattern up in regex's own
cache on every call, in Python, at about 10 µs a call (measured: ~7 000 such calls
per pass over the benchmark plans, 15-20 % of extraction time).  The extraction
modules import this module instead (``from .. import rx as re``) and keep writing
``re.search(r"…", text)``: a string pattern is compiled once into an
``functools.lru_cache`` (a C dictionary look-up) and the compiled pattern's method
is called.  Compiled patterns pass straight through.  Everything else (flags,
``escape``, ``error``) is ``regex``'s own.

Compiling is slow too: regex parses a pattern in Python, ~0.25 ms a pattern, and a
one-file ``kehoach extract`` compiles ~480 of them (0.12 s).  A compiled pattern is
rebuilt from the arguments of regex's C constructor, which regex itself pickles
(``Pattern._pickled_data``; they depend only on the pattern, its flags and the regex
version).  So those arguments are kept in the user's cache (``extractor.user_cache``;
``KEHOACH_CACHE_DIR=off`` for none), and a later process builds the pattern from
them in microseconds: the pattern a fresh compile gives (regex's own code for a pattern
differs between processes only in the order of a set of possible first characters).
Patterns new to the cache are added when the process exits (``save()``).
"""

from __future__ import annotations

import atexit
import functools
import marshal
import os
import sys

import regex
from regex import (  # noqa: F401 - regex's names, for modules that import this one as re or regex
    A, ASCII, B, BESTMATCH, DOTALL, E, ENHANCEMATCH, F, FULLCASE, I, IGNORECASE, M, MULTILINE, P, POSIX, R,
    REVERSE, S, U, UNICODE, V0, V1, VERBOSE, VERSION0, VERSION1, W, WORD, X, error, escape,
)
from regex import _regex  # the C module: unpickling a compiled pattern calls _regex.compile

from . import user_cache

Pattern = regex.Pattern

# the regex version and Python's (marshal's format) are in the name: a new version starts afresh
_CACHE_NAME = f"regex-{regex.__version__}-py{sys.version_info[0]}{sys.version_info[1]}.bin"
_MAX_SAVED = 4000  # patterns kept between processes; a fuller cache keeps only what its last user used
_NOT_KEPT = regex.LOCALE | regex.DEBUG  # locale-dependent, or printing while compiling

_saved: dict | None = None  # (pattern, flags, regex.DEFAULT_VERSION) -> marshalled constructor arguments
_used: set = set()  # keys of _saved this process used
_added: dict = {}  # entries this process compiled itself, saved at exit
_saving_pid = 0  # the process that has arranged to save at its exit (a forked child has not)


def _saved_patterns() -> dict:
    """The compiled patterns kept in the user's cache, read once per process."""
    global _saved
    if _saved is None:
        saved = user_cache.read(_CACHE_NAME)
        _saved = saved if isinstance(saved, dict) else {}
    return _saved


@functools.lru_cache(maxsize=8192)
def _compiled(pattern: str, flags: int) -> regex.Pattern:
    key = (pattern, int(flags), int(regex.DEFAULT_VERSION))
    args = _saved_patterns().get(key)
    if args is not None:
        try:
            compiled = _regex.compile(pattern, *marshal.loads(args))
        except (EOFError, ValueError, TypeError, OverflowError):
            pass  # not what regex expects: compile afresh, and keep the new arguments
        else:
            _used.add(key)
            return compiled
    compiled = regex.compile(pattern, flags)
    _remember(key, compiled)
    return compiled


def _remember(key: tuple, compiled: regex.Pattern) -> None:
    """Add a freshly compiled pattern to those saved at exit."""
    data = compiled._pickled_data
    if data[0] != key[0] or data[1] & _NOT_KEPT:
        return
    try:
        args = marshal.dumps(data[1:])
    except ValueError:  # a value marshal cannot hold
        return
    if _saving_pid != os.getpid():
        _save_at_exit()
    _added[key] = args


def _save_at_exit() -> None:
    """Arrange for ``save()`` to run when this process ends: atexit for an ordinary
    process; a pool worker ends with ``os._exit`` (no atexit), so there a multiprocessing
    finalizer, run when the pool shuts down normally (a killed worker saves nothing)."""
    global _saving_pid
    _saving_pid = os.getpid()
    atexit.register(save)
    mp = sys.modules.get("multiprocessing")
    if mp is not None and mp.parent_process() is not None:
        from multiprocessing import util

        util.Finalize(None, save, exitpriority=0)


def save() -> None:
    """Add the patterns this process compiled to those kept in the user's cache (merged
    with what other processes added meanwhile).  Runs at exit."""
    if not _added:
        return
    kept = user_cache.read(_CACHE_NAME)
    if not isinstance(kept, dict):
        kept = {}
    if len(kept) + len(_added) > _MAX_SAVED:
        kept = {k: v for k, v in kept.items() if k in _used}
    kept.update(_added)
    user_cache.write(_CACHE_NAME, kept)
    _added.clear()


def compile(pattern, flags: int = 0, **kwargs) -> regex.Pattern:  # noqa: A001 - the module's own name
    if isinstance(pattern, regex.Pattern) and not flags and not kwargs:
        return pattern
    if kwargs or not isinstance(pattern, str):
        return regex.compile(pattern, flags, **kwargs)
    return _compiled(pattern, flags)


def search(pattern, string, flags: int = 0, **kwargs):
    return compile(pattern, flags).search(string, **kwargs)


def match(pattern, string, flags: int = 0, **kwargs):
    return compile(pattern, flags).match(string, **kwargs)


def fullmatch(pattern, string, flags: int = 0, **kwargs):
    return compile(pattern, flags).fullmatch(string, **kwargs)


def finditer(pattern, string, flags: int = 0, **kwargs):
    return compile(pattern, flags).finditer(string, **kwargs)


def findall(pattern, string, flags: int = 0, **kwargs):
    return compile(pattern, flags).findall(string, **kwargs)


def sub(pattern, repl, string, count: int = 0, flags: int = 0, **kwargs):
    return compile(pattern, flags).sub(repl, string, count, **kwargs)


def subn(pattern, repl, string, count: int = 0, flags: int = 0, **kwargs):
    return compile(pattern, flags).subn(repl, string, count, **kwargs)


def split(pattern, string, maxsplit: int = 0, flags: int = 0, **kwargs):
    return compile(pattern, flags).split(string, maxsplit, **kwargs)
