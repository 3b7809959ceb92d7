"""The JSON API behind the page, usable from a script (OpenAPI at ``/openapi.json``,
browsable at ``/docs``).

    curl -F file=@utkast.pdf http://127.0.0.1:8000/api/align      # -> {"id": …}
    curl http://127.0.0.1:8000/api/jobs/<id>                      # until state is done
    curl http://127.0.0.1:8000/api/runs/<id>/report               # the AlignmentReport
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from fhs_nlp.datamodel.alignment import AlignmentReport, PassageResult
from fhs_nlp.datamodel.plan_diff import PlanDiff
from fhs_nlp.errors import FhsError
from fhs_nlp.serve.history import RunKind, RunMeta
from fhs_nlp.serve.jobs import JobError, JobView, error_of

router = APIRouter(prefix="/api", tags=["api"])

Format = Literal["json", "md", "html"]
MEDIA = {"json": "application/json", "md": "text/markdown; charset=utf-8",
         "html": "text/html; charset=utf-8"}


class Health(BaseModel):
    ready: bool
    load_error: JobError | None
    version: str


class ErrorBody(BaseModel):
    error: JobError


ERRORS: dict[int | str, dict] = {
    404: {"model": ErrorBody, "description": "no such job or run"},
}
UPLOAD_ERRORS: dict[int | str, dict] = {
    413: {"model": ErrorBody, "description": "larger than --max-upload-mb (E810)"},
    415: {"model": ErrorBody, "description": "not a PDF, DOCX or text file by its content "
          "(E103)"},
}


def _not_found(what: str) -> JSONResponse:
    return JSONResponse({"error": {"code": "E404", "message": f"no {what}; it may have "
                         "been deleted"}}, status_code=404)


async def _read(request: Request, upload: UploadFile) -> tuple[str, bytes] | JSONResponse:
    from fhs_nlp.serve.app import too_large

    settings = request.app.state.settings
    data = await upload.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        return too_large(settings)
    return upload.filename or "draft", data


def _refused(exc: FhsError, name: str) -> JSONResponse:
    return JSONResponse({"error": error_of(exc, name).model_dump()}, status_code=415)


@router.get("/health", response_model=Health, summary="Is the model loaded?")
async def health(request: Request) -> Health:
    from fhs_nlp._version import __version__

    jobs = request.app.state.jobs
    return Health(ready=jobs.ready, load_error=jobs.load_error, version=__version__)


@router.post("/align", status_code=202, response_model=JobView, responses=UPLOAD_ERRORS,
             summary="Score a draft (PDF, DOCX, TXT, Markdown) in the background")
async def align(request: Request,
                file: Annotated[UploadFile, File(description="the draft")]) -> object:
    read = await _read(request, file)
    if isinstance(read, JSONResponse):
        return read
    try:
        return await run_in_threadpool(request.app.state.jobs.submit_alignment, read[0],
                                       read[1])
    except FhsError as exc:
        return _refused(exc, read[0])


@router.post("/diff", status_code=202, response_model=JobView, responses=UPLOAD_ERRORS,
             summary="Compare two versions of a plan, milestone by milestone")
async def diff(request: Request,
               old: Annotated[UploadFile, File(description="the earlier version")],
               new: Annotated[UploadFile, File(description="the later version")]) -> object:
    sides = []
    for upload in (old, new):
        read = await _read(request, upload)
        if isinstance(read, JSONResponse):
            return read
        sides.append(read)
    try:
        return await run_in_threadpool(request.app.state.jobs.submit_diff, *sides)
    except FhsError as exc:
        return _refused(exc, exc.path.name if exc.path else sides[0][0])


@router.get("/jobs/{job_id}", response_model=JobView, responses=ERRORS,
            summary="A job's stage, and its run id once done (or its error)")
async def job(request: Request, job_id: str) -> object:
    try:
        return request.app.state.jobs.get(job_id)
    except KeyError:
        return _not_found(f"job {job_id}")


@router.get("/runs", response_model=list[RunMeta], summary="Earlier runs, newest first")
async def runs(request: Request, kind: RunKind | None = None) -> list[RunMeta]:
    return request.app.state.history.list(kind)


@router.get("/runs/{run_id}", response_model=RunMeta, responses=ERRORS)
async def run(request: Request, run_id: str) -> object:
    try:
        return request.app.state.history.meta(run_id)
    except KeyError:
        return _not_found(f"run {run_id}")


@router.delete("/runs/{run_id}", status_code=204, responses=ERRORS,
               summary="Delete a run from the history")
async def delete_run(request: Request, run_id: str) -> Response:
    try:
        request.app.state.history.delete(run_id)
    except KeyError:
        return _not_found(f"run {run_id}")
    return Response(status_code=204)


@router.get("/runs/{run_id}/report", response_model=AlignmentReport, responses=ERRORS,
            summary="The alignment report of a run")
async def report(request: Request, run_id: str) -> object:
    try:
        return request.app.state.history.alignment(run_id)
    except KeyError:
        return _not_found(f"alignment {run_id}")


@router.get("/runs/{run_id}/passages/{number}", response_model=PassageResult,
            responses=ERRORS, summary="One passage: its scores and nearest reference records")
async def passage(request: Request, run_id: str, number: int) -> object:
    try:
        found = request.app.state.history.alignment(run_id)
    except KeyError:
        return _not_found(f"alignment {run_id}")
    for p in found.passages:
        if p.index == number:
            return p
    return _not_found(f"passage {number} in run {run_id} (headings are not scored)")


@router.get("/runs/{run_id}/diff", response_model=PlanDiff, responses=ERRORS,
            summary="The plan comparison of a run")
async def plan_diff(request: Request, run_id: str) -> object:
    try:
        return request.app.state.history.diff(run_id)
    except KeyError:
        return _not_found(f"plan comparison {run_id}")


@router.get("/runs/{run_id}/download/{fmt}", responses=ERRORS,
            summary="The report as a file: json, md or self-contained html")
async def download(request: Request, run_id: str, fmt: Format) -> Response:
    from fhs_nlp.report import alignment as alignment_report
    from fhs_nlp.report import diff as diff_report
    from fhs_nlp.report import diff_html

    history = request.app.state.history
    try:
        meta = history.meta(run_id)
        if meta.kind == "align":
            found = history.alignment(run_id)
            text = {"json": alignment_report.render_json,
                    "md": alignment_report.render_markdown,
                    "html": alignment_report.render_html}[fmt](found)
            name = _stem(meta.files[0]) + f".alignment.{fmt}"
        else:
            plan = history.diff(run_id)
            text = {"json": diff_report.render_json, "md": diff_report.render_markdown,
                    "html": diff_html.render_html}[fmt](plan)
            name = f"{_stem(meta.files[0])}__{_stem(meta.files[1])}.diff.{fmt}"
    except KeyError:
        return _not_found(f"run {run_id}")
    from urllib.parse import quote

    return Response(text, media_type=MEDIA[fmt], headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


def _stem(name: str) -> str:
    from pathlib import Path

    return Path(name.replace("\\", "/")).stem or "draft"


@router.get("/strategy", summary="The 7 insatsområden: viljeriktningar, målbild, milestones")
async def strategy() -> object:
    from dataclasses import asdict

    from fhs_nlp.serve.strategy import strategy_view

    view = await run_in_threadpool(strategy_view)
    return _plain(asdict(view))


def _plain(value: object) -> object:
    from pydantic import BaseModel as Model

    if isinstance(value, Model):
        return value.model_dump(mode="json")
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
