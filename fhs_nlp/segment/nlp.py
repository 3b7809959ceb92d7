"""The Swedish spaCy pipeline every extractor shares, and small helpers on top of it.

There is no trained Swedish spaCy model in this project (and no network to fetch one), so
the pipeline is ``spacy.blank("sv")`` plus rule components that fit the FHS documents:

* ``lemmatizer`` in lookup mode, with the Swedish table from *spacy-lookups-data*, loaded
  from the installed package (offline). The table is keyed by the exact word form, so
  ``fhs_lemma_case`` retries capitalised words in lower case ("Insatserna" -> "insats").
* ``fhs_sentences``: sentence starts. The tokenizer already keeps Swedish abbreviations
  ("t.ex.", "bl.a.", "fr.o.m.", "resp.", "osv.") as one token, so a full stop inside them
  never ends a sentence; the component adds what PDF text needs: list numbers ("1.") do
  not end a sentence, a page break, a list item or a blank line before a capitalised line
  start one, and hard line breaks inside a sentence do not.
* ``entity_ruler`` with token patterns (DATE, YEAR, DECISION, CASE_NUMBER, EFFECT_TAG,
  AREA, BODY) built from :mod:`fhs_nlp.datamodel.vocabulary`, so the areas are matched in every
  spelling the sources use, across line breaks.
* ``fhs_entity_context``: checks the ruler cannot make (a real calendar date, a year
  range that runs forward, an effect tag that names a target) and entities that need
  their context ("Datum 220208", "Dnr RS 2020/123").

One tokenizer change: an infix splits a hyphen between an upper-case abbreviation and a
lower-case word ("RD-beslut" -> "RD", "-", "beslut"), so the deciding body inside such a
compound can be an entity of its own.

The pipeline is built once per process (:func:`get_pipeline`); long texts are cut at safe
sentence boundaries and run through ``nlp.pipe`` (:func:`parse`), and the parse of the
last few texts is cached, because several extractors ask about the same document.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

import numpy
import spacy
from spacy.attrs import SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex

from fhs_nlp.datamodel.vocabulary import AREAS

__all__ = [
    "BODIES",
    "ENTITY_LABELS",
    "MONTHS",
    "Entity",
    "canonical_body",
    "find_entities",
    "get_pipeline",
    "lemmas",
    "normalise_text",
    "paragraphs",
    "parse",
    "parse_date",
    "parse_decision_ref",
    "parse_effect_tag",
    "parse_year_range",
    "sentences",
]

ENTITY_LABELS = ("DATE", "YEAR", "DECISION", "CASE_NUMBER", "EFFECT_TAG", "AREA", "BODY")

MONTHS: dict[str, int] = {
    name: i
    for i, name in enumerate(
        (
            "januari",
            "februari",
            "mars",
            "april",
            "maj",
            "juni",
            "juli",
            "augusti",
            "september",
            "oktober",
            "november",
            "december",
        ),
        start=1,
    )
}

#: Deciding bodies: canonical name -> the word forms that name it (lower case; genitive
#: forms included, because "Regionfullmäktiges beslut" names the body that decided).
BODIES: dict[str, tuple[str, ...]] = {
    "Regionfullmäktige": (
        "regionfullmäktige",
        "regionfullmäktiges",
        "region skånes fullmäktige",
        "fullmäktige",
        "fullmäktiges",
    ),
    "Regionstyrelsen": ("regionstyrelsen", "regionstyrelsens"),
    "Hälso- och sjukvårdsnämnden": (
        "hälso- och sjukvårdsnämnden",
        "hälso- och sjukvårdsnämndens",
    ),
    "Sjukhusstyrelserna": ("sjukhusstyrelserna", "sjukhusstyrelsernas", "sjukhusstyrelser"),
    "Sjukvårdsnämnderna": ("sjukvårdsnämnderna", "sjukvårdsnämndernas", "sjukvårdsnämnder"),
    "Personalnämnden": ("personalnämnden", "personalnämndens"),
    "Servicenämnden": ("servicenämnden", "servicenämndens"),
    "Regiondirektören": ("regiondirektören", "regiondirektörens", "regiondirektör"),
}
#: Abbreviations that name a body only in upper case ("RD-beslut", not "rd").
#: ("RS" is left out: it is also a diary prefix, "Dnr RS 2020/123".)
_BODY_ABBREVIATIONS = {"RD": "Regiondirektören", "HSN": "Hälso- och sjukvårdsnämnden"}
_GENERIC_BODY_RE = r"^[a-zåäö]{3,}(?:nämnden|nämndens|styrelsen|styrelsens)$"

_BODY_KEYS: dict[str, str] = {
    re.sub(r"\s+", " ", form): name for name, forms in BODIES.items() for form in forms
}

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


@dataclass(frozen=True)
class Entity:
    """One entity found in a text: label, surface text and character span.

    ``norm`` is the value behind the surface form, so callers need not re-parse it:
    AREA and BODY -> canonical name, DATE -> ISO date (or ``YYYY-MM`` for "april 2020"),
    YEAR -> ``2022`` or ``2022-2025``, DECISION -> ``2020-04-16 § 33`` / ``§ 33``,
    CASE_NUMBER -> the number, EFFECT_TAG -> ``inv,sys``.
    """

    label: str
    text: str
    start: int
    end: int
    norm: str | None = None


# --------------------------------------------------------------------------- parsing


def parse_date(text: str) -> str | None:
    """ISO ``YYYY-MM-DD`` for "2020-04-16", "16 april 2020" or a 6-digit "220208".

    Returns None for anything that is not a real calendar day (month-year phrases such as
    "april 2020" name no day; see :func:`parse_month`).
    """
    text = " ".join(text.split()).strip().lower()
    m = re.fullmatch(r"((?:19|20)\d\d)-(\d\d)-(\d\d)", text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = re.fullmatch(r"(?:den\s+)?(\d{1,2})\s+([a-zåäö]+)\s+((?:19|20)\d\d)", text)
        if m and m.group(2) in MONTHS:
            y, mo, d = int(m.group(3)), MONTHS[m.group(2)], int(m.group(1))
        else:
            m = re.fullmatch(r"(\d\d)(\d\d)(\d\d)", text)
            if not m:
                return None
            y, mo, d = 2000 + int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= calendar.monthrange(y, mo)[1]):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def parse_month(text: str) -> tuple[int, int] | None:
    """(year, month) for "april 2020"; None otherwise."""
    m = re.fullmatch(r"([a-zåäö]+)\s+((?:19|20)\d\d)", " ".join(text.split()).lower())
    if m and m.group(1) in MONTHS:
        return int(m.group(2)), MONTHS[m.group(1)]
    return None


def parse_year_range(text: str) -> tuple[int, int] | None:
    """(first, last) year of "2022", "2022–2025", "2023-26" or "2021/22"; None if invalid.

    A two-digit end takes the century of the start ("2023-26" -> 2023..2026); a range must
    run forward, so "2020-04" (a year-month) is not a range.
    """
    text = re.sub(r"\s+", "", text)
    m = re.fullmatch(r"((?:19|20)\d\d)(?:[-–—/]((?:19|20)\d\d|\d\d))?", text)
    if not m:
        return None
    first = int(m.group(1))
    if m.group(2) is None:
        return first, first
    end = m.group(2)
    last = int(end) if len(end) == 4 else first // 100 * 100 + int(end)
    if last <= first:
        return None
    return first, last


def parse_decision_ref(text: str) -> tuple[str | None, str | None]:
    """(ISO date, paragraph) of a reference like "2021-12-21 §155" or "§ 33".

    The paragraph is normalised to "§ 155" (one space), whatever the source spacing or
    line breaks; the number itself is kept as written.
    """
    flat = " ".join(text.split())
    m = re.search(r"§\s*(\d{1,4}[a-z]?)", flat)
    paragraph = f"§ {m.group(1)}" if m else None
    date_part = flat[: m.start()].strip() if m else flat
    return (parse_date(date_part) if date_part else None), paragraph


def parse_effect_tag(s: str) -> list[str]:
    """Sorted unique targets of an effect tag: "(inv, sys,vsh)" -> ["inv", "sys", "vsh"]."""
    return sorted(set(re.findall(r"(?<![a-zåäö])(inv|sys|vsh)(?![a-zåäö])", s.lower())))


def canonical_body(text: str) -> str | None:
    """Canonical name of a deciding body in any listed form; None if it names none.

    "hälso- och \\nsjukvårdsnämndens" -> "Hälso- och sjukvårdsnämnden"; other definite
    "-nämnden"/"-styrelsen" compounds are kept as written, capitalised, genitive removed.
    """
    flat = " ".join(text.split())
    if flat in _BODY_ABBREVIATIONS:
        return _BODY_ABBREVIATIONS[flat]
    key = flat.lower()
    if key in _BODY_KEYS:
        return _BODY_KEYS[key]
    if re.fullmatch(_GENERIC_BODY_RE, key):
        if key.endswith("s"):
            key = key[:-1]
        return key[0].upper() + key[1:]
    return None


def normalise_text(text: str) -> str:
    """One line of clean text: wrapped lines joined, whitespace collapsed.

    The project's hyphen rule (eval/GUIDELINES.md §1.2, as ``extract.text.join_lines``):
    a word hyphen at a line end joins the next line without a space and is kept
    ("helhets-\norienterad" -> "helhets-orienterad", "IT-\nstöd" -> "IT-stöd"), because
    in these texts it is mostly a real compound hyphen; before "och", "eller", "samt" or a
    comma it is the Swedish suspended compound ("hälso-\noch sjukvård" -> "hälso- och
    sjukvård").
    """
    text = re.sub(r"(?<=[\wåäöÅÄÖ])-[ \t\xa0]*\n\s*(?!(?:och|eller|samt)\b|,)", "-", text)
    return " ".join(text.split())


# --------------------------------------------------------------------------- components


@Language.component("fhs_lemma_case")
def _lemma_case(doc: Doc) -> Doc:
    """Retry capitalised words in lower case: the lookup table has only lower-case keys."""
    table = _lemma_table()
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


# --------------------------------------------------------------------------- patterns


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


def _patterns(nlp: Language) -> list[dict]:
    table = _lemma_table()
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
    for abbreviation, name in _BODY_ABBREVIATIONS.items():
        add("BODY", [{"TEXT": abbreviation}], name)
    add("BODY", [{"LOWER": {"REGEX": _GENERIC_BODY_RE}}])
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
def _lemma_table() -> Any:
    from spacy.lookups import load_lookups

    lookups = load_lookups("sv", ["lemma_lookup"])
    return lookups.get_table("lemma_lookup")


@lru_cache(maxsize=1)
def get_pipeline() -> Language:
    """The shared pipeline, built once per process (about 2 s: the lemma table is large).

    Components: tokenizer (+ acronym-hyphen infix), ``lemmatizer`` (lookup),
    ``fhs_lemma_case``, ``fhs_sentences``, ``entity_ruler``, ``fhs_entity_context``.
    """
    nlp = spacy.blank("sv")
    infixes = [*cast(list[str], nlp.Defaults.infixes), r"(?<=[A-ZÅÄÖ]{2})-(?=[a-zåäö])"]
    cast(Any, nlp.tokenizer).infix_finditer = compile_infix_regex(infixes).finditer
    lemmatizer = cast(Any, nlp.add_pipe("lemmatizer", config={"mode": "lookup"}))
    # initialise from the table already loaded from spacy-lookups-data (no download)
    from spacy.lookups import Lookups

    lookups = Lookups()
    lookups.set_table("lemma_lookup", _lemma_table())
    lemmatizer.initialize(lookups=lookups)
    nlp.add_pipe("fhs_lemma_case")
    nlp.add_pipe("fhs_sentences")
    ruler = cast(
        Any, nlp.add_pipe("entity_ruler", config={"overwrite_ents": True, "validate": True})
    )
    ruler.add_patterns(_patterns(nlp))
    nlp.add_pipe("fhs_entity_context")
    return nlp


# --------------------------------------------------------------------------- helpers

_CHUNK = 20_000


def _chunks(text: str) -> list[tuple[int, str]]:
    """Cut a long text where a sentence surely ends: a page break, or a blank line after
    ".", "!" or "?" before a capitalised line. Chunks are about ``_CHUNK`` characters."""
    if len(text) <= _CHUNK:
        return [(0, text)]
    cuts = [0]
    for m in re.finditer(r"(?:[.!?][ \t]*\n[ \t]*\n|\f)(?=\s*[A-ZÅÄÖ0-9•\-])", text):
        if m.end() - cuts[-1] >= _CHUNK:
            cuts.append(m.end())
    cuts.append(len(text))
    return [(a, text[a:b]) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]


@lru_cache(maxsize=16)
def _parse_cached(text: str) -> tuple[tuple[int, Doc], ...]:
    nlp = get_pipeline()
    pieces = _chunks(text)
    return tuple(
        (offset, doc)
        for (offset, _), doc in zip(pieces, nlp.pipe(p for _, p in pieces), strict=True)
    )


def parse(text: str) -> list[tuple[int, Doc]]:
    """The text as spaCy Docs with their character offset in ``text``.

    Long texts come back in several Docs (cut at sentence ends, so no sentence or entity
    is split); add the offset to a token's ``idx`` to get a position in ``text``.
    """
    return list(_parse_cached(text))


def sentences(text: str) -> list[tuple[int, int, str]]:
    """Sentences as (start, end, text), spans trimmed of surrounding whitespace."""
    out: list[tuple[int, int, str]] = []
    for offset, doc in parse(text):
        for sent in doc.sents:
            chunk = sent.text
            stripped = chunk.strip()
            if not stripped:
                continue
            start = offset + sent.start_char + (len(chunk) - len(chunk.lstrip()))
            end = start + len(stripped)
            out.append((start, end, stripped))
    return out


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Blank-line (or page-break) separated blocks as (start, end), trimmed."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in re.finditer(r"\n[ \t]*(?:\n[ \t]*)+|\f", text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    result = []
    for a, b in out:
        block = text[a:b]
        if block.strip():
            a2 = a + len(block) - len(block.lstrip())
            result.append((a2, a2 + len(block.strip())))
    return result


def _norm(span: Span) -> str | None:
    label, text = span.label_, span.text
    if label in {"AREA", "BODY"}:
        return span.ent_id_ or (canonical_body(text) if label == "BODY" else None)
    if label == "DATE":
        iso = parse_date(text)
        if iso:
            return iso
        ym = parse_month(text)
        return f"{ym[0]:04d}-{ym[1]:02d}" if ym else None
    if label == "YEAR":
        rng = parse_year_range(text)
        if rng is None:
            return None
        return str(rng[0]) if rng[0] == rng[1] else f"{rng[0]}-{rng[1]}"
    if label == "DECISION":
        date, paragraph = parse_decision_ref(text)
        return f"{date} {paragraph}" if date else paragraph
    if label == "EFFECT_TAG":
        return ",".join(parse_effect_tag(text))
    return " ".join(text.split())


def find_entities(text: str) -> list[Entity]:
    """All entities of ``text`` in order, with character offsets into ``text``.

    Entities do not overlap: a DECISION "2020-04-16 § 33" holds its date (read it with
    :func:`parse_decision_ref`), a DATE "april 2020" holds its year.
    """
    out: list[Entity] = []
    for offset, doc in parse(text):
        for span in doc.ents:
            out.append(
                Entity(
                    span.label_,
                    span.text,
                    offset + span.start_char,
                    offset + span.end_char,
                    _norm(span),
                )
            )
    return out


def lemmas(text: str) -> list[str]:
    """Lower-case lemmas of the words of ``text`` (no spaces, no punctuation).

    Words the lookup table does not know come back lower-cased as they are.
    """
    return [
        t.lemma_.lower() for _, doc in parse(text) for t in doc if not t.is_space and not t.is_punct
    ]
