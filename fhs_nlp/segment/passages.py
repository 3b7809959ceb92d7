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
* a paragraph or list item longer than ``max_words`` is cut into windows on sentence
  boundaries, each at most ``window_words`` words where the sentences allow; by default
  they share no words, so every sentence is embedded once (with 30 shared words, the
  earlier default, a 29-page draft had 8 % more tokens to embed and the eval figures were
  the same to the last digit); ``overlap_words`` makes consecutive windows share about
  that many;
* passages without a letter or digit ("---", "…") are dropped.

Sentences come from a regex splitter written for paragraph text (Swedish abbreviations
such as "t.ex." and "bl.a." do not end a sentence). Inside a paragraph it finds the
same boundaries as :func:`fhs_nlp.segment.nlp.sentences` (a test checks this on the gold
drafts) without loading spaCy, which costs about 4 s per process;
``sentence_splitter="spacy"`` uses the spaCy pipeline instead.

Every passage keeps its character span in :attr:`Document.text`, its lines and its
page, so evidence can be traced back to the source.

The block and unit rules are in :mod:`~fhs_nlp.segment.text_blocks`, the sentence
splitter and the windows in :mod:`~fhs_nlp.segment.sentence_windows`; this module puts
them together and makes the :class:`~fhs_nlp.datamodel.passages.Passage` records.
"""

from __future__ import annotations

from typing import Literal

from fhs_nlp.datamodel.document import Document
from fhs_nlp.datamodel.passages import Passage
from fhs_nlp.extract.text import join_lines
from fhs_nlp.segment.sentence_windows import (
    SentenceSplitter,
    count_words,
    sentence_spans,
    spacy_sentence_spans,
    word_windows,
)
from fhs_nlp.segment.text_blocks import (
    HAS_WORD,
    LIST_MARKER,
    MD_HEADING,
    NUMBER_MARKER,
    Unit,
    block_units,
    clean_text,
    is_heading_text,
    join_across_pages,
    split_blocks,
    table_row_ends,
    wrap_width,
)

__all__ = ["group_lists", "split_passages"]


# --------------------------------------------------------------------------- main


def _unit_text(unit: Unit, *, markdown: bool) -> str:
    parts = [line.text for line in unit.lines]
    if unit.kind == "heading" and unit.level is not None:
        match = MD_HEADING.match(parts[0])
        parts = [match.group(2) if match else parts[0]]
    elif unit.kind == "list_item":
        parts[0] = LIST_MARKER.sub("", parts[0], count=1)
    elif unit.cells is not None:
        parts = [" | ".join(c for c in unit.cells if c)]
    elif unit.table_row:
        cells = [c.strip() for c in parts[0].strip().strip("|").split("|")]
        parts = [" | ".join(c for c in cells if c)]
    return clean_text(join_lines(parts), markdown=markdown)


def split_passages(
    doc: Document,
    *,
    max_words: int = 120,
    window_words: int = 90,
    overlap_words: int = 0,
    sentence_splitter: Literal["regex", "spacy"] = "regex",
) -> list[Passage]:
    """The passages of a read document, in reading order (see the module docstring).

    ``max_words``: a paragraph or list item longer than this is cut into windows of at
    most ``window_words`` words (where the sentences allow) overlapping by about
    ``overlap_words`` (none by default: each sentence is embedded once).
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
        spacy_sentence_spans if sentence_splitter == "spacy" else sentence_spans
    )
    markdown = doc.source_path.suffix.lower() in {".md", ".markdown"}
    rows = table_row_ends(doc) if any(p.tables for p in doc.pages) else {}
    blocks = join_across_pages(split_blocks(doc.text))
    width = wrap_width(blocks)

    units: list[Unit] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        row_end = rows.get(block[0].content_start)
        if row_end is None:
            units.extend(block_units(block, markdown=markdown, width=width))
        else:  # one table row: its cells are the blocks up to the row's end
            cells = [block]
            while i + 1 < len(blocks) and blocks[i + 1][0].content_start < row_end:
                i += 1
                cells.append(blocks[i])
            units.append(
                Unit(
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
        if not HAS_WORD.search(text):
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
        if count_words(text) <= max_words:
            passages.append(_passage(doc, len(passages), text, unit.kind, heading, unit.start,
                                     unit.end))
            continue
        raw = doc.text[unit.start : unit.end]
        if unit.kind == "list_item":  # the marker is not part of any sentence
            marker = LIST_MARKER.match(raw)
            skip = marker.end() if marker else 0
        else:
            skip = 0
        body = raw[skip:]
        spans = split(body)
        for a, b in word_windows(body, spans, window_words, overlap_words):
            piece = clean_text(join_lines(body[a:b].replace("\f", "\n").split("\n")),
                           markdown=markdown)
            if HAS_WORD.search(piece):
                start = unit.start + skip + a
                passages.append(_passage(doc, len(passages), piece, "window", heading, start,
                                         unit.start + skip + b))
    return passages


def _numbered_headings(units: list[Unit], *, markdown: bool) -> None:
    """A numbered line that ends its block ("3. Samverkan") is a numbered heading, unless
    the units around it are numbered list items (a list with blank lines between)."""

    def numbered_item(unit: Unit | None) -> bool:
        return (
            unit is not None
            and unit.kind == "list_item"
            and bool(NUMBER_MARKER.match(unit.lines[0].text))
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
            and is_heading_text(NUMBER_MARKER.sub("", unit.lines[0].text), markdown=markdown)
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
