"""Writing results: one file per record kind, a run manifest, all written atomically.

Every file goes through :func:`fhs_nlp.fileio.atomic_write_bytes` (a temporary file in
the same folder, then a rename), so an interrupted run leaves either the old file or the
new one, never half of one. JSON is written with ``ensure_ascii=False``: å, ä and ö
stay readable.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from fhs_nlp.fileio import (  # noqa: F401 - re-exported: callers import them from here
    atomic_write_bytes,
    atomic_write_text,
)

Format = Literal["jsonl", "csv", "json"]

#: File stem for each record kind.
KIND_FILES: dict[str, str] = {
    "insatsomrade": "insatsomraden",
    "viljeriktning": "viljeriktningar",
    "fokusforflyttning": "fokusforflyttningar",
    "milestone": "milestones",
    "malbild": "malbilder",
    "effektmal": "effektmal",
    "decision": "decisions",
}


def to_jsonable(obj: Any) -> Any:
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    return obj


def dumps(obj: Any, *, indent: int | None = None) -> str:
    return json.dumps(to_jsonable(obj), ensure_ascii=False, indent=indent, default=str)


def render_records(records: Iterable[BaseModel], fmt: Format) -> str:
    rows = [r.model_dump(mode="json") for r in records]
    if fmt == "jsonl":
        return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        return _to_csv(rows)
    raise ValueError(f"unknown format '{fmt}'; use jsonl, csv or json")


def _flatten(row: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Flatten nested dicts into ``a.b`` columns; lists become JSON text in one cell."""
    flat: dict[str, Any] = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        elif isinstance(value, list):
            flat[name] = json.dumps(value, ensure_ascii=False)
        else:
            flat[name] = value
    return flat


def _to_csv(rows: list[dict[str, Any]]) -> str:
    flat = [_flatten(r) for r in rows]
    columns: list[str] = []
    for row in flat:
        for key in row:
            if key not in columns:
                columns.append(key)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(flat)
    return buffer.getvalue()


def command_line() -> str:
    """The command as the user typed it, for stamping outputs."""
    prog = Path(sys.argv[0]).name if sys.argv else "fhs-nlp"
    return " ".join([prog, *sys.argv[1:]])


def library_versions() -> dict[str, str]:
    """Versions of the libraries that shape extraction results."""
    from importlib.metadata import PackageNotFoundError, version

    versions = {"python": sys.version.split()[0]}
    for name in ("fhs-nlp", "pdfplumber", "python-docx", "spacy", "pydantic"):
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def write_extraction(
    result: Any, out_dir: Path, fmt: Format = "jsonl", command: str | None = None
) -> list[Path]:
    """Write one file per record kind, ``warnings.jsonl`` and ``manifest.json``.

    ``result`` is an :class:`fhs_nlp.extract.pipeline.ExtractionResult`. Files of kinds with no
    records are still written (empty), so a folder always has the same shape. Every
    file is rendered before the first is written (a failure while rendering leaves the
    folder as it was); the manifest is written last: its presence means the run
    finished writing.
    """
    from datetime import UTC, datetime

    out_dir = Path(out_dir)
    written: list[Path] = []
    by_kind = result.records
    rendered = {out_dir / f"{stem}.{fmt}": render_records(by_kind.get(kind, []), fmt)
                for kind, stem in KIND_FILES.items()}
    warning_rows = []
    for doc in result.documents:
        for warning in doc.warnings:
            warning_rows.append({"document_id": doc.doc_id, **warning.model_dump(mode="json")})
    for warning in result.link_warnings:
        warning_rows.append({"document_id": None, **warning.model_dump(mode="json")})
    warnings_path = out_dir / "warnings.jsonl"
    rendered[warnings_path] = "".join(json.dumps(w, ensure_ascii=False) + "\n"
                                      for w in warning_rows)
    for path, text in rendered.items():
        atomic_write_text(path, text)
        written.append(path)
    manifest = {
        "schema_version": result.schema_version,
        "software_version": result.software_version,
        "command": command or command_line(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "config": {"format": fmt},
        "versions": library_versions(),
        "timings": {
            "total_seconds": round(result.seconds, 3),
            "per_document_seconds": {d.doc_id: round(d.seconds, 3) for d in result.documents},
        },
        "counts": {kind: len(records) for kind, records in by_kind.items()},
        "inputs": [
            {
                "path": str(d.path),
                "document_id": d.doc_id,
                "status": d.status,
                "content_hash": d.content_hash,
                "format": d.source_format,
                "pages": d.pages,
                "counts": d.counts(),
                "warnings": sum(1 for w in d.warnings if w.level == "warning"),
                "notes": sum(1 for w in d.warnings if w.level == "info"),
                "error": d.error,
                "error_code": d.error_code,
                # only where a stage raised (a bug, E804): the manifest of a run without
                # one has the same keys as before
                **({"traceback": d.traceback} if d.traceback else {}),
                "kept_from_previous_run": d.kept_records,
                "kept_document_id": (d.records[0].provenance.document_id
                                     if d.kept_records else None),
            }
            for d in result.documents
        ],
        "input_errors": [
            {"path": str(e.path) if e.path else None, "error": str(e), "error_code": e.code}
            for e in result.input_errors
        ],
        "outputs": [p.name for p in written],
    }
    manifest_path = out_dir / "manifest.json"
    atomic_write_text(manifest_path, json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    written.append(manifest_path)
    return written
