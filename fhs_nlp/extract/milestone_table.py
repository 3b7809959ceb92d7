"""Segment the linear text of a milestone table (Tabell 1) into pages and rows.

A PDF text extractor turns the landscape table into a stream of lines in which:

* the rotated area cell comes out letter by letter (``N / är / a / V / år / d``) and the
  rotated year cell digit by digit (``2 / 0 / 2 / 3``), sometimes with the next text on
  the last digit's line (``3 Struktur för …``);
* every page repeats a caption ("Fortsättning Tabell 1. …") and the header row;
* page footers (``10 (16)``, the case number) cut into rows;
* the målbild and effektmål columns appear once per page, between two rows.

This module removes the page furniture, recognises those markers, sets the målbild and
effektmål text aside, and groups what is left into rows. A PDF read with real table
cells produces whole words ("2023", "Digitalisering") on their own lines; the same
code handles both. Turning a row into a :class:`~fhs_nlp.datamodel.records.Milestone` is the job
of :mod:`fhs_nlp.extract.milestones`.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from fhs_nlp.datamodel.vocabulary import effektmal_by_name
from fhs_nlp.errors import W_AREA_UNKNOWN, W_YEAR_GARBLED, W_YEAR_NOT_READ
from fhs_nlp.extract.column_widths import column_width
from fhs_nlp.extract.table_markers import CAPTION_RE, find_markers, strip_furniture
from fhs_nlp.extract.table_model import (
    AreaMarker,
    Block,
    ColumnWidths,
    EffektmalName,
    MilestoneTable,
    Problem,
    Row,
    TablePage,
    YearMarker,
)
from fhs_nlp.extract.text import TAG_RE, ends_paragraph, is_bullet, starts_lower
from fhs_nlp.lines import Line

#: lines of the målbild column are short: the column is narrow
MALBILD_MAX_LINE = 46


def find_table_start(lines: list[Line]) -> int | None:
    """Index of the first line of the milestone table, or None if the text has none.

    The table is recognised by its header row: a line that starts with "Milstolpe" with
    an "Effekter" column beside it or just below; the caption line ("Tabell 1. …") and
    the "År" cell above it belong to the table too.
    """
    for i, line in enumerate(lines):
        if not re.match(r"^\s*Milstolpe\b", line.text):
            continue
        window = " ".join(ln.text.lower() for ln in lines[i : i + 3])
        if "effekt" not in window:
            continue
        start = i
        for j in range(i - 1, max(i - 12, -1), -1):
            if CAPTION_RE.match(lines[j].text) or lines[j].stripped in ("År", "År:"):
                start = j
        return start
    return None


def segment_table(lines: list[Line]) -> MilestoneTable | None:
    """Split the lines of a document into the pages and rows of its milestone table."""
    start = find_table_start(lines)
    if start is None:
        return None
    region = lines[start:]
    content = strip_furniture(region)
    items = find_markers(content)
    pages = _split_pages(items)
    for page in pages:
        _set_aside_columns(page)
        _group_rows(page)
    return MilestoneTable(pages=[p for p in pages if p.rows or p.area_marker],
                          first_line=region[0].number, last_line=region[-1].number)


# --- pages ----------------------------------------------------------------------


def _split_pages(items: list[Line | str | YearMarker | AreaMarker]) -> list[TablePage]:
    pages: list[TablePage] = []
    current: list[Line | YearMarker | AreaMarker] = []

    def flush() -> None:
        if any(not (isinstance(x, Line) and x.blank) for x in current):
            first = next(
                (x.number if isinstance(x, Line) else x.lines[0].number) for x in current
            )
            page = TablePage(index=len(pages), first_line=first, items=list(current))
            pages.append(page)
        current.clear()

    for item in items:
        if isinstance(item, str):
            flush()
            continue
        if isinstance(item, AreaMarker) and any(
            isinstance(x, Line) and not x.blank for x in current
        ):
            flush()  # a new area label always starts a new page of the table
        current.append(item)
    flush()
    for page in pages:
        for x in page.items:
            if isinstance(x, AreaMarker):
                page.area_marker = x
                if x.area is None:
                    page.problems.append(
                        Problem(W_AREA_UNKNOWN,
                                f"area label '{x.text}' names no known insatsområde",
                                x.lines)
                    )
                break
    return pages


# --- målbild and effektmål columns ----------------------------------------------


def _blocks_and_markers(items: list) -> list[Block | YearMarker]:
    """Group lines into paragraphs; a paragraph starting in lowercase continues the last."""
    out: list[Block | YearMarker] = []
    current: list[Line] = []

    def flush() -> None:
        if current:
            out.append(Block(list(current)))
            current.clear()

    for item in items:
        if isinstance(item, AreaMarker):
            flush()
            continue
        if isinstance(item, YearMarker):
            flush()
            out.append(item)
            continue
        if item.blank:
            flush()
            continue
        current.append(item)
    flush()
    merged: list[Block | YearMarker] = []
    for item in out:
        prev = merged[-1] if merged else None
        if (
            isinstance(item, Block)
            and isinstance(prev, Block)
            and _continues(prev, item)
        ):
            prev.lines.extend(item.lines)
        else:
            merged.append(item)
    return merged


def bullet_blocks(blocks: list[Block]) -> list[Block]:
    """One block per bullet: a column may list its bullets without blank lines between."""
    out: list[Block] = []
    for block in blocks:
        current: list[Line] = []
        for line in block.lines:
            if is_bullet(line.text) and current:
                out.append(Block(current))
                current = []
            current.append(line)
        if current:
            out.append(Block(current))
    return out


def _continues(prev: Block, block: Block) -> bool:
    """Is ``block`` the continuation of ``prev`` that a stray blank line cut off?"""
    first = block.first.stripped
    if starts_lower(first) and not prev.last.stripped.endswith((".", "!", "?")):
        return True
    if starts_lower(first) and not TAG_RE.search(prev.last.text):
        return True
    # "• och skapar …": a bullet whose text continues the previous bullet's sentence
    return bool(re.match(r"^[•▪]\s*(och|samt|eller)\b", first))


def _set_aside_columns(page: TablePage) -> None:
    """Find the effektmål and målbild column text of a page and take it out of the flow."""
    seq = _blocks_and_markers(page.items)
    hits = _find_effektmal(seq)
    if not hits:
        page.rows_source = seq
        return
    page.effektmal = [EffektmalName(hit.name, hit.text, hit.lines) for hit in hits]
    eff_ids = {id(ln) for hit in hits for ln in hit.lines}
    first_si, first_li = hits[0].block, hits[0].line_index
    first_block = seq[first_si]
    assert isinstance(first_block, Block)
    before: list[Block | YearMarker] = list(seq[:first_si])
    head = first_block.lines[:first_li]
    if head:
        before.append(Block(head))
    after: list[Block | YearMarker] = []
    tail = [ln for ln in first_block.lines[first_li:] if id(ln) not in eff_ids]
    if tail:
        after.append(Block(tail))
    for item in seq[first_si + 1 :]:
        if isinstance(item, Block):
            kept = [ln for ln in item.lines if id(ln) not in eff_ids]
            if kept:
                after.append(Block(kept))
        else:
            after.append(item)
    # målbild: the bullet paragraphs just before the effektmål, and the lead paragraph
    malbild: list[Block] = []
    j = len(before) - 1
    while j >= 0:
        candidate = before[j]
        if not (isinstance(candidate, Block) and is_bullet(candidate.first.text)):
            break
        malbild.insert(0, candidate)
        j -= 1
    prefix: Line | None = None
    if j >= 0 and isinstance(before[j], Block):
        lead = before[j]
        assert isinstance(lead, Block)
        split = _split_effect_prefix(lead.first)
        narrow = all(len(ln.text.rstrip()) <= MALBILD_MAX_LINE for ln in lead.lines[1:])
        first_ok = split is not None or len(lead.first.text.rstrip()) <= MALBILD_MAX_LINE
        # a garbled målbild can run straight into the effektmål inside one paragraph
        if (narrow and first_ok) or (not malbild and head):
            if split is not None:
                prefix, lead_line = split
                lead = Block([lead_line, *lead.lines[1:]])
            malbild.insert(0, lead)
            j -= 1
    page.malbild = malbild
    page.malbild_lead_prefix = prefix
    rows_source: list[Block | YearMarker] = list(before[: j + 1])
    if prefix is not None:
        rows_source.append(Block([prefix]))
    page.rows_source = rows_source + after


class _FlatLine(NamedTuple):
    """A line of a page's paragraphs, with where it stands among them."""

    block: int  # index of its paragraph in the page's sequence
    line_index: int  # its index in that paragraph
    line: Line


