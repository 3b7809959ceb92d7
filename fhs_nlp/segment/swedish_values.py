"""Values read from Swedish text without spaCy: dates, years, decision references, bodies.

Each parser takes the surface form as the sources write it ("16 april 2020",
"2020-04-16 § 33", "2022–2025", "(sys, vsh)", "Regionfullmäktiges") and returns the
normalised value an :class:`~fhs_nlp.datamodel.entities.Entity` carries; the entity
context component of the pipeline and the decision readers use the same functions, so a
value means the same everywhere.
"""

from __future__ import annotations

import calendar
import re

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
BODY_ABBREVIATIONS = {"RD": "Regiondirektören", "HSN": "Hälso- och sjukvårdsnämnden"}


GENERIC_BODY_RE = r"^[a-zåäö]{3,}(?:nämnden|nämndens|styrelsen|styrelsens)$"


_BODY_KEYS: dict[str, str] = {
    re.sub(r"\s+", " ", form): name for name, forms in BODIES.items() for form in forms
}


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
    if flat in BODY_ABBREVIATIONS:
        return BODY_ABBREVIATIONS[flat]
    key = flat.lower()
    if key in _BODY_KEYS:
        return _BODY_KEYS[key]
    if re.fullmatch(GENERIC_BODY_RE, key):
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
