"""Align whole folders of drafts in parallel, resumably, with one summary table.

:func:`run_batch` is the library behind ``fhs-nlp batch``. For every supported file in the
inputs (files, folders searched recursively, glob patterns) it

1. hashes the file and skips it when ``batch-state.jsonl`` in the output folder already
   records it with the same content hash and the same settings (model, index, --extract,
   software version): the old summary row is kept;
2. sends it to a worker process, which loaded the aligner once when it started; the
   worker reads the file, refuses it if it has more than ``max_pages`` pages, aligns it
   (and with ``extract`` runs the extraction pipeline on it) and writes
   ``docs/<stem>-<hash of its path>/alignment.{json,md,html}``;
3. appends one line for the finished document to ``batch-state.jsonl``;
4. at the end, or when interrupted, writes ``summary.csv``, ``summary.parquet`` and
   ``overview.html`` (a heatmap of documents × insatsområden) for the documents done,
   and for the documents earlier runs in the folder did with the same settings that
   are not among this run's inputs (so a run over some files, or one whose inputs all
   fail, drops nothing from the summary). A path that does not exist stops the run
   before anything in the folder is touched.

A document that cannot be done (corrupt, encrypted, scanned, empty, unsupported, too
many pages, over the time limit, or a bug) becomes a row with status ``failed``, its
reason and an error code; the batch goes on.

**Workers.** ``jobs`` processes of the "spawn" context. Each loads the aligner once, in
the pool's initializer, one worker after the other (a file lock: the first load in a
fresh checkout builds the index and trains the classifier, the others then read them).
With more than one job each worker uses one thread (OMP_NUM_THREADS=1, and threadpoolctl
once the libraries are loaded, since the embedder asks OpenMP for every core itself).

**Re-runs.** A failure caused by a limit (E801 too many pages, E802 time limit) is
retried when the limit is raised; a worker crash (E803) or a bug (E804) on every run;
an unreadable file (E1xx) only when the file or the settings change.

**Time limit and crashes** (:mod:`fhs_nlp.batch.pool`). Each worker reports when it
starts a document; one running longer than ``timeout`` seconds is recorded as failed
(E802) and its worker killed; the other documents in flight are sent again, uncounted.
When a worker dies by itself, only a document that was alone in flight is charged: the
documents in flight beside it are run again one at a time, so a neighbour of a crashing
file is never blamed. A document that kills its worker twice is recorded as E803. Model
loading in a new worker does not count against the limit.

**Where the parts are.** :mod:`~fhs_nlp.batch.rows` (the summary row and the result),
:mod:`~fhs_nlp.batch.state` (the state file), :mod:`~fhs_nlp.batch.worker` (what runs in a
worker), :mod:`~fhs_nlp.batch.pool` (scheduling), :mod:`~fhs_nlp.batch.summary` (the
summary files); this module reads the inputs and runs the batch.

**Parent death.** Each worker dies with the parent process however it ends, SIGKILL
included (:mod:`fhs_nlp.batch.parent_death`: a parent-death signal on Linux, and a watchdog
on the parent's process id everywhere); the resource tracker then exits as well.

**Interrupts.** On Ctrl-C (a :class:`KeyboardInterrupt` in the parent; workers ignore
SIGINT) the workers are stopped, the summary is written for what is finished and
:class:`BatchInterrupted` (a KeyboardInterrupt carrying the partial result) is raised.
Every file is written atomically (temporary file, then rename), the state file only
gets whole lines appended, so a re-run continues where the batch stopped.

Nothing here prints; ``on_start`` and ``on_result`` callbacks report progress.
"""

from __future__ import annotations

import contextlib
import glob
import re
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from fhs_nlp.batch.pool import execute
from fhs_nlp.batch.rows import (  # noqa: F401 - re-exported: the batch API
    BATCH_SCHEMA_VERSION,
    COLUMNS,
    DOCS_DIR,
    OVERVIEW_HTML,
    REPORT_FILES,
    STATE_FILE,
    SUMMARY_CSV,
    SUMMARY_PARQUET,
    BatchInterrupted,
    BatchResult,
    DocumentOutcome,
    SummaryRow,
)
from fhs_nlp.batch.state import BatchState, document_id
from fhs_nlp.batch.summary import (  # noqa: F401 - re-exported
    render_csv,
    render_overview,
    render_parquet,
    write_summary,
)
from fhs_nlp.batch.worker import Task
from fhs_nlp.errors import (  # noqa: F401 - re-exported: callers catch them from here too
    BatchBusyError,
    DocumentTimeoutError,
    DocumentTooLargeError,
    DocxPartTooLargeError,
    InputError,
    InternalError,
    MissingPathError,
    OutputError,
    OutputExistsError,
    TooMuchTextError,
    WorkerCrashError,
    WorkerStartError,
)
from fhs_nlp.fileio import file_lock, remove_temp_files
from fhs_nlp.hashing import file_content_hash
from fhs_nlp.ingest import discover_inputs
from fhs_nlp.ingest.limits import DEFAULT_LIMITS, WORDS_PER_PAGE, Limits  # noqa: F401 - re-exported
from fhs_nlp.settings import BatchSettings  # noqa: F401 - re-exported

# fhs_nlp.align.aligner (numpy, the embedder) is imported inside functions only: a worker
# process imports this package, and must set its thread limits before those libraries load.


#: The defaults of every option (fhs_nlp.settings.BatchSettings: one place).
_DEFAULTS = BatchSettings()

_GLOB_CHARS = re.compile(r"[*?[]")


