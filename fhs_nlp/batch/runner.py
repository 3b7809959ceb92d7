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

**Time limit.** Each worker reports when it starts a document. The parent waits on the
futures in short rounds; a document running longer than ``timeout`` seconds is recorded
as failed (E802), its worker is killed by process id, and the pool, now broken, is
replaced by a new one: the other documents that were in flight are sent again (they are
not counted as failed). Model loading in a new worker does not count against the limit.
A document whose worker dies twice (a crash in a native library) is recorded as E803.

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
import hashlib
import html
import io
import json
import multiprocessing
import os
import queue
import re
import signal
import sys
import time
import traceback
from collections import Counter, deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from fhs_nlp._version import __version__
from fhs_nlp.datamodel.vocabulary import AREAS
from fhs_nlp.errors import (  # re-exported: callers catch them from here too
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
from fhs_nlp.ingest import discover_inputs
from fhs_nlp.ingest.limits import DEFAULT_LIMITS, WORDS_PER_PAGE, Limits  # noqa: F401 - re-exported
from fhs_nlp.report.output import atomic_write_bytes, atomic_write_text

# fhs_nlp.align.aligner (numpy, the embedder) is imported inside functions only: a worker must set
# its thread limits before those libraries load.

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


# --- settings and records -----------------------------------------------------------------


@dataclass(frozen=True)
class BatchSettings:
    """The options of a run; checks itself. Only some of them change the results."""

    jobs: int = 1
    extract: bool = False
    model: str | None = None
    index_dir: Path | None = None
    timeout: float = 300.0
    max_pages: int = 500
    max_chars: int = DEFAULT_LIMITS.max_chars
    max_docx_mb: float = DEFAULT_LIMITS.max_docx_mb

    def __post_init__(self) -> None:
        if self.jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {self.jobs}")
        if not self.timeout > 0:
            raise ValueError(f"timeout must be a positive number of seconds, got {self.timeout}")
        if self.max_pages < 1:
            raise ValueError(f"max_pages must be at least 1, got {self.max_pages}")

    def results_key(self) -> dict[str, Any]:
        """What the outputs depend on besides the file: a change re-processes everything."""
        from fhs_nlp.align.aligner import ALIGNMENT_SCHEMA_VERSION
        from fhs_nlp.embed.embedders import DEFAULT_EMBEDDER

        return {
            "model": self.model or DEFAULT_EMBEDDER,
            "index": str(Path(self.index_dir).resolve()) if self.index_dir else "default",
            "extract": self.extract,
            "software_version": __version__,
            "alignment_schema": ALIGNMENT_SCHEMA_VERSION,
        }

    def settings_hash(self) -> str:
        text = json.dumps(self.results_key(), sort_keys=True)
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()[:16]


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


# --- inputs and state ---------------------------------------------------------------------


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


def document_id(path: Path) -> str:
    """``<stem>-<8 hex digits of the absolute path>``: stable when the file changes,
    distinct for files of the same name in different folders."""
    digest = hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:8]
    return f"{path.stem}-{digest}"


