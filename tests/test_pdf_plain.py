"""Plain pages read through pdfium (fhs_nlp.ingest.pdf_plain) give the same Document, the
same passages and the same records as the old path (pdfplumber for every page): on the
corpus as PDFs, the layout sweep (reportlab and LibreOffice), real Swedish government
pages rendered by reportlab and by python-docx + LibreOffice, the benchmark's draft and
the example plan. The fast path must also really be taken on prose and refused on pages
with ruled tables or rotated cells, so that "the same" is not won by never using it."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from fhs_nlp.datamodel.document import Document
from fhs_nlp.extract.pipeline import extract_document
from fhs_nlp.ingest import pdf as pdf_module
from fhs_nlp.ingest import pdf_plain, read_document
from fhs_nlp.segment.passages import split_passages
from fhs_nlp.synthetic import documents as synthetic
from fhs_nlp.synthetic import layouts, sample_data

pytest.importorskip("reportlab")

ROOT = Path(__file__).resolve().parent.parent
TEXTS = sorted((ROOT / "corpus" / "texts").glob("*.txt"))
REAL = sorted((ROOT / "eval" / "gold" / "real" / "documents").glob("*.md"))
GOLD = ROOT / "eval" / "gold" / "alignment" / "passages.jsonl"
EXAMPLE = ROOT / "examples" / "verksamhetsplan_2027_vardcentralen_linneasand.pdf"


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def _blocks(markdown: str) -> list[tuple[str, object]]:
    """A real page's Markdown as Word blocks: headings, bullets, paragraphs."""
    blocks: list[tuple[str, object]] = []
    for para in _paragraphs(markdown):
        heading = re.match(r"^(#+)\s+(.*)", para)
        if heading:
            blocks.append(("heading", (heading.group(2), min(len(heading.group(1)), 3))))
        elif para.startswith(("- ", "* ")):
            blocks += [("bullet", line[2:].strip())
                       for line in para.splitlines() if line[2:].strip()]
        else:
            blocks.append(("paragraph", " ".join(para.split())))
    return blocks


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("plain")


def _corpus_pdfs(folder: Path) -> dict[str, Path]:
    """The corpus as PDFs: Tabell 1 and the viljeriktning table drawn from its records,
    every corpus text as prose."""
    from fhs_nlp.extract.milestones import extract_milestones
    from fhs_nlp.extract.viljeriktningar import extract_viljeriktningar

    plan = extract_milestones(read_document(TEXTS[2], "002"))
    strategy = extract_viljeriktningar(read_document(TEXTS[0], "000"))
    pdfs = {
        "corpus-tabell1": synthetic.render_milestone_table_pdf(
            folder / "002_plan.pdf", sample_data.rows_from_records(plan.milestones),
            sample_data.malbilder_from_records(plan.malbilder), synthetic.EFFEKTMAL),
        "corpus-viljeriktningar": synthetic.render_viljeriktning_table_pdf(
            folder / "000_vr.pdf",
            [(a.group, a.name, [v.text for v in strategy.viljeriktningar if v.area == a.name])
             for a in strategy.areas]),
    }
    for path in TEXTS:
        pdfs[f"corpus-{path.stem[:3]}"] = synthetic.render_text_pdf(
            folder / f"{path.stem}.pdf", _paragraphs(path.read_text(encoding="utf-8")),
            title=path.stem)
    return pdfs


def _draft(folder: Path) -> Path:
    """The benchmark's draft (bench/bench_align.py make_draft): gold passages and the
    example plan as prose over ~30 pages."""
    texts = [json.loads(line)["text"] for line in GOLD.read_text(encoding="utf-8").splitlines()]
    texts += [p for p in _paragraphs(EXAMPLE.with_suffix(".md").read_text(encoding="utf-8"))
              if not p.startswith("#")]
    rng = random.Random(2)
    paragraphs: list[str] = []
    while sum(len(p.split()) for p in paragraphs) < 30 * 500:
        paragraphs.append(f"Punkt 2.{len(paragraphs) + 1}: {rng.choice(texts)}")
    return synthetic.render_text_pdf(folder / "draft.pdf", paragraphs, title="Verksamhetsplan 2")


def _read(path: Path, plain: bool) -> tuple[Document, int]:
    """The document, and on how many pages the pdfium reader gave the characters."""
    taken = 0
    original = pdf_plain.PlainReader.page_chars

    def counted(self, *args):
        nonlocal taken
        got = original(self, *args)
        taken += got is not None
        return got

    pdf_plain.PlainReader.page_chars = counted  # type: ignore[method-assign]
    try:
        return pdf_module.read_pdf(path, path.stem, plain_pages=plain), taken
    finally:
        pdf_plain.PlainReader.page_chars = original  # type: ignore[method-assign]


