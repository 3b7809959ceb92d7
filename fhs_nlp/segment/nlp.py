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

The components and patterns are in :mod:`~fhs_nlp.segment.spacy_rules`, the value
parsers (dates, bodies, decision references) in :mod:`~fhs_nlp.segment.swedish_values`,
and :class:`~fhs_nlp.datamodel.entities.Entity` in the data model.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, cast

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex

from fhs_nlp.datamodel.entities import Entity
from fhs_nlp.segment.spacy_rules import entity_patterns, lemma_table
from fhs_nlp.segment.swedish_values import (
    canonical_body,
    parse_date,
    parse_decision_ref,
    parse_effect_tag,
    parse_month,
    parse_year_range,
)

__all__ = [
    "find_entities",
    "get_pipeline",
    "lemmas",
    "paragraphs",
    "parse",
    "sentences",
]


# --------------------------------------------------------------------------- patterns


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
    lookups.set_table("lemma_lookup", lemma_table())
    lemmatizer.initialize(lookups=lookups)
    nlp.add_pipe("fhs_lemma_case")
    nlp.add_pipe("fhs_sentences")
    ruler = cast(
        Any, nlp.add_pipe("entity_ruler", config={"overwrite_ents": True, "validate": True})
    )
    ruler.add_patterns(entity_patterns(nlp))
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
