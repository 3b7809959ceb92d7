"""The bundled example draft (examples/): generated files up to date, readable, labelled
consistently with the corpus records."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

from fhs_nlp.datamodel.vocabulary import AREAS
from fhs_nlp.ingest import read_document

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
STEM = "verksamhetsplan_2027_vardcentralen_linneasand"
SOURCE = EXAMPLES / f"{STEM}.md"
PDF = EXAMPLES / f"{STEM}.pdf"
DOCX = EXAMPLES / f"{STEM}.docx"
LABELS = EXAMPLES / "labels.json"
SLUGS = {a.slug for a in AREAS}


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_examples", EXAMPLES / "build_examples.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_examples", module)
    spec.loader.exec_module(module)
    return module


def _words(text: str) -> str:
    """Whitespace-normalised text without bullet glyphs, for layout-independent comparison."""
    return " ".join(text.replace("•", " ").split())


@pytest.fixture(scope="module")
def builder():
    pytest.importorskip("reportlab")
    return _load_builder()


@pytest.fixture(scope="module")
def regenerated(builder, tmp_path_factory) -> tuple[Path, Path]:
    return builder.build(SOURCE, tmp_path_factory.mktemp("examples"))


@pytest.fixture(scope="module")
def labels() -> dict:
    return json.loads(LABELS.read_text("utf-8"))


@pytest.fixture(scope="module")
def source_text() -> str:
    return SOURCE.read_text("utf-8")


# --- generated files ------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_committed_file_matches_markdown(regenerated, suffix):
    fresh = next(p for p in regenerated if p.suffix == suffix)
    committed = EXAMPLES / f"{STEM}{suffix}"
    assert committed.exists(), f"{committed.name} missing: run python examples/build_examples.py"
    old, new = read_document(committed), read_document(fresh)
    assert _words(old.text) == _words(new.text), (
        f"{committed.name} is out of date with {SOURCE.name}: "
        "run python examples/build_examples.py and commit the result"
    )
    assert len(old.pages) == len(new.pages)


def test_regeneration_is_deterministic(builder, regenerated, tmp_path):
    again = builder.build(SOURCE, tmp_path)
    for first, second in zip(regenerated, again, strict=True):
        assert first.read_bytes() == second.read_bytes(), f"{first.name} differs between runs"


def test_pdf_reads_into_at_least_three_pages():
    doc = read_document(PDF)
    assert 3 <= len(doc.pages) <= 5
    assert all(page.text.strip() for page in doc.pages)
    # running header and page numbers are recognised as furniture, not body text
    assert "Sida 1 av" not in doc.text
    assert "Linnéasand" in doc.text and "å" in doc.text and "ö" in doc.text


def test_docx_reads():
    doc = read_document(DOCX)
    assert "Verksamhetsplan 2027" in doc.text
    assert "Patientkontrakt erbjuds" in doc.text


@pytest.mark.parametrize("path", [PDF, DOCX], ids=["pdf", "docx"])
def test_every_block_of_the_source_reaches_the_file(builder, source_text, path):
    text = _words(read_document(path).text)
    for kind, content in builder.parse_markdown(source_text):
        block = content[0] if kind == "heading" else content
        assert _words(block) in text, f"{path.suffix}: missing {kind} {block[:60]!r}"


def test_parse_markdown_shapes(builder):
    blocks = builder.parse_markdown("# T\n\nrad ett\nrad två\n\n- a\n  fortsätter\n- b\n\n## H\n")
    assert blocks == [
        ("heading", ("T", 1)),
        ("paragraph", "rad ett rad två"),
        ("bullet", "a fortsätter"),
        ("bullet", "b"),
        ("heading", ("H", 2)),
    ]


def test_draft_length_and_structure(builder, source_text):
    words = [w for w in source_text.split() if re.search(r"\w", w)]
    assert 1400 <= len(words) <= 2000
    headings = [c[0] for k, c in builder.parse_markdown(source_text) if k == "heading"]
    for expected in (
        "Inledning",
        "Nuläge",
        "Mål och prioriteringar",
        "Aktiviteter",
        "Uppföljning",
        "Ekonomi",
    ):
        assert any(expected in h for h in headings), expected


# --- labels -----------------------------------------------------------------------------


def test_labels_partition_the_areas(labels):
    covered, weak, gaps = (set(labels[k]) for k in ("covered", "weak", "gaps"))
    assert covered | weak | gaps == SLUGS
    assert not (covered & weak or covered & gaps or weak & gaps)
    assert len(labels["covered"]) + len(labels["weak"]) + len(labels["gaps"]) == len(SLUGS)
    assert weak and gaps, "the example must have a weak area and a gap"


def test_labels_viljeriktning_ids(labels, corpus_docs):
    from fhs_nlp.extract.viljeriktningar import extract_viljeriktningar

    known = {v.statement_id for v in extract_viljeriktningar(corpus_docs["000"]).viljeriktningar}
    assert len(known) == 18
    got, missing = labels["viljeriktningar_covered"], labels["viljeriktningar_gaps"]
    assert len(got) == len(set(got)) and len(missing) == len(set(missing))
    assert set(got) | set(missing) == known
    assert not set(got) & set(missing)
    for vid in got:
        slug = vid.split("/")[0]
        assert slug not in labels["gaps"], f"{vid} is covered but its area is a gap"
    for slug in labels["gaps"]:
        assert not [v for v in got if v.startswith(slug + "/")]
    for slug in labels["covered"]:
        assert [v for v in got if v.startswith(slug + "/")], (
            f"covered area {slug} without a viljeriktning"
        )


def test_labels_milestones_exist_in_the_plan(labels, plan_extraction):
    titles = {m.title.strip() for m in plan_extraction.milestones}
    assert labels["milestones_advanced"]
    for title in labels["milestones_advanced"]:
        assert title in titles, f"not a milestone title of the 2023-26 plan: {title!r}"


def test_labels_fokusforflyttningar(labels):
    shifts = labels["fokusforflyttningar"]
    assert 2 <= len(shifts) <= 3
    assert set(shifts) <= {f"shift/{n}" for n in range(1, 6)}


def test_gap_areas_are_really_absent(source_text):
    """Guards the labels if the draft is edited: the gap area's vocabulary stays out."""
    lowered = source_text.lower()
    for term in (
        "nivåstrukturering",
        "profilering",
        "högspecialiserad",
        "koncentration",
        "forskning",
        "utbildning",
        "vårdmiljö",
        "ombyggnad",
        "nybyggnad",
    ):
        assert term not in lowered, term
    digital = re.findall(r"digital|1177|video|e-tjänst|app\b", lowered)
    assert 1 <= len(digital) <= 3, f"Digitalisering should stay a passing mention: {digital}"
