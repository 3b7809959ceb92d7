"""The records of a batch: one summary row per document, the outcome of a run.

Kept apart from the runner because the summary writers, the state file and the worker
processes all build or read these rows, while only the runner schedules work.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from fhs_nlp.datamodel.vocabulary import AREAS
from fhs_nlp.errors import InputError
from fhs_nlp.settings import BatchSettings

BATCH_SCHEMA_VERSION = "1.0"
STATE_FILE = "batch-state.jsonl"
SUMMARY_CSV = "summary.csv"
SUMMARY_PARQUET = "summary.parquet"
OVERVIEW_HTML = "overview.html"
DOCS_DIR = "docs"
REPORT_FILES = ("alignment.json", "alignment.md", "alignment.html")
#: How often (seconds) the parent looks at the workers at most.
POLL_SECONDS = 0.2

Status = Literal["ok", "failed"]


def _columns() -> list[tuple[str, str]]:
    cols = [
        ("path", "str"), ("document_id", "str"), ("content_hash", "str"), ("status", "str"),
        ("reason", "str"), ("error_code", "str"), ("format", "str"), ("pages", "int"),
        ("words", "int"), ("passages", "int"), ("seconds", "float"), ("too_short", "bool"),
        ("warnings", "str"),
    ]
    cols += [(f"score:{a.slug}", "float") for a in AREAS]
    cols += [(f"gap:{a.slug}", "bool") for a in AREAS]
    cols += [("area_gaps", "int"), ("viljeriktning_gaps", "int"), ("extract_status", "str"),
             ("report", "str"), ("finished", "str")]
    return cols


#: The summary table's columns and their types, in order.
COLUMNS: list[tuple[str, str]] = _columns()


@dataclass
class SummaryRow:
    """One document in the summary table; ``columns()`` gives the flat row."""

    path: str
    document_id: str
    content_hash: str
    status: Status
    reason: str | None = None
    error_code: str | None = None
    format: str | None = None
    pages: int | None = None
    words: int | None = None
    passages: int | None = None
    seconds: float = 0.0
    too_short: bool | None = None
    warnings: str | None = None
    scores: dict[str, float] = field(default_factory=dict)  # area slug -> score 0-100
    gaps: dict[str, bool] = field(default_factory=dict)  # area slug -> gap
    viljeriktning_gaps: int | None = None
    extract_status: str | None = None
    report: str | None = None  # the HTML report, relative to the output folder
    finished: str = ""

    def columns(self) -> dict[str, Any]:
        flat = {k: v for k, v in asdict(self).items() if k not in ("scores", "gaps")}
        for area in AREAS:
            flat[f"score:{area.slug}"] = self.scores.get(area.slug)
        for area in AREAS:
            flat[f"gap:{area.slug}"] = self.gaps.get(area.slug)
        flat["area_gaps"] = sum(self.gaps.values()) if self.gaps else None
        return {name: flat.get(name) for name, _ in COLUMNS}

    @classmethod
    def from_columns(cls, row: dict[str, Any]) -> SummaryRow:
        known: dict[str, Any] = {k: row.get(k) for k in cls.__dataclass_fields__
                                 if k not in ("scores", "gaps")}
        known["seconds"] = known["seconds"] or 0.0
        known["finished"] = known["finished"] or ""
        scores = {a.slug: row[f"score:{a.slug}"] for a in AREAS
                  if row.get(f"score:{a.slug}") is not None}
        gaps = {a.slug: row[f"gap:{a.slug}"] for a in AREAS
                if row.get(f"gap:{a.slug}") is not None}
        return cls(**known, scores=scores, gaps=gaps)


@dataclass
class DocumentOutcome:
    """A document finished in this run: its row and where it was done."""

    row: SummaryRow
    worker_pid: int | None = None
    worker_peak_rss_mb: float | None = None

    @property
    def ok(self) -> bool:
        return self.row.status == "ok"


@dataclass
class BatchResult:
    """What a run produced. ``rows`` holds every input document that is done (this run or
    an earlier one), in input order; ``processed`` only those done in this run."""

    out_dir: Path
    rows: list[SummaryRow]
    processed: list[DocumentOutcome]
    skipped: int
    input_errors: list[InputError]
    settings: BatchSettings
    seconds: float
    interrupted: bool = False
    pending: int = 0  # documents not done when interrupted
    #: documents an earlier run in the same folder did with the same settings that are
    #: not among this run's inputs: kept in the summary, so that a run over some of the
    #: files (or one whose inputs all fail) never drops the others from it
    earlier_rows: list[SummaryRow] = field(default_factory=list)

    @property
    def failed(self) -> list[SummaryRow]:
        return [r for r in self.rows if r.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.input_errors and not self.interrupted

    @property
    def summary_paths(self) -> list[Path]:
        return [self.out_dir / n for n in (SUMMARY_CSV, SUMMARY_PARQUET, OVERVIEW_HTML)]

    def worker_peak_rss_mb(self) -> dict[int, float]:
        """Peak memory (RSS, MB) of each worker process of this run."""
        peaks: dict[int, float] = {}
        for o in self.processed:
            if o.worker_pid is not None and o.worker_peak_rss_mb is not None:
                peaks[o.worker_pid] = max(peaks.get(o.worker_pid, 0.0), o.worker_peak_rss_mb)
        return peaks


class BatchInterrupted(KeyboardInterrupt):
    """Ctrl-C during a batch: finished documents are recorded, the summary is written."""

    def __init__(self, result: BatchResult) -> None:
        super().__init__("batch interrupted")
        self.result = result
