"""The parent side of a batch: worker processes, time limits, and who is charged for a crash.

:func:`execute` keeps ``jobs`` documents in flight in a :class:`WorkerPool` and yields each
outcome as it is done. Two things break a pool, and both end with a fresh one:

* **a time limit.** A document running longer than ``timeout`` seconds is recorded as
  failed (E802) and its worker is killed by process id. The other documents in flight
  are lost with the pool through no fault of their own and are sent again, uncounted.
* **a worker that dies** (a crash in a native library, the out-of-memory killer). Python
  then fails *every* future of the pool with ``BrokenProcessPool``, so the future does not
  say whose worker died. A document is therefore charged only when it was alone in flight:
  when several were in flight, all of them become *suspects* and are run again one at a
  time, each alone in a fresh pool. A suspect that finishes is innocent; one that kills
  its worker while alone is charged, and is recorded as E803 when it has done so twice.
  An innocent document can never end as E803 for a neighbour's crash.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import time
from collections import Counter, deque
from collections.abc import Callable, Generator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from fhs_nlp.batch.rows import DocumentOutcome, SummaryRow
from fhs_nlp.batch.worker import Task, failed_row, run_task, worker_init
from fhs_nlp.errors import DocumentTimeoutError, WorkerCrashError, WorkerStartError
from fhs_nlp.fileio import remove_temp_files
from fhs_nlp.settings import BatchSettings

#: How often (seconds) the parent looks at the workers at most.
POLL_SECONDS = 0.2
#: A document that kills its worker this many times (each time alone in flight) is E803.
CRASHES_ALLOWED = 2

#: What a worker process runs: the initializer (loads the aligner) and the task function.
#: Both must be importable module-level functions (workers are spawned).
WorkerFunctions = tuple[Callable[..., None], Callable[[Task], dict[str, Any]]]
DEFAULT_WORKER: WorkerFunctions = (worker_init, run_task)


class WorkerPool:
    """A ProcessPoolExecutor plus what it does not tell: which worker process runs which
    document since when, so that one over its time limit can be killed by its id."""

    def __init__(self, settings: BatchSettings, lock_path: Path, cache_path: Path | None,
                 worker: WorkerFunctions = DEFAULT_WORKER):
        context = multiprocessing.get_context("spawn")
        self.events = context.Queue()
        threads = 1 if settings.jobs > 1 else None
        init, self._run = worker
        self.executor = ProcessPoolExecutor(
            max_workers=settings.jobs, mp_context=context, initializer=init,
            initargs=(settings.model, str(settings.index_dir) if settings.index_dir else None,
                      str(cache_path) if cache_path else None, threads, self.events,
                      str(lock_path), os.getpid()))
        self.workers: set[int] = set()
        self.started: dict[str, tuple[int, float]] = {}  # document id -> (pid, start time)

    def submit(self, task: Task) -> Future:
        return self.executor.submit(self._run, task)

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


class _Queue:
    """The documents still to do: ``pending`` in input order, ``suspects`` (in flight when
    a worker died beside others) to be run one at a time, each alone in flight."""

    def __init__(self, tasks: Sequence[Task]) -> None:
        self.pending: deque[Task] = deque(tasks)
        self.suspects: deque[Task] = deque()

    def __bool__(self) -> bool:
        return bool(self.pending or self.suspects)

    def fill(self, pool: WorkerPool, inflight: dict[Future, Task], jobs: int) -> None:
        """Submit what may run now: one suspect alone, or up to ``jobs`` pending ones."""
        if self.suspects:
            if not inflight:  # wait until the others are done, then run it alone
                task = self.suspects.popleft()
                inflight[pool.submit(task)] = task
            return
        while self.pending and len(inflight) < jobs:
            task = self.pending.popleft()
            inflight[pool.submit(task)] = task


def execute(tasks: Sequence[Task], settings: BatchSettings, lock_path: Path,
            cache_path: Path | None, worker: WorkerFunctions = DEFAULT_WORKER
            ) -> Generator[DocumentOutcome, None, None]:
    """Run the tasks in worker processes, yield each outcome as it is done.

    ``worker`` are the functions a worker process runs (tests give their own to make a
    worker die on a chosen document without loading a model)."""
    todo = _Queue(tasks)
    inflight: dict[Future, Task] = {}
    crashes: Counter[str] = Counter()
    pool: WorkerPool | None = None
    try:
        while todo or inflight:
            if pool is None:
                pool = WorkerPool(settings, lock_path, cache_path, worker)
            todo.fill(pool, inflight, settings.jobs)
            done, _ = wait(inflight, timeout=_next_wait(pool, inflight, settings),
                           return_when=FIRST_COMPLETED)
            pool.poll()
            lost: list[Task] = []  # in flight when the pool broke
            for future in done:
                task = inflight.pop(future)
                try:
                    payload = future.result()
                except BrokenProcessPool:
                    lost.append(task)
                    continue
                if "init_error" in payload:
                    raise WorkerStartError(
                        f"a worker could not load the model and reference index "
                        f"({payload['init_error']}); check --model and try "
                        "`fhs-nlp align` on one file")
                yield _outcome(payload)
            timed_out = _over_time(pool, inflight, settings)
            if not lost and not timed_out:
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
                else:
                    lost.append(task)
            inflight.clear()
            for _future, task, seconds in timed_out:
                row = failed_row(
                    task, f"took longer than the time limit of {settings.timeout:g} s and "
                    "was stopped; raise --timeout to give it more time",
                    DocumentTimeoutError.code)
                row.seconds = round(seconds, 3)
                finished.append(DocumentOutcome(row))
            finished += _charge(lost, bool(timed_out), todo, crashes)
            for task in [*todo.pending, *todo.suspects, *(t for _, t, _ in timed_out)]:
                remove_temp_files(Path(task.doc_dir))  # writes cut off by the kill
            yield from finished
    finally:
        if pool is not None:
            pool.close(kill=bool(inflight))
            for task in inflight.values():
                remove_temp_files(Path(task.doc_dir))


def _charge(lost: list[Task], we_killed: bool, todo: _Queue, crashes: Counter[str]
            ) -> list[DocumentOutcome]:
    """Decide who pays for a broken pool; the rest go back to ``todo``.

    ``we_killed``: the pool broke because a document over its time limit was killed, so
    the others are innocent and go back in the queue. Else one worker died by itself: the
    document is charged only if it was alone in flight; several become suspects."""
    if we_killed:
        todo.pending.extendleft(reversed(lost))
        return []
    if len(lost) != 1:
        todo.suspects.extend(lost)
        return []
    task = lost[0]
    crashes[task.document_id] += 1
    if crashes[task.document_id] < CRASHES_ALLOWED:
        todo.suspects.appendleft(task)  # alone again: a second crash is its own as well
        return []
    return [DocumentOutcome(failed_row(
        task, "its worker process died twice while processing it (a crash in a "
        "PDF or model library); check that the file opens, or convert it",
        WorkerCrashError.code))]


def _over_time(pool: WorkerPool, inflight: dict[Future, Task], settings: BatchSettings
               ) -> list[tuple[Future, Task, float]]:
    """The documents running longer than the limit; their workers are killed."""
    now = time.time()
    over = []
    for future, task in inflight.items():
        began = pool.started.get(task.document_id)
        if began is not None and now - began[1] > settings.timeout and not future.done():
            pool.kill(began[0])
            over.append((future, task, now - began[1]))
    return over


def _next_wait(pool: WorkerPool, inflight: dict[Future, Task], settings: BatchSettings
               ) -> float:
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
