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
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from fhs_nlp.datamodel.document import Document
from fhs_nlp.datamodel.records import Decision, ExtractionWarning
from fhs_nlp.errors import W_DECISION_UNDATED
from fhs_nlp.lines import Line, split_lines
from fhs_nlp.segment import nlp as N

__all__ = ["extract_decisions"]

# --------------------------------------------------------------------------- vocabulary

_VERB_FORMS = {
    # besluta
    "beslutade", "beslutar", "beslutat", "beslutit", "beslutades", "beslutats", "beslöt",
    "beslöts", "beslutad", "beslutads",
    # fastställa
    "fastställde", "fastställer", "fastställt", "fastställdes", "fastställts", "fastställd",
    "fastställda",
    # fastslå
    "fastslog", "fastslogs", "fastslår", "fastslagit", "fastslagits", "fastslagen",
    "fastslaget", "fastslagna",
    # anta
    "antog", "antogs", "antar", "antagit", "antagits", "antagen", "antaget", "antagna",
    # godkänna
    "godkände", "godkändes", "godkänner", "godkänt", "godkänts", "godkänd", "godkända",
    # bifalla, avslå, uppdra
    "biföll", "bifölls", "bifaller", "avslog", "avslogs", "avslår", "uppdrog", "uppdrogs",
    "uppdrar",
}  # fmt: skip
_PARTICIPLES = {
    "beslutad", "beslutat", "beslutade", "fastställd", "fastställt", "fastställda",
    "fastslagen", "fastslaget", "fastslagna", "antagen", "antaget", "antagna", "godkänd",
    "godkänt", "godkända",
}  # fmt: skip
_AUXILIARIES = {"är", "var", "blev", "blivit", "har", "hade", "vara", "varit", "bli"}
_VERB_RE = re.compile(
    r"(?<![\wåäöÅÄÖ-])(" + "|".join(sorted(_VERB_FORMS, key=len, reverse=True)) + r")(?![\wåäö])",
    re.IGNORECASE,
)
#: The noun: "beslut", "beslutet", and compounds "RD-beslut", "nämndbeslut".
_NOUN_RE = re.compile(r"(?<![\wåäö])[\wåäöÅÄÖ-]*?beslut(?:et)?(?![\wåäö])", re.IGNORECASE)
_DECISION_LEMMAS = {
    "besluta", "fastställa", "fastslå", "anta", "godkänna", "bifalla", "avslå", "uppdra",
    "beslut", "beslutet", "besluten",
}  # fmt: skip
_STOP = {
    "och", "eller", "samt", "för", "med", "till", "från", "som", "att", "den", "det", "de",
    "en", "ett", "av", "på", "i", "om", "mot", "vid", "under", "inom", "utan", "genom",
    "dess", "sin", "sina", "sitt", "denna", "detta", "dessa", "vara", "ska", "skall",
}  # fmt: skip

_NOT_AGENT_BEFORE = re.compile(r"(?:\b(?:till|enligt|från|inför|åt|hos|än)\s+)$", re.IGNORECASE)
_DEADLINE_BEFORE = re.compile(
    r"(?:\bsenast(?:\s+den)?|\bsenast\s+till\s+och\s+med|\bt\.o\.m\.|\btill\s+och\s+med)\s*$",
    re.IGNORECASE,
)
#: Sentence adverbs: "Samtidigt fastslogs att …" has no object before the verb.
_ADVERBS = {
    "samtidigt", "därefter", "sedan", "då", "därför", "också", "även", "vidare", "dessutom",
    "slutligen", "härmed", "därmed", "nu", "tidigare", "senare",
}  # fmt: skip
_SAME_TIME = re.compile(
    r"^(?:samtidigt|vid\s+samma\s+(?:tillfälle|sammanträde|möte)|samma\s+dag)\b",
    re.IGNORECASE,
)

# header fields ------------------------------------------------------------------------
_DATE_FIELDS = ("sammanträdesdatum", "datum")
_APPROVAL_FIELDS = {
    "godkänt datum": "godkänd",
    "godkänd datum": "godkänd",
    "beslutsdatum": "beslutad",
    "beslutat datum": "beslutad",
    "fastställt datum": "fastställd",
}
_APPROVER_FIELDS = ("godkänd av", "beslutad av", "fastställd av", "beslutande")
_VALIDITY_FIELDS = ("gäller fr.o.m.", "gäller från och med", "gäller från", "giltig fr.o.m.",
                    "gäller t.o.m.", "gäller till och med", "giltig t.o.m.")  # fmt: skip
