"""PDF tables: ruled tables found by pdfplumber, borderless ones by column alignment,
each cell's text built from the characters inside it (rotated cells included).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from fhs_nlp.datamodel.document import Table
from fhs_nlp.ingest.pdf_borderless import find_borderless_tables
from fhs_nlp.ingest.pdf_lines import (
    BBox,
    Char,
    Line,
    join_lines,
    paragraph_break,
    rotated_lines,
    upright_lines,
)

#: Table settings tried first: a grid of ruling lines, as Word draws table borders.
LINES_SETTINGS: dict[str, Any] = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}

#: Fallback for tables ruled with horizontal lines only (Word's "simple" table styles).
#: Column edges inferred from text start at the first word, below the rule above the
#: header row by the cell padding: the larger y tolerance lets them meet that rule.
HORIZONTAL_RULES_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "text",
    "horizontal_strategy": "lines",
    "intersection_y_tolerance": 8,
}

# --- tables ------------------------------------------------------------------------------


def center_in(char: Char, bbox: BBox) -> bool:
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return bbox[0] <= x < bbox[2] and bbox[1] <= y < bbox[3]


@dataclass
class FoundTable:
    bbox: BBox
    cells: list[list[BBox | None]]
    chars_by_cell: dict[tuple[int, int], list[Char]] = field(default_factory=dict)


def _bbox(box: Any) -> BBox:
    return (float(box[0]), float(box[1]), float(box[2]), float(box[3]))


def _usable(found: Any) -> bool:
    rows = found.rows
    n_cells = sum(1 for row in rows for cell in row.cells if cell is not None)
    return len(rows) >= 1 and n_cells >= 2 and max(len(r.cells) for r in rows) >= 2


def find_tables(
    page: Any, chars: list[Char] | None = None, state: dict[str, Any] | None = None
) -> list[FoundTable]:
    """Ruled tables first; tables ruled only horizontally when there is no grid; a
    borderless milestone table from text alignment when there are no rules at all
    (``state`` carries its columns on to the next page)."""
    found = [t for t in page.find_tables(LINES_SETTINGS) if _usable(t)]
    if not found:
        horizontal = [
            e for e in page.edges if e["orientation"] == "h" and e["width"] > 0.3 * page.width
        ]
        if len(horizontal) >= 3:
            found = [
                t
                for t in page.find_tables(HORIZONTAL_RULES_SETTINGS)
                if _usable(t) and len(t.rows) >= 2
            ]
    if state is not None:
        previous = state.pop("borderless", None)
        if not found and chars:
            tables, state["borderless"] = find_borderless_tables(page, chars, previous)
            return [FoundTable(bbox, cells) for bbox, cells in tables]  # type: ignore[arg-type]
    return [
        FoundTable(_bbox(t.bbox), [[_bbox(c) if c else None for c in row.cells] for row in t.rows])
        for t in found
    ]


def borderless_tables(page: Any, chars: list[Char], state: dict[str, Any] | None
                       ) -> list[FoundTable]:
    """A page without rules: only a borderless milestone table can be on it."""
    if state is None:
        return []
    previous = state.pop("borderless", None)
    if not chars:
        return []
    tables, state["borderless"] = find_borderless_tables(page, chars, previous)
    return [FoundTable(bbox, cells) for bbox, cells in tables]  # type: ignore[arg-type]


def covered_from_above(table: FoundTable, r: int, k: int) -> bool:
    """Is grid position (r, k), where no cell starts, inside a cell of a row above that
    reaches down into row r (a vertically merged cell)?"""
    tops = [box[1] for box in table.cells[r] if box is not None]
    if not tops:
        return False
    top = min(tops)
    for above in range(r - 1, -1, -1):
        row = table.cells[above]
        box = row[k] if k < len(row) else None
        if box is not None:
            return box[3] > top + 1
    return False


def cell_lines(chars: list[Char]) -> tuple[list[Line], bool]:
    """Lines of one cell, and whether the cell is rotated (all its text is).

    A rotated cell's lines follow one another across the page (left to right for text
    read upwards), so they keep the order :func:`rotated_lines` gives them.
    """
    upright = [c for c in chars if c.get("upright", True)]
    rotated = [c for c in chars if not c.get("upright", True)]
    if rotated and not upright:
        return rotated_lines(rotated), True
    lines = upright_lines(upright) + rotated_lines(rotated)
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines, False


def cell_text(lines: list[Line], rotated: bool, normal_gap: float) -> str:
    """A rotated cell is a label wrapped over a few lines: its lines are joined by spaces."""
    if rotated:
        return " ".join(ln.text for ln in lines)
    return join_lines(lines, normal_gap)


def cell_paragraphs(lines: list[Line], rotated: bool, normal_gap: float) -> tuple[str, ...]:
    """A cell's paragraphs, also where no space sets them apart (Word's default spacing
    in a table cell): a paragraph ends at a wider gap, or where a line stops short of the
    cell's text width although the next line's first word would have fitted, and the
    next line starts with a capital or a bullet."""
    if rotated or not lines:
        return ()
    right = max(ln.x1 for ln in lines)
    # the line spacing inside a paragraph (the cell's narrowest gap, or the page's where
    # every line of the cell is a paragraph of its own): a gap a little wider is the space
    # a paragraph leaves after it (Word's 2 pt), too small for the page-wide measure
    gaps = [b.top - a.bottom for a, b in zip(lines, lines[1:], strict=False)]
    tight = min([*gaps, normal_gap]) if gaps else 0.0
    paragraphs: list[list[str]] = [[lines[0].text]]
    for prev, line in zip(lines, lines[1:], strict=False):
        words = line.text.split()
        head = words[0] if words else ""
        short = wider = False
        if head[:1].isupper() or head[:1] in "•▪-–":
            per_char = (line.x1 - line.x0) / max(1, len(line.text))
            short = prev.x1 + per_char * (len(head) + 1) < right - 1
            wider = line.top - prev.bottom > tight + max(1.0, 0.12 * min(prev.size, line.size))
        if short or wider or paragraph_break(prev, line, normal_gap):
            paragraphs.append([])
        paragraphs[-1].append(line.text)
    return tuple("\n".join(p) for p in paragraphs)


def linearise(table: Table) -> str:
    """Row by row, cell by cell: non-empty cells apart by a blank line, rows likewise."""
    rows = []
    for row in table.rows:
        texts = [cell.text for cell in row if cell.text.strip()]
        if texts:
            rows.append("\n\n".join(texts))
    return "\n\n".join(rows)
