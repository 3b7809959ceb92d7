"""``fhs-nlp serve``: the local web page (score a draft, compare, history, strategy)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fhs_nlp.cli._limits import DEFAULT_MAX_CHARS, DEFAULT_MAX_PAGES, MaxChars, MaxPages
from fhs_nlp.cli._util import EXIT_USAGE, console, print_error


def serve_command(
    host: Annotated[str, typer.Option(
        "--host", help="Address to listen on; anything but this machine (127.0.0.1, ::1, "
        "localhost) needs --token")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    data: Annotated[Path | None, typer.Option(
        "--data", help="Folder for the history of runs (default: fhs-nlp in the user's "
        "data folder, ~/.local/share/fhs-nlp)")] = None,
    token: Annotated[str | None, typer.Option(
        "--token", envvar="FHS_NLP_TOKEN", help="Secret every request must carry "
        "(Authorization: Bearer …, or open the page once with ?token=…); required to "
        "listen on another address")] = None,
    max_upload_mb: Annotated[float, typer.Option(
        "--max-upload-mb", min=0.001, help="Refuse larger uploads (E810)")] = 50.0,
    max_pages: MaxPages = DEFAULT_MAX_PAGES,
    max_chars: MaxChars = DEFAULT_MAX_CHARS,
    model: Annotated[str | None, typer.Option(
        "--model", "-m", help="Embedder, as for fhs-nlp align (default e5)")] = None,
    index: Annotated[Path | None, typer.Option(
        "--index", help="Reference index folder, as for fhs-nlp align")] = None,
) -> None:
    """Start the local web page: drop a draft and read its alignment in the browser.

    Score a PDF, Word, text or Markdown draft with progress shown; read the report per
    insatsområde (chart, evidence passages with their pages, viljeriktningar, milestones,
    fokusförflyttningar), open any passage, download JSON, Markdown or HTML; compare two
    plan versions or two drafts; keep and delete earlier runs; read the strategy with
    its source lines. The JSON API is documented at /docs. Nothing leaves the machine.

    Example:

        fhs-nlp serve            # then open http://127.0.0.1:8000
    """
    import uvicorn

    from fhs_nlp.ingest.limits import Limits
    from fhs_nlp.serve import ServeSettings, create_app
    from fhs_nlp.serve.settings import UnsafeBindError, default_data_dir

    try:
        settings = ServeSettings(
            data_dir=data or default_data_dir(), host=host, port=port, token=token,
            max_upload_mb=max_upload_mb, model=model, index_dir=index,
            limits=Limits(max_pages=max_pages, max_chars=max_chars))
    except (UnsafeBindError, ValueError) as error:
        print_error(str(error))
        raise typer.Exit(EXIT_USAGE) from error
    shown = "localhost" if host in ("127.0.0.1", "::1") else host
    console.print(f"fhs-nlp: open http://{shown}:{port}/ (history in {settings.data_dir}); "
                  "the model loads in the background. Ctrl+C stops.")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")
