"""Worker functions for the batch scheduler's tests: a worker that dies on a chosen file.

Spawned worker processes import this module by name (pytest puts ``tests/`` on the path,
and a spawned child gets the parent's path), so it must stay importable and small: it
loads no model. A document whose path contains ``poison`` kills its worker with
``os._exit`` (as a crash in a native library would); every other document takes
:data:`SECONDS` and succeeds. The poison waits (at most :data:`WAIT`) until another
document is running, so that one is surely in flight beside it when it dies.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from fhs_nlp.batch.rows import SummaryRow
from fhs_nlp.batch.worker import Task

SECONDS = 1.0
WAIT = 1.5


def _alive(marker: Path) -> bool:
    """A marker left by a worker that is still running (a killed one leaves it behind)."""
    try:
        os.kill(int(marker.suffix[1:]), 0)
    except (ValueError, ProcessLookupError):
        return False
    return True


def init(model: Any, index_dir: Any, cache_path: Any, threads: Any, events: Any,
         lock_path: str, parent_pid: int | None = None) -> None:
    globals()["events"] = events
    events.put(("hello", os.getpid(), time.time()))


def run(task: Task) -> dict[str, Any]:
    events = globals()["events"]
    events.put(("start", task.document_id, os.getpid(), time.time()))
    Path(task.doc_dir).parent.parent.mkdir(parents=True, exist_ok=True)
    with open(Path(task.doc_dir).parent.parent / "runs.log", "a") as log:
        log.write(f"{task.document_id}\n")
    running = Path(task.doc_dir).parent.parent / "running"
    running.mkdir(exist_ok=True)
    if "poison" in task.path:
        deadline = time.time() + WAIT
        while not any(_alive(m) for m in running.iterdir()) and time.time() < deadline:
            time.sleep(0.02)
        time.sleep(0.1)
        os._exit(70)
    marker = running / f"{task.document_id}.{os.getpid()}"
    marker.touch()
    time.sleep(SECONDS)
    marker.unlink()
    row = SummaryRow(path=task.path, document_id=task.document_id,
                     content_hash=task.content_hash, status="ok")
    return {"row": row.columns(), "pid": os.getpid(), "peak_rss_mb": None}
