"""Import and load everything extraction needs, once (forkserver preload, benchmarks).

A worker process forked from a warm server starts extracting at once instead of
spending half a second importing the pipeline and parsing ``rules/*.yml``.
"""

from __future__ import annotations


def warm() -> None:
    from . import pipeline  # noqa: F401
    from .read import read_file  # noqa: F401
    from .rules import load_rules, rules_dir
    from .segment import _sent_tokenize

    try:  # the text-layer PDF reader (imported on a worker's first PDF otherwise)
        import pypdfium2  # noqa: F401
    except ImportError:  # pragma: no cover
        pass
    for path in rules_dir().glob("*.yml"):
        load_rules(path.stem)
    _sent_tokenize()("Khởi động. Sẵn sàng.")
    docs = pipeline.extract_text("KẾ HOẠCH\nI. MỤC TIÊU\n- Có 100% số xã đạt chuẩn nông thôn mới đến năm 2025.")
    from .store import prepare_document  # pool workers send prepared rows (fold's table built here)

    for doc in docs:
        prepare_document(doc)


warm()
