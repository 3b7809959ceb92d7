"""An unexpected exception in one extraction stage fails that document only.

Review bug: a stage raising anything but an input error (a bug in an extractor) ended
the whole run, losing the other documents. It must be a per-document failure (E804) with
its traceback in the run's manifest, as batch already does.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from fhs_nlp.cli.main import app
from fhs_nlp.extract import pipeline
from fhs_nlp.extract.pipeline import STAGES, StageOutput, extract_paths


def _breaks_on_002(doc):
    """An extractor with a bug that only the implementation plan (002) triggers."""
    if doc.doc_id == "002":
        return {}["milestone table"]  # KeyError, as a real slip would raise
    return StageOutput([], [])


def test_extract_stage_exception_fails_one_document_and_keeps_the_others(corpus_files):
    stages = [*STAGES[:1], ("fragile", _breaks_on_002)]
    files = [corpus_files["001"], corpus_files["002"], corpus_files["003"]]
    result = extract_paths(files, stages=stages)
    by_id = {d.doc_id: d for d in result.documents}
    assert set(by_id) == {"001", "002", "003"}
    assert by_id["002"].status == "failure" and by_id["002"].error_code == "E804"
    assert "KeyError" in by_id["002"].error and "'fragile'" in by_id["002"].error
    assert "_breaks_on_002" in by_id["002"].traceback
    assert by_id["001"].status != "failure" and by_id["001"].records
    with pytest.raises(KeyError):  # strict: the first failure still raises
        extract_paths(files, stages=stages, strict=True)


def test_extract_stage_exception_traceback_is_in_the_manifest(corpus_files, tmp_path,
                                                              monkeypatch):
    monkeypatch.setattr(pipeline, "STAGES", [*STAGES[:1], ("fragile", _breaks_on_002)])
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["extract", str(corpus_files["001"]),
                                      str(corpus_files["002"]), "--out", str(out)])
    assert result.exit_code == 1, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    inputs = {i["document_id"]: i for i in manifest["inputs"]}
    assert inputs["002"]["error_code"] == "E804"
    assert "Traceback" in inputs["002"]["traceback"] and "_breaks_on_002" in inputs["002"][
        "traceback"]
    assert "traceback" not in inputs["001"]  # a document without a bug: keys as before
    assert (out / "viljeriktningar.jsonl").read_text(encoding="utf-8").strip()
