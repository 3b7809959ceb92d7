"""Decisions read from the sections of a protocol: "Regionstyrelsens beslut", then its points.

A protocol states what was decided under a heading ("Beslut", "Förslag till beslut",
"Regionstyrelsen beslutar"), as numbered or "att"-points; each point becomes a mention,
dated by the meeting (or, for a proposal, by the document), with the "§" above it. The
deadlines inside a point ("senast 2022-09-15") are read here too.
"""

from __future__ import annotations

import re

from fhs_nlp.datamodel.entities import Entity
from fhs_nlp.extract.decision_context import (
    DecisionContext,
    Mention,
    clean_text,
    cut_spans,
    is_genitive,
)
from fhs_nlp.extract.decision_patterns import (
    ATT_ITEM,
    DATE_FIELDS,
    DEADLINE_BEFORE,
    DECISION_HEADING,
    NUMBER_ITEM,
    PARAGRAPH_LINE,
    PROPOSAL_HEADING,
    VERB_HEADING,
    VERB_RE,
)
from fhs_nlp.segment.swedish_values import canonical_body, parse_date, parse_decision_ref


def read_heading(line: str) -> tuple[str, str | None] | None:
    """("decision"|"proposal", owner body) if ``line`` opens a decision/proposal section."""
    stripped = " ".join(line.split())
    if not stripped or len(stripped.split()) > 12:
        return None
    m = VERB_HEADING.match(stripped)
    if m and canonical_body(m.group("owner")):
        kind = "proposal" if m.group("verb").lower().startswith("före") else "decision"
        return kind, canonical_body(m.group("owner"))
    for kind, regex in (("decision", DECISION_HEADING), ("proposal", PROPOSAL_HEADING)):
        m = regex.match(stripped)
        if m:
            owner = m.group("owner")
            return kind, (canonical_body(owner) if owner else None)
    return None


def section_items(ctx: DecisionContext, first: int) -> list[tuple[int, int]]:
    """Line-index ranges [a, b) of the points of a section whose first line is ``first``.

    Points are numbered ("1.", "2)", counting up) or "att"-points; a point runs on over
    line breaks and blank lines (PDF text breaks sentences anywhere) until the next point,
    or a blank line after a point that ended with a full stop.
    """
    lines = ctx.lines
    k = first
    while k < len(lines) and not lines[k].text.strip() and k - first < 4:
        k += 1
    if k >= len(lines) or not lines[k].text.strip():
        return []
    head = lines[k].text
    if read_heading(head):
        return []  # "Regionstyrelsens beslut" / "Regionstyrelsen beslutar": the inner one leads
    numbered = NUMBER_ITEM.match(head)
    if not numbered and not ATT_ITEM.match(head):
        # one plain paragraph, if it reads as a decision
        end = k
        while end < len(lines) and lines[end].text.strip():
            end += 1
        para = " ".join(ln.text for ln in lines[k:end])
        lead = lines[k].start + len(head) - len(head.lstrip())
        starts_with_body = any(e.start == lead for e in ctx.ents(lead, lines[k].end, "BODY"))
        return [(k, end)] if (VERB_RE.search(para) or starts_with_body) else []
    items: list[tuple[int, int]] = []
    expected = int(numbered.group("n")) if numbered else None
    start = last = k
    blank = False
    for i in range(k + 1, len(lines)):
        line = lines[i].text
        if not line.strip():
            blank = True
            continue
        m = NUMBER_ITEM.match(line) if numbered else ATT_ITEM.match(line)
        if m and (expected is None or int(m.group("n")) == expected + 1):
            items.append((start, last + 1))
            start = last = i
            expected = int(m.group("n")) if expected is not None else None
            blank = False
            continue
        if blank and re.search(r"[.;!?]\s*$", lines[last].text):
            break
        last = i
        blank = False
    items.append((start, last + 1))
    return items


