"""PDF files: text per page in reading order, tables as cells, page furniture set aside.

pdfplumber gives characters with positions; this module builds the text from them
itself rather than calling ``extract_text``, because three things in the strategy
documents need more than plain extraction:

* **Rotated cells.** The area and year cells of Tabell 1 are rotated 90°; read naively
  they come out one letter per line. Characters that are not upright are grouped by
  their direction (from the character matrix: reading bottom-to-top for text rotated
  counter-clockwise, top-to-bottom for clockwise), into lines across the reading
  direction, and joined into words again.
* **Tables.** Ruled tables are found with pdfplumber's ``find_tables`` (lines strategy;
  the text strategy only for tables ruled with horizontal lines alone). Each cell's text
  is built from the characters inside it and stored in :attr:`Page.tables`; in the page
  text the table is written row by row, cell by cell, one blank line between cells and
  between rows, so that no table text is duplicated and none is lost.
* **Page furniture.** Running headers and footers (lines that repeat in the top or bottom
  margin of many pages once digits are ignored), page numbers ("10 (16)", "Sida 3 av
  16", "3") and continuation captions ("Fortsättning Tabell 1. …") above a table are
  removed from the text and kept in :attr:`Page.furniture`.

Bad files raise an :class:`~fhs_nlp.errors.InputError` saying what is wrong and what to
do: not a PDF or damaged, password-protected, scanned without a text layer, or empty.
"""

from __future__ import annotations

import math
import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fhs_nlp.datamodel.document import Document, Table, TableCell
from fhs_nlp.errors import (
    CorruptDocumentError,
    EmptyDocumentError,
    EncryptedDocumentError,
    NoTextLayerError,
)
from fhs_nlp.ingest.document import build_document
from fhs_nlp.ingest.pdf_borderless import find_borderless_tables

Char = dict[str, Any]
BBox = tuple[float, float, float, float]

_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st",
              # Word's list bullets drawn from the Symbol and Wingdings fonts
              "\uf0b7": "•", "\uf0a7": "▪"}

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

#: Share of the page height that counts as top / bottom margin for headers and footers.
MARGIN_SHARE = 0.10
_PAGE_NUMBER_RES = (
    re.compile(r"^\d{1,4}$"),
    re.compile(r"^\d{1,4}\s*\(\s*\d{1,4}\s*\)$"),  # 10 (16)
    re.compile(r"^\d{1,4}\s*(/|av|of)\s*\d{1,4}$", re.IGNORECASE),  # 3/16, 3 av 16
    re.compile(r"^(sida|page|sid\.|s\.)\s*\d{1,4}(\s*(av|of|/|\()\s*\d{1,4}\)?)?$", re.I),
    re.compile(r"^[-–—]\s*\d{1,4}\s*[-–—]$"),  # - 3 -
)
_CONTINUED_CAPTION_RE = re.compile(r"^(fortsättning|forts\.?)\s+(av\s+)?tabell\s+\d+", re.I)


# --- lines of text from characters -------------------------------------------------------