class _EffektmalHit(NamedTuple):
    """An effektmål name found in a page's lines."""

    flat_start: int  # index of its first line among all the page's paragraph lines
    span: int  # how many lines the name takes
    name: str  # canonical name
    text: str  # as it stands
    lines: list[Line]
    block: int  # paragraph index of its first line
    line_index: int  # index of its first line in that paragraph


def _find_effektmal(seq: list[Block | YearMarker]) -> list[_EffektmalHit]:
    """The effektmål names in a page, as one contiguous run of lines.

    A name may be split over up to four lines ("Bättre / befolknings / hälsa"). A lone
    one-line hit is not enough: an effect could read "Bättre kvalitet".
    """
    flat: list[_FlatLine] = [
        _FlatLine(si, li, line)
        for si, item in enumerate(seq)
        if isinstance(item, Block)
        for li, line in enumerate(item.lines)
    ]
    runs: list[list[_EffektmalHit]] = []
    k = 0
    while k < len(flat):
        hit = None
        for span in (1, 2, 3, 4, 5, 6):
            window = flat[k : k + span]
            if len(window) < span:
                break
            text = " ".join(w.line.stripped for w in window)
            name = effektmal_by_name(text)
            if name is not None:
                hit = _EffektmalHit(k, span, name, text, [w.line for w in window],
                                    flat[k].block, flat[k].line_index)
                break
        if hit is None:
            k += 1
            continue
        if runs and runs[-1][-1].flat_start + runs[-1][-1].span == hit.flat_start:
            runs[-1].append(hit)
        else:
            runs.append([hit])
        k = hit.flat_start + hit.span
    for run in runs:
        if len(run) >= 2 or run[0].span >= 2:
            return run
    return []


