"""Errors a user can cause, kept apart from bugs.

:class:`InputError` and its subclasses mean "this input cannot be used": the message
names the file, says what is wrong and what to do. Anything else escaping a stage is a
bug in fhs-nlp. Codes are stable so that tests and users can refer to them.
"""

from __future__ import annotations

from pathlib import Path


class FhsError(Exception):
    """Base of all errors fhs-nlp raises on purpose."""

    code = "E000"

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path is not None else ""
        return f"[{self.code}] {where}{self.message}"


class InputError(FhsError):
    """An input file or folder that cannot be read as a document."""

    code = "E100"


class MissingPathError(InputError):
    code = "E101"


class NoSupportedFilesError(InputError):
    code = "E102"


class UnsupportedFormatError(InputError):
    code = "E103"


class CorruptDocumentError(InputError):
    code = "E104"


class EncryptedDocumentError(InputError):
    code = "E105"


class NoTextLayerError(InputError):
    """A PDF whose pages are images (a scan): there is no text to read."""

    code = "E106"


class EmptyDocumentError(InputError):
    code = "E107"


class IncompleteTableError(InputError):
    """``extract --strict``: a table of the document was not read fully (one of
    :data:`STRICT_WARNING_CODES` was raised for it)."""

    code = "E108"


# --- extraction warnings (W-codes) of the table readers ---

#: code -> (level, meaning). Older codes (W101-W110, W201-W203) are raised where they
#: are found; these are the table reader's checks that nothing was lost silently.
TABLE_WARNINGS: dict[str, tuple[str, str]] = {
    "W111": ("warning", "a column of the milestone table (year, area or effects) is empty on "
                        "most rows, or the table has no recognisable year column"),
    "W112": ("info", "a row split by a page break was joined back to the row it continues"),
    "W113": ("warning", "a milestone row was read twice; the repeat was dropped"),
    "W114": ("warning", "the document shows a milestone table header, but no milestone row "
                        "could be read from it"),
    "W115": ("warning", "a table row holds two years: two milestone rows were read as one"),
    "W204": ("warning", "an Område cell of the viljeriktning table names no known insatsområde"),
    "W205": ("warning", "the document shows a viljeriktning table, but none of its rows could "
                        "be read"),
}
#: Warnings after which ``extract --strict`` fails the input: the table was not read fully.
STRICT_WARNING_CODES = frozenset(c for c, (level, _) in TABLE_WARNINGS.items()
                                 if level == "warning")


class OutputError(FhsError):
    """An output location that cannot be written."""

    code = "E200"


class OutputExistsError(OutputError):
    """``--out`` names an existing file that is not an output of this kind (or is an
    input): it is left alone unless ``--force`` says to replace it."""

    code = "E201"


class ReferenceIndexError(FhsError):
    """A reference index folder that cannot be used; the message says how to rebuild it."""

    code = "E400"


class IndexNotFoundError(ReferenceIndexError):
    """No index in the folder: it was never built there."""

    code = "E401"


class IndexMismatchError(ReferenceIndexError):
    """The index was built with another embedder or dimension than the one in use."""

    code = "E402"


class DamagedIndexError(ReferenceIndexError):
    """A file of the index is missing, unreadable or does not match the manifest; a
    folder without ``manifest.json`` is an interrupted build."""

    code = "E403"


class IndexBuildError(ReferenceIndexError):
    """The corpus given to build an index holds no reference records."""

    code = "E404"


# --- plan comparison (fhs-nlp diff) ---


class NoMilestoneTableError(InputError):
    """A document given to ``diff`` in which no milestone table was found."""

    code = "E701"


# --- limits on one document (every command) and batches (fhs-nlp batch) ---
# Each limit has its own code; the message names the limit and the option that raises it.


class DocumentTooLargeError(InputError):
    """More pages than ``--max-pages`` (text without pages: 500 words a page)."""

    code = "E801"


class DocumentTimeoutError(FhsError):
    """Reading and processing took longer than ``--timeout`` seconds."""

    code = "E802"


class WorkerCrashError(FhsError):
    code = "E803"


class InternalError(FhsError):
    """An exception that is not an input error: a bug in fhs-nlp, kept per document."""

    code = "E804"


class WorkerStartError(FhsError):
    """A worker could not load the model or the reference index: nothing can be done."""

    code = "E805"


class BatchBusyError(OutputError):
    code = "E806"


class TooMuchTextError(InputError):
    """More extracted characters than ``--max-chars``."""

    code = "E807"


class DocxPartTooLargeError(InputError):
    """A part of a .docx package that unpacks to more than ``--max-docx-mb`` (a zip
    bomb, or XML blown up on purpose); checked from the zip directory before parsing."""

    code = "E808"


class UnsafeXmlError(InputError):
    """A .docx part with a DTD or entity declarations: Word never writes them, and they
    are how XML entity-expansion attacks work, so the part is not parsed."""

    code = "E809"


# --- the web app (fhs-nlp serve) ---


class UploadTooLargeError(InputError):
    """An upload to ``fhs-nlp serve`` larger than its ``--max-upload-mb``."""

    code = "E810"
