"""Cut a read draft into passages: headings, paragraphs, list items, windows.

The aligner scores passages, not whole documents, so a reviewer can be shown "p. 3,
the paragraph under *Samverkan kring de mest sköra*". The rules are the ones a reader
uses on a verksamhetsplan:

* blocks are separated by blank lines and page breaks; a paragraph that runs on over a
  page break (no full stop at the page end, a lower-case start on the next page) is
  joined back into one;
* inside a block, a typed line break starts a new paragraph: the line before ends a
  sentence and the next word would clearly have fitted on it (PDF readers do not always
  leave blank lines between paragraphs; the wrap width is measured per document);
* a line that starts with a bullet or a list number ("•", "-", "–", "*", "1.", "a)")
  starts a list item; the lines after it, up to the next item, a typed line break or
  the end of the block, are its wrapped continuation;
* a heading is a short line (at most 12 words, one sentence, no final punctuation, not
  starting in lower case) that stands alone as a block, or that follows a finished
  sentence (or a heading or table row) and precedes a line starting with a capital,
  being at most three quarters of the wrap width; a title wrapped over two or three
  lines is one heading; Markdown "#" headings always count; a numbered line
  ("3. Samverkan") is a numbered heading, not a list item, unless numbered items stand
  next to it. A heading is a passage of its own and the ``heading`` context of the
  passages below it (in Markdown, by level);
* a table row is one paragraph, its cells joined by " | " (Word and PDF tables as the
  readers linearise them, one cell per block; Markdown pipe tables; "a | b" rows of
  text); a cell is never taken for a heading;
* a paragraph or list item longer than ``max_words`` is cut into overlapping windows
  on sentence boundaries, each at most ``window_words`` words where the sentences
  allow, consecutive windows sharing about ``overlap_words`` words;
* passages without a letter or digit ("---", "…") are dropped.

Sentences come from a regex splitter written for paragraph text (Swedish abbreviations
such as "t.ex." and "bl.a." do not end a sentence). Inside a paragraph it finds the
same boundaries as :func:`fhs_nlp.segment.nlp.sentences` (a test checks this on the gold
drafts) without loading spaCy, which costs about 4 s per process;
``sentence_splitter="spacy"`` uses the spaCy pipeline instead.

Every passage keeps its character span in :attr:`Document.text`, its lines and its
page, so evidence can be traced back to the source.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from fhs_nlp.datamodel.document import Document
from fhs_nlp.datamodel.passages import Passage
from fhs_nlp.extract.text import join_lines
from fhs_nlp.lines import split_lines

__all__ = ["group_lists", "sentence_spans", "split_passages"]


# --------------------------------------------------------------------------- patterns

_LIST_MARKER = re.compile(
    r"^[ \t]*(?:[•▪●◦■·\uf0b7\-–—*+]|\(?\d{1,2}[.)]|\(?[a-zåäö][.)])[ \t]+(?=\S)"
)
_NUMBER_MARKER = re.compile(r"^[ \t]*\(?\d{1,2}[.)][ \t]+")
_MD_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_MD_RULE = re.compile(r"^[ \t]*(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_MD_TABLE_RULE = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-{2,}:?[ \t]*\|?)+[ \t]*$")
_FINAL_PUNCT = (".", ":", ";", ",", "!", "?", "…")
_HAS_WORD = re.compile(r"\w")
_HEADING_MAX_WORDS = 12
#: A line break is typed (a new paragraph) if the next word would have fitted within
#: this share of the wrap width (in characters; proportional fonts vary a little).
_FIT = 0.9
#: A heading followed by text on the next line is at most this share of the wrap width.
_HEADING_WIDTH = 0.75
#: A plain-text table row, as PDF and text renderings of a table write it: "a | b | c".
_PIPE_ROW = re.compile(r"\S[ \t]+\|[ \t]+\S")

#: Abbreviations whose full stop never ends a sentence.
_ABBREVIATIONS = frozenset(
    {
        "t.ex", "bl.a", "resp", "inkl", "exkl", "ca", "jfr", "s.k", "dvs", "d.v.s",
        "fr.o.m", "t.o.m", "p.g.a", "pga", "enl", "kl", "nr", "tel", "st", "kap", "f.d",
        "ev", "mkr", "milj", "tkr", "o", "obs", "s", "f", "ff", "prof", "dr", "m.a.o",
        "t.ex.", "e.d", "jmf", "förf", "avd", "bilr", "fig", "tab", "vol", "s.a.s",
    }
)  # fmt: skip
#: Abbreviations that also end a sentence when a capitalised word follows.
_END_ABBREVIATIONS = frozenset({"osv", "o.s.v", "etc", "m.m", "m.fl", "mfl", "o.dyl"})
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’»')\]]*(?=\s+[\"“”«(\[•\-–]?[A-ZÅÄÖÉÜ0-9])")

_MD_INLINE = (
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # links and images: keep the text
    (re.compile(r"\*\*(.+?)\*\*"), r"\1"),
    (re.compile(r"__(.+?)__"), r"\1"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)_(?!\s)(.+?)(?<!\s)_(?!\w)"), r"\1"),
    (re.compile(r"`([^`]*)`"), r"\1"),
)


# --------------------------------------------------------------------------- lines


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


def _blocks(text: str) -> list[list[_Line]]:
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


# --------------------------------------------------------------------------- units


@dataclass
class _Unit:
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


def _words(text: str) -> int:
    return len(text.split())


def _is_heading_text(text: str, *, markdown: bool = False) -> bool:
    text = _clean(text, markdown=markdown)
    return (
        bool(text)
        and len(sentence_spans(text)) == 1
        and _words(text) <= _HEADING_MAX_WORDS
        and not text.endswith(_FINAL_PUNCT)
        and not text.endswith("-")
        and bool(re.search(r"[A-Za-zÅÄÖåäöÉéÜü]", text))
        and not text[0].islower()
    )


def _wrap_width(blocks: list[list[_Line]]) -> int:
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
    text = _NUMBER_MARKER.sub("", line.text, count=1)
    if not _is_heading_text(text, markdown=markdown):
        return False
    if previous is not None and not (after_break or _ends_sentence(previous)):
        return False
    if following is None:
        return True
    if not _starts_new(following) or len(line.stripped) > _HEADING_WIDTH * width:
        return False
    # a numbered line before another numbered line is a list, not a heading
    return not (_NUMBER_MARKER.match(line.text) and _NUMBER_MARKER.match(following.text))


def _title_block(block: list[_Line], *, markdown: bool) -> bool:
    """A block of two or three lines that together read as one heading: a title wrapped
    over lines ("Budget och ekonomisk plan 2027–2029 – Medicinsk" + "service")."""
    if not 2 <= len(block) <= 3:
        return False
    for line in block:
        if _LIST_MARKER.match(line.text) or _PIPE_ROW.search(line.text):
            return False
        if markdown and (_MD_HEADING.match(line.text) or line.text.lstrip().startswith("|")):
            return False
    return _is_heading_text(join_lines([line.text for line in block]), markdown=markdown)


def _block_units(block: list[_Line], *, markdown: bool, width: int) -> list[_Unit]:
    """Headings, paragraphs and list items of one block (a run of lines without a blank)."""
    units: list[_Unit] = []
    current: _Unit | None = None  # the paragraph or list item being built
    if _title_block(block, markdown=markdown):
        return [_Unit("heading", block)]

    for i, line in enumerate(block):
        text = line.text
        previous = block[i - 1] if i else None
        following = block[i + 1] if i + 1 < len(block) else None
        if markdown:
            heading = _MD_HEADING.match(text)
            if heading:
                current = None
                units.append(_Unit("heading", [line], level=len(heading.group(1))))
                continue
            if _MD_RULE.match(text):
                current = None
                continue
            if text.lstrip().startswith("|"):
                current = None
                if not _MD_TABLE_RULE.match(text):
                    units.append(_Unit("paragraph", [line], table_row=True))
                continue
        if _PIPE_ROW.search(text) and not _LIST_MARKER.match(text):
            current = None
            units.append(_Unit("paragraph", [line], table_row=True))
            continue
        marker = _LIST_MARKER.match(text)
        numbered = bool(_NUMBER_MARKER.match(text))
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
                and not _NUMBER_MARKER.match(previous.text)
            ):
                last.lines.append(line)
            else:
                units.append(_Unit("heading", [line]))
            continue
        if marker:
            current = _Unit("list_item", [line])
            units.append(current)
        elif current is not None and not (
            previous is not None and _hard_break(previous, line, width)
        ):
            current.lines.append(line)
        else:
            current = _Unit("paragraph", [line])
            units.append(current)
    if units and len(units[-1].lines) == 1 and units[-1].lines[0] is block[-1]:
        units[-1].ends_block = True
    return units


def _table_rows(doc: Document) -> dict[int, int]:
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


def _join_across_pages(blocks: list[list[_Line]]) -> list[list[_Line]]:
    """Join a paragraph cut by a page break: no full stop before, lower case after."""
    out: list[list[_Line]] = []
    for block in blocks:
        first = block[0]
        if (
            out
            and first.after_break
            and first.stripped[:1].islower()
            and not _LIST_MARKER.match(first.text)
            and not _ends_sentence(out[-1][-1])
        ):
            out[-1] = out[-1] + block
        else:
            out.append(block)
    return out


# --------------------------------------------------------------------------- sentences


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences of one paragraph as (start, end) offsets into ``text``, trimmed.

    A sentence ends at ".", "!", "?" or "…" (and any closing quote or bracket) before
    white space and a capital letter or a digit, unless the word before the stop is an
    abbreviation ("t.ex.", "bl.a.", "kl.") or a single initial ("A. Svensson").
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        word_start = max(text.rfind(" ", 0, match.start()), text.rfind("\n", 0, match.start()))
        word = text[word_start + 1 : match.start()].lower().lstrip("(\"“")
        if match.group().startswith("."):
            nxt = text[match.end() :].lstrip()[:1]
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
            if word in _END_ABBREVIATIONS and not nxt.isupper():
                continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        chunk = text[a:b]
        if chunk.strip():
            a2 = a + len(chunk) - len(chunk.lstrip())
            out.append((a2, a2 + len(chunk.strip())))
    return out


def _spacy_sentence_spans(text: str) -> list[tuple[int, int]]:
    from fhs_nlp.segment.nlp import sentences

    return [(a, b) for a, b, _ in sentences(text)]


SentenceSplitter = Callable[[str], list[tuple[int, int]]]


def _word_pieces(text: str, start: int, end: int, size: int) -> list[tuple[int, int, int]]:
    """Cut text[start:end] into runs of about ``size`` words: (start, end, words)."""
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
    n_pieces = max(1, -(-len(words) // max(1, size)))
    per = -(-len(words) // n_pieces)
    return [
        (words[i][0], words[min(i + per, len(words)) - 1][1], min(per, len(words) - i))
        for i in range(0, len(words), per)
    ]


def _windows(
    text: str,
    spans: list[tuple[int, int]],
    window_words: int,
    overlap_words: int,
) -> list[tuple[int, int]]:
    """Overlapping windows of whole sentences over ``text``, as (start, end) offsets.

    Each window takes sentences while it stays within ``window_words``; the next window
    starts at the sentence that makes the overlap closest to ``overlap_words`` while
    leaving room for at least one new sentence. A sentence longer than a window is cut
    into runs of words first, so run-on text (a linearised table) is windowed too.
    """
    units: list[tuple[int, int, int]] = []
    for a, b in spans:
        n = _words(text[a:b])
        if n > window_words:
            units.extend(_word_pieces(text, a, b, max(1, overlap_words or window_words)))
        else:
            units.append((a, b, n))
    words = [u[2] for u in units]
    windows: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        j, total = i, 0
        while j < len(units) and (j == i or total + words[j] <= window_words):
            total += words[j]
            j += 1
        windows.append((units[i][0], units[j - 1][1]))
        if j >= len(units):
            break
        best, best_gap = j, float(overlap_words)  # no overlap, unless a start fits better
        overlap = 0
        for k in range(j - 1, i, -1):
            overlap += words[k]
            if overlap + words[j] > window_words:
                break
            gap = abs(overlap - overlap_words)
            if gap < best_gap:
                best, best_gap = k, gap
            elif overlap > overlap_words:
                break
        i = best
    return windows


# --------------------------------------------------------------------------- main


def _clean(text: str, *, markdown: bool) -> str:
    if markdown:
        for pattern, repl in _MD_INLINE:
            text = pattern.sub(repl, text)
        text = re.sub(r"(?m)^[ \t]*>[ \t]?", "", text)
    return " ".join(text.split())


def _unit_text(unit: _Unit, *, markdown: bool) -> str:
    parts = [line.text for line in unit.lines]
    if unit.kind == "heading" and unit.level is not None:
        match = _MD_HEADING.match(parts[0])
        parts = [match.group(2) if match else parts[0]]
    elif unit.kind == "list_item":
        parts[0] = _LIST_MARKER.sub("", parts[0], count=1)
    elif unit.cells is not None:
        parts = [" | ".join(c for c in unit.cells if c)]
    elif unit.table_row:
        cells = [c.strip() for c in parts[0].strip().strip("|").split("|")]
        parts = [" | ".join(c for c in cells if c)]
    return _clean(join_lines(parts), markdown=markdown)


def split_passages(
    doc: Document,
    *,
    max_words: int = 120,
    window_words: int = 90,
    overlap_words: int = 30,
    sentence_splitter: Literal["regex", "spacy"] = "regex",
) -> list[Passage]:
    """The passages of a read document, in reading order (see the module docstring).

    ``max_words``: a paragraph or list item longer than this is cut into windows of at
    most ``window_words`` words (where the sentences allow) overlapping by about
    ``overlap_words``.
    """
    if not 0 < window_words <= max_words:
        raise ValueError(
            f"window_words must be between 1 and max_words ({max_words}); got {window_words}"
        )
    if not 0 <= overlap_words < window_words:
        raise ValueError(
            f"overlap_words must be at least 0 and below window_words ({window_words}); "
            f"got {overlap_words}"
        )
    split: SentenceSplitter = (
        _spacy_sentence_spans if sentence_splitter == "spacy" else sentence_spans
    )
    markdown = doc.source_path.suffix.lower() in {".md", ".markdown"}
    rows = _table_rows(doc) if any(p.tables for p in doc.pages) else {}
    blocks = _join_across_pages(_blocks(doc.text))
    width = _wrap_width(blocks)

    units: list[_Unit] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        row_end = rows.get(block[0].content_start)
        if row_end is None:
            units.extend(_block_units(block, markdown=markdown, width=width))
        else:  # one table row: its cells are the blocks up to the row's end
            cells = [block]
            while i + 1 < len(blocks) and blocks[i + 1][0].content_start < row_end:
                i += 1
                cells.append(blocks[i])
            units.append(
                _Unit(
                    "paragraph",
                    [line for cell in cells for line in cell],
                    table_row=True,
                    cells=[join_lines([line.text for line in cell]) for cell in cells],
                )
            )
        i += 1
    _numbered_headings(units, markdown=markdown)

    passages: list[Passage] = []
    stack: list[tuple[int, str]] = []  # (level, text) of the headings above
    for unit in units:
        text = _unit_text(unit, markdown=markdown)
        if not _HAS_WORD.search(text):
            continue
        if unit.kind == "heading":
            if unit.level is not None:  # Markdown: the parent heading, by level
                while stack and stack[-1][0] >= unit.level:
                    stack.pop()
                parent = stack[-1][1] if stack else None
                level = unit.level
            else:  # plain text has no levels: the heading above, at the same depth
                parent = stack[-1][1] if stack else None
                level = 99
                while stack and stack[-1][0] >= level:
                    stack.pop()
            passages.append(_passage(doc, len(passages), text, "heading", parent, unit.start,
                                     unit.end))
            stack.append((level, text))
            continue
        heading = stack[-1][1] if stack else None
        if _words(text) <= max_words:
            passages.append(_passage(doc, len(passages), text, unit.kind, heading, unit.start,
                                     unit.end))
            continue
        raw = doc.text[unit.start : unit.end]
        if unit.kind == "list_item":  # the marker is not part of any sentence
            marker = _LIST_MARKER.match(raw)
            skip = marker.end() if marker else 0
        else:
            skip = 0
        body = raw[skip:]
        spans = split(body)
        for a, b in _windows(body, spans, window_words, overlap_words):
            piece = _clean(join_lines(body[a:b].replace("\f", "\n").split("\n")),
                           markdown=markdown)
            if _HAS_WORD.search(piece):
                start = unit.start + skip + a
                passages.append(_passage(doc, len(passages), piece, "window", heading, start,
                                         unit.start + skip + b))
    return passages


def _numbered_headings(units: list[_Unit], *, markdown: bool) -> None:
    """A numbered line that ends its block ("3. Samverkan") is a numbered heading, unless
    the units around it are numbered list items (a list with blank lines between)."""

    def numbered_item(unit: _Unit | None) -> bool:
        return (
            unit is not None
            and unit.kind == "list_item"
            and bool(_NUMBER_MARKER.match(unit.lines[0].text))
        )

    for i, unit in enumerate(units):
        if unit.kind != "list_item" or not unit.ends_block or not numbered_item(unit):
            continue
        nxt = units[i + 1] if i + 1 < len(units) else None
        prev = units[i - 1] if i else None
        if (
            nxt is not None
            and not numbered_item(nxt)
            and not numbered_item(prev)
            and _is_heading_text(_NUMBER_MARKER.sub("", unit.lines[0].text), markdown=markdown)
        ):
            unit.kind = "heading"


def _passage(
    doc: Document, index: int, text: str, kind: str, heading: str | None, start: int, end: int
) -> Passage:
    return Passage(
        index=index,
        text=text,
        kind=kind,
        heading=heading,
        page=doc.page_of(start),
        char_start=start,
        char_end=end,
        line_start=doc.line_of(start),
        line_end=doc.line_of(max(start, end - 1)),
    )


def group_lists(passages: list[Passage], doc: Document, *, max_words: int = 120
                ) -> list[Passage]:
    """The units a reader labels: a list is read as one thing with its heading or lead-in.

    Consecutive list items under the same heading become one ``"list"`` passage; a
    paragraph ending in ":" right before them ("Vi ska under året:") is its lead-in and
    joins it. The joined text reads "lead-in item; item; item". A list longer than
    ``max_words`` is cut between items into parts of at most that many words, each keeping
    the lead-in (or heading) as its ``heading``. Passages are renumbered in reading order;
    spans, lines and pages stay exact (a list's span runs from its first to its last item,
    or from its lead-in).
    """
    out: list[Passage] = []
    i = 0
    while i < len(passages):
        p = passages[i]
        lead: Passage | None = None
        if (p.kind == "paragraph" and p.text.rstrip().endswith(":") and i + 1 < len(passages)
                and passages[i + 1].kind == "list_item" and passages[i + 1].heading == p.heading):
            lead, i = p, i + 1
            p = passages[i]
        if p.kind != "list_item":
            out.append(p)
            i += 1
            continue
        run = [p]
        while (i + 1 < len(passages) and passages[i + 1].kind == "list_item"
               and passages[i + 1].heading == p.heading):
            i += 1
            run.append(passages[i])
        i += 1
        context = lead.text.rstrip(":").strip() if lead else p.heading
        parts: list[list[Passage]] = [[]]
        words = lead.n_words if lead else 0
        for item in run:
            if parts[-1] and words + item.n_words > max_words:
                parts.append([])
                words = 0
            parts[-1].append(item)
            words += item.n_words
        for k, part in enumerate(parts):
            first = lead if (lead is not None and k == 0) else part[0]
            body = "; ".join(x.text.rstrip(";.,") for x in part)
            text = f"{lead.text} {body}" if first is lead and lead is not None else body
            start, end = first.char_start, part[-1].char_end
            out.append(Passage(index=0, text=text, kind="list", heading=context,
                               page=doc.page_of(start), char_start=start, char_end=end,
                               line_start=doc.line_of(start),
                               line_end=doc.line_of(max(start, end - 1))))
    return [Passage(index=n, text=x.text, kind=x.kind, heading=x.heading, page=x.page,
                    char_start=x.char_start, char_end=x.char_end, line_start=x.line_start,
                    line_end=x.line_end) for n, x in enumerate(out)]
