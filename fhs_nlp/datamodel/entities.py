"""Entities found in Swedish text: the typed result of the segment stage the extractors read.

:func:`fhs_nlp.segment.nlp.find_entities` makes them; the decision and milestone readers
in :mod:`fhs_nlp.extract` use their labels, spans and normalised values.
"""

from __future__ import annotations

from dataclasses import dataclass

ENTITY_LABELS = ("DATE", "YEAR", "DECISION", "CASE_NUMBER", "EFFECT_TAG", "AREA", "BODY")


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
