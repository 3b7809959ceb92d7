"""Running-text pages are read from pdfminer's layout without pdfplumber's char objects:
the documents, tables, furniture and passages are the same as through pdfplumber's
objects, and pages with ruling lines still go through pdfplumber's table finder."""

from __future__ import annotations

from pathlib import Path

import pytest

from fhs_nlp.ingest import pdf as pdf_module
from fhs_nlp.segment.passages import split_passages
from fhs_nlp.synthetic import documents as synthetic
from fhs_nlp.synthetic import sample_data

pytest.importorskip("reportlab")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "verksamhetsplan_2027_vardcentralen_linneasand.pdf"


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("fast")
    words = ["vård", "hälsa", "närhet", "invånare", "Skåne", "primärvård", "samverkan",
             "digitalisering", "medarbetare", "kvalitet", "tillgänglighet", "patient",
             "förebyggande", "insatser"]
    paras = [" ".join(words[(i * 5 + k) % len(words)] for k in range(20 + i % 50)) + "."
             for i in range(60)]
    return {
        "example": EXAMPLE,
        "prose": synthetic.render_text_pdf(tmp / "prose.pdf", paras, title="Plan 2026"),
        "milestones": synthetic.render_milestone_table_pdf(
            tmp / "plan.pdf", sample_data.SAMPLE_MILESTONE_ROWS, sample_data.SAMPLE_MALBILDER,
            synthetic.EFFEKTMAL, rows_per_page=4),
        "viljeriktningar": synthetic.render_viljeriktning_table_pdf(
            tmp / "vr.pdf", sample_data.SAMPLE_VILJERIKTNINGAR),
    }


def _read(path: Path, fast: bool, monkeypatch) -> tuple[object, int]:
    calls = {"fast": 0}
    original = pdf_module._running_text_chars

    def counted(page):
        got = original(page) if fast else None
        calls["fast"] += got is not None
        return got

    monkeypatch.setattr(pdf_module, "_running_text_chars", counted)
    # plain_pages=False: the pdfminer path for pages without ruled tables, tested here
    # (the pdfium reader that comes first has its own test, test_pdf_plain.py)
    doc = pdf_module.read_pdf(path, path.stem, plain_pages=False)
    monkeypatch.setattr(pdf_module, "_running_text_chars", original)
    return doc, calls["fast"]


@pytest.mark.parametrize("name", ["example", "prose", "milestones", "viljeriktningar"])
@pytest.mark.slow  # reads generated PDFs both ways (seconds each)
def test_fast_text_gives_the_same_document_and_passages(name, pdfs, monkeypatch):
    fast, n_fast = _read(pdfs[name], True, monkeypatch)
    slow, n_slow = _read(pdfs[name], False, monkeypatch)
    assert n_slow == 0
    assert [p.text for p in fast.pages] == [p.text for p in slow.pages]
    assert [p.furniture for p in fast.pages] == [p.furniture for p in slow.pages]
    assert [[[c.text for c in row] for t in p.tables for row in t.rows] for p in fast.pages] == [
        [[c.text for c in row] for t in p.tables for row in t.rows] for p in slow.pages]
    assert fast.text == slow.text and fast.warnings == slow.warnings
    assert split_passages(fast) == split_passages(slow)
    if name in ("example", "prose"):  # running text: every page takes the fast path
        assert n_fast == len(fast.pages)
    else:  # ruled tables: pdfplumber's table finder reads them, as before
        assert n_fast < len(fast.pages) and any(p.tables for p in fast.pages)


def test_a_page_with_ruling_lines_is_not_taken_for_running_text(pdfs):
    import pdfplumber

    with pdfplumber.open(pdfs["milestones"]) as pdf:
        assert pdf_module._running_text_chars(pdf.pages[0]) is None
    with pdfplumber.open(pdfs["prose"]) as pdf:
        page = pdf.pages[0]
        chars, n_images = pdf_module._running_text_chars(page)
        plumber = page.chars
        keys = ("text", "x0", "x1", "top", "bottom", "size", "fontname", "upright", "matrix")
        assert [{k: c[k] for k in keys} for c in chars] == [
            {k: c[k] for k in keys} for c in plumber]
        assert n_images == len(page.images)
