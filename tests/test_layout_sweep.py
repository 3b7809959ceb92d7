"""The layout sweep: the 70 milestones of the plan in many layouts give the text path's records.

Every layout of :data:`fhs_nlp.synthetic.layouts.SWEEP` is drawn once per session (reportlab, Word,
Word converted by LibreOffice), read back, and compared with the milestones the text
path reads from corpus 002: recall, precision, year and area accuracy must all be 1.00,
and no warning that a field was lost may be raised. Layouts the reader cannot read yet
must say so with a warning instead of returning nothing silently.
"""

from __future__ import annotations

import pytest

from fhs_nlp.errors import STRICT_WARNING_CODES, IncompleteTableError
from fhs_nlp.extract.milestones import extract_milestones
from fhs_nlp.extract.pipeline import extract_paths
from fhs_nlp.extract.table_roles import header_role
from fhs_nlp.ingest import read_document
from fhs_nlp.synthetic import documents as synthetic
from fhs_nlp.synthetic import layout_scoring, layouts, sample_data, viljeriktning_layouts

#: layouts the reader does not read yet (none): each must warn (W114), never return nothing
UNREAD: set[str] = set()


@pytest.fixture(scope="session")
def sweep_files(tmp_path_factory, plan_extraction):
    """Renders a layout the first time a test asks for it; one file per layout a session."""
    folder = tmp_path_factory.mktemp("layouts")
    rows = sample_data.rows_from_records(plan_extraction.milestones)
    cache: dict[str, object] = {}

    def get(layout: layouts.Layout):
        if layout.name not in cache:
            cache[layout.name] = layouts.render(layout, rows, folder)
        return cache[layout.name]

    return get


def _read(sweep_files, layout):
    if layout.engine == "libreoffice" and layouts.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed: `make setup` installs it as root, "
                    "or apt-get install libreoffice-writer-nogui")
    path = sweep_files(layout)
    return path, extract_milestones(read_document(path, layout.name))


@pytest.mark.parametrize(
    "layout", [pytest.param(x, id=x.name) for x in layouts.SWEEP if x.name not in UNREAD]
)
@pytest.mark.slow  # draws and reads every layout of the sweep
def test_layout_gives_the_text_path_milestones(layout, sweep_files, plan_extraction):
    _, found = _read(sweep_files, layout)
    score = layout_scoring.score(found.milestones, plan_extraction.milestones, found.warnings)
    assert (score.recall, score.precision, score.year, score.area) == (1.0, 1.0, 1.0, 1.0), \
        score.line()
    assert (score.description, score.effects) == (1.0, 1.0), score.line()
    lost = [w for w in found.warnings if w.code in STRICT_WARNING_CODES]
    assert not lost, [w.message for w in lost]


#: layouts that cannot be read exactly: years merged over rows in a borderless table look
#: like rows without a year. They must say so (W111), and lose nothing else.
LOSSY = (
    layouts.Layout("lo-borderless-mergedyear", "libreoffice", year="merged", area="merged",
                   tables="per_area", split_rows=True, ruled=False),
)


@pytest.mark.parametrize("layout", [pytest.param(x, id=x.name) for x in LOSSY])
@pytest.mark.slow  # draws and reads every layout of the sweep
def test_layout_that_loses_a_field_says_so(layout, sweep_files, plan_extraction):
    _, found = _read(sweep_files, layout)
    score = layout_scoring.score(found.milestones, plan_extraction.milestones, found.warnings)
    assert (score.recall, score.precision, score.area) == (1.0, 1.0, 1.0), score.line()
    assert score.year < 1.0  # the years merged over rows are not in those rows' cells
    w111 = [w for w in found.warnings if w.code == "W111"]
    assert w111 and w111[0].level == "warning" and "year column" in w111[0].message
    assert w111[0].provenance is not None and w111[0].provenance.page == 1


