"""Predicted records: from a fresh extraction run, or from an ``fhs-nlp extract`` folder.

A predictions folder is refused when it was written under another record schema
(``schema_version`` in its ``manifest.json`` or in any record): field names and meanings
may differ, so comparing it with the gold would report nonsense.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fhs_nlp.datamodel.records import RECORD_TYPES, SCHEMA_VERSION, Record
from fhs_nlp.errors import PredictionsError, SchemaVersionError
from fhs_nlp.report.output import KIND_FILES


@dataclass(frozen=True)
class Predicted:
    """One predicted record, as the evaluators see it."""

    kind: str
    doc: str
    line_start: int
    line_end: int
    fields: dict[str, Any]
    record: Record

    def where(self) -> str:
        return self.record.provenance.short()


def from_records(records: dict[str, list[Record]]) -> dict[str, list[Predicted]]:
    """Wrap extracted records (``ExtractionResult.records``) for the evaluators."""
    out: dict[str, list[Predicted]] = {kind: [] for kind in KIND_FILES}
    for kind, items in records.items():
        for record in items:
            p = record.provenance
            out.setdefault(kind, []).append(Predicted(
                kind, p.document_id, p.line_start, p.line_end,
                record.model_dump(mode="json"), record,
            ))
    return out


def load_predictions(folder: Path) -> dict[str, list[Predicted]]:
    """Read the ``<kind>.jsonl`` files of an ``fhs-nlp extract --format jsonl`` folder.

    Raises :class:`SchemaVersionError` when the folder's schema differs from this
    software's (:data:`fhs_nlp.datamodel.records.SCHEMA_VERSION`), :class:`PredictionsError` for a
    missing or malformed file.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise PredictionsError("is not a folder; give the --out folder of 'fhs-nlp extract'",
                               folder)
    manifest_path = folder / "manifest.json"
    if manifest_path.exists():
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise PredictionsError(f"is not valid JSON ({exc.msg})", manifest_path) from exc
        _check_version(manifest.get("schema_version"), manifest_path, None)
    records: dict[str, list[Record]] = {}
    for kind, stem in KIND_FILES.items():
        path = folder / f"{stem}.jsonl"
        if not path.exists():
            raise PredictionsError(
                f"has no {stem}.jsonl; run 'fhs-nlp extract … --format jsonl --out {folder}'",
                folder,
            )
        items: list[Record] = []
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise PredictionsError(f"line {n} is not JSON ({exc.msg})", path) from exc
            _check_version(row.get("schema_version"), path, n)
            try:
                items.append(RECORD_TYPES[kind].model_validate(row))
            except ValidationError as exc:
                first = exc.errors()[0]
                loc = ".".join(str(x) for x in first["loc"])
                raise PredictionsError(
                    f"line {n} is not a valid {kind} record ({loc}: {first['msg']})", path
                ) from exc
        records[kind] = items
    return from_records(records)


def _check_version(found: Any, path: Path, line: int | None) -> None:
    if found == SCHEMA_VERSION:
        return
    where = f"line {line}: " if line is not None else ""
    raise SchemaVersionError(
        f"{where}written with record schema_version {found!r}, but this fhs-nlp reads "
        f"schema_version {SCHEMA_VERSION!r}: fields may have changed meaning, so the "
        "predictions cannot be compared with the gold; re-run 'fhs-nlp extract' with this "
        "version, or evaluate without --predictions",
        path,
    )
