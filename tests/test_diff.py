"""``diff_plans`` and ``fhs-nlp diff`` on revisions of the 2023-2026 plan (002).

The revision is made from the milestones read from the corpus text, with known edits:
one milestone moved a year, one reworded, one moved to another insatsområde, one
removed, one added, and one effect removed from another milestone. Both versions are
drawn as landscape Tabell 1 PDFs and read back, so the diff runs on real structure.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from fhs_nlp.cli.main import app
from fhs_nlp.datamodel.plan_diff import DiffOp
from fhs_nlp.diff.plans import (
    DiffSettings,
    NoMilestoneTableError,
    diff_milestones,
    diff_plans,
    word_diff,
)
from fhs_nlp.report.diff import diff_text, render_markdown
from fhs_nlp.report.diff_html import render_html
from fhs_nlp.synthetic import documents as synthetic
from fhs_nlp.synthetic import sample_data

MOVED_YEAR = "AI kompetenscentrum etablerat"  # Digitalisering, 2024 -> 2025
REWORDED = "Handlingsplan för informationsdriven vård framtagen"  # Nära vård, 2024
REWORDED_TO = "Handlingsplan för datadriven vård beslutad"
MOVED_AREA = "Modell för simulering etablerad"  # Fysisk infrastruktur -> Digitalisering
REMOVED = "Samordnade regiongemensamma arbetstidsmodeller"  # Medarbetare, 2023
LOST_EFFECT = "Skåneövergripande funktion för kunskapsstöd inom prevention"  # 4 effects -> 3
ADDED = sample_data.MilestoneRowSpec(
    area="Nära vård",
    year=2026,
    title="Mobila vårdteam etablerade i alla skånska kommuner",
    description="Mobila team med läkare och sjuksköterskor når invånare med stora vårdbehov "
    "i hemmet, i samverkan med kommunerna.",
    effects=[("Färre akuta inläggningar för sköra äldre", ["inv", "sys"]),
             ("Bättre samordning mellan region och kommun", ["vsh"])],
)


def _index(milestones, start: str) -> int:
    found = [i for i, m in enumerate(milestones) if m.title.startswith(start)]
    assert len(found) == 1, f"{len(found)} milestones titled {start!r}"
    return found[0]


def _revise(milestones) -> list[sample_data.MilestoneRowSpec]:
    """The rows of the revised plan: the known edits applied to a copy of ``milestones``."""
    rows = sample_data.rows_from_records(milestones)
    titles = [m.title for m in milestones]
    rows[_index(milestones, MOVED_YEAR)].year = 2025
    rows[_index(milestones, REWORDED)].title = REWORDED_TO
    lost = rows[_index(milestones, LOST_EFFECT)]
    lost.effects = lost.effects[:1] + lost.effects[2:]
    moved = rows[_index(milestones, MOVED_AREA)]
    moved.area = "Digitalisering"
    removed = rows[_index(milestones, REMOVED)]
    last_digital = max(i for i, r in enumerate(rows) if r.area == "Digitalisering"
                       and r is not moved)
    last_nara = max(i for i, r in enumerate(rows) if r.area == "Nära vård")
    order = []
    for i, row in enumerate(rows):
        if row is moved or row is removed:
            continue
        order.append(row)
        if i == last_nara:
            order.append(ADDED)
        if i == last_digital:
            order.append(moved)
    assert len(order) == len(titles)  # one removed, one added
    return order


def _draw(path, rows, extraction):
    return synthetic.render_milestone_table_pdf(
        path, rows, sample_data.malbilder_from_records(extraction.malbilder), synthetic.EFFEKTMAL
    )


@pytest.fixture(scope="module")
def plan_pdfs(tmp_path_factory, plan_extraction):
    """The 2023-2026 plan drawn as it is (old) and with the known edits (new)."""
    folder = tmp_path_factory.mktemp("diff")
    old = _draw(folder / "plan_2023.pdf", sample_data.rows_from_records(plan_extraction.milestones),
                plan_extraction)
    new = _draw(folder / "plan_2023_rev.pdf", _revise(plan_extraction.milestones),
                plan_extraction)
    return old, new


@pytest.fixture(scope="module")
def revision_diff(plan_pdfs):
    return diff_plans(*plan_pdfs)


@pytest.fixture(scope="module")
def small_plans(tmp_path_factory, plan_extraction):
    """The plan's first two areas (23 milestones, 7 pages) with three of the edits, for the
    CLI tests: one reworded, one moved a year, one effect removed."""
    folder = tmp_path_factory.mktemp("diff_cli")
    areas = ("Personcentrerat arbetssätt", "Hälsofrämjande och förebyggande insatser")
    first = [m for m in plan_extraction.milestones if m.area in areas]
    rows = sample_data.rows_from_records(first)
    old = _draw(folder / "plan_old.pdf", rows, plan_extraction)
    rows = sample_data.rows_from_records(first)
    rows[_index(first, "Regional samverkansgrupp Hälsa etablerad")].title = (
        "Regional samverkansgrupp Hälsa och livsstil inrättad")
    rows[_index(first, "Regional hälsoplattform är etablerad")].year = 2025
    lost = rows[_index(first, LOST_EFFECT)]
    lost.effects = lost.effects[1:]
    new = _draw(folder / "plan_new.pdf", rows, plan_extraction)
    return old, new


# --- the revision with known edits -------------------------------------------------------


@pytest.mark.slow  # draws plan PDFs and diffs them (tens of seconds)
def test_diff_revision_counts_exactly_the_known_edits(revision_diff):
    counts = revision_diff.summary.counts
    assert counts == {
        "unchanged": 65, "reworded": 1, "moved_year": 1, "moved_area": 1,
        "effects_changed": 1, "added": 1, "removed": 1,
    }
    assert revision_diff.summary.effects == {"added": 0, "removed": 1, "reworded": 0,
                                             "retagged": 0}
    assert (revision_diff.summary.milestones_old, revision_diff.summary.milestones_new) == (70, 70)
    assert revision_diff.summary.matched == 69
    # every milestone has exactly one change here: the edits touched different ones
    assert all(len(m.changes) == 1 for m in revision_diff.milestones)
    assert len(revision_diff.milestones) == 71
    assert not revision_diff.identical and not revision_diff.same_content


@pytest.mark.slow  # draws plan PDFs and diffs them (tens of seconds)
def test_diff_revision_names_the_edited_milestones(revision_diff):
    def only(change):
        items = revision_diff.of_type(change)
        assert len(items) == 1
        return items[0]

    year = only("moved_year")
    assert year.new.title == MOVED_YEAR and (year.old.year, year.new.year) == (2024, 2025)
    assert year.old.area == year.new.area == "Digitalisering"

    reworded = only("reworded")
    assert (reworded.old.title, reworded.new.title) == (REWORDED, REWORDED_TO)
    assert reworded.description_diff is None
    assert diff_text(reworded.title_diff.ops) == (
        "Handlingsplan för [-informationsdriven-] {+datadriven+} vård [-framtagen-] {+beslutad+}"
    )
    assert reworded.matched_on == "title" and 0.5 <= reworded.similarity < 1

    area = only("moved_area")
    assert area.new.title == MOVED_AREA
    assert (area.old.area, area.new.area) == ("Fysisk infrastruktur", "Digitalisering")
    assert area.old.year == area.new.year == 2024

    removed = only("removed")
    assert removed.new is None and removed.old.title.startswith(REMOVED)
    assert removed.old.area == "Medarbetare"

    added = only("added")
    assert added.old is None
    assert (added.new.title, added.new.area, added.new.year) == (ADDED.title, "Nära vård", 2026)
    assert [(e.text, e.targets) for e in added.new.effects] == ADDED.effects

    effects = only("effects_changed")
    assert effects.new.title.startswith(LOST_EFFECT)
    assert [e.changes for e in effects.effect_changes] == [["removed"]]
    lost = effects.effect_changes[0].old
    assert lost.text == effects.old.effects[1].text
    assert len(effects.old.effects) == 4 and len(effects.new.effects) == 3


@pytest.mark.slow  # draws plan PDFs and diffs them (tens of seconds)
def test_diff_revision_keeps_provenance_of_both_sides(revision_diff, plan_pdfs):
    old_pdf, new_pdf = plan_pdfs
    assert revision_diff.old.path == str(old_pdf) and revision_diff.new.path == str(new_pdf)
    assert revision_diff.old.pages == 20 and revision_diff.old.source_format == "pdf"
    for m in revision_diff.milestones:
        if m.old is not None:
            assert m.old.provenance.source_file == old_pdf.name and m.old.provenance.page
        if m.new is not None:
            assert m.new.provenance.source_file == new_pdf.name and m.new.provenance.page
    # the moved milestone now stands before every page of Fysisk infrastruktur
    area = revision_diff.of_type("moved_area")[0]
    fysisk = [m.new.provenance.page for m in revision_diff.milestones
              if m.new is not None and m.new.area == "Fysisk infrastruktur"]
    assert area.new.provenance.page < min(fysisk)


@pytest.mark.slow  # draws plan PDFs and diffs them (tens of seconds)
def test_diff_revision_counts_per_area(revision_diff):
    per_area = revision_diff.summary.per_area
    assert per_area["Digitalisering"]["moved_year"] == 1
    assert per_area["Digitalisering"]["moved_area"] == 1  # counted where it is now
    assert per_area["Nära vård"]["added"] == 1 and per_area["Nära vård"]["reworded"] == 1
    assert per_area["Medarbetare"]["removed"] == 1
    assert per_area["Hälsofrämjande och förebyggande insatser"]["effects_changed"] == 1
    assert per_area["Fysisk infrastruktur"]["unchanged"] == 11
    assert sum(sum(c.values()) for c in per_area.values()) == 71
    assert list(per_area)[0] == "Personcentrerat arbetssätt"  # the roadmap's order


@pytest.mark.slow  # draws plan PDFs and diffs them (tens of seconds)
def test_diff_text_against_its_own_pdf_is_all_unchanged(corpus_files, plan_pdfs):
    report = diff_plans(corpus_files["002"], plan_pdfs[0])
    assert report.summary.counts["unchanged"] == 70
    assert report.identical and not report.same_content
    assert all(m.matched_on == "title" and m.similarity == 1.0 for m in report.milestones)
    assert report.old.source_format == "text" and report.new.source_format == "pdf"
    # text lines on the old side, pages on the new
    first = report.milestones[0]
    assert first.old.provenance.page is None and first.old.provenance.line_start == 144
    assert first.new.provenance.page == 1


def test_diff_same_file_twice_is_identical(corpus_files):
    report = diff_plans(corpus_files["002"], corpus_files["002"])
    assert report.identical and report.same_content
    assert report.summary.counts["unchanged"] == 70
    assert report.timings["new_seconds"] == 0.0  # read once


def test_diff_document_without_milestone_table_names_the_file(corpus_files):
    with pytest.raises(NoMilestoneTableError) as info:
        diff_plans(corpus_files["000"], corpus_files["002"])
    assert info.value.code == "E701"
    assert corpus_files["000"].name in str(info.value)


def _docx_plan(path, second_year: int, second_effect: str):
    header = ["", "År", "Milstolpe",
              "Effekter av uppnådd milstolpe på kort sikt för invånarna (inv), systemet (sys), "
              "verksamheter (vsh)",
              "Målbilder per insatsområde som beskriver långsiktiga önskade effekter",
              "Övergripande effektmål"]
    return synthetic.render_docx(path, [
        ("heading", "Förändrings- och genomförandeplan 2027"),
        ("paragraph", "Tabell 1. Beskrivning av varje milstolpe."),
        ("table", [
            header,
            ["Nära vård", "2027",
             "Mobila team i hela Skåne\nTeamen når invånare i hemmet dygnet runt.",
             "Färre akuta besök (inv)\n\nBättre samordning med kommunen (sys, vsh)",
             "Nära vård är ett förhållningssätt\n• Personen upplever trygghet",
             "Bättre kvalitet\n\nÖkad tillgänglighet"],
            ["", str(second_year), "Gemensam journal med kommunerna\nInformationen följer "
             "patienten.", second_effect, "", ""],
        ]),
    ])


@pytest.mark.slow  # draws plan PDFs and diffs them (tens of seconds)
def test_diff_word_files(tmp_path):
    old = _docx_plan(tmp_path / "plan_v1.docx", 2028, "Säkrare vård (inv)")
    new = _docx_plan(tmp_path / "plan_v2.docx", 2029, "Säkrare vård för alla (inv, sys)")
    report = diff_plans(old, new)
    assert [m.changes for m in report.milestones] == [["unchanged"],
                                                      ["moved_year", "effects_changed"]]
    (effect,) = report.milestones[1].effect_changes
    assert effect.changes == ["reworded", "retagged"]
    assert (effect.old.targets, effect.new.targets) == (["inv"], ["inv", "sys"])
    assert report.old.source_format == "docx"


# --- matching and word differences on records ------------------------------------------


def test_word_diff_runs_of_words():
    ops = word_diff("Gemensam definition av nivåer och roller i FHS",
                    "Gemensam definition av vårdnivåer och roller framtagen")
    assert ops == [
        DiffOp(op="equal", text="Gemensam definition av"),
        DiffOp(op="delete", text="nivåer"),
        DiffOp(op="insert", text="vårdnivåer"),
        DiffOp(op="equal", text="och roller"),
        DiffOp(op="delete", text="i FHS"),
        DiffOp(op="insert", text="framtagen"),
    ]
    assert word_diff("samma  text\n här", "samma text här") == [
        DiffOp(op="equal", text="samma text här")
    ]


def test_diff_2022_wording_matches_through_previous_wording(plan_extraction):
    """A 2022 plan whose titles are the wordings the 2023 plan quotes after
    "Omformulering av milstolpe 2022:": the reworded milestones are matched to them."""
    new = plan_extraction.milestones
    old = [m.model_copy(update={"title": m.previous_wording, "previous_wording": None,
                                "rewords_2022": False}) if m.previous_wording else m
           for m in new]
    changes = diff_milestones(old, new)
    reworded = [c for c in changes if c.changes != ["unchanged"]]
    assert len(reworded) == sum(1 for m in new if m.previous_wording) == 3
    assert all(c.changes == ["reworded"] and c.matched_on == "previous_wording"
               for c in reworded)
    assert all(c.similarity == 1.0 for c in reworded)


def test_diff_previous_wording_rescues_a_match_below_the_threshold(plan_extraction):
    base = plan_extraction.milestones[54]  # "Ny styr- och ansvarsmodell beslutad"
    old = base.model_copy(update={"title": "Beslut om ny organisation för IT-frågor"})
    new = base.model_copy(update={"description": "Annan beskrivning av något helt annat"})
    assert [c.changes for c in diff_milestones([old], [new])] == [["added"], ["removed"]]
    new = new.model_copy(update={"previous_wording": old.title})
    (change,) = diff_milestones([old], [new])
    assert change.changes == ["reworded"] and change.matched_on == "previous_wording"


def test_diff_effects_reworded_and_retagged(plan_extraction):
    old = plan_extraction.milestones[0]  # "Modell för invånarinvolvering", 4 effects
    effects = [e.model_copy() for e in old.effects]
    effects[1] = effects[1].model_copy(update={"targets": ["sys", "vsh"]})
    effects[2] = effects[2].model_copy(update={
        "text": "Beslut som fattas utgår alltid från invånarnas behov"})
    new = old.model_copy(update={"effects": effects})
    (change,) = diff_milestones([old], [new])
    assert change.changes == ["effects_changed"]
    assert [e.changes for e in change.effect_changes] == [["retagged"], ["reworded"]]
    assert diff_text(change.effect_changes[1].text_diff.ops) == (
        "Beslut som fattas utgår [-i större utsträckning-] {+alltid+} från invånarnas behov")


def test_diff_near_duplicates_keep_their_partners(plan_extraction):
    """Two milestones on "Process och struktur för regional nivåstrukturering" (2022,
    2023): with the first reworded, each still finds its own."""
    ms = plan_extraction.milestones
    i = _index(ms, "Process och struktur för regional nivåstrukturering framtagen")
    new = list(ms)
    new[i] = ms[i].model_copy(update={
        "title": "Process och struktur för regional nivåstrukturering utredd"})
    changes = diff_milestones(ms, new)
    assert [c for c in changes if c.changes != ["unchanged"]][0].old is ms[i]
    assert sum(c.changes == ["unchanged"] for c in changes) == 69


def test_diff_settings_check_themselves():
    with pytest.raises(ValueError, match="must be 1"):
        DiffSettings(title_weight=0.5, description_weight=0.3)
    with pytest.raises(ValueError):
        DiffSettings(min_similarity=1.5)


# --- reports and the command line --------------------------------------------------------


@pytest.mark.slow  # draws plan PDFs and diffs them (tens of seconds)
def test_diff_reports_mark_words_and_keep_swedish_letters(revision_diff):
    md = render_markdown(revision_diff)
    assert "[-informationsdriven-] {+datadriven+}" in md
    assert "| moved to another insatsområde | 1 |" in md
    html = render_html(revision_diff)
    assert "<del>informationsdriven</del> <ins>datadriven</ins>" in html
    assert "<script" not in html and "http" not in html.split("<body>")[1]
    assert "Hälsofrämjande" in html


runner = CliRunner()


@pytest.mark.slow  # draws plan PDFs and diffs them (tens of seconds)
def test_cli_diff_terminal(small_plans):
    result = runner.invoke(app, ["diff", *map(str, small_plans)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Moved to another year (1)" in out and "2024 → 2025" in out
    assert "[-etablerad-] {+och livsstil inrättad+}" in out
    assert "- removed:" in out


@pytest.mark.slow  # draws plan PDFs and diffs them (tens of seconds)
def test_cli_diff_json(small_plans, tmp_path):
    target = tmp_path / "diff.json"
    result = runner.invoke(app, ["diff", *map(str, small_plans), "--format", "json",
                                 "--out", str(target)])
    assert result.exit_code == 0, result.output
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["kind"] == "plan_diff" and data["schema_version"]
    assert data["summary"]["counts"] == {
        "unchanged": 20, "reworded": 1, "moved_year": 1, "moved_area": 0,
        "effects_changed": 1, "added": 0, "removed": 0,
    }
    assert data["summary"]["effects"]["removed"] == 1
    assert "Hälsofrämjande och förebyggande insatser" in data["summary"]["per_area"]
    assert "\\u00e4" not in target.read_text(encoding="utf-8")  # ä kept as ä


@pytest.mark.slow  # draws plan PDFs and diffs them (tens of seconds)
def test_cli_diff_markdown_to_stdout(small_plans):
    result = runner.invoke(app, ["diff", *map(str, small_plans), "--format", "md"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Plan diff")
    assert "Regional samverkansgrupp Hälsa [-etablerad-] {+och livsstil inrättad+}" in (
        result.output)


@pytest.mark.slow  # draws plan PDFs and diffs them (tens of seconds)
def test_cli_diff_html_into_folder(small_plans, tmp_path):
    result = runner.invoke(app, ["diff", *map(str, small_plans), "--format", "html",
                                 "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (written,) = tmp_path.glob("*.diff.html")
    assert written.name == "plan_old__plan_new.diff.html"
    page = written.read_text(encoding="utf-8")
    assert "<del>etablerad</del>" in page and "<ins>och livsstil inrättad</ins>" in page
    assert "<script" not in page and not list(tmp_path.glob(".*.tmp"))


def test_cli_diff_same_file_is_identical(corpus_files):
    result = runner.invoke(app, ["diff", str(corpus_files["002"]), str(corpus_files["002"])])
    assert result.exit_code == 0, result.output
    assert "identical" in result.output


def test_cli_diff_file_without_milestone_table_exits_1(corpus_files):
    result = runner.invoke(app, ["diff", str(corpus_files["001"]), str(corpus_files["002"])])
    assert result.exit_code == 1
    assert "E701" in result.output and corpus_files["001"].name in result.output


def test_cli_diff_unknown_format_exits_2(corpus_files):
    result = runner.invoke(app, ["diff", str(corpus_files["002"]), str(corpus_files["002"]),
                                 "--format", "pdf"])
    assert result.exit_code == 2 and "terminal, json, md, html" in result.output
