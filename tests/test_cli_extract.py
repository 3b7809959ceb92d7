"""`fhs-nlp extract` as a user runs it, through typer's CliRunner."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fhs_nlp.cli.main import app
from fhs_nlp.report.output import KIND_FILES

runner = CliRunner()


def _invoke(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


@pytest.mark.slow  # extracts the whole corpus, dated decisions (spaCy) included
def test_cli_extract_corpus_writes_every_kind_and_a_manifest(tmp_path, corpus_dir):
    CORPUS = corpus_dir
    out = tmp_path / "out"
    result = _invoke("extract", str(CORPUS), "--out", str(out))
    assert result.exit_code == 0, result.output
    for stem in KIND_FILES.values():
        assert (out / f"{stem}.jsonl").exists()
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["counts"]["milestone"] == 70
    assert manifest["counts"]["viljeriktning"] == 36
    assert {i["document_id"] for i in manifest["inputs"]} == {"000", "001", "002", "003"}
    assert all(i["content_hash"].startswith("sha256:") for i in manifest["inputs"])
    assert manifest["command"] == f"fhs-nlp extract {CORPUS} --out {out} --format jsonl"
    assert manifest["versions"]["pdfplumber"]
    # å, ä, ö stay as they are in the JSON
    first = (out / "milestones.jsonl").read_text(encoding="utf-8").splitlines()[0]
    assert "invånarinvolvering" in first
    assert "Extraction summary" in result.output
    assert not list(out.glob(".*.tmp"))


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_cli_extract_other_formats(tmp_path, fmt, corpus_files):
    CORPUS_FILES = corpus_files
    out = tmp_path / fmt
    result = _invoke("extract", str(CORPUS_FILES["000"]), "--out", str(out), "--format", fmt)
    assert result.exit_code == 0, result.output
    text = (out / f"viljeriktningar.{fmt}").read_text(encoding="utf-8")
    assert "Hälso- och sjukvård ska utgå från individens behov" in text
    if fmt == "json":
        assert len(json.loads(text)) == 18
    else:
        assert len(text.strip().splitlines()) == 19  # header + 18 rows


def test_cli_extract_unknown_format_is_a_usage_error(tmp_path, corpus_dir):
    result = runner.invoke(app, ["extract", str(corpus_dir), "--format", "xml"])
    assert result.exit_code == 2
    assert "jsonl, csv or json" in result.output


def test_cli_extract_missing_path_names_it_and_fails(tmp_path):
    result = runner.invoke(app, ["extract", str(tmp_path / "nope.pdf"), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "nope.pdf" in result.output
    assert "does not exist" in result.output


def test_cli_extract_folder_without_documents(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "data.xlsx").write_bytes(b"not a document")
    result = runner.invoke(app, ["extract", str(empty), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "holds no supported files" in result.output


def test_cli_extract_bad_files_are_reported_and_the_rest_is_written(tmp_path, corpus_files):
    CORPUS_FILES = corpus_files
    from fhs_nlp.synthetic import broken_files

    inputs = tmp_path / "inputs"
    inputs.mkdir()
    shutil.copy(CORPUS_FILES["000"], inputs / "strategi.txt")
    broken_files.make_corrupt_pdf(inputs / "trasig.pdf")
    broken_files.make_encrypted_pdf(inputs / "låst.pdf")
    broken_files.make_scanned_pdf(inputs / "skannad.pdf")
    broken_files.make_empty_pdf(inputs / "tom.pdf")
    broken_files.make_fake_docx(inputs / "inte-word.docx")
    (inputs / "tom.txt").write_text("  \n", encoding="utf-8")
    out = tmp_path / "out"
    result = runner.invoke(app, ["extract", str(inputs), "--out", str(out)])
    assert result.exit_code == 1
    lines = result.output
    for name, words in [
        ("trasig.pdf", "truncated"),
        ("låst.pdf", "password"),
        ("skannad.pdf", "OCR"),
        ("tom.pdf", "no text"),
        ("inte-word.docx", "not a Word document"),
        ("tom.txt", "empty"),
    ]:
        error_lines = [ln for ln in lines.splitlines() if name in ln and "error:" in ln]
        assert error_lines, f"no error line for {name}:\n{lines}"
        assert any(words.lower() in ln.lower() for ln in error_lines), error_lines
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    status = {Path(i["path"]).name: i["status"] for i in manifest["inputs"]}
    assert status["strategi.txt"] in ("success", "partial")
    assert sum(1 for s in status.values() if s == "failure") == 6
    assert manifest["counts"]["viljeriktning"] == 18
    assert "6 input(s) failed" in lines


def test_cli_extract_strict_stops_at_first_failure(tmp_path, corpus_files):
    CORPUS_FILES = corpus_files
    from fhs_nlp.synthetic import broken_files

    bad = broken_files.make_corrupt_pdf(tmp_path / "a.pdf")
    result = runner.invoke(app, ["extract", str(bad), str(CORPUS_FILES["000"]), "--strict",
                                 "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert not (tmp_path / "out" / "manifest.json").exists()


def test_interrupted_write_keeps_the_previous_file(tmp_path, monkeypatch):
    """An interruption between writing and renaming leaves the old file whole."""
    import os

    from fhs_nlp.report import output

    target = tmp_path / "milestones.jsonl"
    target.write_text("old\n", encoding="utf-8")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        output.atomic_write_text(target, "new\n" * 1000)
    assert target.read_text(encoding="utf-8") == "old\n"
    assert list(tmp_path.iterdir()) == [target]


def test_cli_help_has_an_example():
    for command in ("extract", "schema"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.output and "fhs-nlp " + command in result.output