@dataclass
class _Line:
    """One line of text with its box; ``size`` is the font size of its characters."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    rotated: bool = False
    bold: bool = False


def _is_bold(chars: list[Char]) -> bool:
    """Most of the line is set in a bold face (a heading or a milestone's title)."""
    visible = [c for c in chars if not (c.get("text") or " ").isspace()]
    if not visible:
        return False
    bold = sum(1 for c in visible if re.search(r"bold|black|heavy", c.get("fontname", ""), re.I))
    return bold >= 0.8 * len(visible)


def _char_text(char: Char) -> str:
    text = char.get("text") or ""
    return _LIGATURES.get(text, text)


def _size(chars: list[Char]) -> float:
    sizes = [c.get("size") or 0.0 for c in chars]
    sizes = [s for s in sizes if s > 0]
    return statistics.median(sizes) if sizes else 10.0


def _join_run(chars: list[Char], start_key: str, end_key: str, sign: float) -> str:
    """Join chars already sorted along the reading direction, adding a space at gaps.

    ``start_key``/``end_key`` name the coordinates where a character starts and ends
    along the reading direction; ``sign`` is -1 where that direction runs against the
    coordinate (bottom-to-top text).
    """
    out: list[str] = []
    prev: Char | None = None
    for char in chars:
        text = _char_text(char)
        if prev is not None and out and not out[-1].endswith(" ") and not text.isspace():
            gap = sign * (char[start_key] - prev[end_key])
            if gap > 0.25 * (char.get("size") or 10.0):
                out.append(" ")
        out.append(" " if text.isspace() else text)
        prev = char
    return re.sub(r" {2,}", " ", "".join(out)).strip()


def _upright_lines(chars: list[Char], *, split_gap: float | None = None) -> list[_Line]:
    """Group upright chars into lines (vertical overlap), read left to right.

    With ``split_gap`` (a multiple of the font size), a line is cut where two characters
    are further apart than that: the left and right parts of a footer are separate lines.
    """
    rows: list[list[Char]] = []
    bounds: list[tuple[float, float]] = []
    for char in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        mid = (char["top"] + char["bottom"]) / 2
        for i in range(len(rows) - 1, max(-1, len(rows) - 4), -1):
            top, bottom = bounds[i]
            if top <= mid <= bottom:
                rows[i].append(char)
                bounds[i] = (min(top, char["top"]), max(bottom, char["bottom"]))
                break
        else:
            rows.append([char])
            bounds.append((char["top"], char["bottom"]))
    lines: list[_Line] = []
    for row in rows:
        row.sort(key=lambda c: c["x0"])
        pieces: list[list[Char]] = [[]]
        for char in row:
            if (
                split_gap is not None
                and pieces[-1]
                and char["x0"] - pieces[-1][-1]["x1"] > split_gap * (char.get("size") or 10.0)
            ):
                pieces.append([])
            pieces[-1].append(char)
        for piece in pieces:
            text = _join_run(piece, "x0", "x1", 1.0)
            if text:
                lines.append(
                    _Line(
                        text,
                        min(c["x0"] for c in piece),
                        min(c["top"] for c in piece),
                        max(c["x1"] for c in piece),
                        max(c["bottom"] for c in piece),
                        _size(piece),
                        bold=_is_bold(piece),
                    )
                )
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines


def _rotation(char: Char) -> str:
    """'btt' for text rotated counter-clockwise (reads upwards), 'ttb' for clockwise."""
    matrix = char.get("matrix") or (1, 0, 0, 1, 0, 0)
    return "btt" if matrix[1] > 0 else "ttb"


def _rotated_lines(chars: list[Char]) -> list[_Line]:
    """Rebuild rotated text: lines are columns of characters at the same x.

    Counter-clockwise text reads bottom-to-top and its lines follow left to right;
    clockwise text reads top-to-bottom with lines right to left. A run inside a column
    is cut where the characters are far apart, so two labels in one column stay apart.
    """
    lines: list[_Line] = []
    for direction in ("btt", "ttb"):
        group = [c for c in chars if _rotation(c) == direction]
        if not group:
            continue
        columns: list[list[Char]] = []
        for char in sorted(group, key=lambda c: c["x0"]):
            if columns and abs(char["x0"] - columns[-1][-1]["x0"]) <= 0.3 * (
                char.get("size") or 10.0
            ):
                columns[-1].append(char)
            else:
                columns.append([char])
        if direction == "ttb":
            columns.reverse()
        for column in columns:
            if direction == "btt":
                column.sort(key=lambda c: -c["bottom"])
            else:
                column.sort(key=lambda c: c["top"])
            runs: list[list[Char]] = [[]]
            for char in column:
                if runs[-1]:
                    prev = runs[-1][-1]
                    gap = (
                        prev["top"] - char["bottom"]
                        if direction == "btt"
                        else char["top"] - prev["bottom"]
                    )
                    if gap > 3 * (char.get("size") or 10.0):
                        runs.append([])
                runs[-1].append(char)
            for run in runs:
                if direction == "btt":
                    text = _join_run(run, "bottom", "top", -1.0)
                else:
                    text = _join_run(run, "top", "bottom", 1.0)
                if text:
                    lines.append(
                        _Line(
                            text,
                            min(c["x0"] for c in run),
                            min(c["top"] for c in run),
                            max(c["x1"] for c in run),
                            max(c["bottom"] for c in run),
                            _size(run),
                            rotated=True,
                        )
                    )
    return lines


def _line_gaps(lines: list[_Line]) -> list[float]:
    return [
        b.top - a.bottom
        for a, b in zip(lines, lines[1:], strict=False)
        if not a.rotated and not b.rotated and 0 <= b.top - a.bottom < 1.5 * a.size
    ]


def _paragraph_break(a: _Line, b: _Line, normal_gap: float) -> bool:
    """True where the space between two lines is wider than the page's line spacing."""
    if a.rotated or b.rotated:
        return True
    size = min(a.size, b.size)
    return b.top - a.bottom > max(0.45 * size, normal_gap + 0.3 * size)


def _join_lines(lines: list[_Line], normal_gap: float) -> str:
    """Lines top to bottom; a blank line where a new paragraph starts."""
    parts: list[str] = []
    for i, line in enumerate(lines):
        if i:
            parts.append("\n\n" if _paragraph_break(lines[i - 1], line, normal_gap) else "\n")
        parts.append(line.text)
    return "".join(parts)


# --- tables ------------------------------------------------------------------------------


def _center_in(char: Char, bbox: BBox) -> bool:
    x = (char["x0"] + char["x1"]) / 2
    y = (char["top"] + char["bottom"]) / 2
    return bbox[0] <= x < bbox[2] and bbox[1] <= y < bbox[3]


@dataclass
class _FoundTable:
    bbox: BBox
    cells: list[list[BBox | None]]
    chars_by_cell: dict[tuple[int, int], list[Char]] = field(default_factory=dict)


def _bbox(box: Any) -> BBox:
    return (float(box[0]), float(box[1]), float(box[2]), float(box[3]))


def _usable(found: Any) -> bool:
    rows = found.rows
    n_cells = sum(1 for row in rows for cell in row.cells if cell is not None)
    return len(rows) >= 1 and n_cells >= 2 and max(len(r.cells) for r in rows) >= 2


def _find_tables(
    page: Any, chars: list[Char] | None = None, state: dict[str, Any] | None = None
) -> list[_FoundTable]:
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
            return [_FoundTable(bbox, cells) for bbox, cells in tables]  # type: ignore[arg-type]
    return [
        _FoundTable(_bbox(t.bbox), [[_bbox(c) if c else None for c in row.cells] for row in t.rows])
        for t in found
    ]


def _borderless_tables(page: Any, chars: list[Char], state: dict[str, Any] | None
                       ) -> list[_FoundTable]:
    """A page without rules: only a borderless milestone table can be on it."""
    if state is None:
        return []
    previous = state.pop("borderless", None)
    if not chars:
        return []
    tables, state["borderless"] = find_borderless_tables(page, chars, previous)
    return [_FoundTable(bbox, cells) for bbox, cells in tables]  # type: ignore[arg-type]


def _covered_from_above(table: _FoundTable, r: int, k: int) -> bool:
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


def _cell_lines(chars: list[Char]) -> tuple[list[_Line], bool]:
    """Lines of one cell, and whether the cell is rotated (all its text is).

    A rotated cell's lines follow one another across the page (left to right for text
    read upwards), so they keep the order :func:`_rotated_lines` gives them.
    """
    upright = [c for c in chars if c.get("upright", True)]
    rotated = [c for c in chars if not c.get("upright", True)]
    if rotated and not upright:
        return _rotated_lines(rotated), True
    lines = _upright_lines(upright) + _rotated_lines(rotated)
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    return lines, False


def _cell_text(lines: list[_Line], rotated: bool, normal_gap: float) -> str:
    """A rotated cell is a label wrapped over a few lines: its lines are joined by spaces."""
    if rotated:
        return " ".join(ln.text for ln in lines)
    return _join_lines(lines, normal_gap)


def _cell_paragraphs(lines: list[_Line], rotated: bool, normal_gap: float) -> tuple[str, ...]:
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
        if short or wider or _paragraph_break(prev, line, normal_gap):
            paragraphs.append([])
        paragraphs[-1].append(line.text)
    return tuple("\n".join(p) for p in paragraphs)


def _linearise(table: Table) -> str:
    """Row by row, cell by cell: non-empty cells apart by a blank line, rows likewise."""
    rows = []
    for row in table.rows:
        texts = [cell.text for cell in row if cell.text.strip()]
        if texts:
            rows.append("\n\n".join(texts))
    return "\n\n".join(rows)


# --- pages -------------------------------------------------------------------------------


@dataclass
class _RawPage:
    """What pdfplumber gave for one page, before furniture is known."""

    number: int
    width: float
    height: float
    lines: list[_Line]  # outside tables, reading order
    tables: list[Table]
    table_tops: list[float]
    n_chars: int
    n_images: int
    normal_gap: float


def _dedupe(chars: list[Char], tolerance: float = 1.0) -> list[Char]:
    """Drop characters drawn twice at (almost) the same place, as fake-bold text is.

    Does what pdfplumber's ``dedupe_chars`` does, in linear time: that one sorts and
    clusters per glyph and was most of the reading time on table pages.
    """
    kept: list[Char] = []
    seen: dict[tuple[str, bool, int, int], list[Char]] = {}
    for char in chars:
        text = char.get("text") or ""
        if not text:
            continue
        gx, gy = int(char["x0"] // tolerance), int(char["top"] // tolerance)
        upright = bool(char.get("upright", True))
        duplicate = False
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for other in seen.get((text, upright, gx + dx, gy + dy), ()):
                    if (
                        abs(other["x0"] - char["x0"]) <= tolerance
                        and abs(other["top"] - char["top"]) <= tolerance
                        and other.get("fontname") == char.get("fontname")
                        and other.get("size") == char.get("size")
                    ):
                        duplicate = True
        if not duplicate:
            seen.setdefault((text, upright, gx, gy), []).append(char)
            kept.append(char)
    return kept


def _running_text_chars(page: Any) -> tuple[list[Char], int] | None:
    """The characters of a page without ruling lines, straight from pdfminer's layout.

    pdfplumber's ``page.chars`` turns every layout object of the page into a dict of some
    twenty resolved attributes; on a page of running text that conversion is most of the
    reading time. A page whose only graphics are horizontal lines, fewer than three of
    them wider than 30 % of the page (a rule under the running header), can hold no
    table :func:`_find_tables` would find: the lines strategy needs vertical edges to
    make cells, the horizontal-rules one three wide rules. So its characters are all it
    needs: they are built here from the same pdfminer ``LTChar`` objects with the fields
    this module reads, computed as pdfplumber computes them. Returns None for any other
    page: it is read through pdfplumber's objects and its table finder, as before.
    """
    from pdfminer.layout import LTChar, LTContainer, LTCurve, LTImage, LTLine

    height = page.height
    mb_x0, mb_top = page.mediabox[:2]
    norm = page.pdf.unicode_norm
    chars: list[Char] = []
    n_images = 0
    wide_rules = 0
    stack = [iter(page.layout._objs)]
    while stack:
        obj = next(stack[-1], None)
        if obj is None:
            stack.pop()
        elif isinstance(obj, LTChar):
            text = obj.get_text()
            fontname = obj.fontname
            if isinstance(fontname, bytes):  # pragma: no cover - rare byte-encoded names
                return None
            chars.append({
                "text": unicodedata.normalize(norm, text) if norm is not None else text,
                "x0": obj.x0 + mb_x0, "x1": obj.x1 + mb_x0,
                "top": (height - obj.y1) + mb_top, "bottom": (height - obj.y0) + mb_top,
                "size": obj.size, "fontname": fontname, "upright": obj.upright,
                "matrix": obj.matrix,
            })
        elif isinstance(obj, LTLine) and obj.y0 == obj.y1:
            wide_rules += obj.x1 - obj.x0 > 0.3 * page.width
            if wide_rules >= 3:
                return None
        elif isinstance(obj, LTCurve):  # rectangles, vertical lines, curves
            return None
        elif isinstance(obj, LTImage):
            n_images += 1
        elif isinstance(obj, LTContainer):
            stack.append(iter(obj._objs))
    return chars, n_images


def _page_objects(
    page: Any, state: dict[str, Any] | None = None
) -> tuple[list[Char], int, list[_FoundTable]]:
    """The library calls for one page; anything they raise means a damaged file."""
    fast = _running_text_chars(page)
    if fast is not None:  # no ruled table possible; a borderless one still is
        chars = _dedupe(fast[0])
        return chars, fast[1], _borderless_tables(page, chars, state)
    chars = _dedupe(page.chars)
    return chars, len(page.images), _find_tables(page, chars, state) if chars else []


def _read_page(number: int, page: Any, path: Path, state: dict[str, Any] | None = None) -> _RawPage:
    try:
        chars, n_images, found = _page_objects(page, state)
    except Exception as exc:  # pdfminer raises many unrelated types on damaged streams
        raise CorruptDocumentError(
            f"is corrupt: page {number} cannot be read ({type(exc).__name__}: {exc}); "
            "open it in a PDF viewer and save or print it to a new PDF, then try again",
            path,
        ) from exc
    visible = [c for c in chars if not (c.get("text") or "").isspace()]
    outside: list[Char] = []
    for char in chars:
        for table in found:
            if _center_in(char, table.bbox):
                for r, row in enumerate(table.cells):
                    hit = next(
                        (k for k, cell in enumerate(row) if cell and _center_in(char, cell)), None
                    )
                    if hit is not None:
                        table.chars_by_cell.setdefault((r, hit), []).append(char)
                        break
                else:
                    outside.append(char)
                break
        else:
            outside.append(char)
    upright = [c for c in outside if c.get("upright", True)]
    rotated = [c for c in outside if not c.get("upright", True)]
    lines = _upright_lines(upright, split_gap=4.0) + _rotated_lines(rotated)
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    cell_lines = {
        (t, key): _cell_lines(cell_chars)
        for t, table in enumerate(found)
        for key, cell_chars in table.chars_by_cell.items()
    }
    gaps = _line_gaps(lines)
    for cl, is_rotated in cell_lines.values():
        if not is_rotated:
            gaps += _line_gaps(cl)
    # the spacing of lines inside a paragraph: the lower quartile, since in a page of
    # one- and two-line paragraphs the median is already the gap between paragraphs
    positive = sorted(g for g in gaps if g > 0)
    if len(positive) >= 4:
        normal_gap = statistics.quantiles(positive, n=4)[0]
    else:
        normal_gap = positive[0] if positive else 0.0
    tables: list[Table] = []
    for t, table in enumerate(found):
        rows: list[list[TableCell]] = []
        for r, row in enumerate(table.cells):
            cells = []
            for k, bbox in enumerate(row):
                cl, is_rotated = cell_lines.get((t, (r, k)), ([], False))
                text = _cell_text(cl, is_rotated, normal_gap)
                heading = 0
                while heading < len(cl) and cl[heading].bold and not is_rotated:
                    heading += 1
                cells.append(TableCell(text, bbox, is_rotated, bold_lines=heading,
                                       spanned=bbox is None and _covered_from_above(table, r, k),
                                       paragraphs=_cell_paragraphs(cl, is_rotated, normal_gap)))
            rows.append(cells)
        tables.append(Table(number, rows, table.bbox))
    return _RawPage(
        number,
        float(page.width),
        float(page.height),
        lines,
        tables,
        [t.bbox[1] for t in found],
        len(visible),
        n_images,
        normal_gap,
    )


# --- furniture ---------------------------------------------------------------------------


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", text)).strip().lower()


def _is_page_number(text: str) -> bool:
    return any(rx.match(text.strip()) for rx in _PAGE_NUMBER_RES)


def _blocks(page: _RawPage) -> list[list[int]]:
    """Paragraphs of the lines outside tables, as lists of line indexes."""
    blocks: list[list[int]] = []
    for i, line in enumerate(page.lines):
        if (
            i
            and not _paragraph_break(page.lines[i - 1], line, page.normal_gap)
            and not any(page.lines[i - 1].bottom <= top <= line.top for top in page.table_tops)
        ):
            blocks[-1].append(i)
        else:
            blocks.append([i])
    return blocks


def _margins(page: _RawPage) -> tuple[float, float]:
    """Where the top margin ends and the bottom margin starts.

    The top margin reaches down to a table that starts high on the page, so that a
    caption repeated above the table counts as a running header.
    """
    top_limit = page.height * MARGIN_SHARE
    if page.table_tops and min(page.table_tops) < page.height * 0.3:
        top_limit = max(top_limit, min(page.table_tops))
    return top_limit + 1, page.height * (1 - MARGIN_SHARE)


def _margin_blocks(page: _RawPage) -> list[tuple[str, list[int]]]:
    """Paragraphs that lie wholly in the top or bottom margin: where headers and footers
    are. A paragraph of body text that merely starts or ends there is not one of them."""
    top_limit, bottom_limit = _margins(page)
    out = []
    for block in _blocks(page):
        lines = [page.lines[i] for i in block]
        if all(ln.bottom <= top_limit for ln in lines):
            out.append(("top", block))
        elif all(ln.top >= bottom_limit for ln in lines):
            out.append(("bottom", block))
    return out


def _furniture(pages: list[_RawPage]) -> list[set[int]]:
    """Per page, the indexes of lines that are headers, footers or page numbers.

    In a paragraph wholly inside the top or bottom margin, a line is furniture if it is a
    page number, or if it recurs (digits ignored) in the margins of at least 30 % of the
    pages (and two) - unless it continues a paragraph whose first line is content. A
    paragraph in the top margin that starts "Fortsättning Tabell N" is furniture whole.
    Page numbers standing alone anywhere in the margins are furniture too.
    """
    margin_blocks = [_margin_blocks(p) for p in pages]
    seen: Counter[str] = Counter()
    for page, blocks in zip(pages, margin_blocks, strict=True):
        seen.update({_normalise(page.lines[i].text) for _, block in blocks for i in block})
    threshold = max(2, math.ceil(0.3 * len(pages)))
    result: list[set[int]] = []
    for page, blocks in zip(pages, margin_blocks, strict=True):
        drop: set[int] = set()
        top_limit, bottom_limit = _margins(page)
        for i, line in enumerate(page.lines):
            if (line.bottom <= top_limit or line.top >= bottom_limit) and _is_page_number(
                line.text
            ):
                drop.add(i)
        for zone, block in blocks:
            first = page.lines[block[0]].text
            if zone == "top" and _CONTINUED_CAPTION_RE.match(first):
                drop.update(block)
                continue
            content_started = False
            for i in block:
                text = page.lines[i].text
                if _is_page_number(text) or (
                    seen[_normalise(text)] >= threshold and not content_started
                ):
                    drop.add(i)
                elif i == block[0]:
                    content_started = True
        result.append(drop)
    return result


def _page_text(page: _RawPage, drop: set[int]) -> str:
    """Lines outside tables and the linearised tables, top to bottom."""
    items: list[tuple[float, int, Any]] = []
    for i, line in enumerate(page.lines):
        if i not in drop:
            items.append((line.top, 0, line))
    for top, table in zip(page.table_tops, page.tables, strict=True):
        items.append((top, 1, table))
    items.sort(key=lambda item: (item[0], item[1]))
    parts: list[str] = []
    previous: Any = None
    for _, _, item in items:
        if isinstance(item, Table):
            text = _linearise(item)
            if not text:
                continue
            sep = "\n\n"
        else:
            text = item.text
            if not isinstance(previous, _Line):
                sep = "\n\n"
            elif not item.rotated and not previous.rotated and item.top < previous.bottom:
                sep = " "  # the next piece of a line cut at a wide gap (a tab stop)
            elif _paragraph_break(previous, item, page.normal_gap):
                sep = "\n\n"
            else:
                sep = "\n"
        if parts:
            parts.append(sep)
        parts.append(text)
        previous = item
    return "".join(parts)


# --- opening the file --------------------------------------------------------------------


def _check_encryption(path: Path, data: bytes) -> None:
    """Refuse files that need a password; files with only an owner password are fine."""
    if b"/Encrypt" not in data:
        return
    import pypdf

    try:
        reader = pypdf.PdfReader(path)
        if not reader.is_encrypted:
            return
        if reader.decrypt("") != pypdf.PasswordType.NOT_DECRYPTED:
            return
    except Exception:  # pypdf cannot judge it (e.g. unsupported cipher): let pdfminer try
        return
    raise EncryptedDocumentError(
        "is password-protected; remove the password (or export an unprotected copy) and try again",
        path,
    )


def _open_error(exc: Exception, path: Path, data: bytes) -> Exception:
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    causes = [exc, *exc.args, exc.__cause__, exc.__context__]
    if any(isinstance(c, PDFPasswordIncorrect) for c in causes):
        return EncryptedDocumentError(
            "is password-protected; remove the password (or export an unprotected copy) "
            "and try again",
            path,
        )
    if b"%%EOF" not in data[-2048:]:
        return CorruptDocumentError(
            "is truncated or corrupt: the PDF ends before its end-of-file marker (an "
            "interrupted download or copy?); download or export it again",
            path,
        )
    return CorruptDocumentError(
        f"is corrupt and cannot be opened as a PDF ({type(exc).__name__}); open it in a PDF "
        "viewer and save or print it to a new PDF, then try again",
        path,
    )


def read_pdf(path: Path, doc_id: str) -> Document:
    """Read a PDF into a :class:`Document`: page texts, tables, furniture, landscape flags.

    Raises :class:`CorruptDocumentError`, :class:`EncryptedDocumentError`,
    :class:`NoTextLayerError` or :class:`EmptyDocumentError` for files that cannot be used.
    """
    import pdfplumber

    path = Path(path)
    data = path.read_bytes()
    if b"%PDF-" not in data[:1024]:
        what = "an empty file" if not data.strip() else "a file that does not start with %PDF"
        raise CorruptDocumentError(
            f"is not a PDF ({what}); check that it is the right file and that its "
            "extension matches its type",
            path,
        )
    _check_encryption(path, data)
    try:
        pdf = pdfplumber.open(path)
    except Exception as exc:
        raise _open_error(exc, path, data) from exc
    raw: list[_RawPage] = []
    with pdf:
        try:
            pages = list(pdf.pages)
        except Exception as exc:
            raise _open_error(exc, path, data) from exc
        if not pages:
            raise CorruptDocumentError(
                "has no readable pages (the file is probably truncated or corrupt); "
                "download or export it again",
                path,
            )
        state: dict[str, Any] = {}  # what one page's tables tell the next
        for number, page in enumerate(pages, start=1):
            raw.append(_read_page(number, page, path, state))
            page.close()  # frees the parsed layout: large files stay small in memory
    if not any(p.n_chars for p in raw):
        if any(p.n_images for p in raw):
            raise NoTextLayerError(
                "has no text layer: its pages are images (a scan); run OCR on it first, "
                "e.g. `ocrmypdf in.pdf out.pdf`, and read the result",
                path,
            )
        raise EmptyDocumentError("contains no text: every page is blank", path)
    drops = _furniture(raw)
    texts = [_page_text(p, d) for p, d in zip(raw, drops, strict=True)]
    furniture = [[p.lines[i].text for i in sorted(d)] for p, d in zip(raw, drops, strict=True)]
    document = build_document(
        doc_id,
        path,
        "pdf",
        texts,
        data,
        tables=[p.tables for p in raw],
        furniture=furniture,
        landscape=[p.width > p.height for p in raw],
    )
    scanned = [p.number for p in raw if not p.n_chars and p.n_images]
    if scanned:
        document.warnings.append(
            "pages " + ", ".join(map(str, scanned)) + " are images without a text layer; "
            "their text is missing (run OCR, e.g. `ocrmypdf`, to include it)"
        )
    if b"%%EOF" not in data[-2048:]:
        document.warnings.append(
            "the file has no end-of-file marker and may be truncated; some text may be missing"
        )
    return document
