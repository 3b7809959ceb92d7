"""What the decision readers share while reading one document: mentions, header, context.

Each reader (header fields, decision sections, running text) finds :class:`Mention`
objects in the same :class:`DecisionContext`, which holds the lines, the entities and
the spans already taken, so that a decision read from a section is not read again from
the sentence it stands in. The merging and the records are made in
:mod:`fhs_nlp.extract.decisions`.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Literal

from fhs_nlp.datamodel.document import Document
from fhs_nlp.datamodel.entities import Entity
from fhs_nlp.datamodel.records import ExtractionWarning
from fhs_nlp.errors import W_DECISION_UNDATED
from fhs_nlp.extract.decision_patterns import (
    CASE_LABEL_RE,
    DECISION_LEMMAS,
    STOP,
    VERB_FORMS,
)
from fhs_nlp.lines import Line
from fhs_nlp.segment import nlp as N
from fhs_nlp.segment.swedish_values import canonical_body, normalise_text


@dataclass
class Mention:
    kind: Literal["decision", "deadline", "document"]
    date: str | None
    body: str | None
    paragraph: str | None
    text: str
    start: int
    end: int
    section: int | None = None  # points of one section are never merged
    time_hint: tuple[int, int | None] | None = None  # (year, month) of an undated mention
    evidence: str = ""
    #: True: the record belongs to the document's own case (its points, its deadlines,
    #: its documents); False: a decision the text cites, whose case is ``case`` (a number
    #: in the same sentence) or unknown
    own_case: bool = True
    case: str | None = None


@dataclass
class Header:
    body: str | None = None
    doc_type: str | None = None
    doc_type_line: int | None = None
    date: str | None = None
    title: str | None = None
    fields: list[tuple[str, str, int, int]] = field(default_factory=list)  # label, value, span


@dataclass
class DecisionContext:
    doc: Document
    entities: list[Entity]
    entity_starts: list[int]
    header: Header
    lines: list[Line]
    consumed: list[tuple[int, int]] = field(default_factory=list)
    warnings: list[ExtractionWarning] = field(default_factory=list)

    def ents(self, start: int, end: int, *labels: str) -> list[Entity]:
        i = bisect.bisect_left(self.entity_starts, start)
        out = []
        while i < len(self.entities) and self.entities[i].start < end:
            e = self.entities[i]
            if e.end <= end and (not labels or e.label in labels):
                out.append(e)
            i += 1
        return out

    def warn(self, message: str, start: int, end: int) -> None:
        self.warnings.append(
            ExtractionWarning(
                code=W_DECISION_UNDATED, message=message, provenance=self.doc.provenance(start, end)
            )
        )

    def is_consumed(self, start: int, end: int) -> bool:
        return any(a < end and start < b for a, b in self.consumed)


def clean_text(text: str) -> str:
    """A clean clause: hyphenation joined, quotes and empty brackets dropped, no end stop."""
    text = normalise_text(text)
    text = re.sub(r"[\"“”„«»]", "", text)
    text = re.sub(r"\(\s*\)", "", text)
    text = " ".join(text.split())
    text = re.sub(r"\s+([,.;:])", r"\1", text)
    text = re.sub(r"[,;]?\s+(?:samt|och)$", "", text.strip(" .,;:–-"))  # "att …, samt"
    return text.strip(" .,;:–-")


def cut_spans(text: str, spans: list[tuple[int, int]], base: int) -> str:
    """``text`` (starting at offset ``base``) with the given absolute spans removed."""
    out, pos = [], 0
    for a, b in sorted(spans):
        a, b = a - base, b - base
        if b <= pos or a >= len(text):
            continue
        out.append(text[pos : max(a, pos)])
        out.append(" ")
        pos = max(pos, b)
    out.append(text[pos:])
    return "".join(out)


def split_words(text: str) -> list[str]:
    return re.findall(r"[\wåäöÅÄÖ]+", text)


def content_words(text: str) -> set[str]:
    return {
        lemma
        for lemma in N.lemmas(text)
        if len(lemma) >= 3
        and lemma not in STOP
        and lemma not in DECISION_LEMMAS
        and lemma.lower() not in VERB_FORMS
        and not lemma.isdigit()
    }


def similar_content(a: str, b: str) -> bool:
    ca, cb = content_words(a), content_words(b)
    if not ca or not cb:
        return False
    return len(ca & cb) / min(len(ca), len(cb)) >= 0.5


def is_genitive(entity: Entity) -> bool:
    flat = " ".join(entity.text.split())
    return flat.endswith("s") and canonical_body(flat[:-1]) == entity.norm


def case_numbers(ctx: DecisionContext) -> list[tuple[int, str]]:
    out = []
    for e in ctx.entities:
        if e.label != "CASE_NUMBER":
            continue
        line_start = ctx.doc.text.rfind("\n", 0, e.start) + 1
        if CASE_LABEL_RE.search(ctx.doc.text[line_start : e.start]):
            out.append((e.start, e.norm or e.text))
    return out
