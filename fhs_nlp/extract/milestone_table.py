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
from dataclasses import dataclass, field

from fhs_nlp.datamodel.vocabulary import Area, area_by_name, effektmal_by_name
from fhs_nlp.errors import W_AREA_UNKNOWN, W_YEAR_GARBLED, W_YEAR_NOT_READ
from fhs_nlp.extract.column_widths import column_width
from fhs_nlp.extract.text import TAG_RE, ends_paragraph, is_bullet, starts_lower, starts_upper
from fhs_nlp.lines import Line

_CAPTION_RE = re.compile(r"^\s*(Fortsättning\s+)?Tabell\s+\d+\s*[.:]", re.IGNORECASE)
_FOOTER_RES = (
    re.compile(r"^\d{1,3}\s*\(\d{1,3}\)$"),  # "10 (16)"
    re.compile(r"^Sida\s+\d+(\s*(av|\()\s*\d+\)?)?$", re.IGNORECASE),
    re.compile(r"^\d{4}-[A-ZÅÄÖ]{2,}\d{3,}(-\d+)*$"),  # case number "2023-POL000009-001"
    re.compile(r"^[-–—]$"),
)
_FRAGMENT_RE = re.compile(r"^[\wÅÄÖåäö().\s]{1,3}$")
_FORTS_RE = re.compile(r"\(\s*forts\.?\s*\)\s*$", re.IGNORECASE)
_YEAR_LINE_RE = re.compile(r"^(20[2-4]\d)$")
_LAST_DIGIT_WITH_TEXT_RE = re.compile(r"^(\d)\s+(\S.*)$")
#: lines of the målbild column are short: the column is narrow
MALBILD_MAX_LINE = 46


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


@dataclass
class TablePage:
    """One page of the table as it stands in the text."""

    index: int
    first_line: int
    area_marker: AreaMarker | None = None
    rows: list[Row] = field(default_factory=list)
    malbild: list[Block] = field(default_factory=list)
    malbild_lead_prefix: Line | None = None  # an effect merged into the målbild's first line
    effektmal: list[tuple[str, str, list[Line]]] = field(default_factory=list)
    problems: list[tuple[str, str, list[Line]]] = field(default_factory=list)


@dataclass
class MilestoneTable:
    pages: list[TablePage]
    first_line: int
    last_line: int


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
            if _CAPTION_RE.match(lines[j].text) or lines[j].stripped in ("År", "År:"):
                start = j
        return start
    return None


def segment_table(lines: list[Line]) -> MilestoneTable | None:
    """Split the lines of a document into the pages and rows of its milestone table."""
    start = find_table_start(lines)
    if start is None:
        return None
    region = lines[start:]
    content = _strip_furniture(region)
    items = _find_markers(content)
    pages = _split_pages(items)
    for page in pages:
        _set_aside_columns(page)
        _group_rows(page)
    return MilestoneTable(pages=[p for p in pages if p.rows or p.area_marker],
                          first_line=region[0].number, last_line=region[-1].number)


# --- furniture -------------------------------------------------------------------

_PAGE_BREAK = "PAGE_BREAK"


def _strip_furniture(lines: list[Line]) -> list[Line | str]:
    """Drop captions, header rows and footers; leave a page-break mark where a page starts."""
    out: list[Line | str] = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        text = line.stripped
        if _CAPTION_RE.match(line.text):
            out.append(_PAGE_BREAK)
            i += 1
            # caption continuation lines: lowercase starts, or "2022 är klara, …"
            taken = 0
            while i < n and taken < 3:
                if lines[i].blank:
                    i += 1
                    continue
                nxt = lines[i].stripped
                if starts_lower(nxt) or re.match(r"^20\d\d\s+[a-zåäö]", nxt):
                    i += 1
                    taken += 1
                    continue
                break
            continue
        if text == "År" or (text.startswith("År ") and "ilstolpe" in text):
            j = _header_end(lines, i)
            if not out or out[-1] != _PAGE_BREAK:
                out.append(_PAGE_BREAK)
            i = j + 1
            continue
        if re.match(r"^Milstolpe\b", text) and "ffekt" in " ".join(
            ln.text for ln in lines[i : i + 3]
        ):
            j = _header_end(lines, i)
            if not out or out[-1] != _PAGE_BREAK:
                out.append(_PAGE_BREAK)
            i = j + 1
            continue
        if any(r.match(text) for r in _FOOTER_RES):
            i += 1
            continue
        if re.fullmatch(r"[•▪●◦■]", text):  # an empty bullet
            i += 1
            continue
        out.append(line)
        i += 1
    return out