_CASE_LABEL_RE = re.compile(
    r"(?:ärendenummer|ärendenr|ärende\s+nr|diarienummer|diarienr|dnr)\.?\s*:?\s*$",
    re.IGNORECASE,
)
_KNOWN_FIELDS = (
    *_DATE_FIELDS, *_APPROVAL_FIELDS, *_APPROVER_FIELDS, *_VALIDITY_FIELDS,
    "ärendenummer", "diarienummer", "dnr",
)  # fmt: skip
#: Labels recognised only as cells of a tab-separated header table.
_TABLE_FIELDS = (*_KNOWN_FIELDS, "version", "skapad av", "gäller för", "process")
_HEADER_LINES = 60

# sections ------------------------------------------------------------------------------
_OWNER = r"(?P<owner>[A-ZÅÄÖa-zåäö][\wåäöÅÄÖ-]*(?:\s+[\wåäöÅÄÖ-]+){0,5}?)"
_DECISION_HEADING = re.compile(r"^(?:" + _OWNER + r"s\s+)?beslut(?:\s*[,:;(–-].*)?$", re.IGNORECASE)
_PROPOSAL_HEADING = re.compile(
    r"^(?:" + _OWNER + r"s\s+)?(?:förslag(?:\s+till\s+beslut)?|beslutsförslag)\s*:?$",
    re.IGNORECASE,
)
_VERB_HEADING = re.compile(
    r"^(?P<owner>.{3,60}?)\s+(?P<verb>beslutar|beslutade|beslöt|föreslår|föreslog)"
    r"(?:\s+att)?\s*:?$",
    re.IGNORECASE,
)
_NUMBER_ITEM = re.compile(r"^\s*(?P<n>\d{1,2})[.)]\s+")
_ATT_ITEM = re.compile(r"^\s*att\s+", re.IGNORECASE)
_PARAGRAPH_LINE = re.compile(r"^\s*§\s*(?P<n>\d{1,4}[a-z]?)\b")
_DOC_LISTING = re.compile(
    r"^\s*(?:\d{1,2}[.)]\s*)?(?P<name>[A-ZÅÄÖ][\wåäö ,./()-]{2,80}?)\s*,?\s+"
    r"(?:daterad\s+|dat\.\s*)?(?P<date>(?:19|20)\d\d-\d\d-\d\d)\s*\.?\s*$"
)


# --------------------------------------------------------------------------- data


@dataclass
class _Mention:
    kind: str  # "decision" | "deadline" | "document"
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
class _Header:
    body: str | None = None
    doc_type: str | None = None
    doc_type_line: int | None = None
    date: str | None = None
    title: str | None = None
    fields: list[tuple[str, str, int, int]] = field(default_factory=list)  # label, value, span


@dataclass
class _Context:
    doc: Document
    entities: list[N.Entity]
    entity_starts: list[int]
    header: _Header
    lines: list[Line]
    consumed: list[tuple[int, int]] = field(default_factory=list)
    warnings: list[ExtractionWarning] = field(default_factory=list)

    def ents(self, start: int, end: int, *labels: str) -> list[N.Entity]:
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


# --------------------------------------------------------------------------- text helpers


def _clean(text: str) -> str:
    """A clean clause: hyphenation joined, quotes and empty brackets dropped, no end stop."""
    text = N.normalise_text(text)
    text = re.sub(r"[\"“”„«»]", "", text)
    text = re.sub(r"\(\s*\)", "", text)
    text = " ".join(text.split())
    text = re.sub(r"\s+([,.;:])", r"\1", text)
    text = re.sub(r"[,;]?\s+(?:samt|och)$", "", text.strip(" .,;:–-"))  # "att …, samt"
    return text.strip(" .,;:–-")


def _cut(text: str, spans: list[tuple[int, int]], base: int) -> str:
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


def _words(text: str) -> list[str]:
    return re.findall(r"[\wåäöÅÄÖ]+", text)


