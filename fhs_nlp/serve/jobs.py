"""Background jobs: alignments and plan comparisons run on a thread pool, with progress.

The event loop never waits for a model: a request stores the upload, submits a job and
returns its id; the page polls ``/api/jobs/<id>`` for the stage. The aligner is loaded
once (at start-up when ``warm_up`` is set) and kept; reading documents runs in parallel,
while scoring takes turns under one lock, since the embedding cache is one SQLite
connection and two drafts scored at once on 2 cores are not faster than one after the
other. A job that fails keeps the error's code and message, worded as the command line
words it but naming the file as the user named it; the server goes on serving.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from fhs_nlp.errors import FhsError, InternalError
from fhs_nlp.serve.history import HistoryStore, RunKind, new_id
from fhs_nlp.serve.settings import ServeSettings
from fhs_nlp.serve.sniff import safe_name, sniff

if TYPE_CHECKING:
    from fhs_nlp.align.aligner import Aligner

log = logging.getLogger("fhs_nlp.serve")

State = Literal["queued", "running", "done", "failed"]
ALIGN_STAGES = ("reading", "loading the model", "passages", "scoring", "saving")
DIFF_STAGES = ("reading the old version", "reading the new version", "comparing", "saving")
KEEP_JOBS = 200


class JobError(BaseModel):
    code: str = Field(description="stable error code, as in fhs_nlp.errors (E104 …)")
    message: str = Field(description="what is wrong and what to do, naming the file")


class JobView(BaseModel):
    """A job as the API shows it."""

    id: str
    kind: RunKind
    files: list[str]
    state: State
    stage: str = Field(description="what the job is doing now")
    step: int = Field(description="number of the current stage, 1-based")
    steps: int
    detail: str = ""
    error: JobError | None = None
    run_id: str | None = Field(default=None, description="the history entry, once done")
    seconds: float


@dataclass
class _Job:
    id: str
    kind: RunKind
    files: list[str]
    stages: tuple[str, ...]
    state: State = "queued"
    step: int = 0
    detail: str = ""
    error: JobError | None = None
    run_id: str | None = None
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None

    def view(self) -> JobView:
        end = self.finished if self.finished is not None else time.monotonic()
        stage = "waiting for a free worker" if self.state == "queued" else (
            "done" if self.state == "done" else self.stages[min(self.step, len(self.stages) - 1)])
        return JobView(id=self.id, kind=self.kind, files=self.files, state=self.state,
                       stage=stage, step=min(self.step, len(self.stages) - 1) + 1,
                       steps=len(self.stages), detail=self.detail, error=self.error,
                       run_id=self.run_id, seconds=round(end - self.started, 1))


def error_of(exc: BaseException, shown_name: str | None = None) -> JobError:
    """The CLI's message for ``exc``, with the file named as the user named it."""
    if isinstance(exc, FhsError):
        where = f"{shown_name}: " if shown_name and exc.path is not None else (
            f"{exc.path}: " if exc.path is not None else "")
        return JobError(code=exc.code, message=f"[{exc.code}] {where}{exc.message}")
    return JobError(code=InternalError.code,
                    message=f"[{InternalError.code}] {shown_name or 'the job'}: an internal "
                    f"error of fhs-nlp ({type(exc).__name__}: {exc}); the server goes on, "
                    "please report it with the file")