@pytest.mark.slow  # draws and reads every layout of the sweep
def test_table_the_reader_cannot_read_is_reported_not_silent(sweep_files, monkeypatch):
    """Without the borderless reader, the borderless table gives no rows: that is a
    warning naming the page, not an empty result."""
    from fhs_nlp.ingest import pdf_tables

    layout = next(x for x in layouts.SWEEP if x.name == "rl-borderless")
    monkeypatch.setattr(pdf_tables, "find_borderless_tables",
                        lambda page, chars, previous: ([], None))
    path = sweep_files(layout)
    found = extract_milestones(read_document(path, layout.name))
    assert found.milestones == []
    w114 = [w for w in found.warnings if w.code == "W114"]
    assert w114 and w114[0].level == "warning" and "page 1" in w114[0].message
    with pytest.raises(IncompleteTableError, match="W114"):
        extract_paths([path], strict=True)


@pytest.mark.slow  # draws and reads every layout of the sweep
def test_split_rows_are_joined_and_said_so(sweep_files):
    layout = next(x for x in layouts.SWEEP if x.name == "lo-onetable")
    _, found = _read(sweep_files, layout)
    joined = [w for w in found.warnings if w.code == "W112"]
    assert joined and all(w.level == "info" for w in joined)
    assert all(w.provenance is not None and w.provenance.page for w in joined)


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("År\n20\n23\n-2\n6", "year"),
        ("År 2023-\n26", "year"),
        ("Årtal", "year"),
        ("År", "year"),
        ("Milstol-\npe", "milestone"),
        ("Milstolpar 2023–2026", "milestone"),
        ("Effekter…", "effects"),
        ("Effekter av uppnådd milstolpe på kort sikt för invånarna (inv)", "effects"),
        ("Övergripande effektmål", "effektmal"),
        ("Målbilder per insatsområde", "malbild"),
        ("Insats-\nområde", "area"),
        ("Årsredovisning", None),
    ],
)
def test_header_roles_however_wrapped_or_worded(text, role):
    assert header_role(text) == role


HEADER = ["Insatsområde", "Period", "Milstolpe", "Effekter"]


def _docx_table(tmp_path, body):
    return synthetic.render_docx(
        tmp_path / "plan.docx",
        [("paragraph", "Tabell 1. Milstolpar."), ("table", [HEADER, *body])],
    )


def _rows(plan_extraction, n=12):
    return [
        [m.area, str(m.year or ""), f"{m.title}\n{m.description}".strip(),
         "\n".join(f"{e.text} ({', '.join(e.targets)})" for e in m.effects)]
        for m in plan_extraction.milestones[:n]
    ]


def test_year_column_empty_on_most_rows_is_a_warning_and_fails_strict(tmp_path, plan_extraction):
    """Years written once per area and left out below (not merged): the year column is
    empty on most rows. That is reported, and --strict refuses the file."""
    body = _rows(plan_extraction)
    seen = set()
    for row in body:
        if row[0] in seen:
            row[1] = ""
        seen.add(row[0])
    path = _docx_table(tmp_path, body)
    found = extract_milestones(read_document(path, "plan"))
    assert len(found.milestones) == 12
    w111 = [w for w in found.warnings if w.code == "W111"]
    assert w111 and w111[0].level == "warning" and "year column" in w111[0].message
    with pytest.raises(IncompleteTableError, match="W111"):
        extract_paths([path], strict=True)
    assert extract_paths([path]).documents[0].status == "partial"


def test_row_read_twice_is_flagged_and_kept_once(tmp_path, plan_extraction):
    body = _rows(plan_extraction, 5)
    body.insert(3, list(body[2]))
    found = extract_milestones(read_document(_docx_table(tmp_path, body), "plan"))
    assert [m.title for m in found.milestones] == [
        m.title for m in plan_extraction.milestones[:5]
    ]
    assert [w.code for w in found.warnings if w.level == "warning"] == ["W113"]


def test_unrecognised_year_header_found_by_content(tmp_path, plan_extraction):
    """"Period" names no role; the column is the year column because its cells are years."""
    found = extract_milestones(read_document(_docx_table(tmp_path, _rows(plan_extraction)),
                                             "plan"))
    assert [m.year for m in found.milestones] == [
        m.year for m in plan_extraction.milestones[:12]
    ]
    assert not [w for w in found.warnings if w.level == "warning"]


