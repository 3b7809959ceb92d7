"""Read the milestone table from real table cells, where the PDF or Word reader found them.

When the reader found the table's grid, every cell is known: which text is the year,
the milestone, the effects, the målbild. Nothing has to be guessed from line wrapping,
so this path is preferred over :mod:`fhs_nlp.extract.milestone_table`. It produces the
same :class:`TablePage` and :class:`Row` objects, so the rest of the extractor is shared.

Columns are found by their header cells ("År", "Milstolpe", "Effekter …", "Målbilder
…", "Övergripande effektmål", however wrapped or worded: :mod:`.table_roles`); the
unnamed column left of the year holds the insatsområde label. :mod:`.table_rows` turns
the tables of every page into logical rows (merged cells carried, split rows joined);
here each run of rows of one table and one area becomes a :class:`TablePage`, so each
row has the area of its own area cell.
"""

from __future__ import annotations

import re

from fhs_nlp.datamodel.document import Document, TableCell
from fhs_nlp.datamodel.vocabulary import area_by_name, effektmal_by_name
from fhs_nlp.errors import W_AREA_UNKNOWN, W_MILESTONE_WITHOUT_TITLE, W_ROWS_MERGED, W_YEAR_NOT_READ
from fhs_nlp.extract.milestone_table import bullet_blocks
from fhs_nlp.extract.table_markers import FORTS_RE, read_year_digits
from fhs_nlp.extract.table_model import (
    AreaMarker,
    Block,
    EffektmalName,
    Problem,
    Row,
    TablePage,
)
from fhs_nlp.extract.table_roles import compact, header_columns
from fhs_nlp.extract.table_rows import LogicalRow, column_problems, logical_rows, roles_present
from fhs_nlp.lines import Line, split_lines

__all__ = ["header_columns", "pages_from_cells"]


def pages_from_cells(doc: Document) -> list[TablePage] | None:
    """The milestone table as :class:`TablePage` objects, or None if no page has one.

    One :class:`TablePage` per run of rows of one table and one area: the area of each
    row comes from its own (merged) area cell, not from the first row of its page.
    """
    rows, problems = logical_rows(doc)
    if not rows:
        return None
    problems += column_problems(rows, roles_present(rows))
    pages: list[TablePage] = []
    cursor = 0
    current: TablePage | None = None
    current_key: tuple[tuple[int, int], str] | None = None
    for row in rows:
        key = (row.table_key, compact(row.area_text))
        if current is None or key != current_key:
            cursor = max(cursor, doc.pages[row.page - 1].char_start)
            current = TablePage(index=len(pages), first_line=doc.line_of(cursor))
            pages.append(current)
            current_key = key
            if row.area_text:
                cursor = _set_area(doc, row, current, cursor)
        cursor = _read_table_row(doc, row, current, cursor)
    pages = [p for p in pages if p.rows or p.area_marker is not None]
    if not pages:
        return None
    for code, message, page_number in problems:
        pages[_page_for(pages, doc, page_number)].problems.append(
            Problem(code, message, _page_lines(doc, page_number))
        )
    return pages


def _page_for(pages: list[TablePage], doc: Document, page_number: int | None) -> int:
    """The table page a document page's problem is filed under (for its provenance)."""
    if page_number is None:
        return 0
    start = doc.pages[page_number - 1].char_start
    best = 0
    for i, page in enumerate(pages):
        if doc.line_span(page.first_line)[0] <= start or i == 0:
            best = i
    return best


def _page_lines(doc: Document, page_number: int | None) -> list[Line]:
    """The first line of a document page, for a problem's provenance."""
    if page_number is None or not doc.has_page_numbers:
        return []
    page = doc.pages[page_number - 1]
    first = split_lines(page.text[:200], doc.line_of(page.char_start), page.char_start)
    return first[:1]


def _set_area(doc: Document, row: LogicalRow, page: TablePage, cursor: int) -> int:
    label = row.area_text
    lines: list[Line] = []
    if row.area_cell is not None and not row.area_carried:
        lines, cursor = _locate(doc, row.area_cell.text.strip(), cursor)
    continued = bool(FORTS_RE.search(label))
    page.area_marker = AreaMarker(
        label, area_by_name(FORTS_RE.sub("", label).strip()), continued, lines
    )
    if page.area_marker.area is None:
        page.problems.append(
            Problem(W_AREA_UNKNOWN, f"area label '{label}' names no known insatsområde", lines)
        )
    return cursor


def _locate(doc: Document, text: str, cursor: int) -> tuple[list[Line], int]:
    """Lines of ``text`` where it stands in the document text, searching from ``cursor``."""
    at = doc.text.find(text, cursor)
    if at < 0:  # not in the page text as such: point at the cursor, keep the text
        at = cursor
        lines = split_lines(text, doc.line_of(at), at)
        return [Line(ln.number, ln.text, at) for ln in lines], cursor
    return split_lines(text, doc.line_of(at), at), at + len(text)