def _content(text: str) -> set[str]:
    return {
        lemma
        for lemma in N.lemmas(text)
        if len(lemma) >= 3
        and lemma not in _STOP
        and lemma not in _DECISION_LEMMAS
        and lemma.lower() not in _VERB_FORMS
        and not lemma.isdigit()
    }


def _similar(a: str, b: str) -> bool:
    ca, cb = _content(a), _content(b)
    if not ca or not cb:
        return False
    return len(ca & cb) / min(len(ca), len(cb)) >= 0.5


def _is_genitive(entity: N.Entity) -> bool:
    flat = " ".join(entity.text.split())
    return flat.endswith("s") and N.canonical_body(flat[:-1]) == entity.norm


# --------------------------------------------------------------------------- header


def _read_header(ctx: _Context) -> _Header:
    header = _Header()
    non_empty = 0
    last_field_line = -1
    for idx, ln in enumerate(ctx.lines[:_HEADER_LINES]):
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
                and N.canonical_body(stripped) is None
            ):
                header.doc_type = stripped
                header.doc_type_line = idx
        # label/value pairs: tab-separated cells, or "Label: value" / "Label value"
        cells = [c.strip() for c in line.split("\t")] if "\t" in line else [stripped]
        found = False
        for ci, cell in enumerate(cells):
            label = cell.rstrip(":").strip().lower()
            if "\t" in line and label in _TABLE_FIELDS:
                value = cells[ci + 1] if ci + 1 < len(cells) else ""
                header.fields.append((label, value, start, start + len(line)))
                found = True
            elif "\t" not in line:
                for known in sorted(_KNOWN_FIELDS, key=len, reverse=True):
                    m = re.match(re.escape(known) + r"(?:\s*:\s*|\s+|$)(.*)$", cell, re.I)
                    if m:
                        header.fields.append((known, m.group(1).strip(), start, start + len(line)))
                        found = True
                        break
        if found:
            last_field_line = idx
    for label, value, _, _ in header.fields:
        if label in _DATE_FIELDS and header.date is None:
            header.date = N.parse_date(value.split()[0]) if value.split() else None
    # the title: first plain line after the header fields (used by header records);
    # address lines ("Besöksadress: …") are skipped, a title wrapped after "för" is joined
    candidates = ctx.lines[last_field_line + 1 : _HEADER_LINES]
    for n, ln in enumerate(candidates):
        line = ln.text
        stripped = line.strip()
        if (
            stripped
            and "\t" not in line
            and len(stripped.split()) <= 15
            and stripped != header.doc_type
            and N.canonical_body(stripped) is None
            and not re.fullmatch(r"[\d\s()]+", stripped)
            and not re.match(r"^[\w() ]{2,30}:\s", stripped)
            and "@" not in stripped
            and not _heading(stripped)
        ):
            title = stripped
            following = candidates[n + 1].text.strip() if n + 1 < len(candidates) else ""
            if following and title.split()[-1].lower() in _STOP:
                title += " " + following
            header.title = N.normalise_text(title)
            break
    return header


def _header_mentions(ctx: _Context) -> list[_Mention]:
    header = ctx.header
    out: list[_Mention] = []
    fields = {label: (value, a, b) for label, value, a, b in reversed(header.fields)}
    approver = next((fields[k] for k in _APPROVER_FIELDS if k in fields), None)
    approver_body = None
    if approver and approver[0].strip():
        approver_body = N.canonical_body(approver[0].strip()) or approver[0].strip()
    body = approver_body or header.body
    title = header.title or "dokumentet"
    for label, value, a, b in header.fields:
        if label in _APPROVAL_FIELDS:
            date = N.parse_date(value) if value else None
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
                _Mention(
                    "decision", date, body, None, f"{_APPROVAL_FIELDS[label]}: {title}", a, end
                )
            )
        elif label in _VALIDITY_FIELDS:
            # when the document applies is neither a decision, a deadline nor a document
            # (eval/GUIDELINES.md 44): read, so that no other rule takes it, but not recorded
            ctx.consumed.append((a, b))
    # the document itself, where its header gives type and date ("PROTOKOLLSUTDRAG",
    # "Datum 2020-04-16"); a protocol extract of a single "§ N" carries that paragraph
    if header.doc_type and header.date:
        a, b = next((a, b) for lbl, _v, a, b in header.fields if lbl in _DATE_FIELDS)
        paragraphs = {m.group("n") for ln in ctx.lines if (m := _PARAGRAPH_LINE.match(ln.text))}
        paragraph = f"§ {paragraphs.pop()}" if len(paragraphs) == 1 else None
        doc_name = header.doc_type.capitalize()
        own = _Mention("document", header.date, header.body, paragraph, doc_name, a, b)
        # a protocol of many cases has no one case number; an extract of one case has
        own.own_case = False
        numbers = {number for _, number in _case_numbers(ctx)}
        own.case = numbers.pop() if len(numbers) == 1 else None
        out.append(own)
    return out


