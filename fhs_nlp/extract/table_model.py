"""The milestone table as the extractors pass it around: pages, rows, paragraphs, markers.

Two readers build these objects, :mod:`fhs_nlp.extract.milestone_table` from the linear
text and :mod:`fhs_nlp.extract.milestone_cells` from real table cells, and one reader,
:mod:`fhs_nlp.extract.milestones`, turns them into records. Keeping the shapes here, with
every attribute declared, is what lets the two readers share the third.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from fhs_nlp.datamodel.vocabulary import Area
from fhs_nlp.extract.text import TAG_RE, is_bullet, starts_upper
from fhs_nlp.lines import Line


@dataclass
class Block:
    """A paragraph: consecutive non-blank lines of one cell."""

    lines: list[Line]

    @property
    def first(self) -> Line:
        return self.lines[0]

    @property
    def last(self) -> Line:
        return self.lines[-1]

    @property
    def texts(self) -> list[str]:
        return [ln.text for ln in self.lines]

    @property
    def width(self) -> int:
        return max(len(ln.text.rstrip()) for ln in self.lines)

    def has_tag(self) -> bool:
        return any(TAG_RE.search(ln.text) for ln in self.lines) or bool(
            TAG_RE.search(" ".join(ln.stripped for ln in self.lines))
        )


@dataclass
class YearMarker:
    year: int
    lines: list[Line]
    garbled: str | None = None  # the digits as they stand, where some were lost


@dataclass
class AreaMarker:
    text: str
    area: Area | None
    continued: bool
    lines: list[Line]


@dataclass
class Row:
    """The lines of one milestone row, before they are read into fields."""

    page_index: int
    blocks: list[Block] = field(default_factory=list)
    year: int | None = None
    year_lines: list[Line] = field(default_factory=list)
    year_before_title: bool = False
    widths: ColumnWidths | None = None
    from_cells: bool = False  # read from real table cells: blocks[0] is the whole milestone cell
    title_lines: int = 0  # leading lines of the milestone cell set in bold, where known


class Problem(NamedTuple):
    """Something a table reader could not read fully: becomes an ExtractionWarning."""

    code: str
    message: str
    lines: list[Line]


class EffektmalName(NamedTuple):
    """An övergripande effektmål found in a page's effektmål column."""

    name: str  # the canonical name
    text: str  # as it stands in the source
    lines: list[Line]


@dataclass
class TablePage:
    """One page of the table as it stands in the text."""

    index: int
    first_line: int
    area_marker: AreaMarker | None = None
    rows: list[Row] = field(default_factory=list)
    malbild: list[Block] = field(default_factory=list)
    malbild_lead_prefix: Line | None = None  # an effect merged into the målbild's first line
    effektmal: list[EffektmalName] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: what stands on the page, in reading order, before the columns are set aside
    items: list[Line | YearMarker | AreaMarker] = field(default_factory=list)
    #: the page's paragraphs and year markers once målbild and effektmål are set aside:
    #: what the rows are grouped from
    rows_source: list[Block | YearMarker] = field(default_factory=list)
    #: the widths of the milestone and effects columns measured on the page, if known
    widths: ColumnWidths | None = None


@dataclass
class MilestoneTable:
    pages: list[TablePage]
    first_line: int
    last_line: int


@dataclass(frozen=True)
class ColumnWidths:
    """Estimated widths (in characters) of the milestone and effects columns of a page.

    Text extracted from a table keeps each cell's line wrapping, and the two columns
    wrap at different widths. A paragraph whose lines are too long for one column, or
    whose wrapped words would have fitted on a line of that column, cannot come from it.
    """

    milestone: int
    effects: int

    def distinct(self) -> bool:
        return abs(self.milestone - self.effects) >= 8

    def column_of(self, block: Block) -> str | None:
        """"milestone", "effects", or None where the block fits both (or the page's
        columns are too alike to tell)."""
        if not self.distinct():
            return None
        fits_milestone = _fits_column(block, self.milestone)
        fits_effects = _fits_column(block, self.effects)
        if fits_milestone and not fits_effects:
            return "milestone"
        if fits_effects and not fits_milestone:
            return "effects"
        return None


def _fits_column(block: Block, width: int) -> bool:
    lines = [ln.text.rstrip() for ln in block.lines]
    if any(len(line) > width + 3 for line in lines):
        return False
    for line, nxt in zip(lines, lines[1:], strict=False):
        following = nxt.strip()
        if not following or starts_upper(following) or is_bullet(following):
            continue  # a hard break says nothing about the width
        if len(line) + 1 + len(following.split()[0]) <= width - 6:
            return False  # the next word would have fitted on this line
    return True
