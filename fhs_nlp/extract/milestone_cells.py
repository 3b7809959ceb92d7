"""Read the milestone table from real table cells, where the PDF or Word reader found them.

When the reader found the table's grid, every cell is known: which text is the year,
the milestone, the effects, the målbild. Nothing has to be guessed from line wrapping,
so this path is preferred over :mod:`fhs_nlp.extract.milestone_table`. It produces the
same :class:`TablePage` and :class:`Row` objects, so the rest of the extractor is shared.

Columns are found by their header cells ("År", "Milstolpe", "Effekter …", "Målbilder
…", "Övergripande effektmål"); the unnamed column left of the year holds the rotated
insatsområde label, in the first row of each page (the cell spans the page's rows).
"""

from __future__ import annotations

import re

from fhs_nlp.extract.milestone_table import (
    _FORTS_RE,
    AreaMarker,
    Block,
    Row,
    TablePage,
    _read_year_digits,
    bullet_blocks,
)
from fhs_nlp.extract.text import Line, split_lines
from fhs_nlp.ingest.document import Document, Table
from fhs_nlp.vocabulary import area_by_name, effektmal_by_name

Roles = dict[str, int]


def header_columns(table: Table) -> tuple[int, Roles] | None:
    """(header row index, role -> column index) if ``table`` is a milestone table."""
    for index, row in enumerate(table.rows[:3]):
        texts = [" ".join(cell.text.split()) for cell in row]
        roles: Roles = {}
        for col, text in enumerate(texts):
            lower = text.lower()
            if re.fullmatch(r"år(\s+\S+)?", lower):
                roles["year"] = col
            elif lower.startswith("milstolpe"):
                roles["milestone"] = col
            elif lower.startswith("effekt"):
                roles["effects"] = col
            elif "målbild" in lower:
                roles["malbild"] = col
            elif "effektmål" in lower:
                roles["effektmal"] = col
        if "milestone" in roles and "effects" in roles:
            unnamed = [c for c, t in enumerate(texts) if not t and c not in roles.values()]
            left = [c for c in unnamed if c < roles.get("year", roles["milestone"])]
            if left:
                roles["area"] = left[0]
            return index, roles
    return None


def pages_from_cells(doc: Document) -> list[TablePage] | None:
    """The milestone table as :class:`TablePage` objects, or None if no page has one."""
    pages: list[TablePage] = []
    cursor = 0
    for page in doc.pages:
        for table in page.tables:
            found = header_columns(table)
            if found is None:
                continue
            header_index, roles = found
            cursor = max(cursor, page.char_start)
            table_page = TablePage(index=len(pages), first_line=doc.line_of(cursor))
            table_page.rows_source = []  # type: ignore[attr-defined]
            for row in table.rows[header_index + 1 :]:
                cursor = _read_table_row(doc, row, roles, table_page, cursor)
            if table_page.rows or table_page.area_marker is not None:
                pages.append(table_page)
    return pages or None


def _cell(row: list, roles: Roles, role: str) -> str:
    index = roles.get(role)
    if index is None or index >= len(row):
        return ""
    return row[index].text.strip()


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


def _read_table_row(doc: Document, row: list, roles: Roles, page: TablePage, cursor: int) -> int:
    area_text = _cell(row, roles, "area")
    if area_text:
        lines, cursor = _locate(doc, area_text, cursor)
        label = " ".join(area_text.split())
        continued = bool(_FORTS_RE.search(label))
        page.area_marker = AreaMarker(
            label, area_by_name(_FORTS_RE.sub("", label).strip()), continued, lines
        )
        if page.area_marker.area is None:
            page.problems.append(
                ("W102", f"area label '{label}' names no known insatsområde", lines)
            )
    year_text = _cell(row, roles, "year")
    year_lines: list[Line] = []
    year = None
    if year_text:
        year_lines, cursor = _locate(doc, year_text, cursor)
        year = _read_year_digits(re.sub(r"\D", "", year_text))
        if year is None:
            page.problems.append(("W101", f"year cell '{year_text}' is not a year", year_lines))
    milestone_text = _cell(row, roles, "milestone")
    effects_text = _cell(row, roles, "effects")
    blocks: list[Block] = []
    if milestone_text:
        lines, cursor = _locate(doc, milestone_text, cursor)
        blocks.append(Block([ln for ln in lines if not ln.blank]))
    if effects_text:
        lines, cursor = _locate(doc, effects_text, cursor)
        blocks.extend(_blocks(lines))
    if blocks and milestone_text:
        bold = row[roles["milestone"]].bold_lines
        page.rows.append(
            Row(page_index=page.index, blocks=blocks, year=year, year_lines=year_lines,
                year_before_title=True, from_cells=True, title_lines=bold)
        )
    elif blocks or year is not None:
        where = (blocks[0].lines if blocks else year_lines)[:1]
        page.problems.append(
            ("W103", "a table row has no milestone cell; its effects are not attached", where)
        )
    malbild_text = _cell(row, roles, "malbild")
    if malbild_text and not page.malbild:
        lines, cursor = _locate(doc, malbild_text, cursor)
        page.malbild = bullet_blocks(_blocks(lines))
    effektmal_text = _cell(row, roles, "effektmal")
    if effektmal_text and not page.effektmal:
        lines, cursor = _locate(doc, effektmal_text, cursor)
        page.effektmal.extend(_effektmal_names([ln for ln in lines if not ln.blank]))
    return cursor


def _effektmal_names(lines: list[Line]) -> list[tuple[str, str, list[Line]]]:
    """The effektmål in a cell, each on one line or wrapped over a few."""
    found = []
    k = 0
    while k < len(lines):
        for span in range(1, 7):
            window = lines[k : k + span]
            text = " ".join(ln.stripped for ln in window)
            name = effektmal_by_name(text)
            if name is not None:
                found.append((name, text, window))
                k += span
                break
        else:
            k += 1
    return found
