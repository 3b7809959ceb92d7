"""``batch-state.jsonl``: what earlier runs in an output folder finished, so a re-run skips it.

Its own module because the rules of when a recorded document may be reused (same content,
same settings, a limit failure only while the limit is not raised, a crash never) are the
resumability contract of ``fhs-nlp batch`` and are read apart from the scheduling.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from fhs_nlp.batch.rows import BATCH_SCHEMA_VERSION, DOCS_DIR, REPORT_FILES, SummaryRow
from fhs_nlp.errors import (
    DocumentTimeoutError,
    DocumentTooLargeError,
    DocxPartTooLargeError,
    InternalError,
    TooMuchTextError,
    WorkerCrashError,
)
from fhs_nlp.settings import BatchSettings


def document_id(path: Path) -> str:
    """``<stem>-<8 hex digits of the absolute path>``: stable when the file changes,
    distinct for files of the same name in different folders."""
    digest = hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:8]
    return f"{path.stem}-{digest}"


class BatchState:
    """``batch-state.jsonl``: one line per finished document, appended, never rewritten.
    The last line for a document wins; a torn last line (a hard kill) is ignored."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, dict[str, Any]] = {}
        if not path.exists():
            return
        data = path.read_bytes()
        for line in data.decode("utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
                self.entries[entry["document_id"]] = entry
            except (ValueError, KeyError, TypeError):
                continue
        if data and not data.endswith(b"\n"):
            with open(path, "ab") as handle:  # end the torn line so the next one is whole
                handle.write(b"\n")

    def append(self, row: SummaryRow, settings: BatchSettings) -> None:
        entry = {
            "schema_version": BATCH_SCHEMA_VERSION,
            "document_id": row.document_id,
            "content_hash": row.content_hash,
            "settings_hash": settings.settings_hash(),
            "limits": {"timeout": settings.timeout, "max_pages": settings.max_pages,
                       "max_chars": settings.max_chars, "max_docx_mb": settings.max_docx_mb},
            "row": row.columns(),
        }
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
        self.entries[row.document_id] = entry

    def earlier_rows(self, exclude: set[str], settings: BatchSettings) -> list[SummaryRow]:
        """The rows of documents not in ``exclude`` recorded with these settings, in the
        order they were first recorded."""
        wanted = settings.settings_hash()
        return [SummaryRow.from_columns(e["row"]) for doc_id, e in self.entries.items()
                if doc_id not in exclude and e.get("settings_hash") == wanted]

    def reusable(self, doc_id: str, content_hash: str, settings: BatchSettings,
                 out_dir: Path) -> SummaryRow | None:
        """The recorded row if the document need not be done again, else None."""
        entry = self.entries.get(doc_id)
        if (entry is None or entry.get("content_hash") != content_hash
                or entry.get("settings_hash") != settings.settings_hash()):
            return None
        row = SummaryRow.from_columns(entry["row"])
        limits = entry.get("limits", {})
        if row.error_code == DocumentTimeoutError.code:
            return row if settings.timeout <= limits.get("timeout", 0) else None
        if row.error_code == DocumentTooLargeError.code:
            return row if settings.max_pages <= limits.get("max_pages", 0) else None
        if row.error_code == TooMuchTextError.code:
            return row if settings.max_chars <= limits.get("max_chars", 0) else None
        if row.error_code == DocxPartTooLargeError.code:
            return row if settings.max_docx_mb <= limits.get("max_docx_mb", 0) else None
        if row.error_code in (WorkerCrashError.code, InternalError.code):
            return None  # may not happen again (a crash; a bug fixed since)
        if row.status == "ok":
            folder = out_dir / DOCS_DIR / doc_id
            needed = [folder / n for n in REPORT_FILES]
            if settings.extract:
                needed.append(folder / "extract" / "manifest.json")
            if not all(p.exists() for p in needed):
                return None
        return row
