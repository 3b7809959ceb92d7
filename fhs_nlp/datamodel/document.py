"""The page-aware document model every input format is read into.

Whatever the source (PDF, DOCX, plain text), later stages see one shape: the whole
text as one string, split into pages, with offsets so that any character span can be
turned back into a page and a line number for the reviewer. Tables found by the PDF
reader travel with their page, so the milestone extractor can use real cells where the
source has them and fall back to the linear text where it does not.

The readers in :mod:`fhs_nlp.ingest` build these; every later stage reads them.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from pathlib import Path

from fhs_nlp.datamodel.records import Provenance

#: Marks a page break in text files (a form feed, as pdftotext writes it).
PAGE_BREAK = "\f"


#: Joins the pages of a PDF or Word document in :attr:`Document.text`: the form feed
#: stands on a line of its own, so a page's last line never runs into the next page's.
PAGE_SEPARATOR = "\n\f\n"


@dataclass
class TableCell:
    """One cell of a table found on a PDF page; ``text`` already has rotated text rebuilt."""

    text: str
    bbox: tuple[float, float, float, float] | None = None  # x0, top, x1, bottom in PDF points
    rotated: bool = False
    #: how many of the cell's first lines are set in bold (a title), where the reader knows
    bold_lines: int = 0
    #: covered by a cell merged down from a row above (Word ``w:vMerge``, or a PDF cell
    #: whose extent reaches into this row): its value is that cell's
    spanned: bool = False
    #: the cell's paragraphs, where the reader can tell them (Word paragraphs; in a PDF,
    #: lines grouped by spacing and by where a line stops short); in ``text`` they may be
    #: apart by a single line break only, like the lines of one paragraph
    paragraphs: tuple[str, ...] = ()


@dataclass
class Table:
    """A table found on one page: rows of cells, in reading order."""

    page: int
    rows: list[list[TableCell]]
    bbox: tuple[float, float, float, float] | None = None

    def texts(self) -> list[list[str]]:
        return [[cell.text for cell in row] for row in self.rows]


@dataclass
class Page:
    """One page: its number (1-based), where its text starts in the document, its tables.

    ``furniture`` keeps the running headers, footers and page numbers that were
    recognised and removed from ``text``, so nothing the reader dropped is invisible.
    """

    number: int
    char_start: int
    text: str
    tables: list[Table] = field(default_factory=list)
    furniture: list[str] = field(default_factory=list)
    landscape: bool = False

    @property
    def char_end(self) -> int:
        return self.char_start + len(self.text)


@dataclass
class Document:
    """A read document: identity, full text, pages, and how it was read."""

    doc_id: str
    source_path: Path
    source_format: str  # "pdf" | "docx" | "text"
    text: str
    pages: list[Page]
    content_hash: str
    has_page_numbers: bool = True  # False for plain text, where "page" means nothing
    warnings: list[str] = field(default_factory=list)
    _line_starts: list[int] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        starts = [0]
        for i, ch in enumerate(self.text):
            if ch == "\n":
                starts.append(i + 1)
        self._line_starts = starts

    @property
    def n_lines(self) -> int:
        return len(self._line_starts)

    def line_of(self, offset: int) -> int:
        """1-based line number of a character offset."""
        return bisect.bisect_right(self._line_starts, offset)

    def line_span(self, line_no: int) -> tuple[int, int]:
        """Character span (start, end without the newline) of a 1-based line."""
        start = self._line_starts[line_no - 1]
        last = line_no >= len(self._line_starts)
        end = len(self.text) if last else self._line_starts[line_no] - 1
        return start, end

    def line(self, line_no: int) -> str:
        start, end = self.line_span(line_no)
        return self.text[start:end]

    def lines(self) -> list[str]:
        return self.text.split("\n")

    def page_of(self, offset: int) -> int | None:
        """1-based page number of a character offset, or None where pages mean nothing."""
        if not self.has_page_numbers:
            return None
        for page in self.pages:
            if page.char_start <= offset <= page.char_end:
                return page.number
        return self.pages[-1].number if self.pages else None

    def provenance(self, char_start: int, char_end: int) -> Provenance:
        """Provenance of a span of :attr:`text`, for a record or a warning."""
        char_end = max(char_end, char_start)
        return Provenance(
            document_id=self.doc_id,
            source_file=self.source_path.name,
            page=self.page_of(char_start),
            line_start=self.line_of(char_start),
            line_end=self.line_of(max(char_start, char_end - 1)),
            char_start=char_start,
            char_end=char_end,
        )

    def provenance_lines(self, first_line: int, last_line: int) -> Provenance:
        """Provenance covering whole lines ``first_line``..``last_line`` (1-based)."""
        start = self.line_span(first_line)[0]
        end = self.line_span(last_line)[1]
        return self.provenance(start, end)