def _header_end(lines: list[Line], i: int) -> int:
    """Last line of a header row starting at ``i`` ("År … Övergripande effektmål")."""
    for j in range(i, min(i + 24, len(lines))):
        if re.search(r"effektm[aå]l\s*$", lines[j].text.strip(), re.I):
            return j
    # no effektmål column: the header ends where the "Milstolpe …" paragraph ends
    j = i
    while j + 1 < len(lines) and not lines[j + 1].blank:
        j += 1
    return j


# --- markers ------------------------------------------------------------------


def _find_markers(items: list[Line | str]) -> list[Line | str | YearMarker | AreaMarker]:
    """Replace runs of letter/digit fragments, and whole-word labels, by markers."""
    out: list[Line | str | YearMarker | AreaMarker] = []
    i = 0
    n = len(items)
    while i < n:
        item = items[i]
        if isinstance(item, str):
            out.append(item)
            i += 1
            continue
        whole = _whole_word_marker(item)
        if whole is not None:
            out.append(whole)
            i += 1
            continue
        if not item.blank and _is_fragment(item):
            run, rest, j = _collect_fragments(items, i)
            markers = _parse_fragment_run(run)
            if markers is not None:
                out.extend(markers)
                if rest is not None:
                    out.append(rest)
                i = j
                continue
        out.append(item)
        i += 1
    return out


def _is_fragment(line: Line) -> bool:
    return bool(_FRAGMENT_RE.match(line.text.strip())) and not line.text.strip().startswith("-")


def _collect_fragments(
    items: list[Line | str], i: int
) -> tuple[list[Line], Line | None, int]:
    """Collect a run of fragment lines from ``i``; blank lines inside the run are skipped.

    Returns the run, the remainder of a "3 Struktur …" line (the last year digit with
    the next cell's text on the same line) as a Line, and the index after the run.
    """
    run: list[Line] = []
    j = i
    while j < len(items):
        item = items[j]
        if isinstance(item, str):
            break
        if item.blank:
            j += 1
            continue
        if _is_fragment(item):
            run.append(item)
            j += 1
            continue
        match = _LAST_DIGIT_WITH_TEXT_RE.match(item.text.strip())
        digits = [ln for ln in run if ln.stripped.isdigit()]
        if match and len(digits) % 4 == 3 and run and run[-1].stripped.isdigit():
            lead = len(item.text) - len(item.text.lstrip())
            digit_line = Line(item.number, item.text[: lead + 1], item.start)
            rest_offset = item.text.index(match.group(2), lead + 1)
            rest = Line(item.number, item.text[rest_offset:], item.start + rest_offset)
            run.append(digit_line)
            return run, rest, j + 1
        break
    return run, None, j


def _parse_fragment_run(run: list[Line]) -> list[YearMarker | AreaMarker] | None:
    """Read a run of fragments as an area label and/or a year; None if it is neither."""
    groups: list[tuple[str, list[Line]]] = []
    for line in run:
        kind = "digit" if line.stripped.isdigit() else "alpha"
        if groups and groups[-1][0] == kind:
            groups[-1][1].append(line)
        else:
            groups.append((kind, [line]))
    markers: list[YearMarker | AreaMarker] = []
    for kind, lines in groups:
        if kind == "digit":
            digits = "".join(ln.stripped for ln in lines)
            year = _read_year_digits(digits)
            if year is None:
                return None
            garbled = None if len(digits) == 4 else " ".join(digits)
            markers.append(YearMarker(year, lines, garbled))
        else:
            if len(lines) < 4:
                return None
            label = "".join(ln.text.replace("\t", "") for ln in lines)
            label = re.sub(r"\s+", " ", label).strip()
            continued = bool(_FORTS_RE.search(label))
            name = _FORTS_RE.sub("", label).strip()
            markers.append(AreaMarker(label, area_by_name(name), continued, lines))
    return markers


def _read_year_digits(digits: str) -> int | None:
    """The year a letter-split year cell gives: "2023"; or a garbled cell such as "24".

    A cell that lost digits is read as 202d when what is left ("24", "224", "204") is a
    subsequence of "202d" ending in its last digit d; anything else is not a year.
    """
    if len(digits) == 4:
        return int(digits) if digits.startswith("20") else None
    if len(digits) in (2, 3) and digits[0] == "2":
        candidate = "202" + digits[-1]
        it = iter(candidate)
        if all(ch in it for ch in digits):
            return int(candidate)
    return None


