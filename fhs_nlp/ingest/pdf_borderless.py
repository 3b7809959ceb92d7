"""Borderless (whitespace) tables: Tabell 1 laid out without ruling lines.

pdfplumber's table finder needs lines, or at least horizontal rules; a table whose
columns are only whitespace gives it nothing, and the milestones would be lost. Here the
table is found from text alignment instead, for the one table fhs-nlp needs to read:

* **columns** from the header row: the words that start "Milstolpe", "Effekt…", "År…"
  (and "Insatsområde", or the body text left of the year) give where the columns
  start; each boundary is then moved into the nearest vertical strip of whitespace of
  the body, so a centred header word does not cut a cell;
* **the table's extent**: from the header down to the bottom margin, the next header,
  or the first line whose text runs across a column boundary (prose after the table);
* **rows** start where the milestone column has a bold line after a line that is not
  (the title of the next milestone), or, where titles are not bold, where the year or
  area column starts a new paragraph beside a milestone line.

The result has the same shape as a table pdfplumber found (a grid of cell boxes), so the
rest of the PDF reader fills the cells from the characters as usual. A continuation
page without a repeated header keeps the previous page's columns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

Char = dict[str, Any]
BBox = tuple[float, float, float, float]

#: share of the page height that is top / bottom margin (running headers, footers)
MARGIN = 0.07


@dataclass
class Columns:
    """Column boundaries (x) of a borderless milestone table: n + 1 edges for n columns."""

    edges: list[float]


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text.lower())


def _header_words(page: Any) -> list[list[dict[str, Any]]]:
    """Groups of header words (year?, milestone, effects) at about the same height."""
    words = page.extract_words(keep_blank_chars=False, use_text_flow=False)

    def starts_cell(word: dict[str, Any]) -> bool:
        """A header word starts its cell: no word just before it on its line (in a
        caption, "… varje milstolpe och …" is running text)."""
        size = word["bottom"] - word["top"]
        return not any(
            abs(w["top"] - word["top"]) < 1 and 0 <= word["x0"] - w["x1"] < 1.2 * size
            for w in words if w is not word
        )

    milestone = [w for w in words if _compact(w["text"]).startswith("milstol") and w["upright"]
                 and starts_cell(w)]
    effects = [w for w in words if _compact(w["text"]).startswith("effekt") and starts_cell(w)]
    groups = []
    for m in milestone:
        size = m["bottom"] - m["top"]
        beside = [e for e in effects if abs(e["top"] - m["top"]) < 2 * size and e["x0"] > m["x1"]]
        if not beside:
            continue
        e = min(beside, key=lambda w: w["x0"])
        left = [
            w for w in words
            if abs(w["top"] - m["top"]) < 2 * size and w["x1"] <= m["x0"]
            and (_compact(w["text"]).startswith(("år", "insats", "område", "tid")))
        ]
        groups.append([*sorted(left, key=lambda w: w["x0"]), m, e])
    return groups


def _occupancy(chars: list[Char], top: float, bottom: float, width: float) -> list[int]:
    occupied = [0] * (int(width) + 2)
    for c in chars:
        if top <= c["top"] and c["bottom"] <= bottom and not (c.get("text") or " ").isspace():
            for x in range(max(0, int(c["x0"])), min(len(occupied), int(c["x1"]) + 1)):
                occupied[x] += 1
    return occupied


def _gap_left_of(occupied: list[int], x: float, limit: float) -> float:
    """The emptiest strip at or left of ``x`` (not beyond ``limit``), the nearest of
    equals: whitespace between columns, crossed at most by a line of prose."""
    xi = int(x) - 1
    best, best_count = x - 1, None
    while xi > limit:
        count = occupied[xi] + occupied[xi - 1]
        if best_count is None or count < best_count:
            best, best_count = float(xi), count
        if count == 0:
            break
        xi -= 1
    return best


def find_borderless_tables(
    page: Any, chars: list[Char], previous: Columns | None
) -> tuple[list[tuple[BBox, list[list[BBox]]]], Columns | None]:
    """Borderless milestone tables on ``page``: (bbox, rows of cell boxes) each; and the
    columns to use on the next page if the last table runs on to it."""
    upright = [c for c in chars if c.get("upright", True) and not (c.get("text") or " ").isspace()]
    if not upright:
        return [], None
    height, width = float(page.height), float(page.width)
    top_limit, bottom_limit = height * MARGIN, height * (1 - MARGIN)
    text = "".join(c["text"] for c in upright).lower()
    headers = _header_words(page) if "milstol" in text else []
    regions: list[tuple[float, float | None, list[dict[str, Any]] | None]] = []
    for group in headers:
        regions.append((min(w["top"] for w in group), None, group))
    regions.sort(key=lambda r: r[0])
    if previous is not None and (not regions or regions[0][0] > top_limit + 40):
        first_top = min((c["top"] for c in upright if c["top"] > top_limit), default=None)
        if first_top is not None:
            regions.insert(0, (first_top, None, None))
    tables: list[tuple[BBox, list[list[BBox]]]] = []
    carry: Columns | None = None
    for i, (top, _, header) in enumerate(regions):
        limit = regions[i + 1][0] - 1 if i + 1 < len(regions) else bottom_limit
        found = _read_region(upright, top, limit, width, header, previous)
        if found is None:
            continue
        bbox, cells, columns, reaches_bottom = found
        tables.append((bbox, cells))
        previous = columns
        carry = columns if reaches_bottom else None
    return tables, carry


def _lines(chars: list[Char]) -> list[tuple[float, float, float, float, bool, str]]:
    """(top, bottom, x0, x1, bold, text) lines of characters of one column."""
    rows: list[list[Char]] = []
    for c in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        mid = (c["top"] + c["bottom"]) / 2
        if rows and rows[-1][0]["top"] - 1 <= mid <= max(x["bottom"] for x in rows[-1]) + 0.5:
            rows[-1].append(c)
        else:
            rows.append([c])
    out = []
    for row in rows:
        bold = sum(bool(re.search(r"bold|black|heavy", c.get("fontname", ""), re.I)) for c in row)
        out.append((min(c["top"] for c in row), max(c["bottom"] for c in row),
                    min(c["x0"] for c in row), max(c["x1"] for c in row),
                    bold >= 0.8 * len(row), "".join(c["text"] for c in row)))
    return out


def _read_region(
    chars: list[Char], top: float, limit: float, width: float,
    group: list[dict[str, Any]] | None, previous: Columns | None,
) -> tuple[BBox, list[list[BBox]], Columns, bool] | None:
    region = [c for c in chars if top - 1 <= c["top"] and c["bottom"] <= limit]
    if not region:
        return None
    size = sorted(c.get("size") or 8.0 for c in region)[len(region) // 2]
    header_bottom = top - 1
    if group is not None:
        starts = [w["x0"] for w in group]
        body_left = [c["x0"] for c in region if c["top"] > max(w["bottom"] for w in group) + 2]
        first_start = starts[0]
        if body_left and min(body_left) < first_start - size:
            starts.insert(0, min(body_left))  # an area column without a header
        elif previous is not None and previous.edges[0] + 2 < first_start - size:
            # the area column of the page before, empty here under its merged cell
            starts.insert(0, previous.edges[0] + 2)
        occupied = _occupancy(region, top, limit, width)
        edges = [starts[0] - 2]
        for k in range(1, len(starts)):
            edges.append(_gap_left_of(occupied, starts[k], starts[k - 1] + 2))
        edges.append(max(c["x1"] for c in region) + 2)
        columns = Columns(edges)
        # the header row: its lines, per column, from the header's top down to the
        # first gap; a column without a header word (the area) has none
        for k in range(len(edges) - 1):
            col = [c for c in region if edges[k] <= (c["x0"] + c["x1"]) / 2 < edges[k + 1]]
            bottom = None
            for line in _lines(col):
                if bottom is None:
                    if line[0] > top + 0.5 * size:
                        break
                elif line[0] > bottom + 0.5 * size:
                    break
                bottom = line[1] if bottom is None else max(bottom, line[1])
            if bottom is not None:
                header_bottom = max(header_bottom, bottom)
    elif previous is not None:
        columns = previous
        edges = columns.edges
    else:
        return None
    body = [c for c in region if c["top"] > header_bottom + 0.5]
    per_column: list[list[tuple[float, float, float, float, bool, str]]] = []
    for k in range(len(edges) - 1):
        col = [c for c in body if edges[k] <= (c["x0"] + c["x1"]) / 2 < edges[k + 1]]
        per_column.append(_lines(col))
    # the table ends above the first line that runs across a column boundary
    end = limit
    for line in _lines(body):
        crossing = [c for c in body if line[0] - 0.5 <= c["top"] <= line[0] + 0.5]
        xs = sorted((c["x0"], c["x1"]) for c in crossing)
        for edge in edges[1:-1]:
            if any(a < edge - 1 and b > edge + 1 for a, b in xs):
                end = min(end, line[0] - 1)
        if end < limit:
            break
    per_column = [[ln for ln in col if ln[1] <= end] for col in per_column]
    milestone_k = len(edges) - 3  # columns: [area], [year], milestone, effects
    if milestone_k < 0 or not per_column[milestone_k]:
        return None
    starts_at = _row_starts(per_column, milestone_k, size)
    body_top = min(ln[0] for col in per_column for ln in col)
    body_bottom = max(ln[1] for col in per_column for ln in col)
    if not starts_at or starts_at[0] > body_top + 1:
        starts_at.insert(0, body_top)  # a row continued from the page before
    bounds = [s - 1.5 for s in starts_at] + [body_bottom + 1.5]
    cells: list[list[BBox]] = []
    if group is not None:
        cells.append([(edges[k], top - 1.5, edges[k + 1], bounds[0])
                      for k in range(len(edges) - 1)])
    for r in range(len(bounds) - 1):
        cells.append([(edges[k], bounds[r], edges[k + 1], bounds[r + 1])
                      for k in range(len(edges) - 1)])
    if len(cells) < 2:
        return None
    bbox = (edges[0], cells[0][0][1], edges[-1], bounds[-1])
    reaches_bottom = end >= limit and body_bottom > limit - 6 * size
    return bbox, cells, columns, reaches_bottom


def _paragraph_gap(lines: list[tuple[float, float, float, float, bool, str]], size: float) -> float:
    """The space between two lines above which a new paragraph starts, in one column."""
    gaps = sorted(b[0] - a[1] for a, b in zip(lines, lines[1:], strict=False) if b[0] > a[1] - 1)
    typical = gaps[len(gaps) // 4] if gaps else 0.0
    return max(typical, 0.0) + max(1.0, 0.12 * size)


def _row_starts(
    per_column: list[list[tuple[float, float, float, float, bool, str]]], milestone_k: int,
    size: float,
) -> list[float]:
    """Tops of the rows: a bold title line after a line that is not bold (or after a
    paragraph gap); and a year or area paragraph starting beside a milestone line."""
    milestone = per_column[milestone_k]
    gap = _paragraph_gap(milestone, size)
    out = {
        ln[0] for i, ln in enumerate(milestone)
        if ln[4] and (i == 0 or not milestone[i - 1][4] or ln[0] - milestone[i - 1][1] > gap)
    }
    for col in per_column[:milestone_k]:
        col_gap = _paragraph_gap(col, size)
        for i, ln in enumerate(col):
            if not (i == 0 or ln[0] - col[i - 1][1] > col_gap):
                continue
            beside = [m[0] for m in milestone if abs(m[0] - ln[0]) <= 0.4 * size]
            if beside:
                out.add(min(beside))
    ordered: list[float] = []
    for top in sorted(out):
        if not ordered or top - ordered[-1] > 0.5 * size:
            ordered.append(top)
    return ordered