def _blocks(lines: list[Line]) -> list[Block]:
    blocks: list[Block] = []
    current: list[Line] = []
    for line in lines:
        if line.blank:
            if current:
                blocks.append(Block(current))
                current = []
        else:
            current.append(line)
    if current:
        blocks.append(Block(current))
    return blocks


def _cell_blocks(doc: Document, cell: TableCell, cursor: int) -> tuple[list[Block], int]:
    """Paragraphs of a cell: by the cell's own paragraphs where the reader knows them
    (Word), else by its blank lines."""
    if cell.paragraphs and len(cell.paragraphs) > 1:
        blocks = []
        for paragraph in cell.paragraphs:
            lines, cursor = _locate(doc, paragraph, cursor)
            blocks.extend(_blocks(lines))
        return blocks, cursor
    lines, cursor = _locate(doc, cell.text.strip(), cursor)
    return _blocks(lines), cursor


def _read_table_row(doc: Document, row: LogicalRow, page: TablePage, cursor: int) -> int:
    year_lines: list[Line] = []
    year = None
    if row.year_text:
        if row.year_cell is not None and not row.year_carried:
            year_lines, cursor = _locate(doc, row.year_cell.text.strip(), cursor)
        year = read_year_digits(re.sub(r"\D", "", row.year_text))
        years = sorted(set(re.findall(r"20\d\d", row.year_text)))
        if len(years) > 1:
            page.problems.append(
                Problem(W_ROWS_MERGED,
                        f"a table row on page {row.page} holds the years {', '.join(years)}: "
                        "two milestone rows read as one (a rule line missing between them?); check "
                        "the row", year_lines)
            )
        elif year is None:
            page.problems.append(
                Problem(W_YEAR_NOT_READ,
                        f"year cell '{' '.join(row.year_text.split())}' is not a year",
                        year_lines)
            )
    blocks: list[Block] = []
    milestone_cells = [c for c in row.parts.get("milestone", []) if c.text.strip()]
    milestone_lines: list[Line] = []
    for cell in milestone_cells:
        lines, cursor = _locate(doc, cell.text.strip(), cursor)
        milestone_lines += [ln for ln in lines if not ln.blank]
    if milestone_lines:
        blocks.append(Block(milestone_lines))
    for k, cell in enumerate(c for c in row.parts.get("effects", []) if c.text.strip()):
        found, cursor = _cell_blocks(doc, cell, cursor)
        if k and found and len(blocks) > 1 and _continues_effect(blocks[-1], found[0]):
            blocks[-1] = Block(blocks[-1].lines + found[0].lines)
            found = found[1:]
        blocks.extend(found)
    if milestone_lines:
        bold = _title_lines(milestone_cells)
        page.rows.append(
            Row(page_index=page.index, blocks=blocks, year=year, year_lines=year_lines,
                year_before_title=True, from_cells=True, title_lines=bold)
        )
    elif blocks or year is not None:
        where = (blocks[0].lines if blocks else year_lines)[:1]
        page.problems.append(
            Problem(W_MILESTONE_WITHOUT_TITLE,
                    f"a table row on page {row.page} has no milestone cell; its effects are "
                    "not attached", where)
        )
    malbild = row.text("malbild")
    if malbild and not page.malbild:
        lines, cursor = _locate(doc, malbild, cursor)
        page.malbild = bullet_blocks(_blocks(lines))
    effektmal = row.text("effektmal")
    if effektmal and not page.effektmal:
        lines, cursor = _locate(doc, effektmal, cursor)
        page.effektmal.extend(_effektmal_names([ln for ln in lines if not ln.blank]))
    return cursor


def _title_lines(cells: list[TableCell]) -> int:
    """Bold lines that start a milestone cell, over the parts of a row a page break split:
    a title cut by the break goes on in bold at the top of the next page."""
    total = 0
    for cell in cells:
        lines = [t for t in cell.text.strip().split("\n") if t.strip()]
        total += cell.bold_lines
        if cell.bold_lines < len(lines):
            break
    return total


def _continues_effect(last: Block, first: Block) -> bool:
    """Does the first effect after a page break continue the last one before it? Only
    where the text says so: it starts in lowercase or with its tag, or the last one
    stopped at a comma or dash."""
    head = first.first.stripped
    tail = last.last.text.rstrip()
    return head[:1].islower() or head.startswith("(") or tail.endswith((",", ";", "–", "-"))


def _effektmal_names(lines: list[Line]) -> list[EffektmalName]:
    """The effektmål in a cell, each on one line or wrapped over a few."""
    found: list[EffektmalName] = []
    k = 0
    while k < len(lines):
        for span in range(1, 7):
            window = lines[k : k + span]
            text = " ".join(ln.stripped for ln in window)
            name = effektmal_by_name(text)
            if name is not None:
                found.append(EffektmalName(name, text, window))
                k += span
                break
        else:
            k += 1
    return found
