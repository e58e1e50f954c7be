"""Limits and defaults for reading and ingesting files.

Every field can be overridden by an environment variable named
``KEHOACH_<FIELD>`` in upper case, e.g. ``KEHOACH_MAX_BYTES=20000000``,
``KEHOACH_TIME_LIMIT=300``, ``KEHOACH_OCR=0``, ``KEHOACH_DB=/data/kh.db``.
Command-line options override both.
"""

from __future__ import annotations

import os
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from .errors import KehoachError

ENV_PREFIX = "KEHOACH_"


class Settings(BaseModel):
    max_bytes: int = Field(50_000_000, gt=0, description="largest file read, in bytes")
    max_pages: int = Field(500, gt=0, description="most pages read from one PDF")
    time_limit: float = Field(120.0, gt=0, description="seconds allowed to read and extract one file")
    ocr: bool = Field(True, description="run OCR (tesseract) on pages without a text layer")
    workers: int = Field(1, ge=0, description="extraction processes; 0 = in this process")
    max_tasks_per_child: int = Field(100, gt=0, description="files a worker process handles before it is replaced")
    db: str = Field("output/kehoach.db", description="default database file")
    write_wait: float = Field(
        600.0, gt=0, description="seconds a write waits for another kehoach process writing to the same database"
    )
    max_chars: int = Field(
        5_000_000, gt=0, description="most characters of text read from one file (counted while reading)"
    )
    max_memory_mb: int = Field(
        3000, ge=0, description="memory (address space, MB) a worker process may use; 0 = no limit"
    )


def load_settings(**overrides: Any) -> Settings:
    """Defaults, then ``KEHOACH_*`` environment variables, then ``overrides`` (None values ignored)."""
    values: dict[str, Any] = {}
    for name in Settings.model_fields:
        env = os.environ.get(ENV_PREFIX + name.upper())
        if env is not None and env.strip() != "":
            values[name] = env.strip()
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings(**values)
    except ValidationError as exc:
        problems = "; ".join(
            f"{ENV_PREFIX}{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors()
        )
        raise KehoachError(f"invalid setting: {problems}") from None
