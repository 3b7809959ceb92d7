"""How wide a column of a milestone table is, judged so that one edited cell cannot
change it.

Text extracted from a table keeps each cell's line wrapping; the milestone and effects
columns wrap at different widths, and that tells which column a paragraph came from
(:class:`~fhs_nlp.extract.table_model.ColumnWidths`). The width was the longest
line seen in the column on the page. But a plan's text is also edited as text: a title
made longer on its line without wrapping it again ("Handlingsplan för en ny och
bättre samordnad AI-stödd informationsdriven vård framtagen") then widened the whole
page's column, and the paragraphs of *other* rows no longer fitted it: a neighbour's
description was read as an effect.

Lines of a column as laid out end close to its edge: with a proportional font their
lengths in characters scatter by a few characters below the width, never far above the
other long lines. Lines that stand out above all the others by more than :data:`GAP`
characters were not laid out in that column: they were typed longer afterwards. So the
width is the longest line once such lines are set aside (at most one line in ten, see
:data:`SHARE`, so that a column with a few long lines keeps its width). On text as
extracted nothing is set aside and the width is the longest line, as before.

Why not the wrap evidence (a wrapped line says the column is narrower than the line
plus the next word)? With proportional fonts it contradicts itself by several
characters on every page of the real plan, so it cannot tell an edit from layout.
"""

from __future__ import annotations

from collections.abc import Sequence

#: A line longer than every other line of the column by more than this (characters) is
#: an edit, not layout.
GAP = 4
#: At most this share of a column's lines (and at least one) may be set aside.
SHARE = 0.1


def column_width(paragraphs: Sequence[Sequence[str]]) -> int | None:
    """The width in characters of the column these paragraphs (lists of lines) fill;
    None without any line."""
    lengths = sorted((len(line.rstrip()) for lines in paragraphs for line in lines
                      if line.strip()), reverse=True)
    if not lengths:
        return None
    allowed = min(max(1, int(len(lengths) * SHARE)), len(lengths) - 1)
    # set aside everything above the lowest wide gap among the longest lines
    top = max((k for k in range(1, allowed + 1) if lengths[k - 1] - lengths[k] > GAP),
              default=0)
    return lengths[top]
