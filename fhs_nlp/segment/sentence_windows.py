"""Sentence boundaries in paragraph text, and the overlapping windows a long paragraph is cut into.

A paragraph longer than ``max_words`` is scored in windows, so one strong sentence in a
long paragraph is not drowned by the rest. Windows end on sentence boundaries; the
splitter is a regex written for Swedish paragraph text ("t.ex." and "bl.a." do not end
a sentence) that agrees with the spaCy pipeline inside a paragraph without costing the
4 s it takes to load it (``sentence_splitter="spacy"`` uses spaCy instead).
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: Abbreviations whose full stop never ends a sentence.
_ABBREVIATIONS = frozenset(
    {
        "t.ex", "bl.a", "resp", "inkl", "exkl", "ca", "jfr", "s.k", "dvs", "d.v.s",
        "fr.o.m", "t.o.m", "p.g.a", "pga", "enl", "kl", "nr", "tel", "st", "kap", "f.d",
        "ev", "mkr", "milj", "tkr", "o", "obs", "s", "f", "ff", "prof", "dr", "m.a.o",
        "t.ex.", "e.d", "jmf", "förf", "avd", "bilr", "fig", "tab", "vol", "s.a.s",
    }
)  # fmt: skip


#: Abbreviations that also end a sentence when a capitalised word follows.
_END_ABBREVIATIONS = frozenset({"osv", "o.s.v", "etc", "m.m", "m.fl", "mfl", "o.dyl"})


_SENTENCE_END = re.compile(r"[.!?…]+[\"”’»')\]]*(?=\s+[\"“”«(\[•\-–]?[A-ZÅÄÖÉÜ0-9])")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences of one paragraph as (start, end) offsets into ``text``, trimmed.

    A sentence ends at ".", "!", "?" or "…" (and any closing quote or bracket) before
    white space and a capital letter or a digit, unless the word before the stop is an
    abbreviation ("t.ex.", "bl.a.", "kl.") or a single initial ("A. Svensson").
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        word_start = max(text.rfind(" ", 0, match.start()), text.rfind("\n", 0, match.start()))
        word = text[word_start + 1 : match.start()].lower().lstrip("(\"“")
        if match.group().startswith("."):
            nxt = text[match.end() :].lstrip()[:1]
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue
            if word in _END_ABBREVIATIONS and not nxt.isupper():
                continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    out = []
    for a, b in spans:
        chunk = text[a:b]
        if chunk.strip():
            a2 = a + len(chunk) - len(chunk.lstrip())
            out.append((a2, a2 + len(chunk.strip())))
    return out


def spacy_sentence_spans(text: str) -> list[tuple[int, int]]:
    from fhs_nlp.segment.nlp import sentences

    return [(a, b) for a, b, _ in sentences(text)]


SentenceSplitter = Callable[[str], list[tuple[int, int]]]


def _word_pieces(text: str, start: int, end: int, size: int) -> list[tuple[int, int, int]]:
    """Cut text[start:end] into runs of about ``size`` words: (start, end, words)."""
    words = [(m.start() + start, m.end() + start) for m in re.finditer(r"\S+", text[start:end])]
    n_pieces = max(1, -(-len(words) // max(1, size)))
    per = -(-len(words) // n_pieces)
    return [
        (words[i][0], words[min(i + per, len(words)) - 1][1], min(per, len(words) - i))
        for i in range(0, len(words), per)
    ]


def word_windows(
    text: str,
    spans: list[tuple[int, int]],
    window_words: int,
    overlap_words: int,
) -> list[tuple[int, int]]:
    """Overlapping windows of whole sentences over ``text``, as (start, end) offsets.

    Each window takes sentences while it stays within ``window_words``; the next window
    starts at the sentence that makes the overlap closest to ``overlap_words`` while
    leaving room for at least one new sentence. A sentence longer than a window is cut
    into runs of words first, so run-on text (a linearised table) is windowed too.
    """
    units: list[tuple[int, int, int]] = []
    for a, b in spans:
        n = count_words(text[a:b])
        if n > window_words:
            units.extend(_word_pieces(text, a, b, max(1, overlap_words or window_words)))
        else:
            units.append((a, b, n))
    words = [u[2] for u in units]
    windows: list[tuple[int, int]] = []
    i = 0
    while i < len(units):
        j, total = i, 0
        while j < len(units) and (j == i or total + words[j] <= window_words):
            total += words[j]
            j += 1
        windows.append((units[i][0], units[j - 1][1]))
        if j >= len(units):
            break
        best, best_gap = j, float(overlap_words)  # no overlap, unless a start fits better
        overlap = 0
        for k in range(j - 1, i, -1):
            overlap += words[k]
            if overlap + words[j] > window_words:
                break
            gap = abs(overlap - overlap_words)
            if gap < best_gap:
                best, best_gap = k, gap
            elif overlap > overlap_words:
                break
        i = best
    return windows


def count_words(text: str) -> int:
    return len(text.split())
