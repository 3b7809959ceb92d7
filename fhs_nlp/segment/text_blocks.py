"""Cut a text into blocks and units: the headings, paragraphs, list items and table rows.

Blocks are separated by blank lines and page breaks; a paragraph that runs on over a
page break is joined back. Inside a block, typed line breaks, bullets, list numbers,
short heading lines and " | " table rows start new units; the wrap width, measured per
document, tells a typed line break from a wrapped one. The rules are listed in
:mod:`fhs_nlp.segment.passages`, which turns units into passages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fhs_nlp.datamodel.document import Document
from fhs_nlp.extract.text import join_lines
from fhs_nlp.lines import split_lines
from fhs_nlp.segment.sentence_windows import (
    count_words,
    sentence_spans,
)

LIST_MARKER = re.compile(
    r"^[ \t]*(?:[•▪●◦■·\uf0b7\-–—*+]|\(?\d{1,2}[.)]|\(?[a-zåäö][.)])[ \t]+(?=\S)"
)


NUMBER_MARKER = re.compile(r"^[ \t]*\(?\d{1,2}[.)][ \t]+")


MD_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")


_MD_RULE = re.compile(r"^[ \t]*(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")


_MD_TABLE_RULE = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-{2,}:?[ \t]*\|?)+[ \t]*$")


_FINAL_PUNCT = (".", ":", ";", ",", "!", "?", "…")


HAS_WORD = re.compile(r"\w")


_HEADING_MAX_WORDS = 12


#: A line break is typed (a new paragraph) if the next word would have fitted within
#: this share of the wrap width (in characters; proportional fonts vary a little).
_FIT = 0.9


#: A heading followed by text on the next line is at most this share of the wrap width.
_HEADING_WIDTH = 0.75


#: A plain-text table row, as PDF and text renderings of a table write it: "a | b | c".
_PIPE_ROW = re.compile(r"\S[ \t]+\|[ \t]+\S")


@dataclass
class _Line:
    start: int
    end: int  # exclusive, trailing whitespace excluded
    text: str  # as in the document, not stripped
    after_break: bool = False  # the first line after a page break

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def content_start(self) -> int:
        return self.start + len(self.text) - len(self.text.lstrip())


def _lines(text: str) -> list[_Line | None]:
    """Lines of ``text``, with ``None`` for a blank line or a page break (a block end).

    A form feed anywhere on a line ends the block before it; the text after it starts a
    new one (pdftotext writes the form feed at the start of the next page's first line).
    """
    out: list[_Line | None] = []
    after_break = False
    for line in split_lines(text):
        pieces = line.text.split("\f")
        offset = line.start
        for i, piece in enumerate(pieces):
            if i:
                out.append(None)
                after_break = True
            if piece.strip():
                content = piece.rstrip()
                out.append(_Line(offset, offset + len(content), content, after_break))
                after_break = False
            elif len(pieces) == 1:
                out.append(None)
            offset += len(piece) + 1
    return out


def split_blocks(text: str) -> list[list[_Line]]:
    blocks: list[list[_Line]] = []
    current: list[_Line] = []
    for line in _lines(text):
        if line is None:
            if current:
                blocks.append(current)
                current = []
        else:
            current.append(line)
    if current:
        blocks.append(current)
    return blocks


@dataclass
class Unit:
    kind: str  # heading | paragraph | list_item
    lines: list[_Line]
    level: int | None = None  # Markdown heading level
    table_row: bool = False  # a table row: cells joined with " | "
    cells: list[str] | None = None  # the row's cell texts (Word and PDF tables)
    ends_block: bool = False  # a one-line unit that is the last of its block

    @property
    def start(self) -> int:
        return self.lines[0].content_start

    @property
    def end(self) -> int:
        return self.lines[-1].end


def is_heading_text(text: str, *, markdown: bool = False) -> bool:
    text = clean_text(text, markdown=markdown)
    return (
        bool(text)
        and len(sentence_spans(text)) == 1
        and count_words(text) <= _HEADING_MAX_WORDS
        and not text.endswith(_FINAL_PUNCT)
        and not text.endswith("-")
        and bool(re.search(r"[A-Za-zÅÄÖåäöÉéÜü]", text))
        and not text[0].islower()
    )


def wrap_width(blocks: list[list[_Line]]) -> int:
    """The width (in characters) at which the document's running text wraps.

    The 90th percentile of the lengths of lines with five or more words: a proportional
    font wraps at slightly different counts, and headings and last lines are shorter.
    """
    lengths = sorted(len(line.stripped) for block in blocks for line in block
                     if len(line.stripped.split()) >= 5)
    if not lengths:
        return 80
    return max(20, lengths[min(len(lengths) - 1, int(0.9 * len(lengths)))])


def _starts_new(line: _Line) -> bool:
    first = line.stripped[:1]
    return first.isupper() or first.isdigit() or first in "\"“”«(•▪●–-*#|"


def _hard_break(previous: _Line, line: _Line, width: int) -> bool:
    """Does a new paragraph start at ``line``, inside a block without blank lines?

    Yes where the line before ends a sentence, this one starts with a capital, and the
    first word of this line would clearly have fitted on the line before: the break
    was typed, not made by wrapping. (PDF readers do not always leave a blank line
    between paragraphs.)
    """
    if not _ends_sentence(previous) or not _starts_new(line):
        return False
    first_word = line.stripped.split()[0]
    return len(previous.stripped) + 1 + len(first_word) < _FIT * width


def _heading_line(
    line: _Line,
    previous: _Line | None,
    following: _Line | None,
    *,
    width: int,
    markdown: bool,
    after_break: bool,
) -> bool:
    """A short line standing on its own between a finished sentence and a new start.

    ``after_break``: the unit before ended cleanly (a heading or a table row), so this
    line starts fresh even though the line before has no full stop.
    """
    text = NUMBER_MARKER.sub("", line.text, count=1)
    if not is_heading_text(text, markdown=markdown):
        return False
    if previous is not None and not (after_break or _ends_sentence(previous)):
        return False
    if following is None:
        return True
    if not _starts_new(following) or len(line.stripped) > _HEADING_WIDTH * width:
        return False
    # a numbered line before another numbered line is a list, not a heading
    return not (NUMBER_MARKER.match(line.text) and NUMBER_MARKER.match(following.text))


def _title_block(block: list[_Line], *, markdown: bool) -> bool:
    """A block of two or three lines that together read as one heading: a title wrapped
    over lines ("Budget och ekonomisk plan 2027–2029 – Medicinsk" + "service")."""
    if not 2 <= len(block) <= 3:
        return False
    for line in block:
        if LIST_MARKER.match(line.text) or _PIPE_ROW.search(line.text):
            return False
        if markdown and (MD_HEADING.match(line.text) or line.text.lstrip().startswith("|")):
            return False
    return is_heading_text(join_lines([line.text for line in block]), markdown=markdown)


def block_units(block: list[_Line], *, markdown: bool, width: int) -> list[Unit]:
    """Headings, paragraphs and list items of one block (a run of lines without a blank)."""
    units: list[Unit] = []
    current: Unit | None = None  # the paragraph or list item being built
    if _title_block(block, markdown=markdown):
        return [Unit("heading", block)]

    for i, line in enumerate(block):
        text = line.text
        previous = block[i - 1] if i else None
        following = block[i + 1] if i + 1 < len(block) else None
        if markdown:
            heading = MD_HEADING.match(text)
            if heading:
                current = None
                units.append(Unit("heading", [line], level=len(heading.group(1))))
                continue
            if _MD_RULE.match(text):
                current = None
                continue
            if text.lstrip().startswith("|"):
                current = None
                if not _MD_TABLE_RULE.match(text):
                    units.append(Unit("paragraph", [line], table_row=True))
                continue
        if _PIPE_ROW.search(text) and not LIST_MARKER.match(text):
            current = None
            units.append(Unit("paragraph", [line], table_row=True))
            continue
        marker = LIST_MARKER.match(text)
        numbered = bool(NUMBER_MARKER.match(text))
        last = units[-1] if units else None
        clean_break = last is not None and current is None and (
            last.kind == "heading" or last.table_row
        )
        if (
            (not marker or (numbered and following is not None))
            and _heading_line(line, previous, following, width=width, markdown=markdown,
                              after_break=clean_break)
        ):
            current = None
            if (  # the second line of a title too long for one line
                last is not None
                and last.kind == "heading"
                and last.level is None
                and len(last.lines) == 1
                and last.lines[-1] is previous
                and len(previous.stripped) > 0.5 * width
                and not numbered
                and not NUMBER_MARKER.match(previous.text)
            ):
                last.lines.append(line)
            else:
                units.append(Unit("heading", [line]))
            continue
        if marker:
            current = Unit("list_item", [line])
            units.append(current)
        elif current is not None and not (
            previous is not None and _hard_break(previous, line, width)
        ):
            current.lines.append(line)
        else:
            current = Unit("paragraph", [line])
            units.append(current)
    if units and len(units[-1].lines) == 1 and units[-1].lines[0] is block[-1]:
        units[-1].ends_block = True
    return units


def table_row_ends(doc: Document) -> dict[int, int]:
    """Table rows (Word and PDF tables) as {start: end} offsets in ``doc.text``.

    The readers linearise a table one cell per block; finding each cell's text in its
    page, in order, tells which blocks make up a row, so the row becomes one paragraph.
    A cell the reader rebuilt differently (rotated text) is simply not found; a row with
    no cell found is judged block by block like any other text.
    """
    rows: dict[int, int] = {}
    for page in doc.pages:
        cursor = page.char_start
        for table in page.tables:
            for row in table.rows:
                first: int | None = None
                last = 0
                for cell in row:
                    probe = cell.text.strip()
                    if not probe:
                        continue
                    # the cell's text as a whole block, not a word inside a paragraph
                    pattern = re.compile(r"(?m)^[ \t]*" + re.escape(probe) + r"[ \t]*$")
                    found = pattern.search(doc.text, cursor, page.char_end)
                    if found:
                        start = found.start() + len(found.group()) - len(found.group().lstrip())
                        first = start if first is None else first
                        last = cursor = start + len(probe)
                if first is not None:
                    rows[first] = last
    return rows


def _ends_sentence(line: _Line) -> bool:
    return line.stripped.rstrip("\"”’»)]").endswith((".", "!", "?", ":", "…"))


def join_across_pages(blocks: list[list[_Line]]) -> list[list[_Line]]:
    """Join a paragraph cut by a page break: no full stop before, lower case after."""
    out: list[list[_Line]] = []
    for block in blocks:
        first = block[0]
        if (
            out
            and first.after_break
            and first.stripped[:1].islower()
            and not LIST_MARKER.match(first.text)
            and not _ends_sentence(out[-1][-1])
        ):
            out[-1] = out[-1] + block
        else:
            out.append(block)
    return out


_MD_INLINE = (
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images: keep the text
    (re.compile(r"\*\*(.+?)\*\*"), r"\1"),
    (re.compile(r"__(.+?)__"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),
)


def clean_text(text: str, *, markdown: bool) -> str:
    if markdown:
        for pattern, repl in _MD_INLINE:
            text = pattern.sub(repl, text)
        text = re.sub(r"(?m)^[ \t]*>[ \t]?", "", text)
    return " ".join(text.split())
