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


class OutputError(FhsError):
    """An output location that cannot be written."""

    code = "E200"