def _assert_same(path: Path, *, records: bool = False) -> tuple[int, int]:
    """Both readers on ``path``: every field of the Document and every passage equal.
    Returns (pages read by pdfium, pages)."""
    fast, taken = _read(path, True)
    old, untouched = _read(path, False)
    assert untouched == 0
    assert len(fast.pages) == len(old.pages)
    for a, b in zip(fast.pages, old.pages, strict=True):
        where = f"{path.name} page {a.number}"
        assert a.text == b.text, where
        assert a.furniture == b.furniture, where
        assert a.tables == b.tables, where  # cells, boxes, rotation, bold lines, spans
        assert (a.char_start, a.landscape) == (b.char_start, b.landscape), where
    assert fast.text == old.text and fast.warnings == old.warnings
    assert fast.n_lines == old.n_lines
    assert split_passages(fast) == split_passages(old)  # text, kind, heading, page, spans
    if records:
        a, b = extract_document(fast), extract_document(old)
        assert (a.status, a.error) == (b.status, b.error)
        assert [r.model_dump() for r in a.records] == [r.model_dump() for r in b.records]
        assert [w.model_dump() for w in a.warnings] == [w.model_dump() for w in b.warnings]
    return taken, len(fast.pages)


@pytest.mark.slow  # renders and reads ~15 PDFs both ways
def test_corpus_pdfs_and_the_draft_read_the_same(folder):
    pdfs = _corpus_pdfs(folder)
    pdfs["draft"] = _draft(folder)
    pdfs["example"] = EXAMPLE
    taken: dict[str, tuple[int, int]] = {}
    for name, path in pdfs.items():
        taken[name] = _assert_same(path, records=name.startswith("corpus"))
    for name in ("corpus-000", "corpus-001", "corpus-002", "corpus-003", "draft"):
        # prose: pdfium vouches for every page (one naming "Milstolpe" is then still read
        # the old way: a borderless table's finder reads pdfplumber's words)
        assert taken[name][0] == taken[name][1], (name, taken[name])
    assert taken["draft"][0] == taken["draft"][1] == 29
    for name in ("corpus-tabell1", "corpus-viljeriktningar"):  # ruled tables: the old path
        assert taken[name][0] < taken[name][1], (name, taken[name])


@pytest.mark.slow  # the layout sweep: reportlab and LibreOffice tables, read both ways
@pytest.mark.parametrize("layout", [x for x in layouts.SWEEP if x.engine != "docx"],
                         ids=lambda layout: layout.name)  # the .docx layouts are no PDFs
def test_the_layout_sweep_reads_the_same(layout, folder):
    if layout.engine == "libreoffice" and layouts.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed: `make setup` installs it as root")
    rows = list(sample_data.SAMPLE_MILESTONE_ROWS)
    path = layouts.render(layout, rows, folder / layout.name)
    _assert_same(path, records=True)


@pytest.mark.slow  # real pages rendered by reportlab (and LibreOffice where installed)
def test_real_pages_read_the_same(folder):
    assert len(REAL) >= 20
    sample = REAL[::5]
    taken = pages = 0
    for path in sample:
        pdf = synthetic.render_text_pdf(folder / f"rl_{path.stem[:40]}.pdf",
                                        _paragraphs(path.read_text(encoding="utf-8")))
        t, n = _assert_same(pdf)
        taken, pages = taken + t, pages + n
    assert taken == pages  # reportlab prose: every page through pdfium
    if layouts.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed: `make setup` installs it as root")
    blocks: list[tuple[str, object]] = []
    for path in sample:
        blocks += _blocks(path.read_text(encoding="utf-8")) + [("page_break", None)]
    blocks.append(("table", [["Område", "Insats"], ["Nära vård", "Hemmonitorering 2027"]]))
    docx = synthetic.render_docx(folder / "real_pages.docx", blocks)
    lo = layouts.convert_to_pdf(docx, folder)
    t, n = _assert_same(lo)
    assert 0 < t < n  # Word's prose pages fast; its table page (rules) the old way


