"""Worker functions for the batch scheduler's tests: a worker that dies on a chosen file.

Spawned worker processes import this module by name (pytest puts ``tests/`` on the path,
and a spawned child gets the parent's path), so it must stay importable and small: it
loads no model. A document whose path contains ``poison`` kills its worker with
``os._exit`` (as a crash in a native library would); every other document takes
:data:`SECONDS` and succeeds, so it is still in flight when its neighbour dies.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from fhs_nlp.batch.rows import SummaryRow
from fhs_nlp.batch.worker import Task

SECONDS = 1.0


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
    if "poison" in task.path:
        time.sleep(0.2)
        os._exit(70)
    time.sleep(SECONDS)
    row = SummaryRow(path=task.path, document_id=task.document_id,
                     content_hash=task.content_hash, status="ok")
    return {"row": row.columns(), "pid": os.getpid(), "peak_rss_mb": None}