# --------------------------------------------------------------------------- sections


def _heading(line: str) -> tuple[str, str | None] | None:
    """("decision"|"proposal", owner body) if ``line`` opens a decision/proposal section."""
    stripped = " ".join(line.split())
    if not stripped or len(stripped.split()) > 12:
        return None
    m = _VERB_HEADING.match(stripped)
    if m and N.canonical_body(m.group("owner")):
        kind = "proposal" if m.group("verb").lower().startswith("före") else "decision"
        return kind, N.canonical_body(m.group("owner"))
    for kind, regex in (("decision", _DECISION_HEADING), ("proposal", _PROPOSAL_HEADING)):
        m = regex.match(stripped)
        if m:
            owner = m.group("owner")
            return kind, (N.canonical_body(owner) if owner else None)
    return None


def _section_items(ctx: _Context, first: int) -> list[tuple[int, int]]:
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
    if _heading(head):
        return []  # "Regionstyrelsens beslut" / "Regionstyrelsen beslutar": the inner one leads
    numbered = _NUMBER_ITEM.match(head)
    if not numbered and not _ATT_ITEM.match(head):
        # one plain paragraph, if it reads as a decision
        end = k
        while end < len(lines) and lines[end].text.strip():
            end += 1
        para = " ".join(ln.text for ln in lines[k:end])
        lead = lines[k].start + len(head) - len(head.lstrip())
        starts_with_body = any(e.start == lead for e in ctx.ents(lead, lines[k].end, "BODY"))
        return [(k, end)] if (_VERB_RE.search(para) or starts_with_body) else []
    items: list[tuple[int, int]] = []
    expected = int(numbered.group("n")) if numbered else None
    start = last = k
    blank = False
    for i in range(k + 1, len(lines)):
        line = lines[i].text
        if not line.strip():
            blank = True
            continue
        m = _NUMBER_ITEM.match(line) if numbered else _ATT_ITEM.match(line)
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


def _section_mentions(
    ctx: _Context, doc_date: str | None, include_proposals: bool = True
) -> list[_Mention]:
    out: list[_Mention] = []
    lines = ctx.lines
    section_id = 0
    last_section_end = 0
    i = 0
    while i < len(lines):
        start, end, line = lines[i].start, lines[i].end, lines[i].text
        found = None if i == ctx.header.doc_type_line else _heading(line)
        if not found or ctx.is_consumed(start, end):
            i += 1
            continue
        kind, owner = found
        items = _section_items(ctx, i + 1)
        if not items:
            nxt = next((ln for ln in lines[i + 1 : i + 5] if ln.text.strip()), None)
            if nxt is not None and _heading(nxt.text):
                ctx.consumed.append((start, end))  # an outer heading over an inner one
            i += 1
            continue
        section_id += 1
        # the "§ N" heading above, after the previous section
        paragraph = None
        for j in range(i, max(last_section_end, i - 40) - 1, -1):
            m = _PARAGRAPH_LINE.match(lines[j].text)
            if m:
                paragraph = f"§ {m.group('n')}"
                break
        if kind == "decision":
            date = _meeting_date(ctx, start)
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
            marker = _NUMBER_ITEM.match(raw.lstrip()) or _ATT_ITEM.match(raw.lstrip())
            body_start = istart + lead + (marker.end() if marker else 0)
            body = owner or ctx.header.body
            text_start = body_start
            for e in ctx.ents(body_start, iend, "BODY"):
                if e.start == body_start and not _is_genitive(e):
                    body, text_start = e.norm, e.end
                break
            item_date, item_para = date, paragraph
            for e in ctx.ents(istart, iend, "DECISION"):
                d, p = N.parse_decision_ref(e.text)
                item_date, item_para = d or item_date, p or item_para
                break
            refs = [(e.start, e.end) for e in ctx.ents(text_start, iend, "DECISION")]
            text = _clean(_cut(ctx.doc.text[text_start:iend], refs, text_start))
            if kind == "proposal" and not include_proposals:
                pass  # left out on request; a deadline it sets is still recorded
            elif item_date is None:
                ctx.warn(
                    f"point of a {kind} section has no date ({date_source} is missing): "
                    f"'{_excerpt(text)}'",
                    istart,
                    iend,
                )
            else:
                out.append(
                    _Mention("decision", item_date, body, item_para, text, istart, iend, section_id)
                )
            out.extend(_deadlines(ctx, istart, iend, body, item_para, text, section_id))
        last_section_end = items[-1][1]
        i = items[-1][1]
    return out


