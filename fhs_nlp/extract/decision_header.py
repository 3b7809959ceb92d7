"""The header of a protocol or decision document: its fields, its title, its own decision.

Protocols and tjänsteskrivelser start with labelled fields ("Sammanträdesdatum",
"Dnr", "Godkänd av", "Gäller fr.o.m."). They give the meeting date later decisions take,
the deciding body, and, for a document that is itself a decision, a record of its own.
"""

from __future__ import annotations

import re

from fhs_nlp.extract.decision_context import (
    DecisionContext,
    Header,
    Mention,
    case_numbers,
)
from fhs_nlp.extract.decision_patterns import (
    APPROVAL_FIELDS,
    APPROVER_FIELDS,
    DATE_FIELDS,
    HEADER_LINES,
    KNOWN_FIELDS,
    PARAGRAPH_LINE,
    STOP,
    TABLE_FIELDS,
    VALIDITY_FIELDS,
)
from fhs_nlp.extract.decision_sections import read_heading
from fhs_nlp.segment.swedish_values import canonical_body, normalise_text, parse_date


def read_header(ctx: DecisionContext) -> Header:
    header = Header()
    non_empty = 0
    last_field_line = -1
    for idx, ln in enumerate(ctx.lines[:HEADER_LINES]):
        start, line = ln.start, ln.text
        stripped = line.strip().replace("\f", "")
        if not stripped:
            continue
        non_empty += 1
        if non_empty <= 15:
            bodies = ctx.ents(start, start + len(line), "BODY")
            if header.body is None and len(bodies) == 1 and bodies[0].text.strip() == stripped:
                header.body = bodies[0].norm
            if (
                header.doc_type is None
                and re.fullmatch(r"[A-ZÅÄÖ]{5,}", stripped)
                and canonical_body(stripped) is None
            ):
                header.doc_type = stripped
                header.doc_type_line = idx
        # label/value pairs: tab-separated cells, or "Label: value" / "Label value"
        cells = [c.strip() for c in line.split("\t")] if "\t" in line else [stripped]
        found = False
        for ci, cell in enumerate(cells):
            label = cell.rstrip(":").strip().lower()
            if "\t" in line and label in TABLE_FIELDS:
                value = cells[ci + 1] if ci + 1 < len(cells) else ""
                header.fields.append((label, value, start, start + len(line)))
                found = True
            elif "\t" not in line:
                for known in sorted(KNOWN_FIELDS, key=len, reverse=True):
                    m = re.match(re.escape(known) + r"(?:\s*:\s*|\s+|$)(.*)$", cell, re.I)
                    if m:
                        header.fields.append((known, m.group(1).strip(), start, start + len(line)))
                        found = True
                        break
        if found:
            last_field_line = idx
    for label, value, _, _ in header.fields:
        if label in DATE_FIELDS and header.date is None:
            header.date = parse_date(value.split()[0]) if value.split() else None
    # the title: first plain line after the header fields (used by header records);
    # address lines ("Besöksadress: …") are skipped, a title wrapped after "för" is joined
    candidates = ctx.lines[last_field_line + 1 : HEADER_LINES]
    for n, ln in enumerate(candidates):
        line = ln.text
        stripped = line.strip()
        if (
            stripped
            and "\t" not in line
            and len(stripped.split()) <= 15
            and stripped != header.doc_type
            and canonical_body(stripped) is None
            and not re.fullmatch(r"[\d\s()]+", stripped)
            and not re.match(r"^[\w() ]{2,30}:\s", stripped)
            and "@" not in stripped
            and not read_heading(stripped)
        ):
            title = stripped
            following = candidates[n + 1].text.strip() if n + 1 < len(candidates) else ""
            if following and title.split()[-1].lower() in STOP:
                title += " " + following
            header.title = normalise_text(title)
            break
    return header


def header_mentions(ctx: DecisionContext) -> list[Mention]:
    header = ctx.header
    out: list[Mention] = []
    fields = {label: (value, a, b) for label, value, a, b in reversed(header.fields)}
    approver = next((fields[k] for k in APPROVER_FIELDS if k in fields), None)
    approver_body = None
    if approver and approver[0].strip():
        approver_body = canonical_body(approver[0].strip()) or approver[0].strip()
    body = approver_body or header.body
    title = header.title or "dokumentet"
    for label, value, a, b in header.fields:
        if label in APPROVAL_FIELDS:
            date = parse_date(value) if value else None
            end = max(b, approver[2]) if approver else b
            ctx.consumed.append((a, end))
            if date is None:
                ctx.warn(
                    f"header field '{label}' looks like a decision date but holds "
                    f"'{value or '(empty)'}', not a date; no decision recorded",
                    a,
                    b,
                )
                continue
            out.append(
                Mention(
                    "decision", date, body, None, f"{APPROVAL_FIELDS[label]}: {title}", a, end
                )
            )
        elif label in VALIDITY_FIELDS:
            # when the document applies is neither a decision, a deadline nor a document
            # (eval/GUIDELINES.md 44): read, so that no other rule takes it, but not recorded
            ctx.consumed.append((a, b))
    # the document itself, where its header gives type and date ("PROTOKOLLSUTDRAG",
    # "Datum 2020-04-16"); a protocol extract of a single "§ N" carries that paragraph
    if header.doc_type and header.date:
        a, b = next((a, b) for lbl, _v, a, b in header.fields if lbl in DATE_FIELDS)
        paragraphs = {m.group("n") for ln in ctx.lines if (m := PARAGRAPH_LINE.match(ln.text))}
        paragraph = f"§ {paragraphs.pop()}" if len(paragraphs) == 1 else None
        doc_name = header.doc_type.capitalize()
        own = Mention("document", header.date, header.body, paragraph, doc_name, a, b)
        # a protocol of many cases has no one case number; an extract of one case has
        own.own_case = False
        numbers = {number for _, number in case_numbers(ctx)}
        own.case = numbers.pop() if len(numbers) == 1 else None
        out.append(own)
    return out