def file_hash(path: Path) -> str:
    """The same ``sha256:`` hash the readers give a document, without reading it whole."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return "sha256:" + digest.hexdigest()


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


# --- the worker side ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Task:
    path: str
    document_id: str
    content_hash: str
    doc_dir: str
    extract: bool
    max_pages: int
    max_chars: int = DEFAULT_LIMITS.max_chars
    max_docx_mb: float = DEFAULT_LIMITS.max_docx_mb


_WORKER: dict[str, Any] = {}


def _worker_init(model: str | None, index_dir: str | None, cache_path: str | None,
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
        from fhs_nlp.align.aligner import DEFAULT_CACHE, load_aligner

        # one worker at a time: the first load in a fresh checkout builds the index and
        # trains the classifier, which the others then read from files
        with _file_lock(Path(lock_path)):
            aligner = load_aligner(model, Path(index_dir) if index_dir else None,
                                   cache_path=Path(cache_path) if cache_path else DEFAULT_CACHE)
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


def _run_task(task: _Task) -> dict[str, Any]:
    if "error" in _WORKER:
        return {"init_error": _WORKER["error"]}
    _WORKER["events"].put(("start", task.document_id, os.getpid(), time.time()))
    started = time.perf_counter()
    try:
        row = _process(task, _WORKER["aligner"], started)
    except InputError as error:
        row = _failed_row(task, error.message, error.code)
    except Exception as error:  # a bug: keep it with the document and go on
        folder = Path(task.doc_dir)
        atomic_write_text(folder / "error.txt", traceback.format_exc())
        row = _failed_row(
            task, f"fhs-nlp could not process it ({type(error).__name__}: {error}); this is "
            f"a bug: please report it with the file and {folder / 'error.txt'}",
            InternalError.code)
    row.seconds = round(time.perf_counter() - started, 3)
    return {"row": row.columns(), "pid": os.getpid(), "peak_rss_mb": _peak_rss_mb()}


def _process(task: _Task, aligner: Any, started: float) -> SummaryRow:
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


def _failed_row(task: _Task, reason: str, code: str) -> SummaryRow:
    return SummaryRow(path=task.path, document_id=task.document_id,
                      content_hash=task.content_hash, status="failed", reason=reason,
                      error_code=code, format=Path(task.path).suffix.lower().lstrip(".") or None)


@contextlib.contextmanager
def _file_lock(path: Path, *, wait: bool = True) -> Iterator[bool]:
    """An advisory lock on ``path`` (POSIX); yields False if ``wait`` is off and it is held."""
    try:
        import fcntl
    except ImportError:  # Windows: no lock
        yield True
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# --- the parent side ----------------------------------------------------------------------


class _Pool:
    """A ProcessPoolExecutor plus what it does not tell: which worker process runs which
    document since when, so that one over its time limit can be killed by its id."""

    def __init__(self, settings: BatchSettings, lock_path: Path, cache_path: Path | None):
        context = multiprocessing.get_context("spawn")
        self.events = context.Queue()
        threads = 1 if settings.jobs > 1 else None
        self.executor = ProcessPoolExecutor(
            max_workers=settings.jobs, mp_context=context, initializer=_worker_init,
            initargs=(settings.model, str(settings.index_dir) if settings.index_dir else None,
                      str(cache_path) if cache_path else None, threads, self.events,
                      str(lock_path), os.getpid()))
        self.workers: set[int] = set()
        self.started: dict[str, tuple[int, float]] = {}  # document id -> (pid, start time)

    def submit(self, task: _Task) -> Future:
        return self.executor.submit(_run_task, task)

    def poll(self) -> None:
        while True:
            try:
                event = self.events.get_nowait()
            except (queue.Empty, OSError, EOFError):
                return
            if event[0] == "hello":
                self.workers.add(event[1])
            elif event[0] == "start":
                self.started[event[1]] = (event[2], event[3])

    def kill(self, pid: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)

    def close(self, *, kill: bool) -> None:
        if kill:
            self.poll()
            for pid in self.workers:
                self.kill(pid)
        self.executor.shutdown(wait=True, cancel_futures=True)
        self.events.close()
        self.events.cancel_join_thread()


def _execute(tasks: Sequence[_Task], settings: BatchSettings, lock_path: Path,
             cache_path: Path | None) -> Generator[DocumentOutcome, None, None]:
    """Run the tasks in worker processes, yield each outcome as it is done."""
    pending = deque(tasks)
    inflight: dict[Future, _Task] = {}
    crashes: Counter[str] = Counter()
    pool: _Pool | None = None
    try:
        while pending or inflight:
            if pool is None:
                pool = _Pool(settings, lock_path, cache_path)
            while pending and len(inflight) < settings.jobs:
                task = pending.popleft()
                inflight[pool.submit(task)] = task
            done, _ = wait(inflight, timeout=_next_wait(pool, inflight, settings),
                           return_when=FIRST_COMPLETED)
            pool.poll()
            crashed: list[_Task] = []
            for future in done:
                task = inflight.pop(future)
                try:
                    payload = future.result()
                except BrokenProcessPool:
                    crashed.append(task)
                    continue
                if "init_error" in payload:
                    raise WorkerStartError(
                        f"a worker could not load the model and reference index "
                        f"({payload['init_error']}); check --model and try "
                        "`fhs-nlp align` on one file")
                yield _outcome(payload)
            timed_out = _over_time(pool, inflight, settings)
            if not crashed and not timed_out:
                continue
            # a worker died or was killed: the pool is broken, replace it
            for stopped, _task, _seconds in timed_out:
                del inflight[stopped]
            pool.close(kill=True)
            pool = None
            finished: list[DocumentOutcome] = []
            for future, task in inflight.items():
                if future.done() and not future.cancelled() and future.exception() is None:
                    finished.append(_outcome(future.result()))
                else:  # lost with the pool through no fault of its own: send it again
                    pending.appendleft(task)
            inflight.clear()
            for _future, task, seconds in timed_out:
                row = _failed_row(
                    task, f"took longer than the time limit of {settings.timeout:g} s and "
                    "was stopped; raise --timeout to give it more time",
                    DocumentTimeoutError.code)
                row.seconds = round(seconds, 3)
                finished.append(DocumentOutcome(row))
            for task in crashed:
                crashes[task.document_id] += 1
                if crashes[task.document_id] < 2:
                    pending.appendleft(task)
                    continue
                finished.append(DocumentOutcome(_failed_row(
                    task, "its worker process died twice while processing it (a crash in a "
                    "PDF or model library); check that the file opens, or convert it",
                    WorkerCrashError.code)))
            for task in [*pending, *crashed, *(t for _, t, _ in timed_out)]:
                _remove_temp_files(Path(task.doc_dir))  # writes cut off by the kill
            yield from finished
    finally:
        if pool is not None:
            pool.close(kill=bool(inflight))
            for task in inflight.values():
                _remove_temp_files(Path(task.doc_dir))


def _over_time(pool: _Pool, inflight: dict[Future, _Task], settings: BatchSettings
               ) -> list[tuple[Future, _Task, float]]:
    """The documents running longer than the limit; their workers are killed."""
    now = time.time()
    over = []
    for future, task in inflight.items():
        began = pool.started.get(task.document_id)
        if began is not None and now - began[1] > settings.timeout and not future.done():
            pool.kill(began[0])
            over.append((future, task, now - began[1]))
    return over


def _next_wait(pool: _Pool, inflight: dict[Future, _Task], settings: BatchSettings) -> float:
    now = time.time()
    waits = [POLL_SECONDS]
    for task in inflight.values():
        began = pool.started.get(task.document_id)
        if began is not None:
            waits.append(began[1] + settings.timeout - now + 0.01)
    return max(0.01, min(waits))


def _outcome(payload: dict[str, Any]) -> DocumentOutcome:
    return DocumentOutcome(SummaryRow.from_columns(payload["row"]), payload.get("pid"),
                           payload.get("peak_rss_mb"))


def _remove_temp_files(folder: Path) -> None:
    """Temporary files an atomic write left when its process was killed."""
    if folder.is_dir():
        for tmp in folder.rglob(".*.tmp"):
            with contextlib.suppress(OSError):
                tmp.unlink()


def run_batch(
    inputs: Iterable[Path | str],
    out_dir: Path | str,
    *,
    jobs: int = 1,
    extract: bool = False,
    model: str | None = None,
    index_dir: Path | None = None,
    timeout: float = 300.0,
    max_pages: int = 500,
    max_chars: int = DEFAULT_LIMITS.max_chars,
    max_docx_mb: float = DEFAULT_LIMITS.max_docx_mb,
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
    with _file_lock(out_dir / ".batch.lock", wait=False) as locked:
        if not locked:
            raise BatchBusyError("another batch is writing to this folder; wait for it to "
                                 "finish or choose another --out", out_dir)
        return _run_locked(files, input_errors, out_dir, settings, force, cache_path,
                           started, on_start, on_result)


def _run_locked(files: list[Path], input_errors: list[InputError], out_dir: Path,
                settings: BatchSettings, force: bool, cache_path: Path | None, started: float,
                on_start: Callable[[int, int], None] | None,
                on_result: Callable[[DocumentOutcome], None] | None) -> BatchResult:
    _remove_temp_files(out_dir)
    state = BatchState(out_dir / STATE_FILE)
    done: dict[str, SummaryRow] = {}
    order: list[str] = []
    tasks: list[_Task] = []
    for path in files:
        doc_id = document_id(path)
        order.append(doc_id)
        try:
            digest = file_hash(path)
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
            tasks.append(_Task(str(path), doc_id, digest, str(out_dir / DOCS_DIR / doc_id),
                               settings.extract, settings.max_pages, settings.max_chars,
                               settings.max_docx_mb))
    skipped = len(done)
    if on_start is not None:
        on_start(len(tasks), skipped)
    processed: list[DocumentOutcome] = []
    interrupted = False
    try:
        with contextlib.closing(_execute(tasks, settings, out_dir / ".load.lock",
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


# --- the summary --------------------------------------------------------------------------


def write_summary(result: BatchResult) -> list[Path]:
    """``summary.csv``, ``summary.parquet`` and ``overview.html`` for ``result.rows`` and
    ``result.earlier_rows``."""
    rows = [r.columns() for r in [*result.rows, *result.earlier_rows]]
    csv_path, parquet_path, html_path = result.summary_paths
    atomic_write_text(csv_path, render_csv(rows))
    atomic_write_bytes(parquet_path, render_parquet(rows, _stamp(result)))
    atomic_write_text(html_path, render_overview(result))
    return [csv_path, parquet_path, html_path]


def _stamp(result: BatchResult) -> dict[str, Any]:
    return {
        "schema_version": BATCH_SCHEMA_VERSION,
        "software_version": __version__,
        "settings": {**result.settings.results_key(), "timeout": result.settings.timeout,
                     "max_pages": result.settings.max_pages, "jobs": result.settings.jobs},
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(result.seconds, 3),
        "interrupted": result.interrupted,
    }


def render_csv(rows: list[dict[str, Any]]) -> str:
    """UTF-8 CSV; booleans as true/false, missing values empty."""
    import csv

    def cell(value: Any) -> Any:
        if isinstance(value, bool):
            return "true" if value else "false"
        return "" if value is None else value

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([name for name, _ in COLUMNS])
    for row in rows:
        writer.writerow([cell(row[name]) for name, _ in COLUMNS])
    return buffer.getvalue()


def render_parquet(rows: list[dict[str, Any]], stamp: dict[str, Any]) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"str": pa.string(), "int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
    schema = pa.schema([pa.field(name, types[kind]) for name, kind in COLUMNS],
                       metadata={"fhs_nlp": json.dumps(stamp, ensure_ascii=False)})
    table = pa.Table.from_pylist(rows, schema=schema)
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    return sink.getvalue().to_pybytes()


#: The area score (per cent of the text) at which a heatmap cell takes its full colour:
#: a plan that spends a third of its text on one of seven areas is about it through and
#: through.
_FULL_COLOUR = 30.0


def _cell_colour(score: float) -> tuple[str, str]:
    """Background from white (0) to dark green (_FULL_COLOUR and up), readable text colour."""
    low, high = (247, 252, 245), (0, 90, 50)
    t = max(0.0, min(1.0, score / _FULL_COLOUR))
    rgb = tuple(round(a + (b - a) * t) for a, b in zip(low, high, strict=True))
    return "#{:02x}{:02x}{:02x}".format(*rgb), "#fff" if t > 0.55 else "#111"


_CSS = """body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}.meta{color:#666;font-size:.9em}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ddd;padding:.3em .5em}
th{background:#f6f8fa;font-size:.85em;vertical-align:bottom;max-width:9em}
td.s{text-align:center;min-width:3.2em;font-variant-numeric:tabular-nums}
td.gap{box-shadow:inset 0 0 0 2px #cf222e}td.gap span{color:#cf222e;font-weight:600}
td.failed{color:#cf222e}td.num{text-align:right}tr.foot td{background:#f6f8fa;font-weight:600}
.legend span{display:inline-block;width:3em;text-align:center;padding:.2em 0;font-size:.8em}"""


def render_overview(result: BatchResult) -> str:
    """One self-contained HTML page (inline CSS, no scripts): documents × insatsområden."""
    from fhs_nlp.align.doc_score import DEFAULT_RULE

    esc = html.escape
    all_rows = [*result.rows, *result.earlier_rows]
    ok_rows = [r for r in all_rows if r.status == "ok"]
    n_failed = len(all_rows) - len(ok_rows)
    stopped = f" (interrupted: {result.pending} not done yet)" if result.interrupted else ""
    out = ["<!DOCTYPE html>", '<html lang="sv"><head><meta charset="utf-8">',
           "<title>Batch overview: Framtidens hälsosystem</title>",
           f"<style>{_CSS}</style></head><body>",
           "<h1>Alignment with Framtidens hälsosystem: batch overview</h1>",
           f'<p class="meta">{len(all_rows)} documents: {len(ok_rows)} ok, {n_failed} '
           f"failed{stopped}"
           + (f" ({len(result.earlier_rows)} of them from earlier runs, not among this "
              "run's inputs)" if result.earlier_rows else "") + ". "
           f"Model {esc(result.settings.model or _default_model())}, "
           f"fhs-nlp {esc(__version__)}, "
           f"written {datetime.now(UTC).isoformat(timespec='seconds')}.</p>",
           f'<p class="meta">Cell colour: the area score, the share of the draft\'s text '
           f"that is about the insatsområde (per cent of its words; full colour from "
           f"{_FULL_COLOUR:g} %). A red frame and “gap” mark an area the draft leaves out "
           f"(no passage clearly about it); {DEFAULT_RULE.covered_share:g} % or more in at "
           f"least {DEFAULT_RULE.covered_passages} passages is covered. Click a document "
           f"for its report.</p>",
           '<p class="legend">' + "".join(
               '<span style="background:{};color:{}">{}</span>'.format(*_cell_colour(s), s)
               for s in range(0, int(_FULL_COLOUR) + 1, int(_FULL_COLOUR) // 5)) + "</p>",
           "<table><tr><th>document</th><th>pages</th><th>words</th>"]
    out += [f"<th>{esc(a.name)}</th>" for a in AREAS]
    out.append("<th>viljeriktningar not addressed</th><th>status</th></tr>")
    for row in all_rows:
        name = esc(Path(row.path).name)
        link = f'<a href="{esc(quote(row.report))}">{name}</a>' if row.report else name
        cells = [f'<td title="{esc(row.path)}">{link}</td>',
                 f'<td class="num">{row.pages if row.pages is not None else ""}</td>',
                 f'<td class="num">{row.words if row.words is not None else ""}</td>']
        if row.status == "ok":
            for area in AREAS:
                score = row.scores.get(area.slug, 0.0)
                background, colour = _cell_colour(score)
                gap = row.gaps.get(area.slug, False)
                mark = " <span>gap</span>" if gap else ""
                cells.append(f'<td class="s{" gap" if gap else ""}" style="background:'
                             f'{background};color:{colour}" title="{esc(area.name)}: '
                             f'{score:.1f}">{score:.0f}{mark}</td>')
            cells.append(f'<td class="num">{row.viljeriktning_gaps}</td><td>ok</td>')
        else:
            cells.append(f'<td class="failed" colspan="{len(AREAS)}">{esc(row.error_code or "")}'
                         f" {esc(row.reason or '')}</td><td></td><td class=\"failed\">failed</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    if ok_rows:
        foot = ['<tr class="foot"><td>mean score · documents with a gap</td><td></td><td></td>']
        for area in AREAS:
            mean = sum(r.scores.get(area.slug, 0.0) for r in ok_rows) / len(ok_rows)
            gaps = sum(r.gaps.get(area.slug, False) for r in ok_rows)
            foot.append(f'<td class="s">{mean:.0f} · {gaps}</td>')
        foot.append("<td></td><td></td></tr>")
        out.append("".join(foot))
    out.append("</table></body></html>")
    return "\n".join(out) + "\n"


def _default_model() -> str:
    from fhs_nlp.embed.embedders import DEFAULT_EMBEDDER

    return DEFAULT_EMBEDDER