def _meeting_date(ctx: _Context, before: int) -> str | None:
    """The nearest 'Datum'/'Sammanträdesdatum' date above ``before``, else the header's."""
    best = None
    for label, value, a, _b in ctx.header.fields:
        if label in _DATE_FIELDS and a < before and value.split():
            best = N.parse_date(value.split()[0]) or best
    return best or ctx.header.date


def _excerpt(text: str, n: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


# --------------------------------------------------------------------------- deadlines


def _deadlines(
    ctx: _Context,
    start: int,
    end: int,
    body: str | None,
    paragraph: str | None,
    text: str,
    section: int | None,
) -> list[_Mention]:
    """Deadline records for every "senast <date>" in [start, end) of a section point.

    The text is the whole point (what is due, from whom); the provenance is the deadline
    phrase itself ("senast 2022-09-15"), which a reviewer looks for.
    """
    return [
        _Mention("deadline", e.norm, body, paragraph, text, *_deadline_span(ctx, e), section)
        for e in ctx.ents(start, end, "DATE")
        if len(e.norm or "") == 10 and _is_deadline(ctx, e, start)
    ]


def _deadline_span(ctx: _Context, date: N.Entity) -> tuple[int, int]:
    """Span of "senast 2022-09-15" (the marker and the date)."""
    floor = max(0, date.start - 40)
    m = _DEADLINE_BEFORE.search(ctx.doc.text[floor : date.start])
    return (floor + m.start() if m else date.start), date.end


# --------------------------------------------------------------------------- running text


def _agent(ctx: _Context, bodies: list[N.Entity], anchor: int, sent_start: int) -> str | None:
    """The body nearest ``anchor`` that can be the one deciding."""
    candidates = []
    for e in bodies:
        before = ctx.doc.text[max(sent_start, e.start - 12) : e.start]
        after = ctx.doc.text[e.end : e.end + 12]
        if not re.match(r"\s*-?\s*beslut", after, re.I) and (
            _NOT_AGENT_BEFORE.search(before) or _is_genitive(e)
        ):
            continue  # "till X", "enligt Xs förslag" - but "enligt RD-beslut", "Xs beslut"
        candidates.append(e)
    if not candidates:
        return None
    best = min(candidates, key=lambda e: (min(abs(e.start - anchor), abs(e.end - anchor)), e.start))
    return best.norm


def _clause(
    ctx: _Context,
    s_start: int,
    s_end: int,
    trigger: re.Match | None,
    refs: list[tuple[int, int]],
    bodies: list[N.Entity],
) -> str:
    """What the sentence says was decided, as a short clause without the date reference.

    Active verb or attributive participle: the verb and what follows ("fastställde
    Målbild och färdplan …"), up to a later date reference or bracket. Passive verb or
    "är beslutad": what precedes it ("Mål och strategi … beslutades"), unless that is
    only an adverb ("Samtidigt fastslogs att …").
    """
    text = ctx.doc.text
    if trigger is None:
        return _clean(_cut(text[s_start:s_end], refs, s_start))
    t_start, t_end = s_start + trigger.start(), s_start + trigger.end()
    form = trigger.group(0).lower()
    before_words = [w.lower() for w in _words(text[s_start:t_start])][-3:]
    passive = form.endswith("s") and not form.endswith("ss")
    predicative = form in _PARTICIPLES and bool(set(before_words) & _AUXILIARIES)
    if passive or predicative:
        pre = _cut(text[s_start:t_end], refs, s_start)
        pre = re.sub(r"^\s*(?:\d{1,2}[.)]|[•\-–])\s+", "", pre)
        words = [w.lower() for w in _words(pre)]
        if len(words) >= 2 and words[0] not in _ADVERBS and not _SAME_TIME.match(pre.strip()):
            return _clean(pre)
    # skip what stands right after the verb: date references, the agent ("av X")
    pos = t_end
    spans = sorted([*refs, *((e.start, e.end) for e in bodies)])
    while True:
        m = re.match(r"\s*(?:(?:av|den)\s+)?", text[pos:s_end])
        nxt = pos + (m.end() if m else 0)
        hit = next((b for a, b in spans if a == nxt), None)
        if hit is None:
            break
        pos = hit
    # the object ends at a later date reference or an opening bracket
    stop = s_end
    later = [a for a, _ in refs if a >= pos]
    if later:
        stop = min(later)
    bracket = text.find("(", pos, stop)
    if bracket >= 0 and _words(text[pos:bracket]):
        stop = bracket
    return _clean(text[t_start:t_end] + " " + _cut(text[pos:stop], refs, pos))


def _text_mentions(ctx: _Context) -> tuple[list[_Mention], list[_Mention]]:
    """Dated mentions (decisions, deadlines) and undated ones in running text."""
    dated: list[_Mention] = []
    vague: list[_Mention] = []
    prev_time: tuple[int, int | None] | None = None
    for s_start, s_end, stext in N.sentences(ctx.doc.text):
        if ctx.is_consumed(s_start, s_end):
            prev_time = None
            continue
        ents = ctx.ents(s_start, s_end)
        bodies = [e for e in ents if e.label == "BODY"]
        refs = [e for e in ents if e.label == "DECISION"]
        dates = [e for e in ents if e.label == "DATE" and len(e.norm or "") == 10]
        deadline_dates = [e for e in dates if _is_deadline(ctx, e, s_start)]
        decision_dates = [e for e in dates if e not in deadline_dates]
        dated_refs = [e for e in refs if N.parse_decision_ref(e.text)[0]] + decision_dates
        verbs = list(_VERB_RE.finditer(stext))
        triggers = verbs or list(_NOUN_RE.finditer(stext))
        time = _time_hint(ents)
        if time is None and _SAME_TIME.match(stext):
            time = prev_time
        prev_time = time or (_date_time(N.parse_decision_ref(dated_refs[0].text)[0]
                                        or dated_refs[0].norm) if dated_refs else None)  # fmt: skip
        # deadlines: "senast 2022-09-15", in any sentence
        for e in deadline_dates:
            body = _agent(ctx, bodies, e.start, s_start) or ctx.header.body
            dl_text = re.sub(r"^\s*(?:\d{1,2}[.)]|[•\-–])\s+", "", stext)
            dated.append(
                _Mention("deadline", e.norm, body, None, _clean(dl_text), *_deadline_span(ctx, e))
            )
        # decision-like: a decision word with a body or a "§", or a verb with a full date;
        # a dated "§" reference ("(2020-04-16 §133)") is one even without a verb
        para_refs = [e for e in refs if N.parse_decision_ref(e.text)[0]]
        decision_like = bool(triggers) and bool(bodies or refs or (verbs and dated_refs))
        if not (decision_like or para_refs):
            continue
        remove = [(e.start, e.end) for e in (*refs, *decision_dates)]
        if dated_refs:
            for ref in sorted(dated_refs, key=lambda e: e.start):
                date, para = N.parse_decision_ref(ref.text)
                trig = min(triggers, key=_distance_to(ref.start - s_start), default=None)
                anchor = s_start + trig.start() if trig else ref.start
                body = _agent(ctx, bodies, anchor, s_start)
                text = _clause(ctx, s_start, s_end, trig, remove, bodies)
                cited = _Mention("decision", date or ref.norm, body, para, text, s_start, s_end)
                cited.own_case = False
                cited.case = next((e.norm for e in ents if e.label == "CASE_NUMBER"), None)
                dated.append(cited)
            continue
        trig = triggers[0]
        body = _agent(ctx, bodies, s_start + trig.start(), s_start)
        para = next((N.parse_decision_ref(e.text)[1] for e in refs), None)
        if body is None and para is None:
            continue
        text = _clause(ctx, s_start, s_end, trig, remove, bodies)
        vague.append(
            _Mention(
                "decision", None, body, para, text, s_start, s_end, time_hint=time, evidence=stext
            )  # fmt: skip
        )
    return dated, vague


def _is_deadline(ctx: _Context, date: N.Entity, floor: int = 0) -> bool:
    return bool(_DEADLINE_BEFORE.search(ctx.doc.text[max(floor, date.start - 40) : date.start]))


def _time_hint(ents: list[N.Entity]) -> tuple[int, int | None] | None:
    for e in ents:
        if e.label == "DATE" and e.norm and len(e.norm) == 7:
            return int(e.norm[:4]), int(e.norm[5:])
    for e in ents:
        if e.label == "YEAR" and e.norm and "-" not in e.norm:
            return int(e.norm), None
    return None


def _date_time(iso: str | None) -> tuple[int, int | None] | None:
    return (int(iso[:4]), int(iso[5:7])) if iso else None


# --------------------------------------------------------------------------- documents


def _document_mentions(ctx: _Context) -> list[_Mention]:
    out = []
    for ln in ctx.lines:
        start, end, line = ln.start, ln.end, ln.text
        if "\t" in line or ctx.is_consumed(start, end):
            continue
        m = _DOC_LISTING.match(line)
        if not m:
            continue
        name = " ".join(m.group("name").split()).rstrip(",")
        if name.lower().rstrip(":") in _KNOWN_FIELDS or _VERB_RE.search(name):
            continue
        date = N.parse_date(m.group("date"))
        if date is None:
            continue
        s = start + len(line) - len(line.lstrip())
        out.append(_Mention("document", date, ctx.header.body, None, name, s, end))
    return out


# --------------------------------------------------------------------------- merging


def _same(a: _Mention, b: _Mention) -> bool:
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
    return _similar(a.text, b.text)


def _merge(mentions: list[_Mention]) -> list[_Mention]:
    kept: list[_Mention] = []
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


def _resolve_vague(ctx: _Context, vague: list[_Mention], dated: list[_Mention]) -> None:
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
            f"'{_excerpt(v.evidence)}'{hint}",
            v.start,
            v.end,
        )


