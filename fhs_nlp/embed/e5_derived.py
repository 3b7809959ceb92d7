"""Runtime files built once from the converted model folder: the int8 ONNX file, the OpenVINO model.

Each lives in a subfolder of the converted folder (:mod:`fhs_nlp.embed.e5_convert`) with a
``manifest.json`` naming what it was built from: the converter's version, the source
weights' hash and the build recipe's own version. A subfolder whose manifest names
anything else, or whose files are missing, is stale and rebuilt; builds happen one at a
time (a file lock), into a temporary folder renamed into place, so an interrupted build
leaves nothing half-written. The int8 and OpenVINO modules share this, so the two cannot
disagree on when a file is current.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from fhs_nlp.fileio import atomic_write_text

__all__ = ["building", "ensure_built", "is_current", "source_key", "write_manifest"]


def source_key(folder: Path, recipe: str, recipe_version: str) -> dict[str, Any]:
    """What a derived file depends on: the converter, the source weights, its recipe."""
    from fhs_nlp.embed.e5_convert import CONVERTER_VERSION, MANIFEST_FILE

    manifest = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    return {"converter_version": CONVERTER_VERSION, recipe: recipe_version,
            "source_sha256": manifest.get("source_sha256")}


def is_current(folder: Path, subdir: str, files: Sequence[str], key: dict[str, Any]) -> bool:
    target = folder / subdir
    try:
        manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (all((target / name).exists() for name in files)
            and all(manifest.get(k) == v for k, v in key.items()))


def ensure_built(folder: Path, subdir: str, current: Callable[[Path], bool],
                 build: Callable[[Path], Path]) -> None:
    """Build ``folder/subdir`` unless it is current; one process at a time."""
    from fhs_nlp.fileio import file_lock

    if current(folder):
        return
    with file_lock(folder.parent / f".{folder.name}.{subdir}.lock"):
        if not current(folder):
            build(folder)


@contextlib.contextmanager
def building(folder: Path, subdir: str) -> Iterator[Path]:
    """A temporary folder that replaces ``folder/subdir`` when the block succeeds."""
    out = folder / subdir
    tmp = Path(tempfile.mkdtemp(prefix=f".{subdir}.", dir=folder))
    tmp.chmod(0o755)
    try:
        yield tmp
        if out.exists():
            shutil.rmtree(out)
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_manifest(tmp: Path, manifest: dict[str, Any]) -> None:
    atomic_write_text(tmp / "manifest.json", json.dumps(manifest, indent=1) + "\n")
