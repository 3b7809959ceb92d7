"""The JSON Schema of all records, generated from the pydantic models in records.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter

from fhs_nlp.datamodel.records import RECORD_TYPES, SCHEMA_VERSION, ExtractionWarning
from fhs_nlp.report.output import atomic_write_text

SCHEMA_FILE = "records.schema.json"
ALIGNMENT_SCHEMA_FILE = "alignment.schema.json"


def records_schema() -> dict[str, Any]:
    """One schema document: any record kind (discriminated by ``kind``), plus warnings."""
    union: Any = None
    for model in RECORD_TYPES.values():
        union = model if union is None else union | model
    schema = TypeAdapter(union).json_schema(ref_template="#/$defs/{model}")
    defs = schema.pop("$defs", {})
    defs["ExtractionWarning"] = TypeAdapter(ExtractionWarning).json_schema(
        ref_template="#/$defs/{model}"
    )
    defs["ExtractionWarning"].pop("$defs", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://fhs-nlp.example/schemas/records-{SCHEMA_VERSION}.json",
        "title": "fhs-nlp extraction records",
        "description": "One line of any per-kind output file of `fhs-nlp extract` "
        f"(schema_version {SCHEMA_VERSION}). Generated from fhs_nlp/datamodel/records.py by "
        "`fhs-nlp schema`; do not edit by hand.",
        **schema,
        "$defs": defs,
    }


def render_schema() -> str:
    return json.dumps(records_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def alignment_schema() -> dict[str, Any]:
    """The schema of `fhs-nlp align --format json`."""
    from fhs_nlp.datamodel.alignment import ALIGNMENT_SCHEMA_VERSION, AlignmentReport

    schema = AlignmentReport.model_json_schema(ref_template="#/$defs/{model}")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://fhs-nlp.example/schemas/alignment-{ALIGNMENT_SCHEMA_VERSION}.json",
        "description": "The JSON report of `fhs-nlp align --format json` (schema_version "
        f"{ALIGNMENT_SCHEMA_VERSION}). Generated from fhs_nlp/datamodel/alignment.py by "
        "`fhs-nlp schema`; "
        "do not edit by hand.",
        **schema,
    }


def render_alignment_schema() -> str:
    return json.dumps(alignment_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schema(out_dir: Path) -> Path:
    """Write both schemas; returns the records schema's path."""
    path = Path(out_dir) / SCHEMA_FILE
    atomic_write_text(path, render_schema())
    atomic_write_text(Path(out_dir) / ALIGNMENT_SCHEMA_FILE, render_alignment_schema())
    return path