# --------------------------------------------------------------------------- entry point


def _case_numbers(ctx: _Context) -> list[tuple[int, str]]:
    out = []
    for e in ctx.entities:
        if e.label != "CASE_NUMBER":
            continue
        line_start = ctx.doc.text.rfind("\n", 0, e.start) + 1
        if _CASE_LABEL_RE.search(ctx.doc.text[line_start : e.start]):
            out.append((e.start, e.norm or e.text))
    return out


def _doc_date(ctx: _Context, documents: list[_Mention]) -> str | None:
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
    ctx = _Context(
        doc=doc,
        entities=entities,
        entity_starts=[e.start for e in entities],
        header=_Header(),
        lines=split_lines(doc.text),
    )
    ctx.header = _read_header(ctx)
    mentions = _header_mentions(ctx)
    documents = _document_mentions(ctx)
    mentions += _section_mentions(ctx, _doc_date(ctx, documents), include_proposals)
    dated, vague = _text_mentions(ctx)
    mentions += dated
    mentions += [d for d in documents if not ctx.is_consumed(d.start, d.end)]
    merged = _merge(mentions) if merge_repeats else sorted(mentions, key=lambda x: (x.start, x.end))
    _resolve_vague(ctx, vague, merged)

    cases = _case_numbers(ctx)
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
                decision_kind=m.kind,  # type: ignore[arg-type]
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


def _distance_to(position: int) -> Callable[[re.Match[str]], int]:
    """Sort key: how far a trigger word starts from ``position`` (in sentence offsets)."""

    def distance(trigger: re.Match[str]) -> int:
        return abs(trigger.start() - position)

    return distance
