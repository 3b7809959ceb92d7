"""Dated decisions, deadlines and case documents in Swedish protocol and strategy texts.

Decisions come in four shapes, read in this order:

1. **The header** of the document. ``Godkänt datum`` / ``Beslutsdatum`` with ``Godkänd
   av`` / ``Beslutad av`` give a *decision* (the approval of the document, 000). A
   document type with a date ("PROTOKOLLSUTDRAG" + "Datum 2020-04-16", 001) gives a
   *document* record for the document itself. ``Gäller fr.o.m.`` / ``Gäller t.o.m.``
   say when the document applies: neither a decision, a deadline nor a document, so no
   record (as eval/GUIDELINES.md 44 has it).
2. **Decision and proposal sections** of a protocol or beslutsförslag: a heading such as
   "Regionfullmäktiges beslut, enligt regionstyrelsens förslag", "Beslut", "Ordförandens
   förslag", "Förslag till beslut" or "Regionstyrelsen beslutar", followed by numbered
   points ("1.", "2)") or "att"-points. Each point is one decision of the body that opens
   it (or the section's owner, or the document's body). Its date is the meeting date of a
   decision section ("Datum"/"Sammanträdesdatum" in the header); for a *proposal* it is
   the date of the proposal document: the header ``Datum``, or, where that is empty
   (003), the dated listing of the same document type ("1. Beslutsförslag 2022-05-30").
   Such a record says what was proposed on that date; the meeting date of the decision
   is not in the text, and :class:`~fhs_nlp.datamodel.records.Decision` has no field for
   "proposed" (``include_proposals=False`` leaves these points out). The paragraph is
   the "§ N" heading above the section.
3. **Mentions in running text**: a sentence with a decision verb ("fastställde",
   "beslutades", "antog", "godkände", "fastslogs", … or the noun "beslut"), a deciding
   body or a "§ N", and a date ("2021-12-21 § 155", "16 april 2020"). The body is the
   agent nearest the verb (a body after "till", "enligt", "från", "inför" is a recipient
   or proposer, a genitive only counts in "Xs beslut"). A date after "senast" is a
   *deadline*, in any sentence or point; its provenance is the phrase "senast <date>".
4. **Dated documents of the case**: a line "<Document> <ISO date>", e.g. a numbered item of
   "I ärendet finns följande dokument:".

Mentions without a day ("antog i april 2020", "Beslut i Regionfullmäktige april 2020")
are matched to a dated decision of the same body in the same month (or year); a sentence
opening with "Samtidigt" takes the time of the sentence before. A match is a repeat
mention and adds nothing; anything decision-like left without a date becomes warning
**W301**, never a silent drop.

The same decision mentioned twice in one document is one record: same kind and date,
compatible body and paragraph, and either the same "§" or overlapping content words. The
record kept is the first mention, except that a mention carrying the "§" wins over one
without it (001 mentions its decision first in a title line without "§ 33", then in the
protocol section with it); fields missing on the kept mention are filled from the other.
Points of one section are never merged with each other. ``merge_repeats=False`` keeps
one record per mention, as the extraction gold counts them.

``case_number`` is the case a record belongs to, from a labelled number ("Ärendenummer",
"Dnr", "Diarienummer"): for the document's own points, deadlines and case documents, the
number in force (the nearest one above, else the first in the document); for a decision
the text only cites ("Regionfullmäktige fastställde 2020-04-16 § 33 …"), a number in the
same sentence, else None, since the document does not say in which case it was taken;
for the document itself, its number if it has exactly one. None where no number is
labelled (000: "Ange ärendenummer"; 002: only an unlabelled page footer).

Where each part lives: the header in :mod:`~fhs_nlp.extract.decision_header`, sections
and deadlines in :mod:`~fhs_nlp.extract.decision_sections`, running text in
:mod:`~fhs_nlp.extract.decision_text`, their shared words and patterns in
:mod:`~fhs_nlp.extract.decision_patterns` and the per-document state in
:mod:`~fhs_nlp.extract.decision_context`. This module reads the dated documents, merges
repeats, dates the vague mentions and makes the records.
"""

from __future__ import annotations

import bisect

from fhs_nlp.datamodel.document import Document
from fhs_nlp.datamodel.records import Decision, ExtractionWarning
from fhs_nlp.extract.decision_context import (
    DecisionContext,
    Header,
    Mention,
    case_numbers,
    similar_content,
)
from fhs_nlp.extract.decision_header import header_mentions, read_header
from fhs_nlp.extract.decision_patterns import (
    DOC_LISTING,
    KNOWN_FIELDS,
    VERB_RE,
)
from fhs_nlp.extract.decision_sections import (
    excerpt,
    section_mentions,
)
from fhs_nlp.extract.decision_text import text_mentions
from fhs_nlp.lines import split_lines
from fhs_nlp.segment import nlp as N
from fhs_nlp.segment.swedish_values import parse_date

__all__ = ["extract_decisions"]

# --------------------------------------------------------------------------- documents


def _document_mentions(ctx: DecisionContext) -> list[Mention]:
    out = []
    for ln in ctx.lines:
        start, end, line = ln.start, ln.end, ln.text
        if "\t" in line or ctx.is_consumed(start, end):
            continue
        m = DOC_LISTING.match(line)
        if not m:
            continue
        name = " ".join(m.group("name").split()).rstrip(",")
        if name.lower().rstrip(":") in KNOWN_FIELDS or VERB_RE.search(name):
            continue
        date = parse_date(m.group("date"))
        if date is None:
            continue
        s = start + len(line) - len(line.lstrip())
        out.append(Mention("document", date, ctx.header.body, None, name, s, end))
    return out


