"""Is this text Swedish? A cheap check on function words, with no model to load.

Extraction and alignment rules are written for Swedish. A document in another language
is still processed, but the user is told, because the results will be poor. Function
words are the most reliable cheap signal: every Swedish sentence has some, and they
differ from Norwegian and Danish in a few frequent forms (och/og, inte/ikke, är/er).
"""

from __future__ import annotations

import re

_SWEDISH = frozenset(
    [
        "och",
        "att",
        "det",
        "som",
        "en",
        "på",
        "är",
        "av",
        "för",
        "med",
        "till",
        "den",
        "har",
        "de",
        "inte",
        "om",
        "ett",
        "var",
        "jag",
        "så",
        "men",
        "ska",
        "kan",
        "vi",
        "från",
        "eller",
        "vid",
        "sin",
        "också",
        "där",
        "när",
        "utifrån",
        "inom",
        "samt",
        "mot",
        "genom",
        "över",
        "efter",
        "under",
        "hos",
        "mellan",
        "detta",
        "dessa",
        "vilket",
        "behöver",
        "ska",
        "skall",
    ]
)
_OTHER = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "in",
        "is",
        "that",
        "for",
        "with",
        "are",
        "this",
        "be",
        "on",
        "as",
        "by",
        "from",
        "or",
        "an",
        "it",
        "og",
        "ikke",
        "er",
        "af",
        "til",
        "det",
        "skal",
        "jeg",
        "der",
        "som",
    ]
)


def swedish_share(text: str) -> float:
    """Share of function words that are Swedish among all function words found (0..1)."""
    words = re.findall(r"[a-zåäöéü]+", text.lower())
    sv = sum(1 for w in words if w in _SWEDISH)
    other = sum(1 for w in words if w in _OTHER and w not in _SWEDISH)
    if sv + other == 0:
        return 0.0
    return sv / (sv + other)


def looks_swedish(text: str, *, min_words: int = 20) -> bool | None:
    """True or False when the text is long enough to judge, None when it is not."""
    words = re.findall(r"\w+", text)
    if len(words) < min_words:
        return None
    return swedish_share(text) >= 0.6