def _split_effect_prefix(line: Line) -> tuple[Line, Line] | None:
    """Split "Kunskapsstöd inom levnadsvanor (sys, vsh) Invånare har en ljus" at the tag."""
    match = None
    for m in TAG_RE.finditer(line.text):
        match = m
    if match is None:
        return None
    rest = line.text[match.end() :]
    if not rest.strip() or not rest.strip()[0].isupper():
        return None
    offset = match.end() + (len(rest) - len(rest.lstrip()))
    return (
        Line(line.number, line.text[: match.end()], line.start),
        Line(line.number, line.text[offset:], line.start + offset),
    )


# --- rows -------------------------------------------------------------------------


def _estimate_widths(rows: list[Row]) -> ColumnWidths | None:
    """Each column's width from its wrapped lines (fhs_nlp.extract.column_widths: an
    edited line in one cell does not move it)."""
    milestone = [b.texts for r in rows for b in r.blocks[:1]]
    effects = [b.texts for r in rows for b in r.blocks[1:] if b.has_tag()]
    if sum(map(len, milestone)) < 3 or sum(map(len, effects)) < 3:
        return None
    milestone_width, effects_width = column_width(milestone), column_width(effects)
    if milestone_width is None or effects_width is None:
        return None
    return ColumnWidths(milestone_width, effects_width)


