"""The rule components and entity patterns the Swedish pipeline is made of.

``spacy.blank("sv")`` knows no Swedish sentence or entity rules, so these are written
for the FHS documents: ``fhs_lemma_case`` (lower-case retry of the lookup lemmatizer),
``fhs_sentences`` (sentence starts in PDF text: list numbers, page breaks, hard line
breaks) and ``fhs_entity_context`` (checks and context the entity ruler cannot express),
plus the token patterns of the entity ruler. Importing this module registers the
components with spaCy; :func:`fhs_nlp.segment.nlp.get_pipeline` assembles them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, cast

import numpy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from fhs_nlp.datamodel.vocabulary import AREAS
from fhs_nlp.segment.swedish_values import (
    BODIES,
    BODY_ABBREVIATIONS,
    GENERIC_BODY_RE,
    MONTHS,
    parse_date,
    parse_decision_ref,
    parse_effect_tag,
    parse_month,
    parse_year_range,
)

# Areas that are also everyday nouns ("medarbetare", "digitalisering") count only when
# capitalised, as area names are written; everything else matches in any casing.
_COMMON_NOUN_AREAS = {"Medarbetare", "Digitalisering"}


_SP = {"IS_SPACE": True, "OP": "*"}  # line breaks inside a multi-word name


_YEAR_ANY = r"^(?:19|20)\d\d$"


_YEAR_FHS = r"^20[23]\d$"


_ISO_DATE = r"^(?:19|20)\d\d-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])$"


_DAY = r"^(?:0?[1-9]|[12]\d|3[01])$"


_PARA_NO = r"^\d{1,4}[a-z]?$"


_CASE_NO = r"^(?:19|20)\d\d-[A-ZÅÄÖ]{2,6}\d{3,8}(?:-\d{1,4})?$"


_EFFECT_PART = r"(?i)^(?:inv|sys|vsh|[,;/&]|och|\s+)$"


_ID_LABELS = {"dnr", "diarienummer", "ärendenummer", "ärendenr", "diarienr"}


_DATE_LABELS = {"datum", "datum:"}


#: Abbreviations that may also end a sentence ("… och liknande osv. Nästa mening").
_END_ABBREVIATIONS = {"osv.", "o.s.v.", "etc.", "m.m.", "m.fl.", "m.fl", "o.dyl."}


_TERMINAL = {".", "!", "?", "…", "...", "?!"}


_CLOSERS = {")", "]", '"', "”", "’", "»", "'"}


_BULLETS = {"•", "-", "–", "—", "*", "·", "", "▪", "○"}


#: Words after which a line break cannot end a sentence.
_CONTINUATION = {
    "och", "eller", "samt", "för", "av", "till", "i", "på", "med", "om", "från", "mot",
    "att", "som", "den", "det", "de", "en", "ett", "vid", "under", "efter", "inom", "utan",
    "genom", "hos", "än", "men", "både", "kring", "inför", "över", "där", "när", "så",
    "ska", "kan", "är", "har", "vara", "blir", "bli", "sin", "sina", "sitt", "dess",
}  # fmt: skip


@Language.component("fhs_lemma_case")
def _lemma_case(doc: Doc) -> Doc:
    """Retry capitalised words in lower case: the lookup table has only lower-case keys."""
    table = lemma_table()
    for token in doc:
        if token.lemma_ == token.text and token.text != token.lower_:
            lemma = table.get(token.lower_)
            token.lemma_ = lemma if lemma is not None else token.lower_
    return doc


def _line_start(doc: Doc, i: int) -> bool:
    """True if token i is the first non-space token of its line."""
    j = i - 1
    while j >= 0 and doc[j].is_space:
        if "\n" in doc[j].text or "\f" in doc[j].text:
            return True
        j -= 1
    if j < 0:
        return True
    return "\n" in doc[j].whitespace_ or "\f" in doc[j].whitespace_


def _is_list_marker(doc: Doc, i: int) -> bool:
    """A line-initial bullet or list number ("1.", "2)") followed by text."""
    tok = doc[i]
    if tok.text in _BULLETS:
        return True
    if tok.text[:1] in {"•", "-", "–"} and len(tok.text) > 1:  # "-x" tokenised as one
        return True
    return (
        tok.like_num
        and tok.text.isdigit()
        and len(tok.text) <= 2
        and i + 2 < len(doc)
        and doc[i + 1].text in {".", ")"}
        and not doc[i + 2].is_space
        and not doc[i + 2].text[:1].isdigit()
    )


def _line_text(text: str, char: int) -> str:
    """The whole line of ``text`` that holds character ``char``."""
    start = text.rfind("\n", 0, char) + 1
    end = text.find("\n", char)
    return text[start : end if end >= 0 else len(text)]


def _starts_sentence(doc: Doc, i: int, text: str) -> bool:
    """Does token i start a sentence? ``text`` is ``doc.text`` (spaCy rebuilds it per call)."""
    tok = doc[i]
    if tok.is_space:
        return False
    j = i - 1
    gap = ""
    while j >= 0 and doc[j].is_space:
        gap = doc[j].text + gap
        j -= 1
    if j < 0:
        return False
    prev = doc[j]
    gap = prev.whitespace_ + gap
    if "\f" in gap:
        return True
    first = tok.text[:1]
    opens = first.isupper() or first.isdigit() or first in {"§", '"', "”", "“", "(", "•", "-"}
    # after terminal punctuation (possibly followed by a closing quote or bracket)
    k = j
    while k > 0 and doc[k].text in _CLOSERS and not doc[k].whitespace_:
        k -= 1
    if doc[k].text in _TERMINAL:
        before = doc[k - 1] if k > 0 else None
        if (
            doc[k].text == "."
            and before is not None
            and before.text.isdigit()
            and len(before.text) <= 2
            and _line_start(doc, k - 1)
        ):
            return False  # "1. Regionfullmäktige fastställer …": a list number
        return opens
    if prev.lower_ in _END_ABBREVIATIONS and first.isupper():
        return True
    newlines = gap.count("\n")
    if not newlines:
        return False
    if _is_list_marker(doc, i):
        return True
    continued = (
        prev.text.endswith("-") or prev.text in {",", ";", "(", "&"} or prev.lower_ in _CONTINUATION
    )
    if continued:
        return False
    line = _line_text(text, prev.idx)
    if "\t" in line or "\t" in _line_text(text, tok.idx):
        return True  # a table row
    if newlines >= 2 and opens:
        return True
    # a short heading line ("Sammanfattning") before a capitalised line
    words = line.split()
    return first.isupper() and len(words) <= 8 and words[0][:1].isupper()


@Language.component("fhs_sentences")
def _sentences(doc: Doc) -> Doc:
    """Sentence starts for Swedish PDF text (see the module docstring for the rules)."""
    # set all starts in one go: Token.is_sent_start's setter rescans the whole Doc
    text = doc.text
    starts = (
        numpy.array(
            [[1 if i == 0 or _starts_sentence(doc, i, text) else -1] for i in range(len(doc))],
            dtype="int32",
        )
        .reshape(len(doc), 1)
        .astype("uint64")
    )  # spaCy stores -1 wrapped, as to_array does
    if len(doc):
        doc.from_array([SENT_START], cast(Any, starts))
    return doc


def _valid(span: Span) -> bool:
    label, text = span.label_, span.text
    if label == "DATE":
        if re.fullmatch(r"[a-zåäöA-ZÅÄÖ]+\s+\d{4}", " ".join(text.split())):
            return parse_month(text) is not None
        return parse_date(text) is not None
    if label == "YEAR":
        return parse_year_range(text) is not None
    if label == "EFFECT_TAG":
        return bool(parse_effect_tag(text))
    if label == "DECISION":
        date, paragraph = parse_decision_ref(text)
        return paragraph is not None and (date is not None or text.lstrip().startswith("§"))
    return True


def _trim_effect_tag(doc: Doc, span: Span) -> Span:
    """Keep a doubled ")" in "(inv, sys, vsh))" only when it closes nothing on its line."""
    if not span.text.endswith("))"):
        return span
    line_start = doc.text.rfind("\n", 0, span.start_char) + 1
    before = doc.text[line_start : span.start_char]
    if before.count("(") > before.count(")"):
        return Span(doc, span.start, span.end - 1, label=span.label)
    return span


@Language.component("fhs_entity_context")
def _entity_context(doc: Doc) -> Doc:
    """Drop what the ruler matched but is not valid; add entities that need context."""
    ents: list[Span] = []
    for span in doc.ents:
        if not _valid(span):
            # a DECISION whose date part is wrong may still hold a valid "§ N"
            if span.label_ == "DECISION":
                for k in range(span.start, span.end):
                    if doc[k].text == "§":
                        ents.append(Span(doc, k, span.end, label="DECISION"))
                        break
            continue
        if span.label_ == "EFFECT_TAG":
            span = _trim_effect_tag(doc, span)
        ents.append(span)
    taken = {i for span in ents for i in range(span.start, span.end)}
    for i, token in enumerate(doc):
        if token.lower_ in _DATE_LABELS or token.lower_ in _ID_LABELS:
            k = i + 1
            while k < len(doc) and (doc[k].is_space or doc[k].text == ":"):
                if "\n" in doc[k].text:
                    break
                k += 1
            if k >= len(doc) or k in taken:
                continue
            if token.lower_ in _DATE_LABELS:
                # "(Datum 220208)": a compact YYMMDD date only right after "Datum"
                if re.fullmatch(r"\d{6}", doc[k].text) and parse_date(doc[k].text):
                    ents.append(Span(doc, k, k + 1, label="DATE"))
                    taken.add(k)
                continue
            # "Dnr RS 2020/123", "Diarienummer 1600845": up to two upper-case prefixes
            end = k
            while (
                end < len(doc)
                and end - k < 2
                and re.fullmatch(r"[A-ZÅÄÖ]{1,6}", doc[end].text)
                and not doc[end].whitespace_.count("\n")
            ):
                end += 1
            if (
                end < len(doc)
                and end not in taken
                and re.fullmatch(r"[A-ZÅÄÖ0-9][\w./-]*\d[\w./-]*", doc[end].text)
                and not re.fullmatch(r"\d{1,2}", doc[end].text)
            ):
                ents.append(Span(doc, k, end + 1, label="CASE_NUMBER"))
                taken.update(range(k, end + 1))
    doc.ents = sorted(ents, key=lambda s: s.start)
    return doc


def _phrase(words: list[str], *, last_lemmas: list[str] | None = None) -> list[dict]:
    pattern: list[dict] = []
    for n, word in enumerate(words):
        if n:
            pattern.append(dict(_SP))
        if last_lemmas and n == len(words) - 1:
            pattern.append({"LEMMA": {"IN": last_lemmas}})
        else:
            pattern.append({"LOWER": word})
    return pattern


def _spelling_variants(name: str) -> set[str]:
    """The spellings the sources use: "arbetsätt" for "arbetssätt", "hälsö" for "hälso"."""
    out = {name.lower()}
    for a, b in (("arbetssätt", "arbetsätt"), ("hälso", "hälsö")):
        out |= {v.replace(a, b) for v in out} | {v.replace(b, a) for v in out}
    return out


def entity_patterns(nlp: Language) -> list[dict]:
    table = lemma_table()
    pats: list[dict] = []

    def add(label: str, pattern: list[dict], ent_id: str | None = None) -> None:
        entry: dict = {"label": label, "pattern": pattern}
        if ent_id:
            entry["id"] = ent_id
        pats.append(entry)

    # AREA
    for area in AREAS:
        for name in (area.name, *area.variants):
            if name in _COMMON_NOUN_AREAS:
                add("AREA", [{"TEXT": {"IN": [name, name.upper()]}}], area.name)
                continue
            for spelling in _spelling_variants(name):
                words = [t.text for t in nlp.make_doc(spelling)]
                add("AREA", _phrase(words), area.name)
                if len(words) > 1:
                    # inflected last word ("nära vården", "förebyggande insatserna"); the
                    # table's lemma of the base form may be another word class ("vård" ->
                    # "vårda"), so both are accepted
                    last = words[-1]
                    lemmas_ = sorted({last, table.get(last) or last})
                    add("AREA", _phrase(words, last_lemmas=lemmas_), area.name)
    # BODY
    for name, forms in BODIES.items():
        for form in forms:
            add("BODY", _phrase([t.text for t in nlp.make_doc(form)]), name)
    for abbreviation, name in BODY_ABBREVIATIONS.items():
        add("BODY", [{"TEXT": abbreviation}], name)
    add("BODY", [{"LOWER": {"REGEX": GENERIC_BODY_RE}}])
    # DATE
    iso = {"TEXT": {"REGEX": _ISO_DATE}}
    month = {"LOWER": {"IN": list(MONTHS)}}
    year_any = {"TEXT": {"REGEX": _YEAR_ANY}}
    long_date: list[dict[str, Any]] = [
        {"TEXT": {"REGEX": _DAY}}, dict(_SP), month, dict(_SP), year_any
    ]
    add("DATE", [iso])
    add("DATE", long_date)
    add("DATE", [month, dict(_SP), year_any])
    # YEAR
    add("YEAR", [{"TEXT": {"REGEX": _YEAR_FHS}}])
    add("YEAR", [{"TEXT": {"REGEX": r"^20[23]\d[-–—/](?:20[23]\d|\d\d)$"}}])
    dash = {"TEXT": {"IN": ["-", "–", "—"]}}
    year_fhs = {"TEXT": {"REGEX": _YEAR_FHS}}
    add("YEAR", [year_fhs, dict(_SP), dash, dict(_SP), year_fhs])
    # DECISION: "2020-04-16 § 33", "16 april 2020 § 33", "§ 33"
    para: list[dict[str, Any]] = [{"ORTH": "§"}, dict(_SP), {"TEXT": {"REGEX": _PARA_NO}}]
    add("DECISION", [iso, dict(_SP), *para])
    add("DECISION", [*long_date, dict(_SP), *para])
    add("DECISION", para)
    # CASE_NUMBER
    add("CASE_NUMBER", [{"TEXT": {"REGEX": _CASE_NO}}])
    # EFFECT_TAG
    add(
        "EFFECT_TAG",
        [
            {"ORTH": "("},
            {"TEXT": {"REGEX": _EFFECT_PART}, "OP": "+"},
            {"ORTH": ")"},
            {"ORTH": ")", "OP": "?"},
        ],
    )
    return pats


@lru_cache(maxsize=1)
def lemma_table() -> Any:
    from spacy.lookups import load_lookups

    lookups = load_lookups("sv", ["lemma_lookup"])
    return lookups.get_table("lemma_lookup")
