"""The generators make the files they promise: checked with pdfplumber/pypdf directly,
not through fhs-nlp's readers, so a reader bug cannot hide a generator bug."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from fhs_nlp.synthetic import broken_files, sample_data
from fhs_nlp.synthetic import documents as synthetic

pdfplumber = pytest.importorskip("pdfplumber")
pytest.importorskip("reportlab")

CORPUS_002 = (
    Path(__file__).resolve().parent.parent / "corpus" / "texts" / "002_31beb24573b96ab1.txt"
)


def squash(text: str) -> str:
    return " ".join(text.split())


def test_sample_rows_are_copied_from_corpus_002():
    corpus = squash(CORPUS_002.read_text("utf-8"))
    for row in sample_data.SAMPLE_MILESTONE_ROWS:
        assert squash(row.title) in corpus, row.title
        if row.previous_wording:
            assert squash(f"Omformulering av milstolpe 2022: {row.previous_wording}") in corpus
    for statement, bullets in sample_data.SAMPLE_MALBILDER.values():
        assert squash(statement) in corpus or statement.split(".")[0] in corpus
        assert bullets


def test_effect_lines_put_tags_in_parentheses():
    row = sample_data.MilestoneRowSpec(
        "Nära vård", 2023, "T", "D", [("Tryggare patient", ["inv", "sys"]), ("Utan tagg", [])]
    )
    assert row.effect_lines() == ["Tryggare patient (inv, sys)", "Utan tagg"]


@pytest.mark.slow  # draws the milestone PDF
def test_milestone_pdf_layout(tmp_path):
    rows = sample_data.SAMPLE_MILESTONE_ROWS
    path = synthetic.render_milestone_table_pdf(
        tmp_path / "t1.pdf", rows, sample_data.SAMPLE_MALBILDER, synthetic.EFFEKTMAL,
        rows_per_page=3,
    )
    with pdfplumber.open(path) as pdf:
        # 5 + 5 + 4 rows, 3 per page, new page per area: 2 + 2 + 2 pages
        assert len(pdf.pages) == 6
        for number, page in enumerate(pdf.pages, start=1):
            assert page.width > page.height  # landscape A4
            text = page.extract_text()
            caption = "Fortsättning Tabell 1." if number > 1 else "Tabell 1."
            assert text.startswith(caption)
            assert "2023-POL000009-001" in text and f"{number} (6)" in text
            rotated = [c for c in page.chars if not c["upright"]]
            assert rotated, "area label (and years) must be drawn rotated"
            assert all(c["matrix"][1] > 0 for c in rotated)  # counter-clockwise
            (table,) = page.find_tables()
            assert len(table.rows[0].cells) == 6
        chars = "".join(c["text"] for p in pdf.pages for c in p.chars)
        assert all(letter in chars for letter in "åäöÖ")


def test_milestone_pdf_new_page_when_area_changes(tmp_path):
    rows = sample_data.SAMPLE_MILESTONE_ROWS
    path = synthetic.render_milestone_table_pdf(
        tmp_path / "t.pdf",
        rows,
        sample_data.SAMPLE_MALBILDER,
        synthetic.EFFEKTMAL,
        rows_per_page=10,
        case_number="2020-POL000027",
    )
    with pdfplumber.open(path) as pdf:
        assert len(pdf.pages) == 3
        assert "2020-POL000027" in pdf.pages[0].extract_text()


def test_milestone_pdf_rejects_bad_rows_per_page(tmp_path):
    with pytest.raises(ValueError, match="rows_per_page"):
        synthetic.render_milestone_table_pdf(tmp_path / "x.pdf", [], {}, [], rows_per_page=0)


def test_text_pdf_has_header_and_page_of_total(tmp_path):
    paras = [f"Stycke {i}: " + "nära vård och hälsa i Skåne " * 30 for i in range(12)]
    path = synthetic.render_text_pdf(tmp_path / "p.pdf", paras, title="Utkast")
    with pdfplumber.open(path) as pdf:
        n = len(pdf.pages)
        assert n >= 2
        for number, page in enumerate(pdf.pages, start=1):
            text = page.extract_text()
            assert text.startswith("Region Skåne – Framtidens hälsosystem")
            assert text.rstrip().endswith(f"Sida {number} av {n}")


def test_render_docx_writes_blocks_and_rejects_unknown_kinds(tmp_path):
    import docx

    path = synthetic.render_docx(
        tmp_path / "a.docx",
        [("heading", "Rubrik"), ("bullet", "Punkt"), ("table", [["a", "b"], ["c", "d"]])],
    )
    document = docx.Document(str(path))
    assert [p.style.name for p in document.paragraphs] == ["Heading 1", "List Bullet"]
    assert document.tables[0].cell(1, 1).text == "d"
    with pytest.raises(ValueError, match="unknown block kind 'image'"):
        synthetic.render_docx(tmp_path / "b.docx", [("image", None)])


def test_bad_file_makers(tmp_path):
    import pypdf

    encrypted = broken_files.make_encrypted_pdf(tmp_path / "e.pdf")
    reader = pypdf.PdfReader(encrypted)
    assert reader.is_encrypted and reader.decrypt("") == pypdf.PasswordType.NOT_DECRYPTED
    owner_only = pypdf.PdfReader(
        broken_files.make_encrypted_pdf(tmp_path / "o.pdf", user_password="")
    )
    assert owner_only.is_encrypted and owner_only.decrypt("") != pypdf.PasswordType.NOT_DECRYPTED

    with pdfplumber.open(broken_files.make_scanned_pdf(tmp_path / "s.pdf")) as pdf:
        assert pdf.pages[0].images and not pdf.pages[0].chars

    corrupt = broken_files.make_corrupt_pdf(tmp_path / "c.pdf").read_bytes()
    assert corrupt.startswith(b"%PDF") and b"%%EOF" not in corrupt

    with pdfplumber.open(broken_files.make_empty_pdf(tmp_path / "empty.pdf")) as pdf:
        assert len(pdf.pages) == 1 and not pdf.pages[0].chars and not pdf.pages[0].images

    fake = broken_files.make_fake_docx(tmp_path / "f.docx")
    assert not zipfile.is_zipfile(fake)
    assert re.search("ingen Word-fil", fake.read_text("utf-8"))
