"""OCR of scanned pages with the Tesseract command-line program (Vietnamese model).

Tesseract is called as a subprocess, one page image at a time, with
``OMP_THREAD_LIMIT=1`` so that several pages can run side by side without each
one starting its own thread pool.  Needs the Debian packages ``tesseract-ocr``
and ``tesseract-ocr-vie``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Optional

from ..errors import LimitExceeded, ReadError

LANG = "vie"
PSM = 4  # one column of text of variable sizes: fits letterheads and body text
PAGE_TIMEOUT = 300  # seconds for one page
INSTALL_HINT = (
    "cài đặt tesseract-ocr và tesseract-ocr-vie / install Debian packages tesseract-ocr tesseract-ocr-vie "
    "(apt-get install tesseract-ocr tesseract-ocr-vie)"
)

_checked: set[str] = set()


def tesseract_path(lang: str = LANG) -> str:
    """Return the tesseract binary, or raise ReadError saying what to install."""
    exe = shutil.which("tesseract")
    if exe is None:
        raise ReadError(f"không tìm thấy chương trình OCR tesseract / tesseract OCR not found: {INSTALL_HINT}")
    if exe + lang in _checked:
        return exe
    try:
        out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ReadError(f"không chạy được tesseract / cannot run tesseract ({e}): {INSTALL_HINT}") from e
    langs = {line.strip() for line in (out.stdout + out.stderr).splitlines()}
    if lang not in langs:
        raise ReadError(f"thiếu dữ liệu tiếng Việt cho tesseract / tesseract has no '{lang}' language data: {INSTALL_HINT}")
    _checked.add(exe + lang)
    return exe


def available(lang: str = LANG) -> bool:
    """True when tesseract and its ``lang`` data are installed."""
    try:
        tesseract_path(lang)
        return True
    except ReadError:
        return False


def ocr_image_file(image_path: str, *, lang: str = LANG, psm: int = PSM, timeout: float = PAGE_TIMEOUT,
                   exe: Optional[str] = None) -> str:
    """OCR one image file (PNG, TIFF, ...) and return its text."""
    exe = exe or tesseract_path(lang)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    try:
        proc = subprocess.run(
            [exe, image_path, "stdout", "-l", lang, "--psm", str(psm)],
            capture_output=True, env=env, timeout=timeout,
        )
    except subprocess.TimeoutExpired as e:
        raise LimitExceeded(f"OCR quá lâu / OCR of one page took over the limit of {timeout:g} s") from e
    if proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no message"]
        raise ReadError(f"OCR thất bại / tesseract failed (exit {proc.returncode}): {msg[0]}")
    return proc.stdout.decode("utf-8", "replace").replace("\r\n", "\n")


def workers() -> int:
    """How many tesseract processes to run side by side."""
    return max(1, min(4, os.cpu_count() or 1))
