"""Reader units for scoring: a list with its heading or lead-in, exact provenance."""

from __future__ import annotations

from pathlib import Path

from fhs_nlp.ingest import read_document
from fhs_nlp.segment.passages import group_lists, split_passages

ROOT = Path(__file__).resolve().parent.parent
REAL_DOCS = ROOT / "eval" / "gold" / "real" / "documents"


def _doc(tmp_path: Path, text: str, name: str = "plan.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_document(path, "t")


def test_group_lists_heading_and_items_are_one_unit(tmp_path):
    doc = _doc(tmp_path, "# Plan\n\n## Hälsa\n\n- Hälsosamtal för alla 40-åringar\n"
                         "- Tobaksavvänjning på vårdcentralen\n- Fysisk aktivitet på recept\n\n"
                         "Ett avslutande stycke om uppföljning av arbetet under året.\n")
    units = group_lists(split_passages(doc), doc)
    lists = [u for u in units if u.kind == "list"]
    assert len(lists) == 1
    unit = lists[0]
    assert unit.heading == "Hälsa"
    assert "Hälsosamtal för alla 40-åringar; Tobaksavvänjning" in unit.text
    span = doc.text[unit.char_start:unit.char_end]
    assert span.startswith("- Hälsosamtal") and span.rstrip().endswith("på recept")
    assert unit.line_start == doc.line_of(unit.char_start)
    assert [u.index for u in units] == list(range(len(units)))


def test_group_lists_lead_in_sentence_joins_its_list(tmp_path):
    doc = _doc(tmp_path, "Vi ska under året:\n\n- öppna en mottagning för unga\n"
                         "- erbjuda hembesök till de mest sköra\n", name="plan.txt")
    units = group_lists(split_passages(doc), doc)
    (unit,) = [u for u in units if u.kind == "list"]
    assert unit.text.startswith("Vi ska under året:")
    assert unit.heading == "Vi ska under året"
    assert doc.text[unit.char_start:].startswith("Vi ska under året:")
    assert not any(u.kind == "paragraph" and u.text == "Vi ska under året:" for u in units)


def test_group_lists_long_list_is_cut_between_items(tmp_path):
    items = "".join(f"- Punkt {i} om en åtgärd som vårdcentralen genomför under året\n"
                    for i in range(30))
    doc = _doc(tmp_path, "## Åtgärder\n\n" + items)
    units = [u for u in group_lists(split_passages(doc), doc, max_words=60) if u.kind == "list"]
    assert len(units) > 1
    assert all(u.n_words <= 60 for u in units)
    assert all(u.heading == "Åtgärder" for u in units)
    assert sum(u.text.count("Punkt") for u in units) == 30


def test_group_lists_on_real_pages_keeps_spans_exact():
    paths = sorted(REAL_DOCS.glob("*.md"))
    assert len(paths) >= 30
    for path in paths[:12]:
        doc = read_document(path, path.stem)
        for u in group_lists(split_passages(doc), doc):
            span = doc.text[u.char_start:u.char_end]
            first = u.text.split(";")[0].split()[:3]
            assert all(w.strip("*_[]()") in span for w in first), (path.name, u.text, span)
            assert u.page == doc.page_of(u.char_start)
