"""A small fake pipeline for the batch tests (test_ingest.py, test_reliability.py).

It stands in for ``extractor.read`` and ``extractor.pipeline`` so that those tests
check the batch machinery alone, fast.  It obeys commands written in the sample
files: ``SLEEP 0.3`` (a slow file), ``CRASH`` (the worker process dies), ``BUG``
(an unexpected exception), ``ALLOC 3000`` (allocates that many MB), ``MANY 5000``
(that many records: a file that takes a while to store).  A file that is not UTF-8
fails with "not UTF-8 text".  The issuer is the letterhead's first line
("HUYỆN ỦY CAN LỘC" -> "Huyện ủy Can Lộc").
"""

from __future__ import annotations

import importlib
import sys
import textwrap
import types
from pathlib import Path

FAKE_PIPELINE = textwrap.dedent(
    '''
    """A fake extractor.read + extractor.pipeline for the batch tests (tests/fakes.py)."""
    import os, re, sys, time, types
    from extractor.errors import ReadError
    from extractor.model import Block, DocMeta, Document, RawText, Section, Target

    def read_file(path, *, max_bytes, max_pages, ocr, max_chars=None):
        data = open(path, "rb").read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ReadError("not UTF-8 text")
        m = re.search(r"SLEEP ([0-9.]+)", text)
        if m:
            time.sleep(float(m.group(1)))
        m = re.search(r"ALLOC ([0-9]+)", text)
        if m:
            hog = bytearray(int(m.group(1)) * 1024 * 1024)
        if "CRASH" in text:
            os._exit(3)
        if "BUG" in text:
            raise ValueError("something unexpected")
        return RawText(path=str(path), format="txt", encoding="utf-8", pages=1,
                       blocks=[Block(text=p) for p in text.split("\\n\\n")])

    def extract_raw(raw):
        text = "\\n\\n".join(b.text for b in raw.blocks)
        number = re.search(r"Số:\\s*(\\S+)", text)
        head = re.match(r"HUYỆN ỦY (.+)", text)
        records = [Target(quote=m.group(0), start=m.start(), end=m.end(), value=float(m.group(1)), unit="%")
                   for m in re.finditer(r"(\\d+)%", text)]
        many = re.search(r"MANY ([0-9]+)", text)
        if many:
            records += [Target(quote=f"{i}%", start=0, end=1, value=float(i), unit="%") for i in range(int(many.group(1)))]
        return [Document(
            source=os.path.basename(raw.path), text=text, end=len(text),
            meta=DocMeta(doc_type="KẾ HOẠCH" if "KẾ HOẠCH" in text else None,
                         number=number.group(1) if number else None,
                         issuer="Huyện ủy " + head.group(1).strip().title() if number and head else None),
            sections=[Section(label="I", title="MỤC TIÊU", start=0, end=len(text))],
            records=records)]

    def install():
        for name, attr in (("extractor.read", "read_file"), ("extractor.pipeline", "extract_raw")):
            mod = types.ModuleType(name)
            setattr(mod, attr, globals()[attr])
            sys.modules[name] = mod
    '''
)

# runs `kehoach` with the fake installed; top-level code so pool workers install it too
RUNNER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {here!r})
    import fake_pipeline
    fake_pipeline.install()
    if __name__ == "__main__":
        from extractor.cli import app
        sys.argv[0] = "kehoach"
        app()
    """
)

RUN = "run_kehoach.py"  # the runner's file name in the folder install_fake returns


def install_fake(tmp_path: Path, monkeypatch) -> Path:
    """Write the fake and its runner to a folder, install the fake in this process
    (undone by ``monkeypatch``), and return the folder."""
    here = tmp_path / "fake"
    here.mkdir()
    (here / "fake_pipeline.py").write_text(FAKE_PIPELINE, encoding="utf-8")
    (here / RUN).write_text(RUNNER.format(here=str(here)), encoding="utf-8")
    monkeypatch.syspath_prepend(str(here))
    sys.modules.pop("fake_pipeline", None)
    mod = importlib.import_module("fake_pipeline")
    for name, attr in (("extractor.read", "read_file"), ("extractor.pipeline", "extract_raw")):
        m = types.ModuleType(name)
        setattr(m, attr, getattr(mod, attr))
        monkeypatch.setitem(sys.modules, name, m)
    return here
