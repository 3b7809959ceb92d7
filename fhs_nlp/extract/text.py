"""Line- and paragraph-level helpers shared by the extractors.

PDF text extractors wrap every cell at its column width and lose all formatting, so
the extractors work on lines: which line ends a paragraph, which line ends a (bold)
title, how wrapped lines join back into text. The rules here are the ones a person
uses when reading such text, written down once.
"""

from __future__ import annotations

import re

from fhs_nlp.datamodel.records import EffectTarget

#: An effect target tag: "(inv)", "(sys, vsh)", "(sys vsh)", "(inv, sys,vsh)", "(vsh, sys))".
TAG_RE = re.compile(
    r"\(\s*((?:inv|sys|vsh)(?:\s*[,;]?\s*(?:inv|sys|vsh))*)\s*\)+", re.IGNORECASE
)
_TARGET_ORDER: tuple[EffectTarget, ...] = ("inv", "sys", "vsh")

#: Words that start with a capital letter inside a sentence (so a capital at the start
#: of a wrapped line does not prove a new paragraph).
PROPER_NOUN_STARTS = frozenset(
    {
        "Region", "Regionens", "Skåne", "Skånes", "Sverige", "Sveriges", "Framtidens",
        "Vårdsamverkan", "Södra", "God", "Nära", "Regionfullmäktige", "Regionstyrelsen",
        "Hälso-", "SUS", "Lunds", "Malmö", "Helsingborg", "Kristianstad", "Ystad",
    }
)

_UPPER_START = re.compile(r"^[\"”“'(]?[A-ZÅÄÖÉÜ0-9]")
_BULLET_START = re.compile(r"^\s*(?:[•▪●◦■\-–]|\d+[.)])\s*")


def join_lines(parts: list[str]) -> str:
    """Join wrapped lines back into running text.

    A line ending in a hyphen joins the next without a space, keeping the hyphen
    ("helhets-" + "orienterad" -> "helhets-orienterad", "IT-" + "stöd"), except before
    "och", "eller", "samt", "som" or a comma, where the hyphen is a Swedish suspended
    compound ("hälso-" + "och sjukvård" -> "hälso- och sjukvård", "såväl ett hälso-" +
    "som vårdutbud").
    """
    out = ""
    for raw in parts:
        part = " ".join(raw.split())
        if not part:
            continue
        if not out:
            out = part
        elif out.endswith("-") and not out.endswith(" -") and not re.match(
            r"(och|eller|samt|som)\b|,", part
        ):
            out += part
        else:
            out += " " + part
    return out


def normalise_space(text: str) -> str:
    return " ".join(text.split())


def parse_tags(text: str) -> tuple[str, list[EffectTarget]]:
    """Strip effect target tags from ``text``; return the clean text and the targets.

    >>> parse_tags("Effektivare vård (sys, vsh)")
    ('Effektivare vård', ['sys', 'vsh'])
    """
    found: set[str] = set()
    for match in TAG_RE.finditer(text):
        found.update(t.lower() for t in re.findall(r"inv|sys|vsh", match.group(1), re.I))
    clean = TAG_RE.sub(" ", text)
    clean = re.sub(r"\s+([.,;:])", r"\1", clean)
    clean = normalise_space(clean).strip()
    targets: list[EffectTarget] = [t for t in _TARGET_ORDER if t in found]
    return clean, targets


def starts_upper(text: str) -> bool:
    return bool(_UPPER_START.match(text.strip()))


def starts_lower(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and stripped[0].islower()


def is_bullet(text: str) -> bool:
    return bool(re.match(r"^\s*[•▪●◦■\-–]\s*", text))


def strip_bullet(text: str) -> str:
    return _BULLET_START.sub("", text, count=1).strip()


def ends_paragraph(line: str, next_line: str, width: int) -> bool:
    """Does ``line`` end a paragraph (a hard break), judging by the ``next_line``?

    A wrapped line is followed by a line whose first word would not have fitted on it.
    A capital letter starting the next line is the strongest sign of a new paragraph,
    unless that word is a proper noun that can stand mid-sentence ("Region Skåne"); then
    the fit test decides. ``width`` is the column width in characters, estimated from the
    longest line of the same cell.
    """
    current = line.rstrip()
    following = next_line.strip()
    if not following or not current:
        return True
    if not starts_upper(following) and not is_bullet(following):
        return False
    first_word = following.split()[0]
    # a clear margin, since ``width`` is only the longest line seen, not the column
    fits = len(current) + 1 + len(first_word) <= width - 4
    if is_bullet(following):
        return True
    if first_word in PROPER_NOUN_STARTS or (first_word.isupper() and len(first_word) > 1):
        return fits or current.endswith((".", ":", "!", "?"))
    return True


def first_sentence_end(text: str) -> int | None:
    """Offset just after the first sentence end ('. ' followed by a capital) in ``text``."""
    for match in re.finditer(r"[.!?](?=\s+[A-ZÅÄÖ])", text):
        before = text[: match.start()].split()
        last = before[-1] if before else ""
        # abbreviations such as "t.ex." or "resp." do not end a sentence
        if last.lower() in {"t.ex", "bl.a", "resp", "osv", "inkl", "ca", "jfr", "s.k"}:
            continue
        return match.end()
    return None
