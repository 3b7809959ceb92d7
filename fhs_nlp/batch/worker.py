"""The worker side of a batch: what runs inside each worker process.

A worker loads the aligner once (:func:`worker_init`, one worker at a time behind a file
lock) and then does one document per call (:func:`run_task`): read it, refuse it past the
limits, align it, write its reports (and with ``extract`` its records). Everything here
runs in the child, so numpy and the embedder are imported inside the functions: a worker
must set its thread limits before those libraries load.
"""

from __future__ import annotations

import os
import signal
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fhs_nlp.batch.rows import DOCS_DIR, SummaryRow
from fhs_nlp.errors import InputError, InternalError
from fhs_nlp.fileio import atomic_write_text, file_lock
from fhs_nlp.ingest.limits import Limits
from fhs_nlp.settings import DEFAULT_MAX_CHARS, DEFAULT_MAX_DOCX_MB, EMBEDDING_CACHE


@dataclass(frozen=True)
class Task:
    """One document to do, as sent to a worker (picklable, no open files)."""

    path: str
    document_id: str
    content_hash: str
    doc_dir: str
    extract: bool
    max_pages: int
    max_chars: int = DEFAULT_MAX_CHARS
    max_docx_mb: float = DEFAULT_MAX_DOCX_MB


_WORKER: dict[str, Any] = {}


def worker_init(model: str | None, index_dir: str | None, cache_path: str | None,
                 threads: int | None, events: Any, lock_path: str,
                 parent_pid: int | None = None) -> None:
    """Load the aligner once per worker. Never raises: a failure is reported per task."""
    if parent_pid is not None:  # first: a SIGKILLed parent must not leave workers behind
        from fhs_nlp.batch.parent_death import die_with_parent

        die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    os.environ.setdefault("OMP_WAIT_POLICY", "passive")
    if threads:
        os.environ["OMP_NUM_THREADS"] = str(threads)
    _WORKER["events"] = events
    events.put(("hello", os.getpid(), time.time()))
    try:
        from fhs_nlp.align.aligner import load_aligner

        # one worker at a time: the first load in a fresh checkout builds the index and
        # trains the classifier, which the others then read from files
        with file_lock(Path(lock_path)):
            aligner = load_aligner(model, Path(index_dir) if index_dir else None,
                                   cache_path=Path(cache_path) if cache_path else EMBEDDING_CACHE)
        if threads:
            # the embedder asks OpenMP for all cores whatever OMP_NUM_THREADS says;
            # threadpoolctl sets the limit on the libraries once they are loaded
            from threadpoolctl import threadpool_limits

            _WORKER["limits"] = threadpool_limits(limits=threads)
        _WORKER["aligner"] = aligner
    except BaseException as error:  # noqa: BLE001 - reported to the parent
        _WORKER["error"] = f"{type(error).__name__}: {error}"


def _peak_rss_mb() -> float | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run_task(task: Task) -> dict[str, Any]:
    if "error" in _WORKER:
        return {"init_error": _WORKER["error"]}
    _WORKER["events"].put(("start", task.document_id, os.getpid(), time.time()))
    started = time.perf_counter()
    try:
        row = _process(task, _WORKER["aligner"], started)
    except InputError as error:
        row = failed_row(task, error.message, error.code)
    except Exception as error:  # a bug: keep it with the document and go on
        folder = Path(task.doc_dir)
        atomic_write_text(folder / "error.txt", traceback.format_exc())
        row = failed_row(
            task, f"fhs-nlp could not process it ({type(error).__name__}: {error}); this is "
            f"a bug: please report it with the file and {folder / 'error.txt'}",
            InternalError.code)
    row.seconds = round(time.perf_counter() - started, 3)
    return {"row": row.columns(), "pid": os.getpid(), "peak_rss_mb": _peak_rss_mb()}


def _process(task: Task, aligner: Any, started: float) -> SummaryRow:
    from fhs_nlp.ingest import read_document
    from fhs_nlp.report.alignment import render_html, render_json, render_markdown

    # the limits of every command: pages (from a PDF's page tree before it is laid
    # out), characters, DOCX part sizes; the time limit is the parent's to enforce
    limits = Limits(max_pages=task.max_pages, max_chars=task.max_chars,
                    max_docx_mb=task.max_docx_mb)
    doc = read_document(Path(task.path), task.document_id, limits)
    report = aligner.align_document(doc, started=started)
    folder = Path(task.doc_dir)
    atomic_write_text(folder / "alignment.json", render_json(report))
    atomic_write_text(folder / "alignment.md", render_markdown(report))
    atomic_write_text(folder / "alignment.html", render_html(report))
    extract_status = _extract(doc, folder / "extract") if task.extract else None
    info = report.document
    return SummaryRow(
        path=task.path, document_id=task.document_id, content_hash=info.content_hash,
        status="ok", format=info.format, pages=info.pages, words=info.words,
        passages=info.passages, too_short=report.too_short,
        warnings="; ".join(report.warnings) or None,
        scores={a.slug: a.score for a in report.areas},
        gaps={a.slug: a.status == "gap" for a in report.areas},
        viljeriktning_gaps=sum(g.level == "viljeriktning" for g in report.gaps),
        extract_status=extract_status,
        report=f"{DOCS_DIR}/{task.document_id}/alignment.html",
    )


def _extract(doc: Any, folder: Path) -> str:
    from fhs_nlp.extract.pipeline import ExtractionResult, extract_document
    from fhs_nlp.report.output import write_extraction

    result = extract_document(doc)
    write_extraction(ExtractionResult(documents=[result], input_errors=[],
                                      seconds=result.seconds), folder, "jsonl",
                     command=f"fhs-nlp batch --extract {doc.source_path}")
    return result.status


def failed_row(task: Task, reason: str, code: str) -> SummaryRow:
    return SummaryRow(path=task.path, document_id=task.document_id,
                      content_hash=task.content_hash, status="failed", reason=reason,
                      error_code=code, format=Path(task.path).suffix.lower().lstrip(".") or None)
