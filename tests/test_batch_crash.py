"""Who is charged when a batch worker dies: only the document whose worker died.

The scheduler (:mod:`fhs_nlp.batch.pool`) runs here with worker functions that load no
model (:mod:`batch_workers`): a ``poison`` document kills its worker process, the others
take a while, so they are in flight beside it when it dies.
"""

from __future__ import annotations

from pathlib import Path

import batch_workers

from fhs_nlp.batch.pool import execute
from fhs_nlp.batch.worker import Task
from fhs_nlp.errors import WorkerCrashError
from fhs_nlp.settings import BatchSettings


def _tasks(tmp_path: Path, names: list[str]) -> list[Task]:
    out = tmp_path / "out"
    return [Task(str(tmp_path / f"{n}.txt"), n, f"sha256:{n}", str(out / "docs" / n), False,
                 500) for n in names]


def _run(tmp_path: Path, names: list[str], jobs: int) -> dict[str, str | None]:
    settings = BatchSettings(jobs=jobs, timeout=60)
    outcomes = list(execute(_tasks(tmp_path, names), settings, tmp_path / ".load.lock", None,
                            worker=(batch_workers.init, batch_workers.run)))
    return {o.row.document_id: o.row.error_code for o in outcomes}


def test_batch_worker_crash_charges_only_the_document_whose_worker_died(tmp_path):
    codes = _run(tmp_path, ["innocent-a", "poison", "innocent-b"], jobs=2)
    # before the fix every document in flight beside the poison got BrokenProcessPool,
    # was counted as a crash, and innocent-a ended as E803 like the poison itself
    assert codes == {"innocent-a": None, "innocent-b": None, "poison": WorkerCrashError.code}
    runs = (tmp_path / "out" / "runs.log").read_text().split()
    assert runs.count("innocent-a") <= 2 and runs.count("innocent-b") <= 2
    assert 3 <= runs.count("poison") <= 4  # beside a neighbour (uncharged), twice alone


def test_batch_worker_crash_alone_is_charged_twice_then_e803(tmp_path):
    codes = _run(tmp_path, ["poison"], jobs=1)
    assert codes == {"poison": WorkerCrashError.code}
    assert (tmp_path / "out" / "runs.log").read_text().split() == ["poison", "poison"]