def _group_rows(page: TablePage) -> None:
    """Group a page's paragraphs and year markers into rows.

    A first pass groups by the shape of the text alone; its rows give the widths of the
    milestone and effects columns, and a second pass uses them where shape cannot tell.
    """
    rows = _group(page, None)
    widths = _estimate_widths(rows)
    if widths is not None and widths.distinct():
        rows = _group(page, widths)
    page.widths = widths
    page.rows = [r for r in rows if r.blocks]
    for row in rows:
        if not row.blocks:
            page.problems.append(
                Problem(W_YEAR_NOT_READ, f"year {row.year} stands in the table without a milestone",
                        row.year_lines)
            )


def _group(page: TablePage, widths: ColumnWidths | None) -> list[Row]:
    rows: list[Row] = []
    current: Row | None = None
    source = [x for x in page.rows_source if not isinstance(x, Block) or x.lines]
    for k, item in enumerate(source):
        if isinstance(item, YearMarker):
            if item.garbled and widths is None:
                page.problems.append(
                    Problem(W_YEAR_GARBLED,
                            f"garbled year cell '{item.garbled}' read as {item.year}",
                            item.lines)
                )
            nxt = source[k + 1] if k + 1 < len(source) else None
            starts_new = (
                current is None
                or current.year is not None
                or len(current.blocks) > 1
                # a year read whole comes from a reader that kept cells together, and a
                # row's year cell comes before its milestone cell
                or len(item.lines) == 1
                # the year's row is the one whose milestone cell follows it
                or (
                    widths is not None
                    and isinstance(nxt, Block)
                    and widths.column_of(nxt) == "milestone"
                )
            )
            if starts_new:
                # a whole-word year comes from a reader that keeps each cell in one piece:
                # the next paragraph is the whole milestone cell
                current = Row(page_index=page.index, year=item.year,
                              year_lines=item.lines, year_before_title=True,
                              from_cells=len(item.lines) == 1)
                rows.append(current)
            else:
                assert current is not None
                current.year = item.year
                current.year_lines = item.lines
                current.year_before_title = not current.blocks
            continue
        if current is None or (
            len(current.blocks) > 1 and looks_like_row_start(item, widths)
        ):
            current = Row(page_index=page.index, widths=widths)
            rows.append(current)
        current.blocks.append(item)
        current.widths = widths
    return rows


def looks_like_row_start(block: Block, widths: ColumnWidths | None = None) -> bool:
    """Does this paragraph look like a milestone cell (a title line, then a description)?

    Effects are single wrapped sentences, usually tagged; a milestone cell starts with a
    short title line that ends before the column does, followed by a capitalised line.
    """
    if block.has_tag() or len(block.lines) < 2:
        return False
    if widths is not None and widths.column_of(block) == "effects":
        return False
    first = block.first.stripped
    if is_bullet(first) or not first[:1].isupper():
        return False
    width = block.width
    first_line = block.first.text.rstrip()
    # a title line ends before the column does: it is short, or the next line's first
    # word would have fitted on it (a title made longer by an edit is still a title)
    following = block.lines[1].stripped.split()
    fitted = bool(following) and len(first_line) + 1 + len(following[0]) <= width - 4
    if (len(block.lines) >= 3 and fitted and len(first_line) < 0.8 * width
            and not ends_paragraph(block.first.text, block.lines[1].text, width)):
        # a short line that goes on in lower case although the next word would have
        # fitted: a title broken over two lines by hand; it ends with the second line
        return ends_paragraph(block.lines[1].text, block.lines[2].text, width)
    return (len(first_line) < 0.8 * width or fitted) and ends_paragraph(
        block.first.text, block.lines[1].text, width
    )
