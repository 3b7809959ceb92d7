"""The one line splitter: a text cut into :class:`Line` objects that know where they stand.

Every reader of text by lines (the extractors, the passage splitter, the decision reader)
needs, for each line, its 1-based number and its character offset in the document, so a
record found on it can name its source span. Splitting on ``"\\n"`` and counting
offsets is done here once, so that all of them count the same way.
"""

from __future__ import annotations

from typing import NamedTuple


class Line(NamedTuple):
    """One line of a document: 1-based number, text (no newline) and character span.

    A named tuple rather than a frozen dataclass: documents have thousands of lines and
    every reader splits them, so making one must cost no more than making a tuple.
    """

    number: int
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def split_lines(text: str, first_line: int = 1, offset: int = 0) -> list[Line]:
    """Split ``text`` into :class:`Line` objects with absolute numbers and offsets."""
    lines = []
    pos = offset
    for i, raw in enumerate(text.split("\n")):
        lines.append(Line(first_line + i, raw, pos))
        pos += len(raw) + 1
    return lines
