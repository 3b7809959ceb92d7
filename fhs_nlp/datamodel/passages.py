"""A draft cut into passages: the unit the aligner scores and the report shows.

Made by :mod:`fhs_nlp.segment.passages`, scored by :mod:`fhs_nlp.align`, shown by
:mod:`fhs_nlp.report.alignment`; kept here because it crosses all three stages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PassageKind = Literal["heading", "paragraph", "list_item", "list", "window"]


@dataclass(frozen=True)
class Passage:
    """One unit of a draft that gets scored, with where it stands in the document."""

    index: int
    """0-based position in the document's passage list."""
    text: str
    """Whitespace-normalised text, wrapped lines joined, list markers and Markdown removed."""
    kind: str
    """"heading", "paragraph", "list_item", "window" (part of a long paragraph), or
    "list" (list items joined under their heading or lead-in,
    :func:`~fhs_nlp.segment.passages.group_lists`)."""
    heading: str | None
    """The nearest heading above the passage (for a Markdown heading: its parent)."""
    page: int | None
    """1-based page of the passage start; None where the document has no pages."""
    char_start: int
    char_end: int
    line_start: int
    line_end: int

    @property
    def n_words(self) -> int:
        return len(self.text.split())

    def where(self) -> str:
        """"p. 3, lines 40-44" or "lines 40-44", for a reviewer."""
        lines = (
            f"line {self.line_start}"
            if self.line_start == self.line_end
            else f"lines {self.line_start}-{self.line_end}"
        )
        return f"p. {self.page}, {lines}" if self.page is not None else lines
