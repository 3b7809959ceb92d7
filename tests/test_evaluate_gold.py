"""Gold loaders and predictions folders: bad lines, unknown labels, other schema versions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from fhs_nlp.datamodel.records import SCHEMA_VERSION
from fhs_nlp.datamodel.vocabulary import AREAS
from fhs_nlp.evaluate.gold import (
    GOLD_DIR,
    LABELS,
    GoldDataError,
    gold_version,
    load_alignment_gold,
    load_extraction_gold,
)
from fhs_nlp.evaluate.predictions import (
    PredictionsError,
    SchemaVersionError,
    load_predictions,
)


@pytest.fixture()
def gold_copy(tmp_path) -> Path:
    target = tmp_path / "gold"
    shutil.copytree(GOLD_DIR, target)
    return target


def _replace_line(path: Path, line_no: int, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line_no - 1] = new
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_gold_loads_with_the_documented_counts():
    gold = load_extraction_gold()
    counts = {kind: len(records) for kind, records in gold.items()}
    assert counts == {"insatsomrade": 14, "viljeriktning": 36, "fokusforflyttning": 10,
                      "milestone": 70, "malbild": 7, "effektmal": 5, "decision": 10}
    alignment = load_alignment_gold()
    assert len(alignment.passages) == 237
    assert (len(alignment.split("dev")), len(alignment.split("test"))) == (119, 118)
    assert [d.id for d in alignment.draft_split("dev")] == ["d01", "d04", "d06"]


def test_labels_are_the_area_slugs_in_vocabulary_order_then_none():
    assert (*(a.slug for a in AREAS), "none") == LABELS


def test_gold_malformed_line_names_file_and_line(gold_copy):
    path = gold_copy / "extraction" / "milestones.jsonl"
    _replace_line(path, 5, '{"doc": "002", "title": ')
    with pytest.raises(GoldDataError) as info:
        load_extraction_gold(gold_copy)
    assert info.value.code == "E600"
    assert f"{path}:5:" in str(info.value)
    assert "not JSON" in str(info.value)


def test_gold_unknown_area_names_file_line_and_valid_choices(gold_copy):
    path = gold_copy / "extraction" / "viljeriktningar.jsonl"
    row = json.loads(path.read_text(encoding="utf-8").splitlines()[2])
    row["area"] = "Nära Vårdcentral"
    _replace_line(path, 3, json.dumps(row, ensure_ascii=False))
    with pytest.raises(GoldDataError) as info:
        load_extraction_gold(gold_copy)
    message = str(info.value)
    assert f"{path}:3:" in message
    assert "unknown label 'Nära Vårdcentral'" in message
    assert "Fysisk infrastruktur" in message  # the valid labels are listed


def test_gold_unknown_passage_label_names_file_and_line(gold_copy):
    path = gold_copy / "alignment" / "passages.jsonl"
    row = json.loads(path.read_text(encoding="utf-8").splitlines()[9])
    row["primary"] = "ekonomi"
    _replace_line(path, 10, json.dumps(row, ensure_ascii=False))
    with pytest.raises(GoldDataError, match=r"passages\.jsonl:10: field 'primary': unknown label "
                                            r"'ekonomi'"):
        load_alignment_gold(gold_copy)


def test_gold_draft_partition_is_checked(gold_copy):
    path = gold_copy / "alignment" / "drafts.jsonl"
    row = json.loads(path.read_text(encoding="utf-8").splitlines()[0])
    row["gaps"] = row["gaps"][:-1]
    _replace_line(path, 1, json.dumps(row, ensure_ascii=False))
    with pytest.raises(GoldDataError, match=r"drafts\.jsonl:1: covered, weak and gaps"):
        load_alignment_gold(gold_copy)


def test_gold_missing_field_is_named(gold_copy):
    path = gold_copy / "extraction" / "decisions.jsonl"
    row = json.loads(path.read_text(encoding="utf-8").splitlines()[1])
    del row["date"]
    _replace_line(path, 2, json.dumps(row, ensure_ascii=False))
    with pytest.raises(GoldDataError, match=r"decisions\.jsonl:2: missing field\(s\): date"):
        load_extraction_gold(gold_copy)


def test_gold_version_changes_with_the_gold(gold_copy):
    before = gold_version(gold_copy)
    assert before == gold_version(GOLD_DIR)
    path = gold_copy / "alignment" / "drafts" / "d07_budget_medicinsk_service.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nEn rad till.\n", encoding="utf-8")
    after = gold_version(gold_copy)
    assert after["hash"] != before["hash"]
    # READMEs are documentation, not gold
    (gold_copy / "alignment" / "README.md").write_text("changed", encoding="utf-8")
    assert gold_version(gold_copy) == after


# --- predictions folders -------------------------------------------------------------------


@pytest.fixture(scope="module")
def extract_folder(tmp_path_factory, corpus_files) -> Path:
    from fhs_nlp.extract.pipeline import extract_paths
    from fhs_nlp.report.output import write_extraction

    out = tmp_path_factory.mktemp("extract")
    write_extraction(extract_paths([corpus_files["000"]]), out, "jsonl", command="test")
    return out


def test_predictions_folder_is_read(extract_folder):
    predicted = load_predictions(extract_folder)
    assert len(predicted["viljeriktning"]) == 18
    assert predicted["viljeriktning"][0].doc == "000"


def test_predictions_from_another_schema_version_are_refused(extract_folder, tmp_path):
    folder = tmp_path / "old"
    shutil.copytree(extract_folder, folder)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["schema_version"] = "0.9"
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(SchemaVersionError) as info:
        load_predictions(folder)
    message = str(info.value)
    assert "schema_version '0.9'" in message and f"'{SCHEMA_VERSION}'" in message
    assert "manifest.json" in message
    assert info.value.code == "E611"


def test_predictions_record_of_another_schema_version_is_refused(extract_folder, tmp_path):
    folder = tmp_path / "mixed"
    shutil.copytree(extract_folder, folder)
    (folder / "manifest.json").unlink()
    path = folder / "viljeriktningar.jsonl"
    rows = path.read_text(encoding="utf-8").splitlines()
    row = json.loads(rows[3])
    row["schema_version"] = "2.0"
    rows[3] = json.dumps(row, ensure_ascii=False)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(SchemaVersionError, match=r"viljeriktningar\.jsonl: line 4: written with "
                                                 r"record schema_version '2\.0'"):
        load_predictions(folder)


def test_predictions_folder_without_kind_files_is_refused(tmp_path):
    with pytest.raises(PredictionsError, match="has no insatsomraden.jsonl"):
        load_predictions(tmp_path)
    with pytest.raises(PredictionsError, match="is not a folder"):
        load_predictions(tmp_path / "missing")
