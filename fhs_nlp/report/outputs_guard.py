"""Checks made before anything is written, so that an output never replaces what it
should not.

``--out`` is where a command writes; a slip of the keyboard there (``--out plan.pdf``,
``--out notes.md`` for an HTML report, ``--out`` naming a file where a folder is
written) would replace a file the user wanted. An existing file is replaced only by an
output of its own kind (the same extension), never when it is one of the command's
inputs, and otherwise only with ``--force`` (:class:`~fhs_nlp.errors.OutputExistsError`,
E201).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from fhs_nlp.errors import MissingPathError, OutputError, OutputExistsError


def report_suffix(file_name: str) -> str:
    """The extension that says what kind of file a report is: ``.html`` for
    ``x.alignment.html``."""
    return Path(file_name).suffix.lower()


def _is_input(target: Path, inputs: Iterable[Path]) -> bool:
    try:
        resolved = target.resolve()
    except OSError:
        return False
    for path in inputs:
        try:
            if Path(path).resolve() == resolved:
                return True
        except OSError:
            continue
    return False


def check_output_file(target: Path, suffix: str, inputs: Iterable[Path] = (), *,
                      force: bool = False) -> None:
    """Refuse to replace an existing file that is not a ``suffix`` report, or an input."""
    if not target.exists() or target.is_dir():
        return
    if _is_input(target, inputs):
        raise OutputExistsError(
            "is an input of this command and is never written over; choose another --out",
            target)
    if target.suffix.lower() != suffix and not force:
        raise OutputExistsError(
            f"exists and is not a {suffix} report; choose another --out, or add --force to "
            "replace it", target)


def check_output_folder(out: Path, *, force: bool = False) -> None:
    """``--out`` must be a folder: refuse an existing file there unless ``force``, which
    removes that file so that the folder can be made."""
    if not out.exists() and not out.is_symlink():
        return
    if out.is_dir():
        return
    if not force:
        raise OutputExistsError(
            "exists and is a file, but --out is the folder the outputs go to; choose "
            "another --out, or add --force to replace the file by a folder", out)
    try:
        out.unlink()
    except OSError as error:
        raise OutputError(f"cannot be replaced ({error.strerror}); choose another --out",
                          out) from error


def require_inputs_exist(paths: Iterable[Path | str]) -> None:
    """An input that does not exist stops the command before anything is touched."""
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise MissingPathError("does not exist; check the path and try again (nothing "
                                   "was written)", path)