class JobManager:
    """Runs jobs, keeps the aligner warm, records results in the history."""

    def __init__(self, settings: ServeSettings, history: HistoryStore) -> None:
        self.settings = settings
        self.history = history
        self.uploads = Path(settings.data_dir) / "uploads"
        self._pool = ThreadPoolExecutor(max_workers=settings.workers,
                                        thread_name_prefix="fhs-serve")
        self._jobs: dict[str, _Job] = {}
        self._jobs_lock = threading.Lock()
        self._load_lock = threading.Lock()
        self._score_lock = threading.Lock()
        self._aligner: Aligner | None = None
        self.load_error: JobError | None = None

    # -- the model --

    def warm_up(self) -> None:
        """Load the aligner in the background (the first upload then finds it ready)."""
        threading.Thread(target=self._warm, name="fhs-serve-warm-up", daemon=True).start()

    def _warm(self) -> None:
        try:
            self.aligner()
        except Exception as exc:  # shown on the page and to each job; the app goes on
            log.exception("loading the aligner failed")
            self.load_error = error_of(exc)

    @property
    def ready(self) -> bool:
        return self._aligner is not None

    def aligner(self, on_progress: Callable[[str], None] | None = None) -> Aligner:
        with self._load_lock:
            if self._aligner is None:
                from fhs_nlp.align.aligner import load_aligner

                self._aligner = load_aligner(self.settings.model, self.settings.index_dir,
                                             on_progress=on_progress)
                self.load_error = None
            return self._aligner

    # -- jobs --

    def get(self, job_id: str) -> JobView:
        with self._jobs_lock:
            return self._jobs[job_id].view()

    def _new(self, kind: RunKind, files: list[str], stages: tuple[str, ...]) -> _Job:
        job = _Job(id=new_id(), kind=kind, files=files, stages=stages)
        with self._jobs_lock:
            self._jobs[job.id] = job
            for old in list(self._jobs)[:-KEEP_JOBS]:
                if self._jobs[old].state in ("done", "failed"):
                    del self._jobs[old]
        return job

    def _store(self, job: _Job, name: str, data: bytes) -> Path:
        """Write an upload to its own folder under the data dir, named by its content."""
        kind = sniff(data, name)
        folder = self.uploads / job.id
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / safe_name(name, kind)
        if path.exists():  # two versions with one name (compare): keep both
            path = folder / f"new_{path.name}"
        path.write_bytes(data)
        return path

    def submit_alignment(self, name: str, data: bytes) -> JobView:
        """Check the upload's type now (raising its error), score it in the background."""
        sniff(data, name)
        job = self._new("align", [name], ALIGN_STAGES)
        path = self._store(job, name, data)
        self._pool.submit(self._run, job, self._align, path, name)
        return job.view()

    def submit_diff(self, old: tuple[str, bytes], new: tuple[str, bytes]) -> JobView:
        sniff(old[1], old[0])
        sniff(new[1], new[0])
        job = self._new("diff", [old[0], new[0]], DIFF_STAGES)
        paths = (self._store(job, *old), self._store(job, *new))
        self._pool.submit(self._run, job, self._diff, paths, (old[0], new[0]))
        return job.view()

    def _run(self, job: _Job, work, paths, names) -> None:
        job.state = "running"
        shown = names if isinstance(names, str) else None
        try:
            work(job, paths, names)
            job.state = "done"
        except Exception as exc:
            if not isinstance(exc, FhsError):
                log.exception("job %s failed", job.id)
            current = getattr(exc, "shown_name", None) or shown
            job.error = error_of(exc, current)
            job.state = "failed"
        finally:
            job.finished = time.monotonic()
            folder = self.uploads / job.id
            shutil.rmtree(folder, ignore_errors=True)  # the drafts are not kept

    def _stage(self, job: _Job, step: int, detail: str = "") -> None:
        job.step, job.detail = step, detail

    def _align(self, job: _Job, path: Path, name: str) -> None:
        from fhs_nlp.ingest import read_document

        # the draft is read first, as on the command line: a bad file fails at once,
        # even while the model is still loading
        self._stage(job, 0, name)
        doc = read_document(path, limits=self.settings.limits)
        pages = f"{len(doc.pages)} pages" if doc.has_page_numbers else ""
        if not self.ready:
            self._stage(job, 1, "the first run builds the reference index (a few minutes)")
        aligner = self.aligner(lambda m: self._stage(job, 1, m))
        self._stage(job, 2, pages)
        with self._score_lock:
            report = aligner.align_document(
                doc, on_progress=lambda m: self._stage(job, 3, m))
        report.document.path = name  # the user's name, not the temporary folder
        self._stage(job, 4)
        self.history.save_alignment(job.id, name, report)
        job.run_id = job.id

    def _diff(self, job: _Job, paths: tuple[Path, Path], names: tuple[str, str]) -> None:
        from fhs_nlp.diff.plans import diff_plans
        from fhs_nlp.ingest import read_document

        docs = []
        for step, (path, name) in enumerate(zip(paths, names, strict=True)):
            self._stage(job, step, name)
            try:
                docs.append(read_document(path, limits=self.settings.limits))
            except FhsError as exc:
                setattr(exc, "shown_name", name)  # noqa: B010 (read back by _run)
                raise
        self._stage(job, 2)
        try:
            report = diff_plans(docs[0], docs[1])
        except FhsError as exc:
            shown = names[1] if exc.path and exc.path.name == paths[1].name else names[0]
            setattr(exc, "shown_name", shown)  # noqa: B010 (read back by _run)
            raise
        report.old.path, report.new.path = names
        self._stage(job, 3)
        self.history.save_diff(job.id, list(names), report)
        job.run_id = job.id

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