def section_mentions(
    ctx: DecisionContext, doc_date: str | None, include_proposals: bool = True
) -> list[Mention]:
    out: list[Mention] = []
    lines = ctx.lines
    section_id = 0
    last_section_end = 0
    i = 0
    while i < len(lines):
        start, end, line = lines[i].start, lines[i].end, lines[i].text
        found = None if i == ctx.header.doc_type_line else read_heading(line)
        if not found or ctx.is_consumed(start, end):
            i += 1
            continue
        kind, owner = found
        items = section_items(ctx, i + 1)
        if not items:
            nxt = next((ln for ln in lines[i + 1 : i + 5] if ln.text.strip()), None)
            if nxt is not None and read_heading(nxt.text):
                ctx.consumed.append((start, end))  # an outer heading over an inner one
            i += 1
            continue
        section_id += 1
        # the "§ N" heading above, after the previous section
        paragraph = None
        for j in range(i, max(last_section_end, i - 40) - 1, -1):
            m = PARAGRAPH_LINE.match(lines[j].text)
            if m:
                paragraph = f"§ {m.group('n')}"
                break
        if kind == "decision":
            date = meeting_date(ctx, start)
            date_source = "the meeting date (header 'Datum')"
        else:
            date = doc_date
            date_source = "the date of the proposal document"
        sec_end = lines[items[-1][1] - 1].end
        ctx.consumed.append((start, sec_end))
        for a, b in items:
            istart, iend = lines[a].start, lines[b - 1].end
            raw = ctx.doc.text[istart:iend]
            lead = len(raw) - len(raw.lstrip())
            marker = NUMBER_ITEM.match(raw.lstrip()) or ATT_ITEM.match(raw.lstrip())
            body_start = istart + lead + (marker.end() if marker else 0)
            body = owner or ctx.header.body
            text_start = body_start
            for e in ctx.ents(body_start, iend, "BODY"):
                if e.start == body_start and not is_genitive(e):
                    body, text_start = e.norm, e.end
                break
            item_date, item_para = date, paragraph
            for e in ctx.ents(istart, iend, "DECISION"):
                d, p = parse_decision_ref(e.text)
                item_date, item_para = d or item_date, p or item_para
                break
            refs = [(e.start, e.end) for e in ctx.ents(text_start, iend, "DECISION")]
            text = clean_text(cut_spans(ctx.doc.text[text_start:iend], refs, text_start))
            if kind == "proposal" and not include_proposals:
                pass  # left out on request; a deadline it sets is still recorded
            elif item_date is None:
                ctx.warn(
                    f"point of a {kind} section has no date ({date_source} is missing): "
                    f"'{excerpt(text)}'",
                    istart,
                    iend,
                )
            else:
                out.append(
                    Mention("decision", item_date, body, item_para, text, istart, iend, section_id)
                )
            out.extend(deadline_mentions(ctx, istart, iend, body, item_para, text, section_id))
        last_section_end = items[-1][1]
        i = items[-1][1]
    return out


def meeting_date(ctx: DecisionContext, before: int) -> str | None:
    """The nearest 'Datum'/'Sammanträdesdatum' date above ``before``, else the header's."""
    best = None
    for label, value, a, _b in ctx.header.fields:
        if label in DATE_FIELDS and a < before and value.split():
            best = parse_date(value.split()[0]) or best
    return best or ctx.header.date


def excerpt(text: str, n: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def deadline_mentions(
    ctx: DecisionContext,
    start: int,
    end: int,
    body: str | None,
    paragraph: str | None,
    text: str,
    section: int | None,
) -> list[Mention]:
    """Deadline records for every "senast <date>" in [start, end) of a section point.

    The text is the whole point (what is due, from whom); the provenance is the deadline
    phrase itself ("senast 2022-09-15"), which a reviewer looks for.
    """
    return [
        Mention("deadline", e.norm, body, paragraph, text, *deadline_span(ctx, e), section)
        for e in ctx.ents(start, end, "DATE")
        if len(e.norm or "") == 10 and is_deadline(ctx, e, start)
    ]


def deadline_span(ctx: DecisionContext, date: Entity) -> tuple[int, int]:
    """Span of "senast 2022-09-15" (the marker and the date)."""
    floor = max(0, date.start - 40)
    m = DEADLINE_BEFORE.search(ctx.doc.text[floor : date.start])
    return (floor + m.start() if m else date.start), date.end


def is_deadline(ctx: DecisionContext, date: Entity, floor: int = 0) -> bool:
    return bool(DEADLINE_BEFORE.search(ctx.doc.text[max(floor, date.start - 40) : date.start]))
