"""Old Word .doc (and RTF) reader: converted to .docx by LibreOffice, then read as .docx.

Needs ``soffice`` (Debian package ``libreoffice-writer``) on PATH.  The file is
copied to a private temporary folder under a plain name first, so names with
spaces, accents or quotes cannot confuse the converter, and LibreOffice runs
with a throw-away user profile so it never clashes with a running instance.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Optional

from ..errors import LimitExceeded, ReadError
from ..model import RawText
from .docx import read_docx

CONVERT_TIMEOUT = 180  # seconds
NEED_SOFFICE = (
    "cần LibreOffice để đọc tệp .doc / LibreOffice is needed to read old Word .doc files: "
    "install the Debian package libreoffice-writer (soffice), or save the file as .docx"
)


def soffice_path() -> Optional[str]:
    """The LibreOffice binary, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def check_ole(path: str) -> None:
    """Refuse OLE2 files that are not readable Word documents (encrypted Office files, .xls, ...)."""
    with open(path, "rb") as f:
        data = f.read()
    if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
        raise ReadError("tệp Word được mã hoá (password-protected Office file): cannot read without the password")
    if "WordDocument".encode("utf-16-le") not in data:
        raise ReadError("tệp Office cũ nhưng không phải Word / old Office file that is not a Word document (.xls, .ppt, .msg?)")


def read_doc(path: str, *, suffix: str = ".doc", display_path: Optional[str] = None) -> RawText:
    """Convert ``path`` with LibreOffice and read the result as .docx (format "doc")."""
    exe = soffice_path()
    if exe is None:
        raise ReadError(NEED_SOFFICE)
    with tempfile.TemporaryDirectory(prefix="kehoach-doc-") as tmp:
        src = os.path.join(tmp, "input" + suffix)
        shutil.copyfile(path, src)
        profile = Path(tmp, "profile").as_uri()
        cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore",
               "--convert-to", "docx", "--outdir", os.path.join(tmp, "out"), src]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=CONVERT_TIMEOUT)
        except subprocess.TimeoutExpired as e:
            raise LimitExceeded(f"chuyển đổi .doc quá lâu / LibreOffice conversion took over the limit of {CONVERT_TIMEOUT} s") from e
        out = os.path.join(tmp, "out", "input.docx")
        if not os.path.exists(out):
            msg = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip()[-300:]
            raise ReadError(f"LibreOffice không chuyển được tệp / LibreOffice could not convert the file (damaged .doc?): {msg}")
        raw = read_docx(out, display_path=display_path or path)
    return raw.model_copy(update={"format": "doc"})