def test_plain_chars_match_pdfminers(folder):
    """Character for character on prose pages: the same text in the same order, font name
    and size as pdfminer's; top/bottom within 0.01 pt, x within 1.5 pt (pdfium's integer
    glyph widths), gaps between neighbours within 0.05 pt."""
    import pdfplumber
    import pypdfium2

    path = synthetic.render_text_pdf(folder / "chars.pdf",
                                     _paragraphs(TEXTS[1].read_text(encoding="utf-8"))[:30],
                                     title="Rubrik i fetstil")
    doc = pypdfium2.PdfDocument(path)
    with pdfplumber.open(path) as pdf:
        for plumber_page, page in zip(pdf.pages, doc, strict=True):
            old = pdf_module._running_text_chars(plumber_page)
            new = pdf_plain.plain_page_chars(page, float(plumber_page.width),
                                             float(plumber_page.height),
                                             pdf_plain.page_fonts(plumber_page))
            assert old is not None and new is not None
            assert [c["text"] for c in new[0]] == [c["text"] for c in old[0]]
            for a, b, a_next, b_next in zip(new[0], old[0], new[0][1:], old[0][1:], strict=False):
                assert a["fontname"] == b["fontname"]  # with the subset prefix
                assert a["size"] == pytest.approx(b["size"], abs=1e-4)
                assert a["top"] == pytest.approx(b["top"], abs=0.01)
                assert a["bottom"] == pytest.approx(b["bottom"], abs=0.01)
                assert a["x0"] == pytest.approx(b["x0"], abs=1.5)
                if a_next["top"] == a["top"]:
                    gap_a, gap_b = a_next["x0"] - a["x1"], b_next["x0"] - b["x1"]
                    assert gap_a == pytest.approx(gap_b, abs=0.05)
    doc.close()


def _plain(path: Path, number: int = 0, width_error: float = 0.0):
    import pdfplumber
    import pypdfium2

    doc = pypdfium2.PdfDocument(path)
    try:
        with pdfplumber.open(path) as pdf:
            page = pdf.pages[number]
            return pdf_plain.plain_page_chars(doc[number], float(page.width) + width_error,
                                              float(page.height), pdf_plain.page_fonts(page))
    finally:
        doc.close()


def test_pages_with_rules_or_rotated_text_are_refused(folder):
    table = synthetic.render_milestone_table_pdf(
        folder / "refused.pdf", sample_data.SAMPLE_MILESTONE_ROWS, sample_data.SAMPLE_MALBILDER,
        synthetic.EFFEKTMAL, rows_per_page=4)
    assert _plain(table) is None  # ruled cells, rotated area and year cells
    prose = synthetic.render_text_pdf(folder / "ok.pdf", ["Nära vård för invånarna i Skåne."])
    got = _plain(prose)
    assert got is not None and "Nära vård" in "".join(c["text"] for c in got[0])
    # a page size that disagrees with pdfplumber's is not vouched for either
    assert _plain(prose, width_error=10) is None


def test_a_hyphen_ending_a_line_is_read_as_drawn(folder):
    """pdfium marks a hyphen ending a line without saying whether it was "-" or U+00AD:
    read as "-" where no font of the page has a soft hyphen, else the page goes the old
    way; either way the document is pdfplumber's."""
    from reportlab.pdfgen import canvas

    regular, _ = synthetic.register_fonts()

    def draw(path: Path, lines: list[str]) -> Path:
        pdf = canvas.Canvas(str(path))
        pdf.setFont(regular, 10)
        for k, line in enumerate(lines):
            pdf.drawString(56, 800 - 12 * k, line)
        pdf.save()
        return path

    plain = draw(folder / "hyphen.pdf", ["Region Skånes hälso-", "och sjukvård 2026-",
                                         "2027 med invå-", "nare i hela Skåne."])
    got = _plain(plain)
    assert got is not None
    text = "".join(c["text"] for c in got[0])
    assert "hälso-och" in text and "invå-nare" in text and "2026-2027" in text
    assert _assert_same(plain) == (1, 1)
    soft = draw(folder / "soft.pdf", ["mjuk hälso\xad", "och sjukvård"])
    assert _plain(soft) is None  # its font has a soft hyphen: which one ended the line?
    assert _assert_same(soft) == (0, 1)


def test_a_pypdfium2_without_the_functions_warns_and_reads_the_old_way(folder, monkeypatch):
    """pypdfium2_raw's bindings are not a public API: where a release moves them, the
    reader says so once, names what to install, and reads every page with pdfplumber."""
    prose = synthetic.render_text_pdf(folder / "moved.pdf", ["Nära vård för invånarna."])

    def moved(self):
        raise ImportError("cannot import name '_libs' from 'pypdfium2_raw.bindings'")

    monkeypatch.setattr(pdf_plain._Lib, "__init__", moved)
    monkeypatch.setattr(pdf_plain, "_LIB", None)
    monkeypatch.setattr(pdf_plain, "_LIB_ERROR", None)
    with pytest.warns(RuntimeWarning, match=r"fast PDF text path is off.*pypdfium2>=5,<6"):
        doc, taken = _read(prose, True)
    assert taken == 0
    assert "Nära vård för invånarna." in doc.text
    old, _ = _read(prose, False)
    assert doc.text == old.text and doc.pages == old.pages
    import warnings

    with warnings.catch_warnings():  # once per process, not once per page or file
        warnings.simplefilter("error")
        again, _ = _read(prose, True)
    assert again.text == old.text
