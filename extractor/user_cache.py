"""Files kept between runs in the user's cache folder, so that a new process (a worker,
a one-file ``kehoach extract``) skips work an earlier one did: parsed rules files
(``extractor.rules``) and compiled regular expressions (``extractor.rx``).

The folder is ``$KEHOACH_CACHE_DIR``, else ``$XDG_CACHE_HOME/kehoach``, else
``~/.cache/kehoach``; ``KEHOACH_CACHE_DIR=off`` keeps nothing.  Each file holds one
marshalled value behind a CRC-32 of it: a damaged file reads as missing, and every
write replaces the file whole, so a reader never sees half of one.
"""

from __future__ import annotations

import marshal
import os
import zlib
from pathlib import Path


def cache_dir() -> Path | None:
    """The cache folder (None when ``KEHOACH_CACHE_DIR`` is ``off``, ``0`` or ``none``)."""
    env = os.environ.get("KEHOACH_CACHE_DIR", "").strip()
    if env.lower() in ("off", "0", "none"):
        return None
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "kehoach"


def read(name: str):
    """The value kept as ``name`` (None when there is none, or the file is damaged)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        blob = (folder / name).read_bytes()
        if len(blob) < 4 or zlib.crc32(blob[4:]) != int.from_bytes(blob[:4], "little"):
            return None
        return marshal.loads(blob[4:])
    except (OSError, EOFError, ValueError, TypeError):
        return None


def write(name: str, value) -> None:
    """Keep ``value`` (anything marshal can hold) as ``name``; quietly nothing when the
    folder cannot be written or marshal cannot hold the value."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        data = marshal.dumps(value)
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f"{name}.{os.getpid()}.tmp"
        tmp.write_bytes(zlib.crc32(data).to_bytes(4, "little") + data)
        os.replace(tmp, folder / name)
    except (OSError, ValueError):
        pass
