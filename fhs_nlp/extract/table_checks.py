"""A milestone table the reader saw but could not read must not vanish without a word.

A borderless table, a scan of one, or a layout no reader path understands would give
no milestones at all; if the text shows the table's header ("Milstolpe" beside
"Effekter …"), that is reported (W114) so the user knows records are missing.
"""

from __future__ import annotations

import re

from fhs_nlp.datamodel.document import Document
from fhs_nlp.datamodel.records import ExtractionWarning
from fhs_nlp.errors import W_MILESTONE_TABLE_UNREAD

_HEADER_RE = re.compile(r"\bmilstol-?\s*pe\b[^\n]{0,200}\beffekt|\beffekt[^\n]{0,200}\bmilstolpe\b",
                        re.IGNORECASE)


def unread_table_warnings(doc: Document) -> list[ExtractionWarning]:
    """W114 where the text holds a milestone table header (on one line, or on the
    lines of one header row) and no milestone was read."""
    for page in doc.pages:
        window = page.text
        match = _HEADER_RE.search(window) or _HEADER_RE.search(
            re.sub(r"\s*\n\s*", " ", window[:4000])
        )
        if match is None:
            continue
        start = page.char_start + (match.start() if _HEADER_RE.search(window) else 0)
        where = f"page {page.number}" if doc.has_page_numbers else f"line {doc.line_of(start)}"
        return [
            ExtractionWarning(
                code=W_MILESTONE_TABLE_UNREAD,
                message=f"a milestone table header stands on {where}, but no milestone row "
                "could be read from the table (a borderless table, or one drawn as an "
                "image?); check the file, or export the table with its cell borders",
                provenance=doc.provenance(start, start + 1),
            )
        ]
    return []
