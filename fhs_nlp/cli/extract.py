"""``fhs-nlp extract``: read documents into records, one file per record kind."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated, cast

import typer
from rich.markup import escape
from rich.table import Table

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
    print_error,
    print_warning,
    progress_bar,
)
from fhs_nlp.errors import FhsError
from fhs_nlp.extract.pipeline import DocumentResult, ExtractionResult, extract_paths
from fhs_nlp.report.output import Format, write_extraction
from fhs_nlp.report.outputs_guard import check_output_folder, require_inputs_exist
from fhs_nlp.report.previous_run import previous_records

SHOWN_KINDS = (
    ("insatsomrade", "areas"),
    ("viljeriktning", "viljeriktningar"),
    ("fokusforflyttning", "shifts"),
    ("milestone", "milestones"),
    ("malbild", "målbild"),
    ("effektmal", "effektmål"),
    ("decision", "decisions"),
)


def extract_command(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files or folders: .pdf, .docx, .txt, .md", show_default=False),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for the output files")
    ] = Path("out/extract"),
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="jsonl, csv or json")
    ] = "jsonl",
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Stop at the first input that cannot be read, or whose "
                     "tables were not read fully (W111, W113-W115, W204, W205)"),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary table")] = False,
    max_pages: MaxPages = DEFAULT_MAX_PAGES,
    max_chars: MaxChars = DEFAULT_MAX_CHARS,
    max_docx_mb: MaxDocxMb = DEFAULT_MAX_DOCX_MB,
    timeout: Timeout = DEFAULT_TIMEOUT,
    force: Annotated[bool, typer.Option(
        "--force", help="Replace a file that stands where the --out folder should be")
    ] = False,
) -> None:
    """Extract structured records from FHS strategy documents.

    Reads milestones, insatsområden with their viljeriktningar, fokusförflyttningar,
    målbilder, effektmål and dated decisions.

    Writes one file per record kind, warnings.jsonl and a run manifest (inputs with
    content hashes, versions, counts, warnings, timings) to --out. An input that cannot
    be read is reported and skipped; the exit code is then 1. A path that does not
    exist stops the command before anything is written; a run in which no input could
    be read writes nothing; the records an earlier run in --out extracted from an input
    this run could not read are kept.

    Example:

        fhs-nlp extract corpus/ --out out/extract --format csv
    """
    if fmt not in ("jsonl", "csv", "json"):
        print_error(f"unknown --format '{fmt}'; choose jsonl, csv or json")
        raise typer.Exit(2)
    try:
        require_inputs_exist(paths)
        check_output_folder(out, force=force)
    except FhsError as error:
        print_error(str(error))
        raise typer.Exit(EXIT_INPUT_FAILED) from error
    limit = limits(max_pages, max_chars, max_docx_mb, timeout)
    with progress_bar("Extracting", enabled=not quiet) as progress:
        task = progress.add_task("Extracting", total=None, current="")

        def on_start(total: int) -> None:
            progress.update(task, total=total)

        def on_document(result: DocumentResult) -> None:
            progress.update(task, advance=1, current=result.path.name)

        try:
            result = extract_paths(paths, strict=strict, on_start=on_start,
                                   on_document=on_document, limits=limit)
        except FhsError as error:
            print_error(str(error))
            raise typer.Exit(EXIT_INPUT_FAILED) from error
    if not any(d.status != "failure" for d in result.documents):
        for input_error in result.input_errors:
            print_error(str(input_error))
        for doc in result.failed:
            print_error(doc.error or f"{doc.path}: could not be read")
        note = f"; {out}/ keeps what it held" if out.exists() else ""
        print_error(f"no input could be read, so nothing was written{note}")
        raise typer.Exit(EXIT_INPUT_FAILED)
    for doc in result.failed:
        kept = previous_records(out, doc.path)
        if kept:
            doc.records = list(kept)
            doc.kept_records = len(kept)
    try:
        written = write_extraction(
            result, out, cast(Format, fmt), command=_command(paths, out, fmt, strict)
        )
    except FhsError as error:
        print_error(str(error))
        raise typer.Exit(EXIT_INPUT_FAILED) from error
    for input_error in result.input_errors:
        print_error(str(input_error))
    for doc in result.failed:
        print_error(doc.error or f"{doc.path}: could not be read")
        if doc.kept_records:
            print_warning(f"kept the {doc.kept_records} records an earlier run in {out}/ "
                          f"extracted from {doc.path}")
    if not quiet:
        _print_summary(result)
    console.print(f"Wrote {len(written)} files to {escape(str(out))}/")
    if not result.ok:
        failed = [str(d.path) for d in result.failed] + [
            str(e.path) for e in result.input_errors if e.path
        ]
        n_kept = sum(1 for d in result.failed if d.kept_records)
        print_error(
            f"{len(failed)} input(s) failed: {', '.join(failed)}; the other inputs were "
            "extracted and written"
            + (f"; for {n_kept} of the failed, the records of an earlier run were kept"
               if n_kept else "")
        )
        raise typer.Exit(EXIT_INPUT_FAILED)


def _command(paths: list[Path], out: Path, fmt: str, strict: bool) -> str:
    """The command that reproduces this run, for the manifest."""
    parts = ["fhs-nlp", "extract", *(shlex.quote(str(p)) for p in paths),
             "--out", shlex.quote(str(out)), "--format", fmt]
    if strict:
        parts.append("--strict")
    return " ".join(parts)


def _print_summary(result: ExtractionResult) -> None:
    table = Table(title="Extraction summary", title_justify="left")
    table.add_column("document")
    table.add_column("status")
    for _, label in SHOWN_KINDS:
        table.add_column(label, justify="right", min_width=len(label))
    table.add_column("warnings", justify="right")
    table.add_column("notes", justify="right")
    styles = {"success": "green", "partial": "yellow", "failure": "red"}
    for doc in result.documents:
        counts = doc.counts()
        n_warn = sum(1 for w in doc.warnings if w.level == "warning")
        n_info = sum(1 for w in doc.warnings if w.level == "info")
        table.add_row(
            escape(doc.doc_id),
            f"[{styles[doc.status]}]{doc.status}[/]",
            *(str(counts[kind]) if doc.status != "failure" else "–" for kind, _ in SHOWN_KINDS),
            str(n_warn),
            str(n_info),
        )
    totals = result.records
    table.add_row(
        "all", "", *(str(len(totals[kind])) for kind, _ in SHOWN_KINDS), "", "", style="bold"
    )
    console.print(table)
    console.print(f"{len(result.documents)} document(s) in {result.seconds:.2f} s")