def _whole_word_marker(line: Line) -> YearMarker | AreaMarker | None:
    text = line.stripped
    if not text:
        return None
    if _YEAR_LINE_RE.match(text):
        return YearMarker(int(text), [line])
    if not text[0].isupper():  # "medarbetare" in the effektmål column is no label
        return None
    continued = bool(_FORTS_RE.search(text))
    area = area_by_name(_FORTS_RE.sub("", text).strip())
    if area is not None:
        return AreaMarker(text, area, continued, [line])
    return None


# --- pages ----------------------------------------------------------------------


def _split_pages(items: list[Line | str | YearMarker | AreaMarker]) -> list[TablePage]:
    pages: list[TablePage] = []
    current: list[Line | YearMarker | AreaMarker] = []

    def flush() -> None:
        if any(not (isinstance(x, Line) and x.blank) for x in current):
            first = next(
                (x.number if isinstance(x, Line) else x.lines[0].number) for x in current
            )
            page = TablePage(index=len(pages), first_line=first)
            page._items = list(current)  # type: ignore[attr-defined]
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
        items_ = page._items  # type: ignore[attr-defined]
        for x in items_:
            if isinstance(x, AreaMarker):
                page.area_marker = x
                if x.area is None:
                    page.problems.append(
                        (W_AREA_UNKNOWN, f"area label '{x.text}' names no known insatsområde",
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
    seq = _blocks_and_markers(page._items)  # type: ignore[attr-defined]
    hits = _find_effektmal(seq)
    if not hits:
        page.rows_source = seq  # type: ignore[attr-defined]
        return
    page.effektmal = [(name, text, lines) for (_, _, name, text, lines) in hits]
    eff_ids = {id(ln) for hit in hits for ln in hit[4]}
    first_si, first_li = hits[0][0], hits[0][1]
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
    page.rows_source = rows_source + after  # type: ignore[attr-defined]


def _find_effektmal(seq: list[Block | YearMarker]) -> list[tuple[int, int, str, str, list[Line]]]:
    """The effektmål names in a page, as one contiguous run of lines.

    Each hit is (block index, line index in block, canonical name, text, lines). A name
    may be split over up to four lines ("Bättre / befolknings / hälsa"). A lone one-line
    hit is not enough: an effect could read "Bättre kvalitet".
    """
    flat: list[tuple[int, int, Line]] = [
        (si, li, line)
        for si, item in enumerate(seq)
        if isinstance(item, Block)
        for li, line in enumerate(item.lines)
    ]
    runs: list[list[tuple[int, int, int, str, str, list[Line]]]] = []
    k = 0
    while k < len(flat):
        hit = None
        for span in (1, 2, 3, 4, 5, 6):
            window = flat[k : k + span]
            if len(window) < span:
                break
            text = " ".join(w[2].stripped for w in window)
            name = effektmal_by_name(text)
            if name is not None:
                hit = (k, span, name, text, [w[2] for w in window])
                break
        if hit is None:
            k += 1
            continue
        k0, span, name, text, lines = hit
        entry = (k0, span, name, text, lines, flat[k0][0], flat[k0][1])
        if runs and runs[-1][-1][0] + runs[-1][-1][1] == k0:
            runs[-1].append(entry)  # type: ignore[arg-type]
        else:
            runs.append([entry])  # type: ignore[list-item]
        k = k0 + span
    for run in runs:
        if len(run) >= 2 or run[0][1] >= 2:
            return [(e[5], e[6], e[2], e[3], e[4]) for e in run]  # type: ignore[misc]
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
    page.widths = widths  # type: ignore[attr-defined]
    page.rows = [r for r in rows if r.blocks]
    for row in rows:
        if not row.blocks:
            page.problems.append(
                (W_YEAR_NOT_READ, f"year {row.year} stands in the table without a milestone",
                 row.year_lines)
            )


def _group(page: TablePage, widths: ColumnWidths | None) -> list[Row]:
    rows: list[Row] = []
    current: Row | None = None
    source = [x for x in page.rows_source if not isinstance(x, Block) or x.lines]  # type: ignore[attr-defined]
    for k, item in enumerate(source):
        if isinstance(item, YearMarker):
            if item.garbled and widths is None:
                page.problems.append(
                    (W_YEAR_GARBLED, f"garbled year cell '{item.garbled}' read as {item.year}",
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
