"""The ``fhs-nlp`` command: one sub-command per module of this package."""

from __future__ import annotations

from typing import Annotated

import typer

from fhs_nlp._version import __version__
from fhs_nlp.cli.align import align_command
from fhs_nlp.cli.batch import batch_command
from fhs_nlp.cli.diff import diff_command
from fhs_nlp.cli.eval import eval_command
from fhs_nlp.cli.extract import extract_command
from fhs_nlp.cli.index import index_app
from fhs_nlp.cli.models import models_app
from fhs_nlp.cli.schema import schema_command
from fhs_nlp.cli.serve import serve_command

app = typer.Typer(
    name="fhs-nlp",
    help="Score drafts against Region Skåne's Framtidens hälsosystem, read its strategy "
    "documents into records, and compare plan versions.\n\n"
    "Example: fhs-nlp align utkast.pdf",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"fhs-nlp {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version")
    ] = False,
) -> None:
    """Score drafts against Framtidens hälsosystem; read and compare its documents."""


app.command("align")(align_command)
app.command("batch")(batch_command)
app.command("extract")(extract_command)
app.command("schema")(schema_command)
app.add_typer(index_app, name="index")
app.add_typer(models_app, name="models")
app.command("eval")(eval_command)
app.command("diff")(diff_command)
app.command("serve")(serve_command)

if __name__ == "__main__":  # pragma: no cover
    app()
