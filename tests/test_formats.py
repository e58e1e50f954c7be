"""The same plan as text, as a text-layer PDF and as DOCX gives the same records.

A PDF re-wraps lines and adds page numbers; a DOCX converted from a PDF keeps one
Word paragraph per printed line.  Both must score like the text against the gold.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from extractor.evaluate import load_gold, score_records
from extractor.pipeline import extract_path

REPO = Path(__file__).resolve().parents[1]
PLAN = REPO / "corpora" / "plans" / "03_huonghoa_huyen_kh_2022.txt"
GOLD = REPO / "corpora" / "gold"
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _pdf(text: str, out: Path) -> Path:
    pytest.importorskip("reportlab")
    if not FONT.exists():
        pytest.skip("no DejaVuSans font (apt-get install fonts-dejavu-core)")
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DV", str(FONT)))
    c = canvas.Canvas(str(out), pagesize=A4)
    y, page = 800, 1
    for para in text.split("\n"):
        for ln in textwrap.wrap(para, 95) or [""]:
            if y < 60:
                c.setFont("DV", 9)
                c.drawString(290, 30, str(page))
                c.showPage()
                page, y = page + 1, 800
            c.setFont("DV", 9)
            c.drawString(40, y, ln)
            y -= 12
    c.drawString(290, 30, str(page))
    c.save()
    return out


def _docx(text: str, out: Path) -> Path:
    import docx

    d = docx.Document()
    for line in text.split("\n"):
        if line.strip():
            d.add_paragraph(line.strip())
    d.save(str(out))
    return out


def _f1(path: Path) -> dict:
    gold = load_gold(GOLD)
    docs = [d.public() for d in extract_path(path)]
    return {t: s["f1"] for t, s in score_records(docs, gold)["per_type"].items() if s["gold"]}


@pytest.mark.parametrize("make", [_pdf, _docx], ids=["pdf", "docx"])
def test_pdf_and_docx_score_like_the_text(tmp_path, make):
    if not PLAN.exists():
        pytest.skip("corpus not present")
    text = PLAN.read_text(encoding="utf-8")
    txt_scores = _f1(PLAN)
    suffix = ".pdf" if make is _pdf else ".docx"
    path = make(text, tmp_path / (PLAN.stem + suffix))
    scores = _f1(path)
    for rtype, f1 in txt_scores.items():
        assert scores[rtype] >= min(0.95, f1), (rtype, scores, txt_scores)
