"""The ``regex`` module, with compiled patterns kept in a cheap cache.

``regex.search(pattern_string, text)`` looks its compiled pattern up in regex's own
cache on every call, in Python, at about 10 µs a call (measured: ~7 000 such calls
per pass over the benchmark plans, 15-20 % of extraction time).  The extraction
modules import this module instead (``from .. import rx as re``) and keep writing
``re.search(r"…", text)``: a string pattern is compiled once into an
``functools.lru_cache`` (a C dictionary look-up) and the compiled pattern's method
is called.  Compiled patterns pass straight through.  Everything else (flags,
``escape``, ``error``) is ``regex``'s own.
"""

from __future__ import annotations

import functools

import regex
from regex import A, ASCII, DOTALL, I, IGNORECASE, M, MULTILINE, S, U, UNICODE, V0, V1, VERBOSE, X, error, escape  # noqa: F401

Pattern = regex.Pattern


@functools.lru_cache(maxsize=8192)
def _compiled(pattern: str, flags: int) -> regex.Pattern:
    return regex.compile(pattern, flags)


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
