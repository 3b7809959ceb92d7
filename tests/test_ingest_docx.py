"""read_docx on generated Word files: block order, lists, tables, page breaks, bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from fhs_nlp.errors import CorruptDocumentError, EmptyDocumentError, InputError
from fhs_nlp.ingest import read_document
from fhs_nlp.ingest.docx import read_docx
from fhs_nlp.synthetic import broken_files
from fhs_nlp.synthetic import documents as synthetic

docx = pytest.importorskip("docx")

PLAN_BLOCKS = [
    ("heading", "Verksamhetsplan 2024 – Vårdcentralen Åby"),
    ("paragraph", "Vi arbetar för en nära vård där invånarens behov står i centrum."),
    ("heading", ("Mål för året", 2)),
    ("bullet", "Öka tillgängligheten via digitala vårdmöten"),
    ("bullet", "Förebyggande insatser för äldre"),
    (
        "table",
        [
            ["Insatsområde", "Aktivitet"],
            ["Nära vård", "Hembesök för multisjuka äldre"],
            ["Digitalisering", "Chattfunktion i 1177 Vårdguiden"],
        ],
    ),
    ("paragraph", "Uppföljning sker kvartalsvis i ledningsgruppen."),
]

PLAN_TEXT = (
    "Verksamhetsplan 2024 – Vårdcentralen Åby\n\n"
    "Vi arbetar för en nära vård där invånarens behov står i centrum.\n\n"
    "Mål för året\n\n"
    "- Öka tillgängligheten via digitala vårdmöten\n"
    "- Förebyggande insatser för äldre\n\n"
    "Insatsområde\n\nAktivitet\n\n"
    "Nära vård\n\nHembesök för multisjuka äldre\n\n"
    "Digitalisering\n\nChattfunktion i 1177 Vårdguiden\n\n"
    "Uppföljning sker kvartalsvis i ledningsgruppen."
)


@pytest.fixture
def plan_docx(tmp_path) -> Path:
    return synthetic.render_docx(tmp_path / "verksamhetsplan.docx", PLAN_BLOCKS)


def test_blocks_keep_document_order(plan_docx):
    doc = read_docx(plan_docx, "vp")
    assert doc.text == PLAN_TEXT
    assert doc.source_format == "docx"


def test_without_page_breaks_there_is_one_page_without_numbers(plan_docx):
    doc = read_docx(plan_docx, "vp")
    assert len(doc.pages) == 1
    assert not doc.has_page_numbers
    assert doc.provenance(0, 10).page is None


def test_table_cells_are_kept_on_the_page(plan_docx):
    doc = read_docx(plan_docx, "vp")
    (table,) = doc.pages[0].tables
    assert table.page == 1
    assert table.texts() == PLAN_BLOCKS[5][1]


def test_page_breaks_split_pages(tmp_path):
    path = synthetic.render_docx(
        tmp_path / "tva.docx",
        [
            ("heading", "Del 1"),
            ("paragraph", "Första sidan."),
            ("page_break", None),
            ("heading", "Del 2"),
            ("table", [["Område", "Mål"], ["Medarbetare", "Hållbar arbetsmiljö"]]),
        ],
    )
    doc = read_docx(path, "tva")
    assert doc.has_page_numbers
    assert [p.text for p in doc.pages] == [
        "Del 1\n\nFörsta sidan.",
        "Del 2\n\nOmråde\n\nMål\n\nMedarbetare\n\nHållbar arbetsmiljö",
    ]
    assert doc.pages[1].tables[0].page == 2
    start = doc.text.index("Del 2")
    assert doc.provenance(start, start + 5).page == 2


def test_rendered_page_break_after_explicit_break_makes_no_empty_page(tmp_path):
    from docx.oxml import OxmlElement

    document = docx.Document()
    document.add_paragraph("Sida ett om hälsa.")
    document.add_page_break()
    paragraph = document.add_paragraph()
    run = paragraph.add_run()
    run._r.append(OxmlElement("w:lastRenderedPageBreak"))
    paragraph.add_run("Sida två om vård.")
    last = document.add_paragraph("Fortsatt text ")
    last.add_run()._r.append(OxmlElement("w:lastRenderedPageBreak"))
    last.add_run("på sida tre.")
    path = tmp_path / "rendered.docx"
    document.save(str(path))
    doc = read_docx(path, "r")
    assert [p.text for p in doc.pages] == [
        "Sida ett om hälsa.",
        "Sida två om vård.\n\nFortsatt text",
        "på sida tre.",
    ]


def test_merged_cells_and_header_footer(tmp_path):
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Region Skåne – Vårdcentralen Åby"
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Nära vård"
    table.cell(0, 2).text = "2024"
    table.cell(1, 0).text = "Hembesök"
    table.cell(1, 1).add_paragraph("Mobil vård")
    table.cell(1, 2).text = "2025"
    path = tmp_path / "merged.docx"
    document.save(str(path))
    doc = read_docx(path, "m")
    assert doc.pages[0].tables[0].texts() == [
        ["Nära vård", "", "2024"],
        ["Hembesök", "Mobil vård", "2025"],
    ]
    assert doc.pages[0].furniture == ["Region Skåne – Vårdcentralen Åby"]
    assert "Region Skåne" not in doc.text


def test_fake_docx_is_corrupt_with_path_in_message(tmp_path):
    path = broken_files.make_fake_docx(tmp_path / "plan.docx")
    with pytest.raises(CorruptDocumentError) as info:
        read_docx(path, "plan")
    message = str(info.value)
    assert str(path) in message
    assert "is not a Word document (.docx)" in message and "save as .docx" in message
    assert "plain text" in message


def test_pdf_renamed_to_docx_says_it_is_a_pdf(tmp_path):
    path = tmp_path / "plan.docx"
    path.write_bytes(broken_files.make_empty_pdf(tmp_path / "x.pdf").read_bytes())
    with pytest.raises(CorruptDocumentError, match="it is a PDF file"):
        read_document(path)


def test_zip_that_is_not_word_is_corrupt(tmp_path):
    import zipfile

    path = tmp_path / "arkiv.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("readme.txt", "ingen Word-fil")
    with pytest.raises(CorruptDocumentError, match="not a Word document"):
        read_docx(path, "arkiv")


def test_empty_docx_is_empty(tmp_path):
    path = synthetic.render_docx(tmp_path / "tom.docx", [("paragraph", "   ")])
    with pytest.raises(EmptyDocumentError) as info:
        read_docx(path, "tom")
    assert isinstance(info.value, InputError) and str(path) in str(info.value)


def test_read_document_dispatches_docx(plan_docx):
    doc = read_document(plan_docx)
    assert doc.doc_id == "verksamhetsplan"
    assert doc.text == PLAN_TEXT


def test_text_box_is_read_once_not_also_from_its_fallback_copy(tmp_path):
    from docx.oxml import parse_xml

    document = docx.Document()
    paragraph = document.add_paragraph("Före ")
    paragraph._p.append(
        parse_xml(
            '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
            'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
            "<mc:AlternateContent>"
            "<mc:Choice><w:txbxContent><w:p><w:r><w:t>Ruta om vård</w:t></w:r></w:p>"
            "</w:txbxContent></mc:Choice>"
            "<mc:Fallback><w:txbxContent><w:p><w:r><w:t>Ruta om vård</w:t></w:r></w:p>"
            "</w:txbxContent></mc:Fallback>"
            "</mc:AlternateContent></w:r>"
        )
    )
    path = tmp_path / "ruta.docx"
    document.save(str(path))
    assert read_docx(path, "ruta").text == "Före Ruta om vård"


def test_nested_table_stays_inside_its_cell(tmp_path):
    document = docx.Document()
    outer = document.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "Nära vård"
    inner = outer.cell(0, 1).add_table(rows=2, cols=1)
    inner.cell(0, 0).text = "Hembesök"
    inner.cell(1, 0).text = "Mobila team"
    path = tmp_path / "nested.docx"
    document.save(str(path))
    doc = read_docx(path, "n")
    assert doc.pages[0].tables[0].texts() == [["Nära vård", "Hembesök\nMobila team"]]
    assert doc.text == "Nära vård\n\nHembesök\nMobila team"
