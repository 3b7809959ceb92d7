"""The 5 fokusförflyttningar (2025 strategy) or perspektivskiften (2020 decision).

Each is a paragraph that opens "Fokus flyttas från X till Y", possibly behind a list
marker ("- ", "1. ", "- 3.** "). The whole paragraph is the statement. The från/till
parts come from the slide's captions under it ("Från fokus på sjukdom till..." /
"...till fokus på hälsa") where there are any, else from the opening clause. Both
documents list the shifts in the same order, so the n-th shift of one is linked to the
n-th of the other (``statement_id`` "shift/n"), and a pair whose wording differs a lot
is reported.
"""

from __future__ import annotations

import re

from fhs_nlp.datamodel.document import Document
from fhs_nlp.datamodel.records import ExtractionWarning, Fokusforflyttning
from fhs_nlp.errors import W_FOKUS_COUNT, W_FOKUS_DIFFERS, W_FOKUS_WITHOUT_TILL
from fhs_nlp.extract.linking import link_statements
from fhs_nlp.extract.text import join_lines
from fhs_nlp.lines import split_lines

_OPENING_RE = re.compile(
    r"^\s*(?:[-•*]\s*)?(?:\d+\s*[.)]\s*)?(?:\*+\s*)?(Fokus\s+flyttas\s+från\b.*)$", re.IGNORECASE
)
_FROM_TO_RE = re.compile(r"^Fokus\s+flyttas\s+från\s+(.+?)\s+till\s+(.+?)(?:[.;]\s|[.;]?$)", re.I)


def extract_fokusforflyttningar(
    doc: Document,
) -> tuple[list[Fokusforflyttning], list[ExtractionWarning]]:
    lines = split_lines(doc.text)
    term = (
        "perspektivskifte"
        if re.search(r"perspektivskift", doc.text, re.I)
        else ("fokusförflyttning")
    )
    records: list[Fokusforflyttning] = []
    warnings: list[ExtractionWarning] = []
    i = 0
    while i < len(lines):
        match = _OPENING_RE.match(lines[i].text)
        if not match:
            i += 1
            continue
        first = lines[i]
        parts = [match.group(1)]
        last = first
        j = i + 1
        while j < len(lines) and not lines[j].blank:
            parts.append(lines[j].text)
            last = lines[j]
            j += 1
        text = join_lines(parts)
        start = first.start + first.text.index(match.group(1))
        from_to = _FROM_TO_RE.match(text)
        captions = _captions(lines, j)
        number = len(records) + 1
        if from_to is None:
            warnings.append(
                ExtractionWarning(
                    code=W_FOKUS_WITHOUT_TILL,
                    message="a 'Fokus flyttas från …' statement without a readable 'till' part",
                    provenance=doc.provenance(start, last.end),
                )
            )
        records.append(
            Fokusforflyttning(
                record_id=f"{doc.doc_id}:fokusforflyttning:{number}",
                provenance=doc.provenance(start, last.end),
                number=number,
                term=term,
                text=text,
                from_focus=captions[0]
                if captions
                else (from_to.group(1).strip() if from_to else None),
                to_focus=captions[1]
                if captions
                else (from_to.group(2).strip().rstrip(".") if from_to else None),
                statement_id=f"shift/{number}",
            )
        )
        i = j
    if records and len(records) != 5:
        warnings.append(
            ExtractionWarning(
                code=W_FOKUS_COUNT,
                message=f"found {len(records)} {term}ar where the strategy has 5",
                provenance=records[0].provenance,
            )
        )
    return records, warnings


_CAPTION_FROM_RE = re.compile(r"^Från\s+(.*?)(?:\s*till)?\s*(?:\.\.\.|…)\s*$", re.I | re.S)
_CAPTION_TO_RE = re.compile(r"^(?:\.\.\.|…)\s*till\s+(.*)$", re.I | re.S)


def _captions(lines: list, i: int) -> tuple[str, str] | None:
    """The short "Från …" / "…till …" captions of a slide that follow a statement.

    The strategy's slides name each shift twice: in the statement and in two short
    captions under it ("Från fokus på sjukdom till..." / "...till fokus på hälsa"). The
    captions are the shift's own short name, so they are preferred where present.
    Looks ahead until the next non-caption text.
    """
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines[i : i + 16]:
        if line.blank:
            if current:
                paragraphs.append(join_lines(current))
                current = []
                if len(paragraphs) == 2:
                    break
            continue
        if not current and not re.match(r"^(Från\s|\.\.\.|…)", line.stripped, re.I):
            break  # some other text: this statement has no captions
        current.append(line.text)
    if current and len(paragraphs) < 2:
        paragraphs.append(join_lines(current))
    if len(paragraphs) != 2:
        return None
    from_match = _CAPTION_FROM_RE.match(paragraphs[0])
    to_match = _CAPTION_TO_RE.match(paragraphs[1])
    if not from_match or not to_match:
        return None
    return from_match.group(1).strip(), to_match.group(1).strip().rstrip(".…")


def link_shifts(records: list[Fokusforflyttning]) -> list[ExtractionWarning]:
    """Link the n-th shift of each document to the n-th of the others (in place)."""
    return link_statements(
        records,
        text_of=lambda r: r.from_focus or r.text,
        min_similarity=40,
        code=W_FOKUS_DIFFERS,
        what="fokusförflyttning",
    )
