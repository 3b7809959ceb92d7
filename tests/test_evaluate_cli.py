"""`fhs-nlp eval` as a user runs it, through typer's CliRunner."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from fhs_nlp.cli.main import app

runner = CliRunner()


@pytest.fixture(scope="module")
def extraction_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("eval")
    result = runner.invoke(app, ["eval", "--suite", "extraction", "--out", str(out)],
                           catch_exceptions=False)
    return out, result


def test_cli_eval_extraction_writes_the_three_reports(extraction_run):
    out, result = extraction_run
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["metrics.json", "report.html", "report.md"]
    metrics = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    stamp = metrics["stamp"]
    assert stamp["command"] == f"fhs-nlp eval --suite extraction --out {out}"
    assert stamp["schema_version"] == "1.0"
    assert stamp["gold_version"]["hash"].startswith("sha256:")
    assert stamp["software_version"] and stamp["timings_seconds"]["total"] > 0
    assert metrics["alignment"] is None
    assert set(metrics["extraction"]["kinds"]) == {
        "insatsomrade", "viljeriktning", "fokusforflyttning", "milestone", "malbild",
        "effektmal", "decision"}
    # headline first, then per-kind tables, then mismatches; å, ä, ö as they are
    md = (out / "report.md").read_text(encoding="utf-8")
    order = [md.index(s) for s in ("## Headline figures", "## Extraction: records per kind",
                                   "## Extraction: milestone fields", "## Extraction mismatches")]
    assert order == sorted(order)
    assert "| målbild (malbild) |" in md and "fokusförflyttning" in md
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<table>" in html
    assert "Headline figures" in result.output
    assert not list(out.glob(".*.tmp"))


def test_cli_eval_scores_a_predictions_folder(tmp_path, extraction_run, corpus_dir):
    out, _ = extraction_run
    predictions = tmp_path / "extract"
    assert runner.invoke(app, ["extract", str(corpus_dir), "--out", str(predictions), "-q"],
                         catch_exceptions=False).exit_code == 0
    report = tmp_path / "report"
    result = runner.invoke(app, ["eval", "--suite", "extraction", "--out", str(report),
                                 "--predictions", str(predictions), "-q"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    scored = json.loads((report / "metrics.json").read_text(encoding="utf-8"))
    direct = json.loads((out / "metrics.json").read_text(encoding="utf-8"))
    assert scored["headline"] == direct["headline"]


def test_cli_eval_refuses_predictions_of_another_schema(tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps({"schema_version": "0.1"}),
                                          encoding="utf-8")
    result = runner.invoke(app, ["eval", "--suite", "extraction", "--predictions", str(folder),
                                 "--out", str(tmp_path / "r"), "-q"])
    assert result.exit_code == 1
    assert "E611" in result.output and "schema_version '0.1'" in result.output
    assert not (tmp_path / "r").exists()


def test_cli_eval_bad_gold_is_reported_with_file_and_line(tmp_path, monkeypatch):
    from fhs_nlp.evaluate import gold as gold_module
    from fhs_nlp.evaluate import run as run_module

    copy = tmp_path / "gold"
    shutil.copytree(gold_module.GOLD_DIR, copy)
    path = copy / "extraction" / "effektmal.jsonl"
    path.write_text(path.read_text(encoding="utf-8") + "{oops\n", encoding="utf-8")
    defaults = run_module.run_eval.__kwdefaults__
    monkeypatch.setitem(defaults, "gold_dir", copy)
    result = runner.invoke(app, ["eval", "--suite", "extraction", "--out",
                                 str(tmp_path / "r"), "-q"])
    assert result.exit_code == 1
    assert f"{path}:6:" in result.output and "E600" in result.output


def test_cli_eval_unknown_suite_is_a_usage_error():
    result = runner.invoke(app, ["eval", "--suite", "everything"])
    assert result.exit_code == 2
    assert "extraction, alignment, real, all" in result.output


def test_cli_eval_help_has_an_example():
    result = runner.invoke(app, ["eval", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "fhs-nlp eval --suite all" in result.output
