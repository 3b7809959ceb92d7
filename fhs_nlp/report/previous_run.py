"""Keep what an earlier ``extract`` run wrote for inputs that this run could not read.

The output folder of ``fhs-nlp extract`` holds one file per record kind for all inputs
together. When a re-run cannot read one of its inputs (the file was damaged, moved in
the middle of the run, is now over a limit), writing the folder anew would silently drop
that document's records. Instead its records are read back from the earlier run's files
(found through the earlier ``manifest.json``: same input path, not failed then) and
written again, and the manifest says so. A run in which no input could be read writes
nothing at all (see :mod:`fhs_nlp.cli.extract`).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fhs_nlp.datamodel.records import RECORD_TYPES, Record
from fhs_nlp.report.output import KIND_FILES


def _same_path(a: str, b: Path) -> bool:
    try:
        return Path(a).resolve() == b.resolve()
    except OSError:
        return False


def _unflatten(row: dict[str, str]) -> dict[str, Any]:
    """A CSV row written by :func:`fhs_nlp.report.output._to_csv` back into nested data."""
    nested: dict[str, Any] = {}
    for key, value in row.items():
        parsed: Any
        if value == "" or value is None:
            parsed = None  # None and "" are both an empty cell: see _validate
        elif value.startswith("["):
            try:
                parsed = json.loads(value)
            except ValueError:
                parsed = value
        else:
            parsed = value
        parts = key.split(".")
        node = nested
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = parsed
    return nested


def _rows(path: Path, fmt: str) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8")
    if fmt == "jsonl":
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    if fmt == "json":
        data = json.loads(text)
        return data if isinstance(data, list) else []
    if fmt == "csv":
        return [_unflatten(r) for r in csv.DictReader(io.StringIO(text))]
    return []


def _validate(model: type[Record], row: dict[str, Any]) -> Record:
    """Validate a row read back; an empty CSV cell that must be text is the empty text."""
    try:
        return model.model_validate(row)
    except ValidationError as error:
        fixable = [e["loc"] for e in error.errors() if e["type"] == "string_type"]
        if not fixable or len(fixable) != error.error_count():
            raise
        for loc in fixable:
            node: Any = row
            for part in loc[:-1]:
                node = node[part]
            node[loc[-1]] = ""
        return model.model_validate(row)


def previous_records(out_dir: Path, path: Path) -> list[Record] | None:
    """The records an earlier run in ``out_dir`` extracted from ``path``; None if no
    earlier run read it (or its files cannot be read back)."""
    manifest_path = out_dir / "manifest.json"
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    fmt = manifest.get("config", {}).get("format", "jsonl")
    entry = next((i for i in manifest.get("inputs", [])
                  if _same_path(str(i.get("path", "")), path)
                  and (i.get("status") != "failure" or i.get("kept_from_previous_run"))),
                 None)
    if entry is None:
        return None
    # a document kept from a run before carries the id its records were made with
    doc_id = entry.get("kept_document_id") or entry.get("document_id")
    records: list[Record] = []
    for kind, stem in KIND_FILES.items():
        file = out_dir / f"{stem}.{fmt}"
        if not file.exists():
            continue
        try:
            rows = _rows(file, fmt)
            for row in rows:
                if row.get("provenance", {}).get("document_id") == doc_id:
                    records.append(_validate(RECORD_TYPES[kind], row))
        except (OSError, ValueError, ValidationError):
            return None
    return records
