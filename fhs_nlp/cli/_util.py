"""Pieces shared by the CLI commands: consoles, error lines, progress, exit codes."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

#: Exit codes: 0 all inputs done; 1 some input failed (the others were still done);
#: 2 the command line itself was wrong (typer's own code).
EXIT_OK = 0
EXIT_INPUT_FAILED = 1
EXIT_USAGE = 2

# Off a terminal (logs, pipes, tests) rich would assume 80 columns and squeeze tables.
console = Console(highlight=False, width=None if sys.stdout.isatty() else 120)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def print_error(message: str) -> None:
    """One line on stderr, starting with 'error:' so it can be grepped.

    ``message`` is plain text: it is escaped here, since it holds file names and text
    from the documents, which rich would otherwise read as markup (``Plan [/utkast].pdf``
    is a closing tag to rich, ``[utkast]`` a style that disappears).
    """
    err_console.print(f"[bold red]error:[/] {escape(message)}", markup=True, highlight=False)


def print_warning(message: str) -> None:
    """One line on stderr, starting with 'warning:'; ``message`` is plain text."""
    err_console.print(f"[yellow]warning:[/] {escape(message)}", markup=True, highlight=False)


def status(message: str) -> Any:
    """A spinner on stderr with a plain-text message (file names are escaped)."""
    return err_console.status(escape(message))


@contextmanager
def progress_bar(description: str, *, enabled: bool = True) -> Iterator[Progress]:
    """A progress bar on stderr, shown on a terminal only (CI logs stay clean)."""
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[current]}", markup=False),  # a file name: plain text
        console=err_console,
        transient=True,
        disable=not enabled or not sys.stderr.isatty(),
    )
    with progress:
        yield progress


def report_target(out: Path | None, *, default_dir: Path | None, file_name: str,
                  inputs: Sequence[Path] = (), force: bool = False) -> Path | None:
    """Where a report goes: None for the terminal, else a file. Checked before any work.

    ``out`` may be a file or a folder (then ``file_name`` is used inside it); with no
    ``out``, reports that belong in a file (``default_dir`` given, e.g. HTML) go to
    ``default_dir``, the others to the terminal. An existing file that is not a report
    of this kind (another extension than ``file_name``'s), or is one of the ``inputs``,
    is refused (E201; the first only without ``force``): one line and exit code 1.
    """
    from fhs_nlp.errors import FhsError
    from fhs_nlp.report.outputs_guard import check_output_file, report_suffix

    target = out if out is not None else default_dir
    if target is None:
        return None
    if target.is_dir() or (not target.suffix and not target.exists()):
        target = target / file_name
    try:
        check_output_file(target, report_suffix(file_name), inputs, force=force)
    except FhsError as error:
        print_error(str(error))
        raise typer.Exit(EXIT_INPUT_FAILED) from error
    return target


def emit_report(text: str, target: Path | None) -> None:
    """Print a rendered report (``target`` None), or write it atomically to ``target``
    (from :func:`report_target`). A folder that cannot be written is a user error: one
    line and exit code 1."""
    from fhs_nlp.errors import FhsError
    from fhs_nlp.report.output import atomic_write_text

    if target is None:
        console.out(text, end="", highlight=False)
        return
    try:
        atomic_write_text(target, text)
    except FhsError as error:
        print_error(str(error))
        raise typer.Exit(EXIT_INPUT_FAILED) from error
    console.print(f"Wrote {escape(str(target))}")
