"""PDF characters to lines of text: upright and rotated runs, words, paragraphs.

The strategy's tables rotate their area and year cells 90°; read naively they come out one
letter per line. Characters are grouped by direction and joined into words again here, so
the page reader and the table reader build text the same way.
"""

from __future__ import annotations

import functools
import operator
import re
import statistics
from dataclasses import dataclass
from typing import Any

from fhs_nlp.datamodel.document import Table

Char = dict[str, Any]

BBox = tuple[float, float, float, float]

_TOP_X0 = operator.itemgetter("top", "x0")
_X0, _X1 = operator.itemgetter("x0"), operator.itemgetter("x1")
_TOP, _BOTTOM = operator.itemgetter("top"), operator.itemgetter("bottom")

_LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st",
              # Word's list bullets drawn from the Symbol and Wingdings fonts
              "\uf0b7": "•", "\uf0a7": "▪"}

# --- lines of text from characters -------------------------------------------------------


@dataclass
class Line:
    """One line of text with its box; ``size`` is the font size of its characters."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    rotated: bool = False
    bold: bool = False


_BOLD_RE = re.compile(r"bold|black|heavy", re.I)


@functools.lru_cache(maxsize=1024)
def _bold_font(fontname: str) -> bool:
    return _BOLD_RE.search(fontname) is not None


def _is_bold(chars: list[Char]) -> bool:
    """Most of the line is set in a bold face (a heading or a milestone's title)."""
    visible = [c for c in chars if not (c.get("text") or " ").isspace()]
    if not visible:
        return False
    fonts = {c.get("fontname", "") for c in visible}
    if len(fonts) == 1:  # one face, the usual line: all of it or none is bold
        return _bold_font(fonts.pop())
    bold = sum(1 for c in visible if _bold_font(c.get("fontname", "")))
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
    ligatures = _LIGATURES
    for char in chars:
        text = char.get("text") or ""
        text = ligatures.get(text, text)
        space = text.isspace()
        if prev is not None and out and not space and not out[-1].endswith(" "):
            gap = sign * (char[start_key] - prev[end_key])
            if gap > 0.25 * (char.get("size") or 10.0):
                out.append(" ")
        out.append(" " if space else text)
        prev = char
    return re.sub(r" {2,}", " ", "".join(out)).strip()


def upright_lines(chars: list[Char], *, split_gap: float | None = None) -> list[Line]:
    """Group upright chars into lines (vertical overlap), read left to right.

    With ``split_gap`` (a multiple of the font size), a line is cut where two characters
    are further apart than that: the left and right parts of a footer are separate lines.
    """
    rows: list[list[Char]] = []
    bounds: list[list[float]] = []  # [top, bottom] of each row
    for char in sorted(chars, key=_TOP_X0):
        top, bottom = char["top"], char["bottom"]
        mid = (top + bottom) / 2
        n = len(rows)
        for i in range(n - 1, n - 4 if n > 3 else -1, -1):  # it joins one of the last rows
            row_bounds = bounds[i]
            if row_bounds[0] <= mid <= row_bounds[1]:
                rows[i].append(char)
                if top < row_bounds[0]:
                    row_bounds[0] = top
                if bottom > row_bounds[1]:
                    row_bounds[1] = bottom
                break
        else:
            rows.append([char])
            bounds.append([top, bottom])
    lines: list[Line] = []
    for row in rows:
        row.sort(key=_X0)
        pieces: list[list[Char]] = [[]]
        if split_gap is None:
            pieces[0] = row
        else:
            piece, previous = pieces[0], None
            for char in row:
                if previous is not None and char["x0"] - previous["x1"] > split_gap * (
                    char.get("size") or 10.0
                ):
                    piece = []
                    pieces.append(piece)
                piece.append(char)
                previous = char
        for piece in pieces:
            text = _join_run(piece, "x0", "x1", 1.0)
            if text:
                lines.append(
                    Line(
                        text,
                        min(map(_X0, piece)),
                        min(map(_TOP, piece)),
                        max(map(_X1, piece)),
                        max(map(_BOTTOM, piece)),
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


def rotated_lines(chars: list[Char]) -> list[Line]:
    """Rebuild rotated text: lines are columns of characters at the same x.

    Counter-clockwise text reads bottom-to-top and its lines follow left to right;
    clockwise text reads top-to-bottom with lines right to left. A run inside a column
    is cut where the characters are far apart, so two labels in one column stay apart.
    """
    lines: list[Line] = []
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
                        Line(
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


def line_gaps(lines: list[Line]) -> list[float]:
    return [
        b.top - a.bottom
        for a, b in zip(lines, lines[1:], strict=False)
        if not a.rotated and not b.rotated and 0 <= b.top - a.bottom < 1.5 * a.size
    ]


def paragraph_break(a: Line, b: Line, normal_gap: float) -> bool:
    """True where the space between two lines is wider than the page's line spacing."""
    if a.rotated or b.rotated:
        return True
    size = min(a.size, b.size)
    return b.top - a.bottom > max(0.45 * size, normal_gap + 0.3 * size)


def join_lines(lines: list[Line], normal_gap: float) -> str:
    """Lines top to bottom; a blank line where a new paragraph starts."""
    parts: list[str] = []
    for i, line in enumerate(lines):
        if i:
            parts.append("\n\n" if paragraph_break(lines[i - 1], line, normal_gap) else "\n")
        parts.append(line.text)
    return "".join(parts)



@dataclass
class RawPage:
    """What pdfplumber gave for one page, before furniture is known."""

    number: int
    width: float
    height: float
    lines: list[Line]  # outside tables, reading order
    tables: list[Table]
    table_tops: list[float]
    n_chars: int
    n_images: int
    normal_gap: float
