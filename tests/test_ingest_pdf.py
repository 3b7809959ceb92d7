"""read_pdf on generated PDFs: the milestone table (rotated cells, spanning cells,
furniture), the viljeriktning table, prose with running headers, and bad files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from fhs_nlp.datamodel.document import Document
from fhs_nlp.errors import (
    CorruptDocumentError,
    EmptyDocumentError,
    EncryptedDocumentError,
    InputError,
    NoTextLayerError,
)
from fhs_nlp.ingest import read_document
from fhs_nlp.ingest.pdf import read_pdf
from fhs_nlp.synthetic import broken_files, sample_data
from fhs_nlp.synthetic import documents as synthetic

pytest.importorskip("reportlab")

ROWS = sample_data.SAMPLE_MILESTONE_ROWS
AREAS = ["Personcentrerat arbetssätt", "Nära vård", "Digitalisering"]


def squash(text: str) -> str:
    return " ".join(text.split())


def paragraphs(text: str) -> list[str]:
    return [squash(p) for p in text.split("\n\n") if p.strip()]


@pytest.fixture(scope="module")
def plan_pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "genomforandeplan.pdf"
    return synthetic.render_milestone_table_pdf(
        path, ROWS, sample_data.SAMPLE_MALBILDER, synthetic.EFFEKTMAL, rows_per_page=4
    )


@pytest.fixture(scope="module")
def plan(plan_pdf) -> Document:
    return read_pdf(plan_pdf, "plan")


def expected_pages() -> list[tuple[str, list[sample_data.MilestoneRowSpec]]]:
    """(area label, rows) per page, as the generator lays them out (4 rows, new area)."""
    pages: list[tuple[str, list[sample_data.MilestoneRowSpec]]] = []
    for row in ROWS:
        if pages and pages[-1][1][-1].area == row.area and len(pages[-1][1]) < 4:
            pages[-1][1].append(row)
        else:
            continued = bool(pages) and pages[-1][1][-1].area == row.area
            pages.append((row.area + (" (forts)" if continued else ""), [row]))
    return pages


def test_plan_has_three_areas_over_five_landscape_pages(plan):
    assert len(plan.pages) == len(expected_pages()) == 5
    assert {r.area for r in ROWS} == set(AREAS)
    assert all(page.landscape for page in plan.pages)
    assert plan.source_format == "pdf" and plan.has_page_numbers


def test_plan_tables_have_header_row_and_one_row_per_milestone(plan):
    for page, (_, rows) in zip(plan.pages, expected_pages(), strict=True):
        assert len(page.tables) == 1
        table = page.tables[0]
        assert table.page == page.number
        assert len(table.rows) == 1 + len(rows)
        assert all(len(row) == 6 for row in table.rows)
        header = [squash(t) for t in table.texts()[0]]
        assert header == list(synthetic.MILESTONE_HEADERS)


def test_rotated_year_and_area_cells_are_whole_words(plan):
    for page, (label, rows) in zip(plan.pages, expected_pages(), strict=True):
        body = page.tables[0].rows[1:]
        area_cell = body[0][0]
        assert area_cell.rotated
        assert squash(area_cell.text) == label
        for cells in body[1:]:
            assert cells[0].text == ""  # spanned by the area cell
        for cells, row in zip(body, rows, strict=True):
            year = cells[1]
            assert year.text == (str(row.year) if row.year else "")
            assert year.rotated == bool(row.year)


def test_continued_area_label_reads_forts(plan):
    labels = [squash(p.tables[0].rows[1][0].text) for p in plan.pages]
    assert labels == [
        "Personcentrerat arbetssätt",
        "Personcentrerat arbetssätt (forts)",
        "Nära vård",
        "Nära vård (forts)",
        "Digitalisering",
    ]


def test_milestone_and_effect_cells_match_the_rows(plan):
    for page, (_, rows) in zip(plan.pages, expected_pages(), strict=True):
        for cells, row in zip(page.tables[0].rows[1:], rows, strict=True):
            milestone = cells[2].text
            expected = [row.title]
            if row.previous_wording:
                expected.append(f"Omformulering av milstolpe 2022: {row.previous_wording}")
            expected.append(row.description)
            assert squash(milestone) == " ".join(expected)
            assert "\n\n" not in milestone  # title and description are one paragraph
            # one paragraph per effect, tags kept: "text (inv, sys)"
            assert paragraphs(cells[3].text) == row.effect_lines()


def test_malbild_and_effektmal_only_in_first_row_of_each_page(plan):
    for page, (label, _) in zip(plan.pages, expected_pages(), strict=True):
        area = label.removesuffix(" (forts)")
        statement, bullets = sample_data.SAMPLE_MALBILDER[area]
        first = page.tables[0].rows[1]
        malbild = first[4].text
        assert paragraphs(malbild)[0] == squash(statement)
        bullet_lines = [ln for ln in malbild.split("\n") if ln.startswith("• ")]
        assert len(bullet_lines) == len(bullets)
        assert squash(malbild).endswith(squash(" ".join(f"• {b}" for b in bullets)))
        assert paragraphs(first[5].text) == synthetic.EFFEKTMAL
        for later in page.tables[0].rows[2:]:
            assert later[4].text == "" and later[5].text == ""


def test_footers_and_continuation_caption_are_furniture_not_text(plan):
    total = len(plan.pages)
    for page in plan.pages:
        assert f"{page.number} ({total})" in page.furniture
        assert "2023-POL000009-001" in page.furniture
        assert "2023-POL000009-001" not in page.text
        assert not re.search(rf"^{page.number} \({total}\)$", page.text, re.M)
    first = plan.pages[0]
    assert first.text.startswith("Tabell 1. Beskrivning av varje milstolpe")
    for page in plan.pages[1:]:
        assert any(f.startswith("Fortsättning Tabell 1.") for f in page.furniture)
        assert "Fortsättning" not in page.text
        # the header row is table content and stays
        assert page.text.startswith("År\n\nMilstolpe\n\nEffekter av uppnådd milstolpe")


def test_page_text_is_the_table_linearised_once(plan):
    for page, (_, rows) in zip(plan.pages, expected_pages(), strict=True):
        cells = ["\n\n".join(t for t in row if t.strip()) for row in page.tables[0].texts()]
        table_text = "\n\n".join(r for r in cells if r)
        assert page.text.endswith(table_text)
        outside = page.text[: len(page.text) - len(table_text)]
        assert outside.strip() == ("" if page.number > 1 else squash(synthetic.MILESTONE_CAPTION))
        for row in rows:
            assert squash(page.text).count(squash(row.title)) == 1
    assert "å" in plan.text and "ä" in plan.text and "ö" in plan.text and "Ö" in plan.text


def test_years_are_not_split_into_digits_in_text(plan):
    lines = plan.text.split("\n")
    assert lines.count("2023") == sum(1 for r in ROWS if r.year == 2023)
    assert not any(re.fullmatch(r"[0-9]", ln) for ln in lines)
    assert "Digitalisering" in lines


def test_two_page_table_caption_is_furniture_by_its_wording(tmp_path):
    # with two pages "Fortsättning Tabell 1" occurs once: it is recognised by its words
    rows = [r for r in ROWS if r.area == "Nära vård"]
    path = synthetic.render_milestone_table_pdf(
        tmp_path / "t.pdf", rows, sample_data.SAMPLE_MALBILDER, synthetic.EFFEKTMAL
    )
    doc = read_pdf(path, "t")
    assert len(doc.pages) == 2
    assert doc.pages[1].furniture[0].startswith("Fortsättning Tabell 1.")
    assert "2023-POL000009-001" in doc.pages[1].furniture
    assert doc.pages[0].text.startswith("Tabell 1.")


def test_clockwise_rotated_text_reads_top_to_bottom(tmp_path):
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "cw.pdf"
    canvas = Canvas(str(path), pagesize=(400, 400))
    canvas.setFont("Helvetica", 10)
    canvas.drawString(50, 350, "Rubrik för sidan")
    canvas.saveState()
    canvas.translate(200, 300)
    canvas.rotate(-90)
    canvas.drawString(0, 0, "Fysisk infrastruktur")
    canvas.restoreState()
    canvas.save()
    doc = read_pdf(path, "cw")
    assert doc.pages[0].text.split("\n")[-1] == "Fysisk infrastruktur"
    assert "Rubrik för sidan" in doc.text


def test_viljeriktning_bullets_are_separate_lines_in_their_cell(tmp_path):
    path = synthetic.render_viljeriktning_table_pdf(
        tmp_path / "v.pdf", sample_data.SAMPLE_VILJERIKTNINGAR
    )
    doc = read_pdf(path, "v")
    (table,) = doc.pages[0].tables
    texts = table.texts()
    assert [squash(t) for t in texts[0]] == ["Grupp", "Område", "Viljeriktning"]
    assert len(texts) == 1 + len(sample_data.SAMPLE_VILJERIKTNINGAR)
    for row, (_group, area, directions) in zip(
        texts[1:], sample_data.SAMPLE_VILJERIKTNINGAR, strict=True
    ):
        assert squash(row[1]) == area
        bullets = re.split(r"\n(?=• )", row[2])
        assert [squash(b) for b in bullets] == [f"• {d}" for d in directions]
    # the group is written once per group, the spanned cell below it is empty
    assert [squash(r[0]) for r in texts[1:]] == [
        "Processer och arbetssätt",
        "",
        "Organisation och styrning",
    ]
    assert not doc.pages[0].landscape


def test_prose_keeps_paragraphs_and_drops_header_and_page_numbers(tmp_path):
    words = [
        *("vård", "hälsa", "närhet", "invånare", "Skåne", "primärvård", "samverkan"),
        *("digitalisering", "medarbetare", "kvalitet", "tillgänglighet", "patient"),
        *("förebyggande", "insatser", "öppenvård", "äldre"),
    ]
    paras = [
        " ".join(words[(i * 7 + k * 3) % len(words)] for k in range(25 + (i * 13) % 60)) + "."
        for i in range(40)
    ]
    path = synthetic.render_text_pdf(tmp_path / "p.pdf", paras, title="Verksamhetsplan 2024")
    doc = read_pdf(path, "p")
    n = len(doc.pages)
    assert n >= 3
    for page in doc.pages:
        assert page.furniture == [
            "Region Skåne – Framtidens hälsosystem",
            f"Sida {page.number} av {n}",
        ]
        assert "Sida" not in page.text and "Region Skåne" not in page.text
        assert page.tables == []  # prose is never taken for a table
    assert squash(" ".join(p.text for p in doc.pages)) == squash(
        " ".join(["Verksamhetsplan 2024", *paras])
    )
    first = paragraphs(doc.pages[0].text)
    assert first[0] == "Verksamhetsplan 2024"
    assert first[1:3] == paras[:2]


def test_table_ruled_only_horizontally_is_found_with_its_header(tmp_path):
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, TableStyle
    from reportlab.platypus import Table as RLTable

    style = getSampleStyleSheet()["Normal"]  # Helvetica: å, ä, ö through WinAnsi
    rows = [
        ["Område", "Aktivitet", "År"],
        ["Nära vård", "Hembesök för äldre", "2024"],
        ["Digitalisering", "Chatt i 1177", "2025"],
    ]
    table = RLTable(rows, colWidths=[150, 200, 60])
    table.setStyle(
        TableStyle(
            [
                ("LINEABOVE", (0, 0), (-1, 0), 0.8, "black"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.5, "black"),
                ("FONTNAME", (0, 0), (-1, -1), style.fontName),
            ]
        )
    )
    path = tmp_path / "h.pdf"
    SimpleDocTemplate(str(path)).build(
        [Paragraph("Tabell 2. Aktiviteter", style), table, Paragraph("Text efter.", style)]
    )
    doc = read_pdf(path, "h")
    (found,) = doc.pages[0].tables
    assert found.texts() == rows
    assert doc.text == "Tabell 2. Aktiviteter\n\n" + "\n\n".join(sum(rows, [])) + "\n\nText efter."


@pytest.mark.slow  # reads the 16-page plan PDF
def test_read_document_dispatches_pdf(plan_pdf):
    doc = read_document(plan_pdf)
    assert doc.doc_id == "genomforandeplan" and len(doc.pages) == 5


# --- bad files -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("maker", "error", "words"),
    [
        (broken_files.make_encrypted_pdf, EncryptedDocumentError, "password-protected"),
        (broken_files.make_scanned_pdf, NoTextLayerError, "ocrmypdf"),
        (broken_files.make_corrupt_pdf, CorruptDocumentError, "truncated"),
        (broken_files.make_empty_pdf, EmptyDocumentError, "no text"),
    ],
)
def test_bad_pdf_raises_input_error_naming_file_and_problem(tmp_path, maker, error, words):
    path = maker(tmp_path / "bad.pdf")
    with pytest.raises(error) as info:
        read_pdf(path, "bad")
    assert isinstance(info.value, InputError)
    assert str(path) in str(info.value)
    assert words in str(info.value)


def test_text_file_named_pdf_is_corrupt(tmp_path):
    path = tmp_path / "notes.pdf"
    path.write_text("Anteckningar om nära vård", "utf-8")
    with pytest.raises(CorruptDocumentError, match="is not a PDF"):
        read_pdf(path, "notes")


def test_pdf_cut_in_the_middle_is_corrupt(plan_pdf, tmp_path):
    data = plan_pdf.read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptDocumentError) as info:
        read_pdf(path, "cut")
    assert str(path) in str(info.value)


def test_owner_password_only_is_read(tmp_path):
    path = broken_files.make_encrypted_pdf(tmp_path / "owner.pdf", user_password="")
    doc = read_pdf(path, "owner")
    assert "Vårdcentralen Östra Sorgenfri" in doc.text


def test_scanned_page_in_a_text_pdf_gives_a_warning(tmp_path):
    import pypdf

    scan = broken_files.make_scanned_pdf(tmp_path / "scan.pdf")
    text = synthetic.render_text_pdf(tmp_path / "text.pdf", ["Nära vård i Skåne."])
    writer = pypdf.PdfWriter()
    for source in (text, scan):
        writer.append(str(source))
    mixed = tmp_path / "mixed.pdf"
    with mixed.open("wb") as fh:
        writer.write(fh)
    doc = read_pdf(mixed, "mixed")
    assert "Nära vård i Skåne." in doc.pages[0].text
    assert doc.pages[1].text == ""
    assert any("pages 2" in w and "OCR" in w for w in doc.warnings)
