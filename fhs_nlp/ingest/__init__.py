"""Read PDF, DOCX and plain text/Markdown files into :class:`Document`.

``read_document`` picks the reader by extension and checks the file really is what the
extension says (a ``.docx`` that is not a zip, a ``.pdf`` that does not start with
``%PDF``), so the user hears "not a Word file" instead of a library traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from fhs_nlp.datamodel.document import Document
from fhs_nlp.errors import (
    InputError,
    MissingPathError,
    NoSupportedFilesError,
    UnsupportedFormatError,
)
from fhs_nlp.ingest.document import build_document
from fhs_nlp.ingest.limits import (
    DEFAULT_LIMITS,
    Limits,
    check_document,
    check_docx,
    check_pdf,
    check_text_file,
    harden_docx_parser,
)

__all__ = [
    "build_document",
    "discover_inputs",
    "read_document",
    "SUPPORTED_SUFFIXES",
]

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | {".pdf", ".docx"}


def read_document(path: Path, doc_id: str | None = None,
                  limits: Limits | None = None) -> Document:
    """Read one file into a :class:`Document`; raise :class:`InputError` if it cannot be.

    ``limits`` (default :data:`~fhs_nlp.ingest.limits.DEFAULT_LIMITS`) are checked before the
    file is parsed where the file says enough (PDF page count, sizes of DOCX parts) and
    on the text read.
    """
    document = _read(Path(path), doc_id, limits or DEFAULT_LIMITS)
    check_document(document, limits or DEFAULT_LIMITS)
    return document


def _read(path: Path, doc_id: str | None, limits: Limits) -> Document:
    if not path.exists():
        raise MissingPathError("does not exist; check the path and try again", path)
    if path.is_dir():
        raise UnsupportedFormatError(
            "is a folder; pass the files in it, or the folder to a batch command", path
        )
    doc_id = doc_id or path.stem
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        from fhs_nlp.ingest.text import read_text

        check_text_file(path, limits)
        return read_text(path, doc_id)
    if suffix == ".pdf":
        from fhs_nlp.ingest.pdf import read_pdf

        check_pdf(path, limits)
        return read_pdf(path, doc_id)
    if suffix == ".docx":
        from fhs_nlp.ingest.docx import read_docx

        check_docx(path, limits)
        harden_docx_parser()
        return read_docx(path, doc_id)
    raise UnsupportedFormatError(
        f"has an unsupported extension '{path.suffix}'; supported are "
        + ", ".join(sorted(SUPPORTED_SUFFIXES)),
        path,
    )


def discover_inputs(paths: Iterable[Path]) -> tuple[list[Path], list[InputError]]:
    """Expand files and folders into the supported files they hold.

    Returns the files (sorted per folder, in argument order) and one error per argument
    that yields nothing: a missing path, or a folder without supported files. Hidden
    files and folders, and README files inside a folder, are skipped.
    """
    files: list[Path] = []
    errors: list[InputError] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            errors.append(MissingPathError("does not exist; check the path and try again", path))
            continue
        if path.is_dir():
            found = [
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and p.stem.lower() != "readme"
            ]
            if not found:
                errors.append(
                    NoSupportedFilesError(
                        "holds no supported files ("
                        + ", ".join(sorted(SUPPORTED_SUFFIXES))
                        + "); point to a folder with documents",
                        path,
                    )
                )
            candidates = found
        else:
            candidates = [path]
        for p in candidates:
            key = p.resolve()
            if key not in seen:
                seen.add(key)
                files.append(p)
    return files, errors