# --------------------------------------------------------------------------- merging


def _same(a: Mention, b: Mention) -> bool:
    if a.kind != b.kind or a.date != b.date:
        return False
    if a.section is not None and a.section == b.section:
        return False
    if a.body and b.body and a.body != b.body:
        return False
    if a.paragraph and b.paragraph:
        return a.paragraph == b.paragraph
    if a.kind == "document":
        return a.text.lower() == b.text.lower()
    return similar_content(a.text, b.text)


def _merge(mentions: list[Mention]) -> list[Mention]:
    kept: list[Mention] = []
    for m in sorted(mentions, key=lambda x: (x.start, x.end)):
        for i, k in enumerate(kept):
            if _same(k, m):
                first, other = (m, k) if (m.paragraph and not k.paragraph) else (k, m)
                first.body = first.body or other.body
                first.paragraph = first.paragraph or other.paragraph
                if not first.own_case and first.case is None:
                    first.own_case, first.case = other.own_case, other.case
                kept[i] = first
                break
        else:
            kept.append(m)
    return sorted(kept, key=lambda x: (x.start, x.end))


def _resolve_vague(ctx: DecisionContext, vague: list[Mention], dated: list[Mention]) -> None:
    """Vague mentions that repeat a dated decision add nothing; the rest become W301."""
    for v in vague:
        candidates = [
            d
            for d in dated
            if d.kind == "decision"
            and (d.body is None or v.body is None or d.body == v.body)
            and (v.paragraph is None or d.paragraph is None or d.paragraph == v.paragraph)
        ]
        if v.time_hint is not None:
            year, month = v.time_hint
            prefix = f"{year:04d}" + (f"-{month:02d}" if month else "")
            if any(d.date and d.date.startswith(prefix) for d in candidates):
                continue
        who = v.body or "an unnamed body"
        when = ""
        if v.time_hint:
            year, month = v.time_hint
            when = f" (only '{year}{f'-{month:02d}' if month else ''}' is given)"
        hint = ""
        if candidates:
            near = ", ".join(
                f"{d.date}{' ' + d.paragraph if d.paragraph else ''} "
                f"(line {ctx.doc.line_of(d.start)})"
                for d in candidates[:3]
            )
            hint = f"; it may repeat {near}"
        ctx.warn(
            f"looks like a decision by {who} but has no parseable date{when}: "
            f"'{excerpt(v.evidence)}'{hint}",
            v.start,
            v.end,
        )


# --------------------------------------------------------------------------- entry point


def _doc_date(ctx: DecisionContext, documents: list[Mention]) -> str | None:
    """The document's own date: header 'Datum', else the listing of its document type."""
    if ctx.header.date:
        return ctx.header.date
    if ctx.header.doc_type:
        for d in documents:
            if d.text.lower() == ctx.header.doc_type.lower():
                return d.date
    return None


def extract_decisions(
    doc: Document, *, include_proposals: bool = True, merge_repeats: bool = True
) -> tuple[list[Decision], list[ExtractionWarning]]:
    """Decisions, deadlines and dated case documents of ``doc``, with W301 warnings.

    Records are in text order, numbered ``<doc_id>:decision:<n>`` from 1.

    ``include_proposals``: record the points of a proposal section ("Ordförandens
    förslag") as decisions dated by the proposal document (default), or leave them out
    as the extraction gold does (eval/GUIDELINES.md 47); deadlines they set are kept.
    ``merge_repeats``: one record per decision and document (default), or one per mention
    as the gold counts them (GUIDELINES 46).
    """
    entities = N.find_entities(doc.text)
    ctx = DecisionContext(
        doc=doc,
        entities=entities,
        entity_starts=[e.start for e in entities],
        header=Header(),
        lines=split_lines(doc.text),
    )
    ctx.header = read_header(ctx)
    mentions = header_mentions(ctx)
    documents = _document_mentions(ctx)
    mentions += section_mentions(ctx, _doc_date(ctx, documents), include_proposals)
    dated, vague = text_mentions(ctx)
    mentions += dated
    mentions += [d for d in documents if not ctx.is_consumed(d.start, d.end)]
    merged = _merge(mentions) if merge_repeats else sorted(mentions, key=lambda x: (x.start, x.end))
    _resolve_vague(ctx, vague, merged)

    cases = case_numbers(ctx)
    case_starts = [c[0] for c in cases]
    records = []
    for n, m in enumerate(merged, start=1):
        case = m.case
        if m.own_case and cases:
            i = bisect.bisect_right(case_starts, m.start) - 1
            case = cases[i][1] if i >= 0 else cases[0][1]
        records.append(
            Decision(
                record_id=f"{doc.doc_id}:decision:{n}",
                provenance=doc.provenance(m.start, m.end),
                decision_kind=m.kind,
                date=m.date or "",
                body=m.body,
                paragraph=m.paragraph,
                case_number=case,
                text=m.text,
            )
        )
    warnings = sorted(
        {
            (w.provenance.char_start if w.provenance else -1, w.message): w for w in ctx.warnings
        }.values(),
        key=lambda w: w.provenance.char_start if w.provenance else -1,
    )
    return records, warnings
