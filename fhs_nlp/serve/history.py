"""Earlier runs, kept under the data folder so a strategist can go back to them.

One folder per run, ``<data>/runs/<id>/``, holding ``meta.json`` (file name, date,
scores: what the history list shows) and the full result (``report.json`` for an
alignment, ``diff.json`` for a plan comparison), both written atomically. The uploaded
files themselves are not kept. Deleting a run removes its folder. Ids are made here
and checked against one pattern, so no request can name a path outside the store.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from fhs_nlp.datamodel.alignment import AlignmentReport
from fhs_nlp.diff.plans import PlanDiff
from fhs_nlp.fileio import atomic_write_text

RunKind = Literal["align", "diff"]
_ID = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9a-f]{8}$")


class AreaScore(BaseModel):
    area: str
    slug: str
    score: float
    status: str


class RunMeta(BaseModel):
    """One line of the history list."""

    id: str
    kind: RunKind
    created: str = Field(description="UTC, ISO 8601")
    files: list[str] = Field(description="the uploaded file name(s), as the user named them")
    areas: list[AreaScore] = Field(default_factory=list, description="alignment: per area")
    summary: str = Field(description="one line: the gaps, or the diff's counts")


def new_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(4)


def valid_id(run_id: str) -> bool:
    return bool(_ID.match(run_id))


class HistoryStore:
    """The runs under ``root`` (``<data>/runs``); safe to use from several threads."""

    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / "runs"
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def _dir(self, run_id: str) -> Path:
        if not valid_id(run_id):
            raise KeyError(run_id)
        return self.root / run_id

    def save_alignment(self, run_id: str, file_name: str, report: AlignmentReport) -> RunMeta:
        gaps = [a.area for a in report.areas if a.status == "gap"]
        meta = RunMeta(
            id=run_id, kind="align", created=_now(), files=[file_name],
            areas=[AreaScore(area=a.area, slug=a.slug, score=a.score, status=a.status)
                   for a in report.areas],
            summary=("gaps: " + ", ".join(gaps)) if gaps else "no gaps",
        )
        self._write(run_id, "report.json", report.model_dump_json(indent=1), meta)
        return meta

    def save_diff(self, run_id: str, files: list[str], report: PlanDiff) -> RunMeta:
        counts = report.summary.counts
        shown = ", ".join(f"{counts[c]} {c.replace('_', ' ')}" for c in counts if counts[c]
                          and c != "unchanged")
        meta = RunMeta(id=run_id, kind="diff", created=_now(), files=files,
                       summary=shown or "identical milestones")
        self._write(run_id, "diff.json", report.model_dump_json(indent=1), meta)
        return meta

    def _write(self, run_id: str, name: str, body: str, meta: RunMeta) -> None:
        folder = self._dir(run_id)
        with self._lock:
            atomic_write_text(folder / name, body)
            atomic_write_text(folder / "meta.json", meta.model_dump_json(indent=1))

    def list(self, kind: RunKind | None = None) -> list[RunMeta]:
        """Newest first; a folder whose meta cannot be read is skipped, not fatal."""
        runs = []
        for meta_file in self.root.glob("*/meta.json"):
            try:
                meta = RunMeta.model_validate_json(meta_file.read_text("utf-8"))
            except (OSError, ValueError):
                continue
            if kind is None or meta.kind == kind:
                runs.append(meta)
        return sorted(runs, key=lambda m: m.id, reverse=True)

    def meta(self, run_id: str) -> RunMeta:
        try:
            return RunMeta.model_validate_json((self._dir(run_id) / "meta.json")
                                               .read_text("utf-8"))
        except FileNotFoundError as exc:
            raise KeyError(run_id) from exc

    def alignment(self, run_id: str) -> AlignmentReport:
        return AlignmentReport.model_validate(self._json(run_id, "report.json"))

    def diff(self, run_id: str) -> PlanDiff:
        return PlanDiff.model_validate(self._json(run_id, "diff.json"))

    def _json(self, run_id: str, name: str) -> dict:
        try:
            return json.loads((self._dir(run_id) / name).read_text("utf-8"))
        except FileNotFoundError as exc:
            raise KeyError(run_id) from exc

    def delete(self, run_id: str) -> None:
        folder = self._dir(run_id)
        with self._lock:
            if not folder.is_dir():
                raise KeyError(run_id)
            shutil.rmtree(folder)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