def collect_inputs(inputs: Iterable[Path | str], exclude: Path | None = None
                   ) -> tuple[list[Path], list[InputError]]:
    """Files, folders and glob patterns (expanded here, so quoted patterns work) into the
    supported files they hold, without anything under ``exclude`` (the output folder)."""
    expanded: list[Path] = []
    errors: list[InputError] = []
    for raw in inputs:
        text = str(raw)
        if _GLOB_CHARS.search(text) and not Path(text).exists():
            matches = sorted(glob.glob(text, recursive=True))
            if not matches:
                errors.append(MissingPathError("matches no files; check the pattern", text))
            expanded += [Path(m) for m in matches]
        else:
            expanded.append(Path(text))
    files, more_errors = discover_inputs(expanded)
    if exclude is not None:
        root = exclude.resolve()
        files = [f for f in files if not f.resolve().is_relative_to(root)]
    return files, errors + more_errors


def run_batch(
    inputs: Iterable[Path | str],
    out_dir: Path | str,
    *,
    jobs: int = _DEFAULTS.jobs,
    extract: bool = _DEFAULTS.extract,
    model: str | None = None,
    index_dir: Path | None = None,
    timeout: float = _DEFAULTS.timeout,
    max_pages: int = _DEFAULTS.max_pages,
    max_chars: int = _DEFAULTS.max_chars,
    max_docx_mb: float = _DEFAULTS.max_docx_mb,
    force: bool = False,
    cache_path: Path | None = None,
    on_start: Callable[[int, int], None] | None = None,
    on_result: Callable[[DocumentOutcome], None] | None = None,
) -> BatchResult:
    """Align (and with ``extract`` also extract) every supported file of ``inputs``.

    ``jobs`` worker processes (default 1) each load the aligner once. ``timeout`` is the
    limit in seconds per document, ``max_pages``, ``max_chars`` and ``max_docx_mb`` the
    largest document accepted (:mod:`fhs_nlp.ingest.limits`); ``force``
    re-processes documents the state file says are done. ``cache_path`` is the embedding
    cache (default: the project's, ``.fhs-cache/embeddings.sqlite``). ``on_start`` is
    told how many documents will be processed and how many were skipped as unchanged;
    ``on_result`` gets each finished document. Raises :class:`BatchInterrupted` on
    Ctrl-C (after writing the summary), :class:`WorkerStartError` if the model cannot be
    loaded, :class:`BatchBusyError` if another batch is writing to ``out_dir``.
    """
    settings = BatchSettings(jobs=jobs, extract=extract, model=model, index_dir=index_dir,
                             timeout=timeout, max_pages=max_pages, max_chars=max_chars,
                             max_docx_mb=max_docx_mb)
    started = time.perf_counter()
    out_dir = Path(out_dir)
    files, input_errors = collect_inputs(inputs, exclude=out_dir)
    missing = [e for e in input_errors if isinstance(e, MissingPathError)]
    if missing:  # a typo in a path: stop before anything in the folder is touched
        raise missing[0]
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputExistsError("exists and is a file, but --out is the folder the batch "
                                "writes to; choose another --out", out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"cannot be created ({error.strerror}); choose another --out",
                          out_dir) from error
    with file_lock(out_dir / ".batch.lock", wait=False) as locked:
        if not locked:
            raise BatchBusyError("another batch is writing to this folder; wait for it to "
                                 "finish or choose another --out", out_dir)
        return _run_locked(files, input_errors, out_dir, settings, force, cache_path,
                           started, on_start, on_result)


def _run_locked(files: list[Path], input_errors: list[InputError], out_dir: Path,
                settings: BatchSettings, force: bool, cache_path: Path | None, started: float,
                on_start: Callable[[int, int], None] | None,
                on_result: Callable[[DocumentOutcome], None] | None) -> BatchResult:
    remove_temp_files(out_dir)
    state = BatchState(out_dir / STATE_FILE)
    done: dict[str, SummaryRow] = {}
    order: list[str] = []
    tasks: list[Task] = []
    for path in files:
        doc_id = document_id(path)
        order.append(doc_id)
        try:
            digest = file_content_hash(path)
        except OSError as error:
            row = SummaryRow(path=str(path), document_id=doc_id, content_hash="",
                             status="failed", reason=f"cannot be read ({error.strerror})",
                             error_code="E100")
            done[doc_id] = row
            continue
        previous = None if force else state.reusable(doc_id, digest, settings, out_dir)
        if previous is not None:
            previous.path = str(path)
            done[doc_id] = previous
        else:
            tasks.append(Task(str(path), doc_id, digest, str(out_dir / DOCS_DIR / doc_id),
                               settings.extract, settings.max_pages, settings.max_chars,
                               settings.max_docx_mb))
    skipped = len(done)
    if on_start is not None:
        on_start(len(tasks), skipped)
    processed: list[DocumentOutcome] = []
    interrupted = False
    try:
        with contextlib.closing(execute(tasks, settings, out_dir / ".load.lock",
                                         cache_path)) as outcomes:
            for outcome in outcomes:
                outcome.row.finished = datetime.now(UTC).isoformat(timespec="seconds")
                state.append(outcome.row, settings)
                done[outcome.row.document_id] = outcome.row
                processed.append(outcome)
                if on_result is not None:
                    on_result(outcome)
    except KeyboardInterrupt:
        interrupted = True
    result = BatchResult(
        out_dir=out_dir, rows=[done[d] for d in order if d in done], processed=processed,
        skipped=skipped, input_errors=input_errors, settings=settings,
        seconds=time.perf_counter() - started, interrupted=interrupted,
        pending=len(tasks) - len(processed),
        earlier_rows=state.earlier_rows(set(order), settings),
    )
    write_summary(result)
    if interrupted:
        raise BatchInterrupted(result)
    return result

