"""``fhs-nlp diff``: compare two versions of an implementation plan, milestone by milestone."""

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
    EXIT_USAGE,
    console,
    emit_report,
    print_error,
    report_target,
    status,
)
from fhs_nlp.errors import FhsError

FORMATS = ("terminal", "json", "md", "html")
SUFFIX = {"json": ".diff.json", "md": ".diff.md", "html": ".diff.html"}


def diff_command(
    old: Annotated[Path, typer.Argument(help="The earlier version: .pdf, .docx, .txt or .md",
                                        show_default=False)],
    new: Annotated[Path, typer.Argument(help="The later version: .pdf, .docx, .txt or .md",
                                        show_default=False)],
    fmt: Annotated[str, typer.Option("--format", "-f",
                                     help="terminal, json, md or html")] = "terminal",
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="File (or folder) to write json/md/html to; default: json and md "
        "are printed, html goes to out/diff/<old>__<new>.diff.html")] = None,
    max_pages: MaxPages = DEFAULT_MAX_PAGES,
    max_chars: MaxChars = DEFAULT_MAX_CHARS,
    max_docx_mb: MaxDocxMb = DEFAULT_MAX_DOCX_MB,
    timeout: Timeout = DEFAULT_TIMEOUT,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace an existing --out file even if it is not a report of "
        "this format")] = False,
) -> None:
    """Compare two versions of an implementation plan (genomförandeplan), milestone by
    milestone.

    Matches the milestones of Tabell 1 across the versions and reports each as
    unchanged, reworded (with the word-level difference), moved to another year, moved
    to another insatsområde, added or removed; and per matched milestone the effects
    added, removed, reworded or retagged (inv/sys/vsh). Counts per change type and per
    insatsområde; every milestone with its page (or line) in both versions.

    Example:

        fhs-nlp diff plan_2022.pdf plan_2023.pdf --format html --out out/diff/
    """
    from fhs_nlp.diff.plans import diff_plans
    from fhs_nlp.report.diff import render_json, render_markdown, render_terminal
    from fhs_nlp.report.diff_html import render_html

    if fmt not in FORMATS:
        print_error(f"unknown --format '{fmt}'; choose {', '.join(FORMATS)}")
        raise typer.Exit(EXIT_USAGE)
    from fhs_nlp.ingest import read_document
    from fhs_nlp.ingest.limits import time_limit

    limit = limits(max_pages, max_chars, max_docx_mb, timeout)
    target = None
    if fmt != "terminal":
        target = report_target(out, default_dir=Path("out/diff") if fmt == "html" else None,
                               file_name=f"{old.stem}__{new.stem}{SUFFIX[fmt]}",
                               inputs=[old, new], force=force)
    try:
        with status(f"Reading {old.name} and {new.name}…"), time_limit(limit.timeout, new):
            old_doc = read_document(old, limits=limit)
            same = old.resolve() == new.resolve()
            new_doc = old_doc if same else read_document(new, limits=limit)
            report = diff_plans(old_doc, new_doc)
    except FhsError as error:
        print_error(str(error))
        raise typer.Exit(EXIT_INPUT_FAILED) from error
    if fmt == "terminal":
        render_terminal(report, console)
        return
    text = {"json": render_json, "md": render_markdown, "html": render_html}[fmt](report)
    emit_report(text, target)