# --- the viljeriktning table ---------------------------------------------------------


@pytest.fixture(scope="session")
def strategy(corpus_docs):
    from fhs_nlp.extract.viljeriktningar import extract_viljeriktningar

    return extract_viljeriktningar(corpus_docs["000"])


@pytest.mark.parametrize("layout",
                         [pytest.param(x, id=x.name) for x in viljeriktning_layouts.VSWEEP])
@pytest.mark.slow  # draws and reads every layout of the sweep
def test_viljeriktning_layout_gives_the_text_path_statements(layout, strategy, tmp_path):
    """Group, area and statements in cells: merged group cells, statements as bullets or
    as plain paragraphs, rows split by a page break (LibreOffice)."""
    from fhs_nlp.extract.viljeriktningar import extract_viljeriktningar

    if layout.engine == "libreoffice" and layouts.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed: `make setup` installs it as root")
    rows = [
        (a.group_in_source or a.group, a.name,
         [v.text for v in strategy.viljeriktningar if v.area == a.name])
        for a in strategy.areas
    ]
    path = viljeriktning_layouts.render_viljeriktningar(layout, rows, tmp_path)
    found = extract_viljeriktningar(read_document(path, layout.name))
    assert layout_scoring.score_viljeriktningar(found, strategy) == {
        "recall": 1.0, "precision": 1.0, "group": 1.0
    }
    assert [(a.name, a.group) for a in found.areas] == [(a.name, a.group) for a in strategy.areas]
    assert not [w for w in found.warnings if w.level == "warning"]


def test_viljeriktning_table_without_known_areas_is_reported(tmp_path):
    from fhs_nlp.extract.viljeriktningar import extract_viljeriktningar

    path = synthetic.render_docx(tmp_path / "v.docx", [("table", [
        ["Grupp", "Område", "Viljeriktning"],
        ["Processer", "Personcentrering i praktiken 2.0", "Alla ska mötas med respekt"],
    ])])
    found = extract_viljeriktningar(read_document(path, "v"))
    assert found.viljeriktningar == []
    assert [w.code for w in found.warnings] == ["W204", "W205"]


def test_two_rows_read_as_one_are_flagged(tmp_path, plan_extraction):
    """A rule line missing between two rows: one cell holds both years, both titles."""
    body = _rows(plan_extraction, 8)
    k = next(i for i in range(len(body) - 1)
             if body[i][1] and body[i + 1][1] and body[i][1] != body[i + 1][1])
    first, second = body[k], body.pop(k + 1)
    body[k] = [first[0], f"{first[1]}\n{second[1]}", f"{first[2]}\n{second[2]}",
               f"{first[3]}\n{second[3]}"]
    path = _docx_table(tmp_path, body)
    found = extract_milestones(read_document(path, "plan"))
    w115 = [w for w in found.warnings if w.code == "W115"]
    assert w115 and w115[0].level == "warning" and "two milestone rows" in w115[0].message
    assert f"{first[1]}, {second[1]}" in w115[0].message
    with pytest.raises(IncompleteTableError, match="W115"):
        extract_paths([path], strict=True)


def test_cli_extract_strict_fails_on_a_table_not_read_fully(tmp_path, plan_extraction):
    from typer.testing import CliRunner

    from fhs_nlp.cli.main import app

    body = _rows(plan_extraction)
    for row in body[1:]:
        row[1] = ""
    path = _docx_table(tmp_path, body)
    result = CliRunner().invoke(app, ["extract", str(path), "--out", str(tmp_path / "out"),
                                      "--strict", "--quiet"])
    assert result.exit_code == 1
    assert "E108" in result.output and "W111" in result.output and "plan.docx" in result.output
    relaxed = CliRunner().invoke(app, ["extract", str(path), "--out", str(tmp_path / "out2"),
                                       "--quiet"])
    assert relaxed.exit_code == 0
    warnings = (tmp_path / "out2" / "warnings.jsonl").read_text(encoding="utf-8")
    assert "W111" in warnings
