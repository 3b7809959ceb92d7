"""The committed JSON Schema matches the code, and outputs validate against it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema

from fhs_nlp.datamodel.schema import (
    ALIGNMENT_SCHEMA_FILE,
    SCHEMA_FILE,
    render_alignment_schema,
    render_schema,
)

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / SCHEMA_FILE
#: Set FHS_REGENERATE=1 to rewrite golden files instead of comparing with them.
REGENERATE = os.environ.get("FHS_REGENERATE") == "1"


def test_schema_regeneration_is_off_in_ci():
    if os.environ.get("CI"):
        assert not REGENERATE, "FHS_REGENERATE must not be set in CI"


def test_committed_schema_matches_the_records():
    generated = render_schema()
    if REGENERATE:
        SCHEMA_PATH.write_text(generated, encoding="utf-8")
    assert SCHEMA_PATH.read_text(encoding="utf-8") == generated, (
        "schemas/records.schema.json is out of date: run `fhs-nlp schema --out schemas`"
    )


def test_committed_alignment_schema_matches_the_report_model():
    path = SCHEMA_PATH.parent / ALIGNMENT_SCHEMA_FILE
    generated = render_alignment_schema()
    if REGENERATE:
        path.write_text(generated, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == generated, (
        "schemas/alignment.schema.json is out of date: run `fhs-nlp schema --out schemas`"
    )


def test_extracted_records_validate_against_the_schema(plan_extraction):
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    records = [*plan_extraction.milestones, *plan_extraction.malbilder, *plan_extraction.effektmal]
    for record in records:
        validator.validate(record.model_dump(mode="json"))
    broken = plan_extraction.milestones[0].model_dump(mode="json")
    broken["year"] = "2023"
    assert not validator.is_valid(broken)
