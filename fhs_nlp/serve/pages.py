"""The HTML pages: align (drop a draft), a run's report, compare, history, strategy.

Rendered by Jinja with autoescaping on: every text from a draft or a reference is
escaped; the only markup passed through is the plan diff's word differences, which the
library builds with escaping of its own (:func:`fhs_nlp.report.diff.diff_html`). The
pages work without scripts except for the upload's progress (``static/app.js``).
"""

from __future__ import annotations

import contextlib
import math

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from fhs_nlp.serve.app import package_dir

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(package_dir() / "templates"))
templates.env.autoescape = True
templates.env.filters["area_slug"] = lambda name, report: next(
    (a.slug for a in report.areas if a.area == name), "")

STATUS_MARK = {"covered": "covered", "weak": "weak", "gap": "gap"}


def _page(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def _missing(request: Request, what: str) -> HTMLResponse:
    return _page(request, "error.html", 404, title="Not found",
                 message=f"There is no {what}; it may have been deleted.")


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> HTMLResponse:
    history = request.app.state.history
    settings = request.app.state.settings
    return _page(request, "index.html", runs=history.list(), nav="align",
                 max_mb=settings.max_upload_mb, max_pages=settings.limits.max_pages)


@router.get("/runs/{run_id}", response_class=HTMLResponse)
async def run_page(request: Request, run_id: str) -> HTMLResponse:
    from fhs_nlp.align.not_swedish import is_not_swedish

    history = request.app.state.history
    try:
        meta = history.meta(run_id)
        if meta.kind == "diff":
            return _diff_page(request, meta, history.diff(run_id))
        report = history.alignment(run_id)
    except KeyError:
        return _missing(request, f"run {run_id}")
    evidence = {e.passage for a in report.areas if a.status != "gap" for e in a.evidence}
    top = max((a.score for a in report.areas), default=0.0)
    names = {a.slug: a.area for a in report.areas} | {"none": "none of them"}
    return _page(request, "report.html", meta=meta, report=report, doc=report.document,
                 scale=max(10, math.ceil(top / 10) * 10), names=names,
                 evidence=evidence, nav="align",
                 not_swedish=is_not_swedish(report),
                 advanced=[(a, m) for a in report.areas for m in a.milestones])


def _diff_page(request: Request, meta, report) -> HTMLResponse:
    from fhs_nlp.datamodel.plan_diff import CHANGE_TYPES
    from fhs_nlp.report.diff import CHANGE_HEADS, CHANGE_LABELS, LISTED, identical_text
    from fhs_nlp.report.diff_html import item_html

    lists = [(c, report.of_type(c)) for c in LISTED]
    return _page(request, "diff.html", meta=meta, report=report, s=report.summary,
                 change_types=CHANGE_TYPES, labels=CHANGE_LABELS, heads=CHANGE_HEADS,
                 lists=[(c, items) for c, items in lists if items], item_html=item_html,
                 identical=identical_text(report), nav="compare")


@router.post("/runs/{run_id}/delete")
async def delete_page(request: Request, run_id: str) -> RedirectResponse:
    with contextlib.suppress(KeyError):  # already gone: the list shows what is left
        request.app.state.history.delete(run_id)
    return RedirectResponse("/", status_code=303)


@router.get("/compare", response_class=HTMLResponse)
async def compare(request: Request, a: str = "", b: str = "") -> HTMLResponse:
    history = request.app.state.history
    alignments = history.list("align")
    sides = []
    if a and b:
        try:
            sides = [(history.meta(x), history.alignment(x)) for x in (a, b)]
        except KeyError:
            return _missing(request, "such pair of runs")
    rows = []
    if sides:
        (_, left), (_, right) = sides
        for la, ra in zip(left.areas, right.areas, strict=True):
            rows.append((la, ra, round(ra.score - la.score, 1)))
    return _page(request, "compare.html", alignments=alignments, sides=sides, rows=rows,
                 a=a, b=b, diffs=history.list("diff"), nav="compare",
                 max_mb=request.app.state.settings.max_upload_mb)


@router.get("/strategy", response_class=HTMLResponse)
async def strategy(request: Request) -> HTMLResponse:
    from fhs_nlp.serve.strategy import strategy_view

    view = await run_in_threadpool(strategy_view)
    return _page(request, "strategy.html", view=view, nav="strategy")


@router.get("/strategy/source/{document_id}", response_class=HTMLResponse)
async def source(request: Request, document_id: str, start: int = 1, end: int = 0) -> HTMLResponse:
    from fhs_nlp.serve.strategy import source_lines

    found = source_lines(document_id)
    if found is None:
        return _missing(request, f"corpus document {document_id}")
    title, lines = found
    end = max(end, start)
    first = max(1, start - 8)
    last = min(len(lines), end + 8)
    shown = [(n, lines[n - 1], start <= n <= end) for n in range(first, last + 1)]
    return _page(request, "source.html", title=title, document_id=document_id, shown=shown,
                 start=start, end=end, total=len(lines), nav="strategy")


@router.get("/docs", response_class=HTMLResponse)
async def api_docs(request: Request) -> HTMLResponse:
    """The API's endpoints from its OpenAPI schema, with an example for a script."""
    schema = request.app.openapi()
    endpoints = [(method.upper(), path, op.get("summary") or op.get("operationId", ""),
                  [p["name"] for p in op.get("parameters", [])],
                  sorted(op.get("responses", {})))
                 for path, ops in schema["paths"].items() for method, op in ops.items()]
    return _page(request, "api.html", endpoints=endpoints, info=schema["info"], nav="api")
