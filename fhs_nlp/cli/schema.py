"""``fhs-nlp schema``: write the JSON Schema of the records, generated from the code."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fhs_nlp.cli._util import console
from fhs_nlp.datamodel.schema import write_schema


def schema_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the schema file")] = Path(
        "schemas"
    ),
) -> None:
    """Write the JSON Schemas: records.schema.json and alignment.schema.json.

    The committed copy in schemas/ is checked against the code by the tests; run this
    after changing fhs_nlp/datamodel/records.py.

    Example:

        fhs-nlp schema --out schemas
    """
    path = write_schema(out)
    console.print(f"Wrote {path} and {path.parent / 'alignment.schema.json'}")
